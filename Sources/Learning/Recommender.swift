import Clickstream

/// The learning core: shared parameters (meta-learned initialization θ, item parameters, side-feature embeddings,
/// popularity, co-occurrence) plus per-user adapted weights held in ``UserTable``s passed in explicitly.
///
/// A facade over named components: the ``Catalogue`` (ids ↔ indices), the ``MetaLearner`` (θ and its update), and
/// the objective's model behind ``ObjectiveModel`` — ``RankingModel`` (the popularity, co-occurrence, factorisation
/// and item-offset components, their ``Blend``, the query losses and ``Scoring``) or ``RatingModel``. It encodes
/// events, starts users, keeps their seen lists and owns the one generator every random draw comes from.
///
/// A model is single-owner: ``learn(_:users:)``, ``topK(user:k:excludingSeen:users:)`` and the other methods read
/// and write its state without locks. In the daemon they are called only from the worker that owns the model (and
/// the user's partition table), so scoring always reads a consistent snapshot: the state after the last learned
/// event.
public final class Recommender {
    public let configuration: LearningConfiguration
    let layout: UserLayout
    let catalogue: Catalogue
    let meta: MetaLearner
    let model: any ObjectiveModel
    /// The model when the objective is `ranking`…
    let ranking: RankingModel?
    /// …and when it is `rating`.
    let rating: RatingModel?
    /// Every random draw of the model comes from here, in a fixed order: initial item factors, BPR negatives and
    /// inner steps, per-user initial noise (the private meta-update's noise has a source of its own).
    var generator: SplitMix64
    /// Events learned so far.
    public internal(set) var eventsLearned: Int = 0
    /// Whether served lists leave out the user's seen items (the daemon's `scoring.exclude_seen`, on by default):
    /// prequential ranks then count only unseen items, and an event on an item the user has seen is a repeat that
    /// no served list could show (``isRepeat(_:users:)``). Off: ranks are over the whole catalogue. Learning is
    /// the same either way.
    public var excludesSeen = true
    /// Whether learning scores the candidates (`ranking.retrieval: candidates`, or `exact` with
    /// `exact_learning: candidates`): ``learn(_:users:)`` then returns no rank.
    public let usesCandidates: Bool
    /// Whether ``lastServedRank`` holds the served list's rank of each learned event (any retrieval but `full`).
    public let hasServedRank: Bool
    private var encoding: Encoding
    /// The size of the last ``serialized()`` (to reserve the next one at once).
    var lastSerializedSize = 0

    /// How events become ``EncodedEvent``s (the last kind's weight is cached: streams mostly repeat a few kinds).
    private struct Encoding {
        var userFeatures: FeatureHasher?
        /// Users with this share (in millionths) of the user-id hash space are held out of meta-learning.
        var holdoutThreshold: UInt64
        var lastKind = ""
        var lastKindWeight: Float = 1
    }

    /// Creates an untrained model.
    /// - Throws: ``LearningError`` naming the offending key when the configuration is invalid.
    public init(configuration: LearningConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        layout = UserLayout(configuration: configuration)
        let hasher = FeatureHasher(slots: configuration.features.maxPerEntity, buckets: configuration.features.buckets)
        let itemHasher = configuration.features.itemFeatures ? hasher : nil
        catalogue = Catalogue(featureSlots: configuration.features.maxPerEntity, hasher: itemHasher)
        meta = MetaLearner(configuration: configuration, layout: ThetaLayout(configuration: configuration))
        generator = SplitMix64(seed: configuration.seed)
        switch configuration.objective {
        case .ranking:
            let model = RankingModel(configuration: configuration, catalogue: catalogue, meta: meta)
            self.model = model
            ranking = model
            rating = nil
        case .rating:
            let model = RatingModel(configuration: configuration, catalogue: catalogue, meta: meta, layout: layout)
            self.model = model
            ranking = nil
            rating = model
        }
        usesCandidates = configuration.objective == .ranking && configuration.ranking.learnsFromCandidates
        hasServedRank = configuration.objective == .ranking && configuration.ranking.retrieval != .full
        let userFeatures =
            configuration.features.userFeatures
            && (configuration.objective == .ranking || configuration.rating.userFeatures)
        encoding = Encoding(
            userFeatures: userFeatures ? hasher : nil,
            holdoutThreshold: UInt64(configuration.meta.holdoutShare * 1_000_000))
    }

    /// User-level differential privacy of ``metaUpdate(_:)`` (per-user clipping, noise, a public denominator);
    /// `nil`, the default: off.
    public var metaPrivacy: MetaPrivacy? {
        get { meta.privacy }
        set { meta.privacy = newValue }
    }

    /// Whether meta-learning fell back to the initial θ for good (``MetaGuard``: it was measured to hurt on this
    /// stream). Setting it puts θ back to its initial values and stops meta-updates; it cannot be unset (a restart
    /// that restores the flag keeps it).
    public var metaFallback: Bool {
        get { meta.fallenBack }
        set {
            precondition(newValue || !meta.fallenBack, "a fallback of meta-learning cannot be undone")
            if newValue && !meta.fallenBack { meta.fallBack() }
        }
    }

    /// Width of θ's dense part, i.e. of a ``MetaContribution``'s direction.
    public var metaWidth: Int { meta.layout.width }

    /// Meta-updates applied so far (the model version).
    public var metaUpdates: Int { meta.updates }

    /// θ's current values (for inspection and publishing).
    public var metaParameters: [Float] { meta.parameters }

    /// Items that have been learned at least once; scoring covers `0..<itemCount`.
    public var itemCount: Int { catalogue.itemCount }

    /// With candidate retrieval: the target's rank among the candidates the last learned event was scored
    /// against (what a top-K served just before it would have shown), `nil` if it was not retrieved. With exact
    /// retrieval: its rank in the exact top 10 just before the event, `nil` below.
    public var lastServedRank: Int? { ranking?.lastServedRank }

    /// With exact retrieval: what its merges did so far (queries, items scored), else `nil`.
    public var exactRetrievalStatistics: ExactRetrievalStatistics? { ranking?.exact?.statistics }

    /// A table for this model's per-user state (one per shard/partition).
    public func makeUserTable() -> UserTable { UserTable(layout: layout, metaWidth: metaWidth) }

    /// The identifier of catalogue item `index`.
    public func itemIdentifier(_ index: Int32) -> String { catalogue.names[Int(index)] }

    /// Catalogue index of an item, if it was ever encoded.
    public func catalogueIndex(of item: String) -> Int32? { catalogue.index(of: item) }

    /// Bytes of shared state (parameters, co-occurrence rows, maps excluded).
    public var sharedParameterBytes: Int { meta.allocatedBytes + catalogue.allocatedBytes + model.allocatedBytes }

    // MARK: - Encoding

    /// Maps an event's ids to dense indices, creating the user's slot and the item's parameters when new (the
    /// catalogue grows with amortized doubling). Side features are read when the user or item is new.
    /// - Throws: ``LearningError/Code/invalidInput`` for a missing or non-finite rating under `rating`.
    public func encode(_ event: InteractionEvent, users: UserTable) throws -> EncodedEvent {
        var target = Float.nan
        if configuration.objective == .rating {
            guard let v = event.value, v.isFinite else {
                throw LearningError(.invalidInput, "a rating event needs a finite value")
            }
            let g = configuration.rating
            target = Float((min(max(v, g.minimum), g.maximum) - g.minimum) / (g.maximum - g.minimum))
        }
        let slot = users.slot(for: event.user)
        let user = users.view(slot)
        if user.flags == 0 && encoding.holdoutThreshold > 0
            && fnv1a(event.user, seed: 0x686F_6C64_6F75_74) % 1_000_000 < encoding.holdoutThreshold
        {
            user.flags = UserLayout.holdoutFlag
        }
        if !user.isInitialized, let hasher = encoding.userFeatures {
            hasher.write(event.userFeatures, into: user.features, salt: FeatureHasher.userSalt)
        }
        let item = catalogue.index(of: event.item) ?? addItem(event.item, features: event.itemFeatures)
        let weight = configuration.objective == .ranking ? kindWeight(event.kind) : 1
        return EncodedEvent(user: slot, item: item, weight: weight, target: target, timestamp: event.timestamp)
    }

    /// The weight of an event kind.
    @inline(__always)
    private func kindWeight(_ kind: String) -> Float {
        if kind == encoding.lastKind { return encoding.lastKindWeight }
        encoding.lastKind = kind
        encoding.lastKindWeight = Float(configuration.kindWeights[kind] ?? 1)
        return encoding.lastKindWeight
    }

    /// Adds an item to the catalogue and every component's per-item state.
    func addItem(_ id: String, features: [String: [String]]) -> Int32 {
        let i = catalogue.add(id, features: features)
        model.appendItem(generator: &generator)
        return i
    }

    // MARK: - Users

    /// Starts a user's adapted weights from θ (and their side-feature embeddings) on first contact.
    @inline(__always)
    func ensureInitialized(_ slot: Int32, users: UserTable) {
        let user = users.view(slot)
        let flags = user.flags
        guard flags & UserLayout.initializedFlag == 0 else { return }
        user.flags = flags | UserLayout.initializedFlag
        meta.start(user)
        model.start(user, generator: &generator)
    }

    /// Whether the user in slot `slot` is held out of meta-learning (the control arm).
    @inline(__always)
    func isHoldout(_ slot: Int32, users: UserTable) -> Bool { users.view(slot).isHoldout }

    /// Whether `e`'s user is held out of meta-learning: starts from the initial θ and contributes nothing to
    /// meta-updates (``LearningConfiguration/Meta/holdoutShare``).
    public func isHoldout(_ e: EncodedEvent, users: UserTable) -> Bool { isHoldout(e.user, users: users) }

    // MARK: - Learning

    /// Encodes and learns one event.
    public func learn(_ event: InteractionEvent, users: UserTable) throws {
        learn(try encode(event, users: users), users: users)
    }

    /// Learns one encoded event: updates the shared parameters, runs the user's inner loop, and records the user's
    /// meta-contribution. Allocates nothing (amortized catalogue growth aside) and takes no locks.
    ///
    /// Under `ranking` the catalogue is scored for the user before anything is learned (the query loss of the
    /// meta-objective needs it), so the event's prequential rank comes for free: it is returned, equal to what
    /// ``rank(of:users:)`` would have said just before this call (`nil` for an item new to the catalogue, and under
    /// `rating`).
    @discardableResult
    public func learn(_ e: EncodedEvent, users: UserTable) -> Int? {
        precondition(
            users.layout.floatStride == layout.floatStride && users.layout.intStride == layout.intStride,
            "table of another model")
        ensureInitialized(e.user, users: users)
        let seenAt = users.seenPosition(of: e.item, slot: e.user)
        let user = users.view(e.user)
        var contributes = configuration.meta.enabled && !meta.fallenBack && !user.isHoldout
        if contributes, layout.participationFields > 0, !users.hasPendingEntry(e.user) {
            // The user's first event of this round: one more round, unless the user is at the cap.
            if user.participations >= configuration.meta.maxParticipations {
                contributes = false
            } else {
                user.participations += 1
            }
        }
        let entry = contributes ? users.pendingEntry(for: e.user) : -1
        let step = LearningStep(
            event: e, user: user, seen: users.seen[Int(e.user)], repeated: seenAt != nil,
            direction: contributes ? MetaDirection(values: users.pendingDirection(entry), layout: meta.layout) : nil,
            eventsLearned: eventsLearned, excludesSeen: excludesSeen)
        let rank = model.learn(step, generator: &generator)
        if contributes { users.pendingEvents[entry] += 1 }
        user.countEvent()
        users.insertSeen(e.item, at: seenAt, slot: e.user, limit: configuration.seenLimit)
        users.markChanged(e.user)
        catalogue.noteLearned(e.item)
        eventsLearned += 1
        return rank
    }

    /// Whether `e` is a repeat under the serving policy: seen items are excluded from served lists and the user has
    /// interacted with `e`'s item before. A repeat is learned but not scored (no served list could have shown it).
    public func isRepeat(_ e: EncodedEvent, users: UserTable) -> Bool {
        excludesSeen && Int(e.user) < users.seen.count && users.seenPosition(of: e.item, slot: e.user) != nil
    }

    // MARK: - Meta-update

    /// The meta-update: moves θ (and the user-feature embeddings) by the mean of the users' contributions, or with
    /// ``metaPrivacy`` by their clipped, noised sum over its denominator (``MetaLearner/update(_:generator:)``).
    /// With `meta.enabled == false` it does nothing (θ stays frozen).
    public func metaUpdate(_ contributions: [MetaContribution]) {
        meta.update(contributions, generator: &generator)
    }

    // MARK: - Scoring

    /// The user's state for scoring: `nil` for a user the table does not hold (scored from θ), started on first
    /// contact.
    private func scoredUser(_ user: String, users: UserTable) -> (slot: Int32, view: UserView)? {
        guard let slot = users.existingSlot(for: user) else { return nil }
        ensureInitialized(slot, users: users)
        return (slot, users.view(slot))
    }

    /// Predicts `e`'s rating before it is learned, clipped to the configured range (`nan` under `ranking`).
    public func predictRating(_ e: EncodedEvent, users: UserTable) -> Double {
        guard let rating else { return .nan }
        ensureInitialized(e.user, users: users)
        let raw = rating.predict(users.view(e.user), item: e.item)
        let g = configuration.rating
        return min(max(Double(raw), 0), 1) * (g.maximum - g.minimum) + g.minimum
    }

    /// The 0-based rank of `e.item` among all catalogue items the user has not interacted with (plus the item
    /// itself; among all items when ``excludesSeen`` is off), scored before the event is learned — the
    /// prequential HR@K/NDCG@K quantity. Ties rank the earlier first-seen item first. `nil` when the item is not
    /// in the catalogue yet (a brand-new item cannot be ranked).
    public func rank(of e: EncodedEvent, users: UserTable) -> Int? {
        guard Int(e.item) < itemCount else { return nil }
        ensureInitialized(e.user, users: users)
        let list = model.scoreCatalogue(users.view(e.user))
        return list.rank(of: Int(e.item), excluding: excludesSeen ? users.seen[Int(e.user)] : [])
    }

    /// The `k` best items for `user` (over the candidates under candidate retrieval, else the whole catalogue),
    /// best first (ties: earlier first-seen item first). An unknown user gets θ's cold-start ranking.
    /// - Parameter excludingSeen: leave out items the user has interacted with.
    public func topK(
        user: String, k: Int, excludingSeen: Bool = true, users: UserTable
    ) -> [(item: String, score: Float)] {
        topKIndices(user: user, k: k, excludingSeen: excludingSeen, users: users).map {
            (catalogue.names[Int($0.item)], $0.score)
        }
    }

    /// ``topK(user:k:excludingSeen:users:)`` with catalogue indices.
    public func topKIndices(
        user: String, k: Int, excludingSeen: Bool = true, users: UserTable
    ) -> [(item: Int32, score: Float)] {
        let scored = scoredUser(user, users: users)
        let seen = excludingSeen ? scored.map { users.seen[Int($0.slot)] } ?? [] : []
        return model.best(k, user: scored?.view, excluding: seen)
    }

    /// Scores of `items` for `user` over the whole catalogue (the same values
    /// ``topK(user:k:excludingSeen:users:)`` ranks by); `nil` for an item not in the catalogue.
    public func score(user: String, items: [String], users: UserTable) -> [Float?] {
        let list = model.scoreCatalogue(scoredUser(user, users: users)?.view)
        return items.map { id in
            guard let i = catalogue.index(of: id), Int(i) < list.count else { return nil }
            return list.scores[Int(i)]
        }
    }
}
