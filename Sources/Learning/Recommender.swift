import Clickstream
import Foundation
import RealModule

/// Shape constants of the ranking blend.
public enum RankingModelLayout {
    /// Blend components: recent popularity, item-to-item co-occurrence, BPR factorisation, and recent popularity
    /// among cold-start events (what new users interact with first) — past the cold start, with
    /// `ranking.stage_popularity`, among the events of users at the same stage of their history.
    public static let components = 4
    /// The components' names, in the order of their weights.
    public static let componentNames = ["popularity", "co-occurrence", "factors", "stage popularity"]
    /// The blend's initial weights θ depend on the user's event count through these buckets:
    /// `0, 1, 2, 3–4, 5–8, 9–16, 17–32, 33–64, 65+` events seen before.
    public static let buckets = 9

    @inline(__always)
    public static func bucket(eventsSeen n: Int) -> Int {
        if n < 3 { return n }
        return min(buckets - 1, 1 + (64 - (n - 1).leadingZeroBitCount))
    }
}

/// An event whose ids are mapped to the model's dense indices (``Recommender/encode(_:users:)``).
public struct EncodedEvent: Sendable, Equatable {
    /// The user's slot in the ``UserTable`` it was encoded against.
    public var user: Int32
    /// The item's index in the catalogue (first-seen order).
    public var item: Int32
    /// Interaction weight (ranking) from the event's kind.
    public var weight: Float
    /// The rating normalised to `0…1` (rating objective), `nan` otherwise.
    public var target: Float
    /// When it happened, in milliseconds since the Unix epoch (sessions of the ranking objective).
    public var timestamp: Int64
}

/// The learning core: shared parameters (meta-learned initialization θ, item parameters, side-feature embeddings,
/// popularity, co-occurrence) plus per-user adapted weights held in ``UserTable``s passed in explicitly.
///
/// A model is single-owner: ``learn(_:users:)``, ``topK(user:k:excludingSeen:users:)`` and the other methods read
/// and write its state without locks. In the daemon they are called only from the worker that owns the model (and
/// the user's partition table), so scoring always reads a consistent snapshot: the state after the last learned
/// event.
public final class Recommender {
    public let configuration: LearningConfiguration
    /// Applied to the per-user contributions inside ``metaUpdate(_:)`` (per-user clipping and noise).
    public var metaTransform: any MetaContributionTransform = IdentityMetaTransform()

    let objective: LearningConfiguration.Objective
    let d: Int
    let featureSlots: Int
    let featureBuckets: Int
    let window: Int
    /// Most items a user's seen list holds (``LearningConfiguration/seenLimit``).
    let seenLimit: Int
    /// Width of θ's dense part, i.e. of a ``MetaContribution``'s direction.
    public let metaWidth: Int
    /// Where the initial user vector starts within θ (the user-feature embeddings have this part's width).
    let vectorOffset: Int
    let vectorWidth: Int
    /// Meta-SGD (ranking): θ ends with the logarithms of the blend offsets' inner step sizes, one per event-count
    /// bucket and component, starting at this offset; users keep their last blend gradient after their offsets.
    let stepSizes: Bool
    let stepSizeOffset: Int
    let floatStride: Int
    let intStride: Int
    /// Session awareness (``LearningConfiguration/Ranking/sessions``): after the user's recent-item ring the ints
    /// hold one bit per ring position, set when that event started a session (it came more than `session_gap`
    /// seconds after the user's previous event, or was the user's first), then the user's last timestamp
    /// (milliseconds, low and high 32 bits): `⌈window / 32⌉ + 2` fields, 0 without sessions.
    let sessionFields: Int
    /// Events at most this many milliseconds apart continue a session.
    let sessionGap: Int64
    let sessionContextWeight: Float
    let sessionDecay: Float

    var generator: SplitMix64
    private var lastKind = ""
    private var usesUserFeatures: Bool {
        configuration.features.userFeatures && (objective == .ranking || configuration.rating.userFeatures)
    }
    private var lastKindWeight: Float = 1
    /// Events learned so far.
    public private(set) var eventsLearned: Int = 0
    /// Meta-updates applied so far (the model version).
    public private(set) var metaUpdates: Int = 0

    // MARK: Catalogue
    private var itemIndex: [String: Int32] = [:]
    private(set) var itemNames: [String] = []
    /// Items that have been learned at least once; scoring covers `0..<itemCount`.
    public private(set) var itemCount: Int = 0

    // MARK: Shared parameters
    var theta: [Float]
    /// Adam moments of the meta-update (head part of θ).
    var metaMoment1: [Float]
    var metaMoment2: [Float]
    var metaSteps: Int = 0
    var userFeatureEmbeddings: GrowableBuffer<Float>
    var itemFeatureEmbeddings: GrowableBuffer<Float>
    var itemFactors: GrowableBuffer<Float>
    var itemBias: GrowableBuffer<Float>
    var itemCounts: GrowableBuffer<Float>
    var itemFeatures: GrowableBuffer<Int32>
    // Ranking only.
    var popularity: GrowableBuffer<Float>
    var popularityScale: Float = 1
    var popularityMax: Float = 0
    var coldPopularity: GrowableBuffer<Float>
    var coldPopularityScale: Float = 1
    var coldPopularityMax: Float = 0
    /// Stage-conditioned popularity (`ranking.stage_popularity`): one row of decayed counts per stage of a user's
    /// history after the cold start, each with its scale (counts grow instead of decaying) and maximum.
    var stagePopularity: [GrowableBuffer<Float>] = []
    var stagePopularityScale: [Float] = []
    var stagePopularityMax: [Float] = []
    var rowNorm: GrowableBuffer<Float>
    var damp: GrowableBuffer<Float>
    /// Per-item offsets of the blended score (`ranking.item_offset_learning_rate`), learned by the head-softmax
    /// query loss: one row for users in their cold start, one for everyone else.
    var coldItemOffsets: GrowableBuffer<Float>
    var itemOffsets: GrowableBuffer<Float>
    let itemOffsetRate: Float
    /// `ranking.head_learning_rate`: the factorisation's step along the head-softmax query loss.
    let headRate: Float
    var cooccurrence: CooccurrenceTable
    /// Cold-start popularity conditioned on the user's side features (``FeaturePopularity``).
    var featurePopularity: FeaturePopularity
    /// Co-occurrence increments grow by `2^(1/half-life)` per event instead of decaying every weight.
    var cooccurrenceScale: Float = 1
    /// Running scale of each blend component: an average of |positive − mean sampled candidate|, so that blend
    /// weights act on comparable, unit-free values whatever the catalogue and the counts.
    var componentScale: [Float] = [Float](repeating: 1, count: RankingModelLayout.components)
    var componentSpread: [Float] = [Float](repeating: 0, count: RankingModelLayout.components)
    var componentUpdates: Int = 0
    // Rating only.
    var globalMean: Double = 0.5
    var ratingsSeen: Int = 0

    // MARK: Scratch (allocated once, grown with the catalogue)
    var scores: GrowableBuffer<Float>
    var contextWeights: [Float]
    /// The kNN weights of the user's context items for the current scoring (newest first).
    var contextScratch: [Float]
    var mfScores: GrowableBuffer<Float>
    private var topBuffer: [Int32]
    /// The size of the last ``serialized()`` (to reserve the next one at once).
    private var lastSerializedSize = 0
    private var headScratch: GrowableBuffer<Float>
    /// The head-softmax loss's entries (the head, then the target) and their coefficients `∂L/∂s`.
    var headEntries: GrowableBuffer<Int32>
    var headCoefficients: GrowableBuffer<Float>
    /// The user vector's gradient accumulated over the head (`d` floats).
    private var headUserGradient: GrowableBuffer<Float>
    /// Catalogue means of the four components from the last ``fillComponents``.
    var componentMeans: (Float, Float, Float, Float) = (0, 0, 0, 0)
    var popularityScores: GrowableBuffer<Float>
    var coldPopularityScores: GrowableBuffer<Float>
    var knnScores: GrowableBuffer<Float>
    private var candidateMask: GrowableBuffer<Float>
    private var scratchVectors: [Float]
    private var scratchBase: [Float]
    private var scratchTargets: [Float]
    var scratchGradient: [Float]
    private var scratchP: [Float]

    // Candidate retrieval (`ranking.retrieval: candidates`).
    let candidateScratch = CandidateScratch()
    /// The most popular items (by decayed popularity), always candidates.
    let popularPool: IncreasingTopSet
    /// The most popular items among cold-start events, always candidates.
    let coldPool: IncreasingTopSet
    /// The most popular items of each stage after the cold start (`ranking.stage_popularity`), always candidates for
    /// the users of that stage.
    let stagePools: [IncreasingTopSet]
    /// Whether candidate retrieval is on.
    public let usesCandidates: Bool
    /// Whether a full-catalogue scoring left values in ``knnScores`` (candidate queries expect it all zero).
    var neighborScratchDirty = false
    /// With candidate retrieval: the target's rank among the candidates the last learned event was scored
    /// against (what a top-K served just before it would have shown), `nil` if it was not retrieved.
    public private(set) var lastServedRank: Int?
    /// Whether served lists leave out the user's seen items (the daemon's `scoring.exclude_seen`, on by default):
    /// prequential ranks then count only unseen items, and an event on an item the user has seen is a repeat that
    /// no served list could show (``isRepeat(_:users:)``). Off: ranks are over the whole catalogue. Learning is
    /// the same either way.
    public var excludesSeen = true

    /// θ as it was before any meta-update: where held-out users (``LearningConfiguration/Meta/holdoutShare``)
    /// start, and what they blend with.
    let initialTheta: [Float]

    // Constants derived from the configuration.
    private let popularityGrowth: Float
    private let cooccurrenceGrowth: Float
    private let coldPopularityGrowth: Float
    private let stageGrowth: [Float]
    private let stageEdges: [Int]
    private let coldEvents: Int
    private let alpha: Float
    private let beta: Float
    let logComponents: Bool
    let logFloor: Float
    let logNeighbors: Bool

    /// Creates an untrained model.
    /// - Throws: ``LearningError`` naming the offending key when the configuration is invalid.
    public init(configuration: LearningConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        objective = configuration.objective
        featureSlots = configuration.features.maxPerEntity
        featureBuckets = configuration.features.buckets
        generator = SplitMix64(seed: configuration.seed)
        seenLimit = configuration.seenLimit
        let r = configuration.ranking
        let g = configuration.rating
        switch objective {
        case .ranking:
            d = r.factors
            window = r.window
            vectorOffset = RankingModelLayout.buckets * RankingModelLayout.components
            vectorWidth = d
            stepSizes = configuration.meta.innerStepSizes
            floatStride = d + RankingModelLayout.components * (stepSizes ? 2 : 1)
        case .rating:
            d = g.factors
            window = g.window
            vectorOffset = 0
            vectorWidth = 1 + d
            stepSizes = false
            // User bias, user vector, support-window ratings, and the user's scale of item biases.
            floatStride = 1 + d + g.window + 1
        }
        stepSizeOffset = vectorOffset + vectorWidth
        metaWidth = stepSizeOffset + (stepSizes ? RankingModelLayout.buckets * RankingModelLayout.components : 0)
        sessionFields = objective == .ranking && r.sessions ? (window + 31) / 32 + 2 : 0
        sessionGap = Int64((min(r.sessionGap, 1e12) * 1000).rounded(.down))
        sessionContextWeight = Float(r.sessionContextWeight)
        sessionDecay = Float(r.sessionDecay)
        intStride = UserTable.featureBase + featureSlots + window + sessionFields
        theta = [Float](repeating: 0, count: metaWidth)
        metaMoment1 = [Float](repeating: 0, count: metaWidth)
        metaMoment2 = [Float](repeating: 0, count: metaWidth)
        if objective == .ranking {
            for b in 0..<RankingModelLayout.buckets {
                for c in 0..<RankingModelLayout.components {
                    theta[b * RankingModelLayout.components + c] = Float(r.initialBlend[c])
                }
            }
            if stepSizes {
                let start = Float.log(Float(max(r.blendLearningRate, Self.minimumStepSize)))
                for k in stepSizeOffset..<metaWidth { theta[k] = start }
            }
        }
        if objective == .ranking {
            // θ's initial user vector starts off zero so that item factors get a non-zero gradient from the start.
            var thetaGenerator = SplitMix64(seed: configuration.seed ^ 0x7468_6574_61)
            for k in 0..<d { theta[vectorOffset + k] = thetaGenerator.nextGaussian() * Float(r.initialScale) }
        }
        initialTheta = theta
        userFeatureEmbeddings = GrowableBuffer(capacity: 1)
        userFeatureEmbeddings.append(0, count: featureBuckets * vectorWidth)
        itemFeatureEmbeddings = GrowableBuffer(capacity: 1)
        itemFeatureEmbeddings.append(0, count: objective == .rating ? featureBuckets * d : 1)
        itemFactors = GrowableBuffer(capacity: 1024 * d)
        itemBias = GrowableBuffer(capacity: 1024)
        itemCounts = GrowableBuffer(capacity: 1024)
        itemFeatures = GrowableBuffer(capacity: 1024 * max(featureSlots, 1))
        popularity = GrowableBuffer(capacity: 1024)
        coldPopularity = GrowableBuffer(capacity: 1024)
        rowNorm = GrowableBuffer(capacity: 1024)
        damp = GrowableBuffer(capacity: 1024)
        coldItemOffsets = GrowableBuffer(capacity: 1024)
        itemOffsets = GrowableBuffer(capacity: 1024)
        itemOffsetRate = objective == .ranking ? Float(r.itemOffsetLearningRate) : 0
        headRate = objective == .ranking ? Float(r.headLearningRate) : 0
        cooccurrence = CooccurrenceTable(maxNeighbors: r.maxNeighbors)
        featurePopularity = FeaturePopularity(configuration: configuration)
        mfScores = GrowableBuffer(capacity: 1024)
        topBuffer = [Int32](repeating: 0, count: max(r.topNegatives, 1))
        headScratch = GrowableBuffer(capacity: 1024)
        headEntries = GrowableBuffer(capacity: 1024)
        headEntries.append(0)
        headCoefficients = GrowableBuffer(capacity: 1024)
        headCoefficients.append(0)
        headUserGradient = GrowableBuffer(capacity: max(d, 1))
        headUserGradient.append(0, count: max(d, 1))
        popularityScores = GrowableBuffer(capacity: 1024)
        coldPopularityScores = GrowableBuffer(capacity: 1024)
        knnScores = GrowableBuffer(capacity: 1024)
        candidateMask = GrowableBuffer(capacity: 1024)
        scores = GrowableBuffer(capacity: 1024)
        contextWeights = (0..<max(window, 1)).map { Float(Double.pow(r.contextDecay, Double($0))) }
        contextScratch = [Float](repeating: 0, count: max(window, 1))
        scratchVectors = [Float](repeating: 0, count: window * d)
        scratchBase = [Float](repeating: 0, count: window)
        scratchTargets = [Float](repeating: 0, count: window)
        scratchGradient = [Float](repeating: 0, count: max(metaWidth, 1 + d) + 3 * RankingModelLayout.components)
        scratchP = [Float](repeating: 0, count: max(1 + d, floatStride))
        popularityGrowth = Float(Double.pow(2, 1 / r.popularityHalfLife))
        coldPopularityGrowth = Float(Double.pow(2, 1 / r.coldPopularityHalfLife))
        cooccurrenceGrowth = r.cooccurrenceHalfLife > 0 ? Float(Double.pow(2, 1 / r.cooccurrenceHalfLife)) : 1
        alpha = Float(r.neighborAlpha)
        logComponents = r.logComponents
        logFloor = Float(r.logFloor)
        logNeighbors = r.logNeighbors
        beta = Float(r.neighborBeta)
        usesCandidates = objective == .ranking && r.retrieval == .candidates
        popularPool = IncreasingTopSet(capacity: r.candidatePool)
        coldPool = IncreasingTopSet(capacity: r.candidatePool)
        coldEvents = r.coldEvents
        let stages = objective == .ranking && r.stagePopularity ? r.stageEdges.count + 1 : 0
        stageEdges = r.stageEdges
        stageGrowth = r.stageHalfLives.prefix(stages).map { Float(Double.pow(2, 1 / $0)) }
        stagePopularity = (0..<stages).map { _ in GrowableBuffer(capacity: 1024) }
        stagePopularityScale = [Float](repeating: 1, count: stages)
        stagePopularityMax = [Float](repeating: 0, count: stages)
        stagePools = (0..<(usesCandidates ? stages : 0)).map { _ in IncreasingTopSet(capacity: r.candidatePool) }
    }

    /// The stage of a user's history that selects the user's cold-start-like popularity row: 0 (the cold-start
    /// popularity) during the cold start or without `ranking.stage_popularity`, else `1 +` the stage edges passed.
    @inline(__always)
    func stage(eventsSeen n: Int) -> Int {
        guard !stagePopularity.isEmpty, n >= coldEvents else { return 0 }
        var s = 1
        for e in stageEdges where n >= e { s += 1 }
        return s
    }

    /// The counts behind the cold-start popularity component for a stage, and the multiplier relative to their
    /// maximum.
    @inline(__always)
    func stageCounts(_ s: Int) -> (counts: UnsafeMutablePointer<Float>, inverseMax: Float) {
        if s == 0 { return (coldPopularity.base, coldPopularityMax > 0 ? 1 / coldPopularityMax : 0) }
        let m = stagePopularityMax[s - 1]
        return (stagePopularity[s - 1].base, m > 0 ? 1 / m : 0)
    }

    /// A table for this model's per-user state (one per shard/partition).
    public func makeUserTable() -> UserTable {
        UserTable(floatStride: floatStride, intStride: intStride, featureSlots: featureSlots, metaWidth: metaWidth)
    }

    /// The identifier of catalogue item `index`.
    public func itemIdentifier(_ index: Int32) -> String { itemNames[Int(index)] }

    /// Catalogue index of an item, if it was ever encoded.
    public func catalogueIndex(of item: String) -> Int32? { itemIndex[item] }

    /// Bytes of shared state (parameters, co-occurrence rows, maps excluded).
    public var sharedParameterBytes: Int {
        (theta.count + userFeatureEmbeddings.count + itemFeatureEmbeddings.count + itemFactors.count + itemBias.count
            + itemCounts.count + popularity.count + coldPopularity.count + rowNorm.count + damp.count
            + coldItemOffsets.count + itemOffsets.count) * 4 + itemFeatures.count * 4
            + cooccurrence.allocatedBytes + featurePopularity.allocatedBytes
            + stagePopularity.reduce(0) { $0 + $1.count * 4 }
    }

    // MARK: - Encoding

    /// Maps an event's ids to dense indices, creating the user's slot and the item's parameters when new (the
    /// catalogue grows with amortized doubling). Side features are read when the user or item is new.
    /// - Throws: ``LearningError/Code/invalidInput`` for a missing or non-finite rating under `rating`.
    public func encode(_ event: InteractionEvent, users: UserTable) throws -> EncodedEvent {
        var target = Float.nan
        if objective == .rating {
            guard let v = event.value, v.isFinite else {
                throw LearningError(.invalidInput, "a rating event needs a finite value")
            }
            let g = configuration.rating
            target = Float((min(max(v, g.minimum), g.maximum) - g.minimum) / (g.maximum - g.minimum))
        }
        let slot = users.slot(for: event.user)
        let base = Int(slot) * intStride
        if users.ints[base + UserTable.initializedField] == 0 && holdoutThreshold > 0
            && fnv1a(event.user, seed: 0x686F_6C64_6F75_74) % 1_000_000 < holdoutThreshold
        {
            users.ints[base + UserTable.initializedField] = UserTable.holdoutFlag
        }
        if users.ints[base + UserTable.initializedField] & UserTable.initializedFlag == 0 && usesUserFeatures {
            writeFeatures(event.userFeatures, into: users.ints.base + base + UserTable.featureBase, salt: 0x55)
        }
        let item: Int32
        if let i = itemIndex[event.item] {
            item = i
        } else {
            item = addItem(event.item, features: event.itemFeatures)
        }
        let weight = objective == .ranking ? kindWeight(event.kind) : 1
        return EncodedEvent(user: slot, item: item, weight: weight, target: target, timestamp: event.timestamp)
    }

    /// The weight of an event kind (the last kind is cached: streams mostly repeat a few kinds).
    @inline(__always)
    private func kindWeight(_ kind: String) -> Float {
        if kind == lastKind { return lastKindWeight }
        lastKind = kind
        lastKindWeight = Float(configuration.kindWeights[kind] ?? 1)
        return lastKindWeight
    }

    private func writeFeatures(_ features: [String: [String]], into out: UnsafeMutablePointer<Int32>, salt: UInt64) {
        guard featureSlots > 0 else { return }
        var n = 0
        for name in features.keys.sorted() {
            for value in features[name]! where n < featureSlots {
                let h = fnv1a(value, seed: fnv1a(name, seed: 0xCBF2_9CE4_8422_2325 ^ salt))
                out[n] = Int32(truncatingIfNeeded: h % UInt64(featureBuckets))
                n += 1
            }
        }
        while n < featureSlots {
            out[n] = -1
            n += 1
        }
    }

    private func addItem(_ id: String, features: [String: [String]]) -> Int32 {
        let i = Int32(itemNames.count)
        itemNames.append(id)
        itemIndex[id] = i
        let scale = Float(objective == .ranking ? configuration.ranking.initialScale : configuration.rating.initialScale)
        for _ in 0..<d { itemFactors.append(generator.nextGaussian() * scale) }
        itemBias.append(0)
        itemCounts.append(0)
        let f = itemFeatures.count
        itemFeatures.append(-1, count: max(featureSlots, 0))
        if configuration.features.itemFeatures && featureSlots > 0 {
            writeFeatures(features, into: itemFeatures.base + f, salt: 0x49)
        }
        popularity.append(0)
        coldPopularity.append(0)
        for row in stagePopularity { row.append(0) }
        rowNorm.append(1)
        damp.append(1)
        coldItemOffsets.append(0)
        itemOffsets.append(0)
        cooccurrence.ensureItems(itemNames.count)
        featurePopularity.ensureItems(itemNames.count)
        scores.append(0)
        mfScores.append(0)
        popularityScores.append(0)
        coldPopularityScores.append(0)
        knnScores.append(0)
        candidateMask.append(1)
        headScratch.append(0)
        headEntries.append(0)
        headCoefficients.append(0)
        return i
    }

    // MARK: - User initialization

    /// Starts a user's adapted weights from θ (and their side-feature embeddings) on first contact.
    @inline(__always)
    func ensureInitialized(_ slot: Int32, users: UserTable) {
        let ib = Int(slot) * intStride
        let flags = users.ints[ib + UserTable.initializedField]
        guard flags & UserTable.initializedFlag == 0 else { return }
        users.ints[ib + UserTable.initializedField] = flags | UserTable.initializedFlag
        let f = users.floats.base + Int(slot) * floatStride
        if flags & UserTable.holdoutFlag != 0 {
            // Held out of meta-learning: the initial θ, without the (meta-learned) side-feature embeddings.
            for k in 0..<vectorWidth { f[k] = initialTheta[vectorOffset + k] }
        } else {
            initialVector(features: users.ints.base + ib + UserTable.featureBase, into: f)
        }
        if objective == .ranking {
            for c in 0..<RankingModelLayout.components { f[d + c] = 0 }
            // θ is the mean of the initialization; a little per-user noise breaks the symmetry between users so
            // item factors do not all move along one direction.
            let noise = Float(configuration.ranking.userInitNoise)
            if noise > 0 { for k in 0..<d { f[k] += noise * generator.nextGaussian() } }
        }
    }

    /// θ's vector part plus the user's side-feature embeddings.
    @inline(__always)
    private func initialVector(features: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Float>) {
        theta.withUnsafeBufferPointer { t in
            for k in 0..<vectorWidth { out[k] = t[vectorOffset + k] }
        }
        let e = userFeatureEmbeddings.base
        for s in 0..<featureSlots {
            let h = Int(features[s])
            if h < 0 { continue }
            let row = e + h * vectorWidth
            for k in 0..<vectorWidth { out[k] += row[k] }
        }
    }

    /// Users with this share (in millionths) of the user-id hash space are held out of meta-learning.
    private var holdoutThreshold: UInt64 { UInt64(configuration.meta.holdoutShare * 1_000_000) }

    /// Whether the user in slot `slot` is held out of meta-learning (the control arm).
    @inline(__always)
    func isHoldout(_ slot: Int32, users: UserTable) -> Bool {
        users.ints[Int(slot) * intStride + UserTable.initializedField] & UserTable.holdoutFlag != 0
    }

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
        precondition(users.floatStride == floatStride && users.intStride == intStride, "table of another model")
        ensureInitialized(e.user, users: users)
        let seenAt = seenPosition(e.item, users: users, slot: e.user)
        var rank: Int? = nil
        switch objective {
        case .ranking: rank = learnRanking(e, users: users, seenBefore: seenAt != nil)
        case .rating: learnRating(e, users: users)
        }
        let ib = Int(e.user) * intStride
        users.ints[ib + UserTable.eventsField] += 1
        insertSeen(e.item, at: seenAt, users: users, slot: e.user)
        users.markChanged(e.user)
        if Int(e.item) >= itemCount { itemCount = Int(e.item) + 1 }
        eventsLearned += 1
        return rank
    }

    /// Notes `item` as the user's most recent interaction. The list holds the user's `seen_limit` most recently
    /// interacted items exactly, in order of last interaction (oldest first); past the bound the oldest is
    /// forgotten, so a user's state stays bounded however many events they send (an item forgotten this way may be
    /// served again, and a later event on it is scored: the served list could have shown it).
    /// - Parameter at: where `item` already is in the list (``seenPosition(_:users:slot:)``), `nil` if it is not.
    private func insertSeen(_ item: Int32, at: Int?, users: UserTable, slot: Int32) {
        let s = Int(slot)
        if let at {
            // Already seen: it becomes the most recent (a no-op when it already is).
            if at != users.seen[s].count - 1 {
                users.seen[s].remove(at: at)
                users.seen[s].append(item)
            }
            return
        }
        if users.seen[s].count >= seenLimit { users.seen[s].removeFirst(users.seen[s].count - seenLimit + 1) }
        users.seen[s].append(item)
    }

    /// Where `item` is in the user's seen list (a scan from the most recent end: repeats are mostly of recent items).
    private func seenPosition(_ item: Int32, users: UserTable, slot: Int32) -> Int? {
        users.seen[Int(slot)].withUnsafeBufferPointer { list in
            var i = list.count - 1
            while i >= 0 {
                if list[i] == item { return i }
                i -= 1
            }
            return nil
        }
    }

    /// Whether `e` is a repeat under the serving policy: seen items are excluded from served lists and the user has
    /// interacted with `e`'s item before. A repeat is learned but not scored (no served list could have shown it).
    public func isRepeat(_ e: EncodedEvent, users: UserTable) -> Bool {
        excludesSeen && Int(e.user) < users.seen.count && hasSeen(e.item, users: users, slot: e.user)
    }

    /// Whether `user` has interacted with catalogue item `item` (among their `seen_limit` most recent items).
    func hasSeen(_ item: Int32, users: UserTable, slot: Int32) -> Bool {
        seenPosition(item, users: users, slot: slot) != nil
    }

    // MARK: Ranking

    /// The user's blend weights: θ for the user's event-count bucket plus the user's adapted offsets.
    @inline(__always)
    func blendWeights(
        _ f: UnsafePointer<Float>, eventsSeen n: Int, frozen: Bool = false, into w: UnsafeMutablePointer<Float>
    ) {
        let b = RankingModelLayout.bucket(eventsSeen: n) * RankingModelLayout.components
        (frozen ? initialTheta : theta).withUnsafeBufferPointer { t in
            for c in 0..<RankingModelLayout.components { w[c] = t[b + c] + f[d + c] }
        }
    }

    /// The row of item offsets for a user with `n` events seen, `nil` when item offsets are off.
    @inline(__always)
    func itemOffsetRow(eventsSeen n: Int) -> UnsafeMutablePointer<Float>? {
        guard itemOffsetRate > 0 else { return nil }
        return n < configuration.ranking.coldEvents ? coldItemOffsets.base : itemOffsets.base
    }

    /// Fills the component arrays (popularity, co-occurrence, factorisation) for a user context over the catalogue
    /// and returns the per-component normalisation multipliers.
    @inline(__always)
    private func fillComponents(
        p: UnsafePointer<Float>, ring: UnsafePointer<Int32>?, head: Int, context: Int, count n: Int,
        stage: Int = 0, features: UnsafePointer<Int32>? = nil
    ) {
        let q = itemFactors.base
        let b = itemBias.base
        let mf = mfScores.base
        var mfSum: Float = 0
        for i in 0..<n {
            mf[i] = b[i] + Kernels.dot(p, q + i * d, d)
            mfSum += mf[i]
        }
        let knn = knnScores.base
        knn.update(repeating: 0, count: n)
        neighborScratchDirty = true
        if let ring, context > 0 {
            let contextSum = fillContextWeights(ring: ring, head: head, context: context)
            let norm = 1 / (contextSum * cooccurrenceScale)
            for a in 0..<context {
                let j = ring[(head - 1 - a + window) % window]
                let factor = contextScratch[a] * norm * rowNorm[Int(j)]
                cooccurrence.accumulate(j, factor: factor, damp: damp.base, into: knn)
            }
        }
        // Popularity components relative to their maximum; optionally all three count-like components on a log
        // scale, so that the softmax blend is a product of experts (p ∝ pop^w · …) rather than a sum.
        let pop = popularity.base
        let (cold, invCold) = stageCounts(stage)
        let popOut = popularityScores.base
        let coldOut = coldPopularityScores.base
        let invPop = popularityMax > 0 ? 1 / popularityMax : 0
        if logComponents {
            let floor = logFloor
            for i in 0..<n {
                popOut[i] = Kernels.fastLog(pop[i] * invPop + floor)
                coldOut[i] = Kernels.fastLog(cold[i] * invCold + floor)
            }
            if logNeighbors {
                for i in 0..<n { knn[i] = Kernels.fastLog(knn[i] + floor) }
            }
        } else {
            for i in 0..<n {
                popOut[i] = pop[i] * invPop
                coldOut[i] = cold[i] * invCold
            }
        }
        // For a user with side features, the cold-start component becomes the feature-conditioned estimate.
        if let features, featurePopularity.isActive, stage == 0 {
            _ = featurePopularity.fill(
                features: features, slots: featureSlots, cold: cold, coldMax: coldPopularityMax,
                unit: coldPopularityScale, count: n, floor: logFloor, logScale: logComponents, into: coldOut)
        }
        // Catalogue means of the components, for the running component scales.
        var popSum: Float = 0
        var knnSum: Float = 0
        var coldSum: Float = 0
        for i in 0..<n {
            popSum += popOut[i]
            knnSum += knn[i]
            coldSum += coldOut[i]
        }
        let inv = 1 / Float(max(n, 1))
        componentMeans = (popSum * inv, knnSum * inv, mfSum * inv, coldSum * inv)
    }

    /// Fills ``contextScratch`` with the kNN weights of the user's last `context` items (newest first) and returns
    /// their sum: `context_decay^age`, and with sessions also `session_context_weight` for the items of the latest
    /// session and `session_decay` per session boundary between an item and the newest one. Sessions are read from
    /// the past events' timestamps only (what a top-K served now could know).
    @inline(__always)
    func fillContextWeights(ring: UnsafePointer<Int32>, head: Int, context: Int) -> Float {
        var sum: Float = 0
        guard sessionFields > 0 else {
            for a in 0..<context {
                contextScratch[a] = contextWeights[a]
                sum += contextWeights[a]
            }
            return sum
        }
        let starts = ring + window
        var latest = true
        var sessionFactor: Float = 1
        for a in 0..<context {
            let w = contextWeights[a] * (latest ? sessionContextWeight : sessionFactor)
            contextScratch[a] = w
            sum += w
            // Item `a` started its session: the items before it (`a + 1`, …) belong to earlier sessions.
            if Self.startsSession(starts, (head - 1 - a + window) % window) {
                latest = false
                sessionFactor *= sessionDecay
            }
        }
        return sum
    }

    /// Whether the event at ring position `position` started a session (its bit after the ring).
    @inline(__always)
    static func startsSession(_ starts: UnsafePointer<Int32>, _ position: Int) -> Bool {
        UInt32(bitPattern: starts[position >> 5]) & (1 << UInt32(position & 31)) != 0
    }

    /// Normalisation multipliers of the three components (popularity relative to the most popular item, and the
    /// running component scales).
    @inline(__always)
    func componentMultipliers(into m: UnsafeMutablePointer<Float>) {
        for c in 0..<RankingModelLayout.components { m[c] = componentScale[c] }
    }

    /// Tracks the typical gap between the target and the catalogue mean per component (in raw units) and refreshes
    /// the component scales from it, so that blend weights act on comparable, unit-free values.
    func updateComponentScales(targetValues targets: (Float, Float, Float, Float)) {
        let rate: Float = 0.002
        componentUpdates += 1
        let correction = 1 - Float.pow(1 - rate, Float(min(componentUpdates, 100_000)))
        for c in 0..<RankingModelLayout.components {
            let (value, mean): (Float, Float)
            switch c {
            case 0: (value, mean) = (targets.0, componentMeans.0)
            case 1: (value, mean) = (targets.1, componentMeans.1)
            case 2: (value, mean) = (targets.2, componentMeans.2)
            default: (value, mean) = (targets.3, componentMeans.3)
            }
            let gap = abs(value - mean)
            componentSpread[c] += rate * (gap - componentSpread[c])
            // Bias-corrected like Adam's first moment: early estimates are not pulled towards zero.
            let corrected = componentSpread[c] / correction
            componentScale[c] = corrected > 1e-12 ? 1 / corrected : 1
        }
    }

    /// Blended scores from the filled component arrays, plus the item offsets if given.
    @inline(__always)
    private func combine(weights w: UnsafePointer<Float>, count n: Int, offsets o: UnsafePointer<Float>?) {
        var m: (Float, Float, Float, Float) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &m) { mp in
            mp.withMemoryRebound(to: Float.self, capacity: 4) { componentMultipliers(into: $0) }
        }
        let a0 = w[0] * m.0
        let a1 = w[1] * m.1
        let a2 = w[2] * m.2
        let a3 = w[3] * m.3
        let s = scores.base
        let pop = popularityScores.base
        let knn = knnScores.base
        let mf = mfScores.base
        let cold = coldPopularityScores.base
        if let o {
            for i in 0..<n { s[i] = a0 * pop[i] + a1 * knn[i] + a2 * mf[i] + a3 * cold[i] + o[i] }
        } else {
            for i in 0..<n { s[i] = a0 * pop[i] + a1 * knn[i] + a2 * mf[i] + a3 * cold[i] }
        }
    }

    /// Prequential rank of `x` from the filled scores (ties: earlier first-seen item first), seen items excluded.
    @inline(__always)
    private func rankFromScores(_ x: Int, count n: Int, seen: [Int32]) -> Int {
        let s = scores.base
        let t = s[x]
        var above = 0
        for i in 0..<x where s[i] >= t { above += 1 }
        if x + 1 < n { for i in (x + 1)..<n where s[i] > t { above += 1 } }
        for y32 in seen {
            let y = Int(y32)
            if y == x || y >= n { continue }
            if s[y] > t || (s[y] == t && y < x) { above -= 1 }
        }
        return above
    }

    /// Gradient of the softmax over the head of the list — the `top_negatives` best-scored unseen items (ties at the
    /// threshold included) plus the target — per blend weight: `Σ_j p_j z_j − z_target`. The head is found with a
    /// quickselect on a copy of the scores, O(catalogue).
    /// Also writes the loss's entries and coefficients into ``headEntries`` and ``headCoefficients`` and returns
    /// their number.
    func headSoftmaxGradient(
        target x: Int, count n: Int, included: UnsafePointer<Float>, multipliers m: UnsafePointer<Float>,
        gradient g: UnsafeMutablePointer<Float>
    ) -> Int {
        Self.headSoftmaxGradient(
            scores: scores.base,
            components: (popularityScores.base, knnScores.base, mfScores.base, coldPopularityScores.base),
            included: included, count: n, target: x, head: configuration.ranking.topNegatives, multipliers: m,
            work: headScratch.base, gradient: g, entries: headEntries.base, coefficients: headCoefficients.base)
    }

    /// Whether an event's head-softmax loss moves shared parameters (item offsets or the factorisation).
    var learnsFromHead: Bool { itemOffsetRate > 0 || headRate > 0 }

    /// Steps of the shared parameters along the head-softmax loss, from its `count` entries and coefficients
    /// (``headSoftmaxGradient(target:count:included:multipliers:gradient:)``): the item offsets of the user's row
    /// by `−item_offset_learning_rate · ∂L/∂s`, and the factorisation — each entry's item vector and bias and the
    /// user's vector `p` — along `∂L/∂s` times the gradient of the factorisation score `b_i + p·q_i`, at
    /// `head_learning_rate` times the component's scale `m`. `items` maps entries to catalogue indices (`nil`:
    /// entries are catalogue indices). With `direction` (the user's FOMAML contribution), the user vector's loss
    /// gradient goes into it too.
    @inline(__always)
    func applyHeadSteps(
        count: Int, items: UnsafePointer<Int32>?, user p: UnsafeMutablePointer<Float>,
        offsets: UnsafeMutablePointer<Float>?, factorScale m: Float, direction: UnsafeMutablePointer<Float>? = nil
    ) {
        let entries = headEntries.base
        let coefficients = headCoefficients.base
        if let o = offsets {
            for h in 0..<count {
                let i = items.map { Int($0[Int(entries[h])]) } ?? Int(entries[h])
                o[i] -= itemOffsetRate * coefficients[h]
            }
        }
        guard headRate > 0, d > 0 else { return }
        let eta = headRate * m
        let gp = headUserGradient.base
        for k in 0..<d { gp[k] = 0 }
        let q = itemFactors.base
        for h in 0..<count {
            let i = items.map { Int($0[Int(entries[h])]) } ?? Int(entries[h])
            let c = coefficients[h]
            let qi = q + i * d
            let step = eta * c
            for k in 0..<d {
                gp[k] += c * qi[k]
                qi[k] -= step * p[k]
            }
            itemBias[i] -= step
        }
        for k in 0..<d { p[k] -= eta * gp[k] }
        // First-order MAML: this loss is the query loss of the user's adapted weights, so its gradient with respect
        // to the user's vector (in the component's units, like the step) also goes into the user's contribution to
        // θ's initial user vector.
        if let direction {
            for k in 0..<d { direction[vectorOffset + k] -= m * gp[k] }
        }
    }

    /// The head-softmax gradient over `count` scored entries (the whole catalogue, or the gathered candidates):
    /// `Σ_j p_j z_j − z_target` per blend weight, over the `head` best-scored included entries other than the
    /// target (ties at the threshold included) plus the target. `components` are the raw component scores behind
    /// `scores`; `work` is scratch for the quickselect (at least `count` floats). Allocates nothing.
    ///
    /// Also writes the loss's entries into `entries` and `coefficients` (room for `count` values each) — the head,
    /// then the target last — with their coefficients `∂L/∂s_j = p_j − [j = target]`, and returns their number (0
    /// when nothing is included).
    @discardableResult
    static func headSoftmaxGradient(
        scores s: UnsafePointer<Float>,
        components: (
            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
            UnsafeMutablePointer<Float>
        ),
        included: UnsafePointer<Float>, count n: Int, target x: Int, head: Int, multipliers m: UnsafePointer<Float>,
        work: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
        entries: UnsafeMutablePointer<Int32>, coefficients: UnsafeMutablePointer<Float>
    ) -> Int {
        let C = RankingModelLayout.components
        for c in 0..<C { g[c] = 0 }
        var count = 0
        // The best included score is in the head whatever the threshold: the softmax's shift, found in this pass.
        var maxS = s[x]
        for i in 0..<n where i != x && included[i] != 0 {
            work[count] = s[i]
            if s[i] > maxS { maxS = s[i] }
            count += 1
        }
        guard count > 0 else { return 0 }
        let threshold = kthLargest(work, count: count, k: min(head, count))
        @inline(__always)
        func raw(_ c: Int, _ i: Int) -> Float {
            switch c {
            case 0: components.0[i]
            case 1: components.1[i]
            case 2: components.2[i]
            default: components.3[i]
            }
        }
        let st = s[x]
        let et = Kernels.fastExp(st - maxS)
        var total = et
        // Per-component sums in registers (the components are the four arrays of `components`).
        let (m0, m1, m2, m3) = (m[0], m[1], m[2], m[3])
        var (g0, g1, g2, g3) = (et * m0 * raw(0, x), et * m1 * raw(1, x), et * m2 * raw(2, x), et * m3 * raw(3, x))
        var headCount = 0
        for i in 0..<n where i != x && included[i] != 0 && s[i] >= threshold {
            let e = Kernels.fastExp(s[i] - maxS)
            total += e
            g0 += e * m0 * components.0[i]
            g1 += e * m1 * components.1[i]
            g2 += e * m2 * components.2[i]
            g3 += e * m3 * components.3[i]
            entries[headCount] = Int32(truncatingIfNeeded: i)
            coefficients[headCount] = e
            headCount += 1
        }
        (g[0], g[1], g[2], g[3]) = (g0, g1, g2, g3)
        for c in 0..<C { g[c] = g[c] / total - m[c] * raw(c, x) }
        for h in 0..<headCount { coefficients[h] /= total }
        entries[headCount] = Int32(truncatingIfNeeded: x)
        coefficients[headCount] = et / total - 1
        return headCount + 1
    }

    /// The `k`-th largest of `values[0..<count]` (1-based `k`, NaN-free values), overwriting `values`.
    ///
    /// A radix select, most significant byte first, on the values' order-preserving integer keys: each round counts
    /// the candidates' current byte, keeps the bucket holding the `k`-th largest, and compacts it to the front. At
    /// most four rounds of branch-light counting instead of a quickselect's data-dependent swaps; allocates nothing.
    static func kthLargest(_ values: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
        precondition(k >= 1 && k <= count, "k \(k) out of 1...\(count)")
        return values.withMemoryRebound(to: UInt32.self, capacity: count) { keys in
            // Flip negatives entirely and set the sign bit of positives: unsigned order is then float order.
            for i in 0..<count {
                let bits = keys[i]
                keys[i] = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
            }
            var candidates = count
            var rank = k
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { histogram in
                for shift in stride(from: 24, through: 0, by: -8) where candidates > 1 {
                    histogram.initialize(repeating: 0)
                    for i in 0..<candidates { histogram[Int(truncatingIfNeeded: keys[i] >> shift) & 0xFF] += 1 }
                    var bucket = 255
                    while Int(histogram[bucket]) < rank {
                        rank -= Int(histogram[bucket])
                        bucket -= 1
                    }
                    var kept = 0
                    for i in 0..<candidates where Int(truncatingIfNeeded: keys[i] >> shift) & 0xFF == bucket {
                        keys[kept] = keys[i]
                        kept += 1
                    }
                    candidates = kept
                }
            }
            // Every remaining candidate has the same key.
            let key = keys[0]
            return Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
        }
    }

    /// Gradient of `Σ_j log(1 + exp(s_j − s_target))` over the `top_negatives` best-scored unseen items other than
    /// the target (the items standing between the target and the top of the list), per blend weight.
    private func topPairGradient(
        target x: Int, count n: Int, included: UnsafePointer<Float>, multipliers m: UnsafePointer<Float>,
        gradient g: UnsafeMutablePointer<Float>
    ) {
        let s = scores.base
        let limit = min(configuration.ranking.topNegatives, topBuffer.count)
        var filled = 0
        topBuffer.withUnsafeMutableBufferPointer { top in
            for i in 0..<n where i != x && included[i] != 0 {
                let v = s[i]
                if filled == limit && !(v > s[Int(top[limit - 1])]) { continue }
                var pos = filled < limit ? filled : limit - 1
                while pos > 0 && v > s[Int(top[pos - 1])] {
                    top[pos] = top[pos - 1]
                    pos -= 1
                }
                top[pos] = Int32(i)
                if filled < limit { filled += 1 }
            }
            let raws = [popularityScores.base, knnScores.base, mfScores.base, coldPopularityScores.base]
            for c in 0..<RankingModelLayout.components { g[c] = 0 }
            let st = s[x]
            for k in 0..<filled {
                let j = Int(top[k])
                let weight = Kernels.sigmoid(s[j] - st) / Float(max(filled, 1))
                for c in 0..<RankingModelLayout.components { g[c] += weight * m[c] * (raws[c][j] - raws[c][x]) }
            }
        }
    }

    /// The inner-loop step of the user's blend offsets along the query-loss gradient `g` (a fixed step, or
    /// Meta-SGD's learned ones), and the user's meta-direction for θ's blend row of the user's bucket (FOMAML: −g;
    /// Reptile: the adapted offsets).
    @inline(__always)
    private func applyBlendGradient(
        _ g: UnsafePointer<Float>, user f: UnsafeMutablePointer<Float>, eventsSeen n: Int,
        direction dir: UnsafeMutablePointer<Float>?
    ) {
        let C = RankingModelLayout.components
        if stepSizes {
            metaSGDStep(f, gradient: g, eventsSeen: n, direction: dir)
        } else {
            let lr = Float(configuration.ranking.blendLearningRate)
            for c in 0..<C { f[d + c] -= lr * g[c] }
        }
        if let dir {
            let b = RankingModelLayout.bucket(eventsSeen: n) * C
            if configuration.meta.algorithm == .fomaml {
                for c in 0..<C { dir[b + c] -= g[c] }
            } else {
                for c in 0..<C { dir[b + c] += f[d + c] }
            }
        }
    }

    /// Bounds of the Meta-SGD inner step sizes.
    static let minimumStepSize: Double = 1e-5
    static let maximumStepSize: Double = 1

    /// Meta-SGD inner step of the user's blend offsets: `o ← o − α_{b(n)} ⊙ g` with step sizes `α = exp(ℓ)` taken
    /// from θ for the user's event-count bucket. The first-order meta-gradient of this query loss with respect to
    /// the step sizes of the user's previous step is `∂L/∂ℓ = −α ⊙ g ⊙ g_prev` (the offsets moved by `−α ⊙ g_prev`
    /// then); its negative goes into the user's meta-contribution (first-order MAML only).
    @inline(__always)
    private func metaSGDStep(
        _ f: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, eventsSeen n: Int,
        direction dir: UnsafeMutablePointer<Float>?
    ) {
        let C = RankingModelLayout.components
        let previous = f + d + C
        theta.withUnsafeBufferPointer { t in
            if let dir, n > 0, configuration.meta.algorithm == .fomaml {
                let p = stepSizeOffset + RankingModelLayout.bucket(eventsSeen: n - 1) * C
                for c in 0..<C { dir[p + c] += Float.exp(t[p + c]) * g[c] * previous[c] }
            }
            let b = stepSizeOffset + RankingModelLayout.bucket(eventsSeen: n) * C
            for c in 0..<C {
                f[d + c] -= Float.exp(t[b + c]) * g[c]
                previous[c] = g[c]
            }
        }
    }

    /// - Parameter seenBefore: the user has interacted with the item before (a repeat): its co-occurrence with the
    ///   user's recent items was counted then and is not counted again.
    private func learnRanking(_ e: EncodedEvent, users: UserTable, seenBefore: Bool) -> Int? {
        let r = configuration.ranking
        let slot = Int(e.user)
        let f = users.floats.base + slot * floatStride
        let ib = slot * intStride
        let ring = users.ints.base + ib + UserTable.featureBase + featureSlots
        let n = Int(users.ints[ib + UserTable.eventsField])
        let head = Int(users.ints[ib + UserTable.headField])
        let length = min(n, window)
        let x = e.item
        let catalogue = max(itemCount, Int(x) + 1)
        let holdout = isHoldout(e.user, users: users)
        let userStage = stage(eventsSeen: n)
        let offsets = itemOffsetRow(eventsSeen: n)
        let metaOn = configuration.meta.enabled && !holdout
        let entry = metaOn ? users.pendingEntry(for: e.user) : -1
        let dir = metaOn ? users.pendingDirections.base + entry * metaWidth : nil
        var rank: Int? = nil

        // 1. Score the catalogue with the user's adapted weights before learning the event: the prequential rank,
        //    and the query loss (full-catalogue softmax over unseen items) whose gradient is FOMAML's direction for
        //    θ's blend row of this bucket and the inner-loop step of the user's blend offsets.
        lastServedRank = nil
        if Int(x) < itemCount && usesCandidates {
            // The same query loss over the candidates only (what a served top-K is drawn from).
            let context = min(length, r.neighborContext)
            let query = gatherCandidates(
                p: f, ring: ring, head: head, context: context, count: itemCount, stage: userStage, target: x,
                sampleMeans: true)
            let t = query.target!
            scratchGradient.withUnsafeMutableBufferPointer { gb in
                let C = RankingModelLayout.components
                let g = gb.baseAddress!
                let w = g + C
                let m = g + 2 * C
                blendWeights(f, eventsSeen: n, frozen: holdout, into: w)
                combineCandidates(weights: w, count: query.count, offsets: offsets)
                includeUnseenCandidates(count: query.count, seen: users.seen[slot], target: t)
                if query.targetRetrieved {
                    lastServedRank = candidateRank(target: t, count: query.count, unseenOnly: excludesSeen)
                }
                let cs = candidateScratch
                if itemCount > 1 {
                    updateComponentScales(
                        targetValues: (cs.popularity[t], cs.neighbors[t], cs.factors[t], cs.coldPopularity[t]))
                }
                if (metaOn || r.blendLearningRate > 0 || learnsFromHead) && itemCount > 1 {
                    componentMultipliers(into: m)
                    let entries = candidateHeadSoftmaxGradient(target: t, count: query.count, multipliers: m, gradient: g)
                    applyHeadSteps(
                        count: entries, items: candidateScratch.items.base, user: f, offsets: offsets, factorScale: m[2],
                        direction: configuration.meta.algorithm == .fomaml ? dir : nil)
                    applyBlendGradient(g, user: f, eventsSeen: n, direction: dir)
                }
            }
        } else if Int(x) < itemCount {
            let context = min(length, r.neighborContext)
            fillComponents(
                p: f, ring: ring, head: head, context: context, count: itemCount, stage: userStage,
                features: users.ints.base + ib + UserTable.featureBase)
            scratchGradient.withUnsafeMutableBufferPointer { gb in
                let C = RankingModelLayout.components
                let g = gb.baseAddress!
                let w = g + C
                let m = g + 2 * C
                blendWeights(f, eventsSeen: n, frozen: holdout, into: w)
                combine(weights: w, count: itemCount, offsets: offsets)
                rank = rankFromScores(Int(x), count: itemCount, seen: excludesSeen ? users.seen[slot] : [])
                if itemCount > 1 {
                    updateComponentScales(
                        targetValues: (
                            popularityScores[Int(x)], knnScores[Int(x)], mfScores[Int(x)],
                            coldPopularityScores[Int(x)]
                        ))
                }
                let learnBlend = metaOn || r.blendLearningRate > 0 || learnsFromHead
                if learnBlend && itemCount > 1 {
                    componentMultipliers(into: m)
                    let mask = candidateMask.base
                    for y in users.seen[slot] { mask[Int(y)] = 0 }
                    mask[Int(x)] = 1
                    if r.metaLoss == .softmax {
                        _ = Kernels.catalogueSoftmax(
                            weights: w, multipliers: m, raw0: popularityScores.base, raw1: knnScores.base,
                            raw2: mfScores.base, raw3: coldPopularityScores.base,
                            count: itemCount, target: Int(x), included: mask, scratch: scores.base, gradient: g)
                    } else if r.metaLoss == .headSoftmax {
                        let entries = headSoftmaxGradient(
                            target: Int(x), count: itemCount, included: mask, multipliers: m, gradient: g)
                        applyHeadSteps(
                            count: entries, items: nil, user: f, offsets: offsets, factorScale: m[2],
                            direction: configuration.meta.algorithm == .fomaml ? dir : nil)
                    } else {
                        topPairGradient(target: Int(x), count: itemCount, included: mask, multipliers: m, gradient: g)
                    }
                    for y in users.seen[slot] { mask[Int(y)] = 1 }
                    applyBlendGradient(g, user: f, eventsSeen: n, direction: dir)
                }
            }
        }

        // 2. BPR with uniform negatives: item parameters and the user vector.
        if catalogue > 1 {
            let lr = Float(r.learningRate)
            let lrU = Float(r.userLearningRate)
            let lrBias = Float(r.biasLearningRate)
            let lambda = Float(r.regularization)
            scratchGradient.withUnsafeMutableBufferPointer { gb in
                let gp = gb.baseAddress!
                for k in 0..<d { gp[k] = 0 }
                let qx = itemFactors.base + Int(x) * d
                for _ in 0..<r.negatives {
                    let j = Int32(generator.next(below: catalogue))
                    if j == x { continue }
                    let qj = itemFactors.base + Int(j) * d
                    let g = Kernels.bprCoefficient(
                        p: f, qPositive: qx, qNegative: qj, bPositive: itemBias[Int(x)], bNegative: itemBias[Int(j)],
                        factors: d, weight: e.weight)
                    for k in 0..<d {
                        let pk = f[k]
                        gp[k] += g * (qx[k] - qj[k])
                        qx[k] += lr * (g * pk - lambda * qx[k])
                        qj[k] += lr * (-g * pk - lambda * qj[k])
                    }
                    itemBias[Int(x)] += lrBias * g
                    itemBias[Int(j)] -= lrBias * g
                }
                for k in 0..<d { f[k] += lrU * (gp[k] - lambda * f[k]) }
                if let dir, configuration.meta.algorithm == .fomaml {
                    for k in 0..<d { dir[vectorOffset + k] += gp[k] }
                }
                // Inner steps on the user vector over the support window (the user's recent items).
                if length > 0 {
                    for _ in 0..<r.innerSteps {
                        let a = generator.next(below: length)
                        let pos = ring[(head - 1 - a + window) % window]
                        let j = Int32(generator.next(below: catalogue))
                        if j == pos { continue }
                        let qp = itemFactors.base + Int(pos) * d
                        let qj = itemFactors.base + Int(j) * d
                        let g = Kernels.bprCoefficient(
                            p: f, qPositive: qp, qNegative: qj, bPositive: itemBias[Int(pos)],
                            bNegative: itemBias[Int(j)], factors: d, weight: 1)
                        for k in 0..<d { f[k] += lrU * (g * (qp[k] - qj[k]) - lambda * f[k]) }
                    }
                }
                if let dir, configuration.meta.algorithm == .reptile {
                    initialVector(features: users.ints.base + ib + UserTable.featureBase, into: gp)
                    for k in 0..<d { dir[vectorOffset + k] += f[k] - gp[k] }
                }
            }
        }
        if metaOn { users.pendingEvents[entry] += 1 }

        // 3. Shared statistics: co-occurrence with the user's recent items (a user's pair counted once: not again
        //    on a repeat — counting re-clicks inflated pairs, YOOCHOOSE HR@10 0.2505 → 0.2766), counts, popularity.
        let co = seenBefore ? 0 : min(length, r.cooccurrenceWindow)
        var decay: Float = 1
        let step = Float(r.cooccurrenceDecay)
        let reverseWeight = Float(r.reverseWeight)
        cooccurrenceScale *= cooccurrenceGrowth
        if cooccurrenceScale > 1e20 {
            cooccurrence.scaleAll(1 / cooccurrenceScale)
            cooccurrenceScale = 1
        }
        decay *= cooccurrenceScale
        for a in 0..<co {
            let j = ring[(head - 1 - a + window) % window]
            if j != x {
                cooccurrence.add(j, x, e.weight * decay)
                if reverseWeight > 0 { cooccurrence.add(x, j, e.weight * decay * reverseWeight) }
            }
            decay *= step
        }
        let xi = Int(x)
        itemCounts[xi] += e.weight
        rowNorm[xi] = Float.pow(itemCounts[xi] + 1, -alpha)
        damp[xi] = Float.pow(itemCounts[xi] + 1, -beta)
        Self.addDecayedCount(
            e.weight, at: xi, to: popularity, scale: &popularityScale, maximum: &popularityMax,
            growth: popularityGrowth)
        if usesCandidates { popularPool.noteIncrease(x, values: popularity.base) }
        if n < r.coldEvents {
            Self.addDecayedCount(
                e.weight, at: xi, to: coldPopularity, scale: &coldPopularityScale, maximum: &coldPopularityMax,
                growth: coldPopularityGrowth
            ) { inv in
                if featurePopularity.isActive { featurePopularity.scaleAll(inv) }
            }
            if featurePopularity.isActive {
                featurePopularity.record(
                    x, amount: e.weight * coldPopularityScale, features: users.ints.base + ib + UserTable.featureBase,
                    slots: featureSlots)
            }
            if usesCandidates { coldPool.noteIncrease(x, values: coldPopularity.base) }
        } else if userStage > 0 {
            let s = userStage - 1
            let row = stagePopularity[s]
            Self.addDecayedCount(
                e.weight, at: xi, to: row, scale: &stagePopularityScale[s], maximum: &stagePopularityMax[s],
                growth: stageGrowth[s])
            if usesCandidates { stagePools[s].noteIncrease(x, values: row.base) }
        }
        ring[head] = x
        if sessionFields > 0 {
            // Whether `x` starts a session: the user's first event, or more than `session_gap` after the previous.
            let t = ring + window + sessionFields - 2
            let last = Int64(UInt32(bitPattern: t[0])) | Int64(t[1]) << 32
            let startsSession = n == 0 || e.timestamp &- last > sessionGap
            let bit = UInt32(1) << UInt32(head & 31)
            let word = UInt32(bitPattern: ring[window + (head >> 5)])
            ring[window + (head >> 5)] = Int32(bitPattern: startsSession ? word | bit : word & ~bit)
            t[0] = Int32(truncatingIfNeeded: e.timestamp)
            t[1] = Int32(truncatingIfNeeded: e.timestamp >> 32)
        }
        users.ints[ib + UserTable.headField] = Int32((head + 1) % window)
        return rank
    }

    /// Adds one event's `amount` to `counts[item]`, a row of decayed counts kept as growing increments instead of
    /// decaying every count: the row's `scale` grows by `growth` per event of the row and `amount × scale` is added;
    /// when the scale passes 1e30 the row, its `maximum` and whatever `rescale` covers are divided by it. Keeps
    /// `maximum` up to date. (Popularity, cold-start popularity and each stage's popularity.)
    @inline(__always)
    static func addDecayedCount(
        _ amount: Float, at item: Int, to counts: GrowableBuffer<Float>, scale: inout Float, maximum: inout Float,
        growth: Float, rescale: (Float) -> Void = { _ in }
    ) {
        scale *= growth
        if scale > 1e30 {
            let inv = 1 / scale
            for i in 0..<counts.count { counts[i] *= inv }
            rescale(inv)
            maximum *= inv
            scale = 1
        }
        counts[item] += amount * scale
        if counts[item] > maximum { maximum = counts[item] }
    }

    // MARK: Rating

    /// Effective item vector: factors plus the mean of the item's side-feature embeddings.
    @inline(__always)
    private func effectiveVector(_ x: Int, into out: UnsafeMutablePointer<Float>) {
        let q = itemFactors.base + x * d
        for k in 0..<d { out[k] = q[k] }
        guard configuration.features.itemFeatures, featureSlots > 0 else { return }
        let fs = itemFeatures.base + x * featureSlots
        var count = 0
        for s in 0..<featureSlots where fs[s] >= 0 { count += 1 }
        guard count > 0 else { return }
        let inv = 1 / Float(count)
        for s in 0..<featureSlots where fs[s] >= 0 {
            let row = itemFeatureEmbeddings.base + Int(fs[s]) * d
            for k in 0..<d { out[k] = Relaxed.multiplyAdd(inv, row[k], out[k]) }
        }
    }

    /// Normalised (0…1, unclipped) rating prediction for user floats `f` and item `x`.
    @inline(__always)
    private func ratingPrediction(_ f: UnsafePointer<Float>, _ x: Int, vector v: UnsafeMutablePointer<Float>) -> Float {
        effectiveVector(x, into: v)
        return Float(globalMean) + f[0] + itemBias[x] * (1 + f[biasScaleField]) + Kernels.dot(f + 1, v, d)
    }

    /// One step on the user's scale of item biases `c_u` (prediction `μ + b_u + c_u·b_i + p·v`, `c_u` starting at 1)
    /// against the query error, with the user's decayed step size and an L2 pull back to 1.
    @inline(__always)
    private func learnBiasScale(
        _ f: UnsafeMutablePointer<Float>, error err: Float, itemBias b: Float, eventsSeen n: Int
    ) {
        let g = configuration.rating
        let userDecay =
            g.userDecayPower > 0
            ? max(Float.pow(1 + Float(n) / Float(g.userDecayCount), -Float(g.userDecayPower)), Float(g.userDecayFloor))
            : 1
        let lr = Float(g.biasScaleLearningRate) * userDecay
        f[biasScaleField] -= lr * (err * b + Float(g.biasScaleRegularization) * f[biasScaleField])
    }

    /// Rating objective: where the user's `c_u − 1` sits in the user's floats (after the support-window ratings).
    private var biasScaleField: Int { 1 + d + window }

    /// Predicts `e`'s rating before it is learned, clipped to the configured range.
    public func predictRating(_ e: EncodedEvent, users: UserTable) -> Double {
        ensureInitialized(e.user, users: users)
        let f = users.floats.base + Int(e.user) * floatStride
        let raw: Float = scratchP.withUnsafeMutableBufferPointer { v in
            ratingPrediction(f, Int(e.item), vector: v.baseAddress!)
        }
        let g = configuration.rating
        return min(max(Double(raw), 0), 1) * (g.maximum - g.minimum) + g.minimum
    }

    private func learnRating(_ e: EncodedEvent, users: UserTable) {
        let g = configuration.rating
        let slot = Int(e.user)
        let f = users.floats.base + slot * floatStride
        let ib = slot * intStride
        let ring = users.ints.base + ib + UserTable.featureBase + featureSlots
        let values = f + 1 + d
        let n = Int(users.ints[ib + UserTable.eventsField])
        let head = Int(users.ints[ib + UserTable.headField])
        let xi = Int(e.item)
        let y = e.target

        scratchVectors.withUnsafeMutableBufferPointer { vb in
            scratchGradient.withUnsafeMutableBufferPointer { gb in
                let v = vb.baseAddress!
                let grad = gb.baseAddress!
                // Query error at the adapted weights, before learning.
                let err = ratingPrediction(f, xi, vector: v) - y
                if configuration.meta.enabled && !isHoldout(e.user, users: users) {
                    let entry = users.pendingEntry(for: e.user)
                    let dir = users.pendingDirections.base + entry * metaWidth
                    if configuration.meta.algorithm == .fomaml {
                        dir[0] -= err
                        for k in 0..<d { dir[1 + k] -= err * v[k] }
                    }
                    users.pendingEvents[entry] += 1
                }
                // Shared item parameters with per-item step-size decay.
                let lr = Float(g.learningRate) * Float.pow(1 + itemCounts[xi] / Float(g.itemDecayCount), -Float(g.itemDecayPower))
                let lambda = Float(g.regularization)
                let q = itemFactors.base + xi * d
                for k in 0..<d { q[k] -= lr * (err * f[1 + k] + lambda * q[k]) }
                // ∂/∂b_i of the prediction is the user's scale c_u.
                let oldBias = itemBias[xi]
                itemBias[xi] -= lr * Float(g.biasLearningRateScale) * err * (1 + f[biasScaleField])
                if configuration.features.itemFeatures && featureSlots > 0 {
                    let fs = itemFeatures.base + xi * featureSlots
                    var count = 0
                    for s in 0..<featureSlots where fs[s] >= 0 { count += 1 }
                    if count > 0 {
                        let scale = lr / Float(count)
                        for s in 0..<featureSlots where fs[s] >= 0 {
                            let row = itemFeatureEmbeddings.base + Int(fs[s]) * d
                            for k in 0..<d { row[k] -= scale * (err * f[1 + k] + lambda * row[k]) }
                        }
                    }
                }
                itemCounts[xi] += 1
                ratingsSeen += 1
                globalMean += (Double(y) - globalMean) / Double(ratingsSeen)

                // Support window: push the event, then k inner steps on the window.
                ring[head] = e.item
                values[head] = y
                users.ints[ib + UserTable.headField] = Int32((head + 1) % window)
                let count = min(n + 1, window)
                if g.innerSteps > 0 {
                    scratchBase.withUnsafeMutableBufferPointer { bb in
                        for w in 0..<count {
                            let item = Int(ring[w])
                            effectiveVector(item, into: v + w * d)
                            bb[w] = Float(globalMean) + itemBias[item] * (1 + f[biasScaleField])
                        }
                        // Per-user step-size decay: young users adapt fast, settled users move less.
                        let userDecay =
                            g.userDecayPower > 0
                            ? max(
                                Float.pow(1 + Float(n) / Float(g.userDecayCount), -Float(g.userDecayPower)),
                                Float(g.userDecayFloor)) : 1
                        let lrU = Float(g.userLearningRate) * userDecay
                        let lrP = Float(g.userFactorLearningRate) * userDecay
                        for _ in 0..<g.innerSteps {
                            _ = Kernels.ratingWindowLoss(
                                userBias: f[0], p: f + 1, base: bb.baseAddress!, vectors: v, targets: values,
                                count: count, factors: d, shrinkage: Float(g.shrinkage), regularization: lambda,
                                gradient: grad)
                            f[0] -= lrU * grad[0]
                            for k in 1...d { f[k] -= lrP * grad[k] }
                        }
                    }
                }
                if g.biasScaleLearningRate > 0 {
                    learnBiasScale(f, error: err, itemBias: oldBias, eventsSeen: n)
                }
                if configuration.meta.enabled && configuration.meta.algorithm == .reptile
                    && !isHoldout(e.user, users: users)
                {
                    let entry = users.pendingEntry(for: e.user)
                    let dir = users.pendingDirections.base + entry * metaWidth
                    scratchP.withUnsafeMutableBufferPointer { pb in
                        initialVector(features: users.ints.base + ib + UserTable.featureBase, into: pb.baseAddress!)
                        for k in 0...d { dir[k] += f[k] - pb[k] }
                    }
                }
            }
        }
    }

    // MARK: - Meta-update

    /// The meta-update: moves θ (and the user-feature embeddings) by the mean of the users' transformed
    /// contributions. With `meta.enabled == false` it does nothing (θ stays frozen).
    ///
    /// Each contribution passes through ``metaTransform`` (per-user clipping), the sum through its `finalize`
    /// (noise), and the mean is applied with `meta.learning_rate` for the blend rows / user bias and
    /// `meta.vector_learning_rate` for the initial user vector; a user's side-feature embeddings move with the
    /// vector part of that user's direction.
    public func metaUpdate(_ contributions: [MetaContribution]) {
        guard configuration.meta.enabled, !contributions.isEmpty else { return }
        var sum = [Float](repeating: 0, count: metaWidth)
        var transformed: [MetaContribution] = []
        transformed.reserveCapacity(contributions.count)
        for var c in contributions {
            precondition(c.direction.count == metaWidth, "contribution of another model shape")
            metaTransform.transform(&c)
            for k in 0..<metaWidth { sum[k] += c.direction[k] }
            transformed.append(c)
        }
        metaTransform.finalize(sum: &sum, contributors: contributions.count, generator: &generator)
        let inv = 1 / Float(contributions.count)
        let lrHead = Float(configuration.meta.learningRate)
        let lrVector = Float(configuration.meta.vectorLearningRate)
        // Blend rows (ranking) take Adam with the head rate; the initial user weights (and, under rating, the initial
        // user bias) a plain averaged step with the vector rate.
        let headEnd = objective == .ranking ? vectorOffset : 0
        // Blend rows / user bias: Adam on the mean direction (scale-free steps; the components' gradients differ by
        // orders of magnitude). Initial user vector: plain averaged step.
        metaSteps += 1
        let b1: Float = 0.9
        let b2: Float = 0.999
        let c1 = 1 - Float.pow(b1, Float(min(metaSteps, 10_000)))
        let c2 = 1 - Float.pow(b2, Float(min(metaSteps, 10_000)))
        for k in 0..<metaWidth {
            let g = sum[k] * inv
            if k < headEnd || (stepSizes && k >= stepSizeOffset) {
                metaMoment1[k] = b1 * metaMoment1[k] + (1 - b1) * g
                metaMoment2[k] = b2 * metaMoment2[k] + (1 - b2) * g * g
                let v = metaMoment2[k] / c2
                let lr = k < headEnd ? lrHead : Float(configuration.meta.stepSizeLearningRate)
                if v > 0 { theta[k] += lr * (metaMoment1[k] / c1) / (v.squareRoot() + 1e-8) }
                if k >= stepSizeOffset {
                    let low = Float.log(Float(Self.minimumStepSize))
                    theta[k] = min(max(theta[k], low), Float.log(Float(Self.maximumStepSize)))
                }
            } else {
                theta[k] += lrVector * g
            }
        }
        if configuration.features.userFeatures {
            for c in transformed {
                for h in c.features where h >= 0 && Int(h) < featureBuckets {
                    let row = userFeatureEmbeddings.base + Int(h) * vectorWidth
                    for k in 0..<vectorWidth {
                        let lr = (vectorOffset + k) < headEnd ? lrHead : lrVector
                        row[k] += lr * c.direction[vectorOffset + k] * inv
                    }
                }
            }
        }
        metaUpdates += 1
    }

    /// θ's current values (for inspection and publishing).
    public var metaParameters: [Float] { theta }

    // MARK: - Scoring

    /// Fills the score scratch for a user view; returns the number of items scored.
    private func scoreAll(user slot: Int32?, users: UserTable) -> Int {
        let n = itemCount
        guard n > 0 else { return 0 }
        let s = scores.base
        switch objective {
        case .rating:
            scratchP.withUnsafeMutableBufferPointer { pb in
                scratchVectors.withUnsafeMutableBufferPointer { vb in
                    let f: UnsafePointer<Float>
                    if let slot {
                        f = UnsafePointer(users.floats.base + Int(slot) * floatStride)
                    } else {
                        theta.withUnsafeBufferPointer { t in
                            for k in 0...d { pb[k] = t[k] }
                        }
                        pb[biasScaleField] = 0
                        f = UnsafePointer(pb.baseAddress!)
                    }
                    for i in 0..<n { s[i] = ratingPrediction(f, i, vector: vb.baseAddress!) }
                }
            }
        case .ranking:
            scratchGradient.withUnsafeMutableBufferPointer { gb in
                let w = gb.baseAddress!
                if let slot {
                    let f = users.floats.base + Int(slot) * floatStride
                    let ib = Int(slot) * intStride
                    let events = Int(users.ints[ib + UserTable.eventsField])
                    blendWeights(f, eventsSeen: events, frozen: isHoldout(slot, users: users), into: w)
                    fillComponents(
                        p: f, ring: users.ints.base + ib + UserTable.featureBase + featureSlots,
                        head: Int(users.ints[ib + UserTable.headField]),
                        context: min(min(events, window), configuration.ranking.neighborContext), count: n,
                        stage: stage(eventsSeen: events), features: users.ints.base + ib + UserTable.featureBase)
                } else {
                    let p = w + RankingModelLayout.components
                    theta.withUnsafeBufferPointer { t in
                        for c in 0..<RankingModelLayout.components { w[c] = t[c] }
                        for k in 0..<d { p[k] = t[vectorOffset + k] }
                    }
                    fillComponents(p: p, ring: nil, head: 0, context: 0, count: n)
                }
                let events = slot.map { Int(users.ints[Int($0) * intStride + UserTable.eventsField]) } ?? 0
                combine(weights: w, count: n, offsets: itemOffsetRow(eventsSeen: events))
            }
        }
        return n
    }

    /// The 0-based rank of `e.item` among all catalogue items the user has not interacted with (plus the item
    /// itself; among all items when ``excludesSeen`` is off), scored before the event is learned — the prequential HR@K/NDCG@K quantity. Ties rank the earlier
    /// first-seen item first. `nil` when the item is not in the catalogue yet (a brand-new item cannot be ranked).
    public func rank(of e: EncodedEvent, users: UserTable) -> Int? {
        guard Int(e.item) < itemCount else { return nil }
        ensureInitialized(e.user, users: users)
        let n = scoreAll(user: e.user, users: users)
        return rankFromScores(Int(e.item), count: n, seen: excludesSeen ? users.seen[Int(e.user)] : [])
    }

    /// The `k` best items for `user` over the whole catalogue, best first (ties: earlier first-seen item first).
    /// An unknown user gets θ's cold-start ranking.
    /// - Parameter excludingSeen: leave out items the user has interacted with.
    public func topK(user: String, k: Int, excludingSeen: Bool = true, users: UserTable) -> [(item: String, score: Float)] {
        topKIndices(user: user, k: k, excludingSeen: excludingSeen, users: users).map { (itemNames[Int($0.item)], $0.score) }
    }

    /// ``topK(user:k:excludingSeen:users:)`` with catalogue indices.
    public func topKIndices(user: String, k: Int, excludingSeen: Bool = true, users: UserTable) -> [(item: Int32, score: Float)] {
        let slot = users.existingSlot(for: user)
        if let slot { ensureInitialized(slot, users: users) }
        if usesCandidates { return topKCandidates(user: slot, k: k, excludingSeen: excludingSeen, users: users) }
        let n = scoreAll(user: slot, users: users)
        guard n > 0, k > 0 else { return [] }
        let s = scores.base
        if excludingSeen, let slot {
            for y in users.seen[Int(slot)] where Int(y) < n { s[Int(y)] = -.infinity }
        }
        // Selection of the k best with a small sorted buffer (k is small; n is the catalogue).
        var best: [(item: Int32, score: Float)] = []
        best.reserveCapacity(k + 1)
        for i in 0..<n {
            let v = s[i]
            if v == -.infinity { continue }
            if best.count == k && !(v > best[k - 1].score) { continue }
            var pos = best.count
            while pos > 0 && v > best[pos - 1].score { pos -= 1 }
            best.insert((Int32(i), v), at: pos)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// ``topKIndices(user:k:excludingSeen:users:)`` under candidate retrieval: the best of the user's candidates.
    private func topKCandidates(user slot: Int32?, k: Int, excludingSeen: Bool, users: UserTable) -> [(item: Int32, score: Float)] {
        let n = itemCount
        guard n > 0, k > 0 else { return [] }
        return scratchGradient.withUnsafeMutableBufferPointer { gb in
            let C = RankingModelLayout.components
            let w = gb.baseAddress!
            let query: CandidateQuery
            if let slot {
                let f = users.floats.base + Int(slot) * floatStride
                let ib = Int(slot) * intStride
                let events = Int(users.ints[ib + UserTable.eventsField])
                blendWeights(f, eventsSeen: events, frozen: isHoldout(slot, users: users), into: w)
                query = gatherCandidates(
                    p: f, ring: users.ints.base + ib + UserTable.featureBase + featureSlots,
                    head: Int(users.ints[ib + UserTable.headField]),
                    context: min(min(events, window), configuration.ranking.neighborContext), count: n,
                    stage: stage(eventsSeen: events), target: nil, sampleMeans: false)
            } else {
                let p = w + C
                theta.withUnsafeBufferPointer { t in
                    for c in 0..<C { w[c] = t[c] }
                    for i in 0..<d { p[i] = t[vectorOffset + i] }
                }
                query = gatherCandidates(
                    p: p, ring: nil, head: 0, context: 0, count: n, target: nil, sampleMeans: false)
            }
            let events = slot.map { Int(users.ints[Int($0) * intStride + UserTable.eventsField]) } ?? 0
            combineCandidates(weights: w, count: query.count, offsets: itemOffsetRow(eventsSeen: events))
            let seen = excludingSeen && slot != nil ? users.seen[Int(slot!)] : []
            includeUnseenCandidates(count: query.count, seen: seen, target: nil)
            return topCandidates(count: query.count, k: k)
        }
    }

    /// Scores of `items` for `user` (the same values ``topK(user:k:excludingSeen:users:)`` ranks by); `nil` for an
    /// item not in the catalogue.
    public func score(user: String, items: [String], users: UserTable) -> [Float?] {
        let slot = users.existingSlot(for: user)
        if let slot { ensureInitialized(slot, users: users) }
        let n = scoreAll(user: slot, users: users)
        return items.map { id in
            guard let i = itemIndex[id], Int(i) < n else { return nil }
            return scores[Int(i)]
        }
    }
}

// MARK: - Serialization

extension Recommender {
    private static let magic: UInt32 = 0x5753_544D  // "WSTM"
    /// 2: the rating objective's per-user bias scale, Meta-SGD step sizes and feature-conditioned cold-start counts.
    /// 3: session settings of the ranking objective (`ranking.sessions`; its users' state holds the session fields)
    /// and stage-conditioned popularity.
    private static let formatVersion: UInt32 = 4

    /// All shared state as versioned binary: configuration, generator, catalogue, θ and its optimizer state, item
    /// and feature parameters, popularity, co-occurrence rows, running statistics. Restoring it with
    /// ``init(restoring:)`` continues bit-identically. Per-user state lives in ``UserTable/serialized()``.
    public func serialized() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try serialize(into: &bytes)
        return bytes
    }

    /// ``serialized()`` into `buffer`, reusing its storage: a caller that keeps one buffer for every snapshot (the
    /// daemon's checkpoints) allocates nothing once the buffer has grown to the model's size, so memory stays level
    /// instead of rising and falling by a model's size at every checkpoint. `buffer`'s content is unspecified when
    /// this throws.
    public func serialize(into buffer: inout [UInt8]) throws {
        // The model's size changes little between snapshots: reserve the last size and a margin.
        var w = BinaryWriter(taking: &buffer, reservingCapacity: lastSerializedSize + lastSerializedSize / 16)
        defer {
            lastSerializedSize = w.bytes.count
            w.hand(to: &buffer)
        }
        w.write(Self.magic)
        w.write(Self.formatVersion)
        w.writeBytes(Array(try configuration.jsonData()))
        w.write(generator.state)
        w.write(UInt64(eventsLearned))
        w.write(UInt64(metaUpdates))
        w.write(UInt64(metaSteps))
        w.write(UInt64(itemCount))
        w.write(UInt64(itemNames.count))
        for name in itemNames { w.write(name) }
        w.write(theta)
        w.write(metaMoment1)
        w.write(metaMoment2)
        for buffer in floatBuffers { buffer.write(to: &w) }
        itemFeatures.write(to: &w)
        for v in [popularityScale, popularityMax, coldPopularityScale, coldPopularityMax, cooccurrenceScale] { w.write(v) }
        w.write(componentScale)
        w.write(componentSpread)
        w.write(UInt64(componentUpdates))
        w.write(globalMean)
        w.write(UInt64(ratingsSeen))
        cooccurrence.write(to: &w)
        featurePopularity.write(to: &w)
        w.write(UInt64(stagePopularity.count))
        for (s, row) in stagePopularity.enumerated() {
            row.write(to: &w)
            w.write(stagePopularityScale[s])
            w.write(stagePopularityMax[s])
        }
    }

    private var floatBuffers: [GrowableBuffer<Float>] {
        [
            userFeatureEmbeddings, itemFeatureEmbeddings, itemFactors, itemBias, itemCounts, popularity,
            coldPopularity, rowNorm, damp, coldItemOffsets, itemOffsets,
        ]
    }

    /// Restores a model from ``serialized()`` bytes.
    /// - Throws: ``LearningError`` when the bytes are truncated, corrupt or of another format version.
    public convenience init(restoring bytes: [UInt8]) throws {
        var r = BinaryReader(bytes)
        guard try r.read(UInt32.self) == Self.magic else { throw LearningError(.corruptState, "not a model state") }
        let version = try r.read(UInt32.self)
        guard version == Self.formatVersion else {
            throw LearningError(.incompatibleState, "model state format \(version) is not supported")
        }
        let configData = try r.readBytes()
        // Merged over today's defaults: a state written before a setting existed keeps that setting's default.
        var configuration = LearningConfiguration()
        do {
            try configuration.merge(json: Data(configData))
        } catch {
            throw LearningError(.corruptState, "model state holds an unreadable configuration")
        }
        try self.init(configuration: configuration)
        try restore(&r)
    }

    private func restore(_ r: inout BinaryReader) throws {
        let generatorState = try r.read(UInt64.self)
        eventsLearned = Int(try r.read(UInt64.self))
        metaUpdates = Int(try r.read(UInt64.self))
        metaSteps = Int(try r.read(UInt64.self))
        let active = Int(try r.read(UInt64.self))
        let names = Int(try r.read(UInt64.self))
        guard active <= names, names <= r.remaining else { throw LearningError(.corruptState, "catalogue truncated") }
        for _ in 0..<names {
            let name = try r.readString()
            _ = addItem(name, features: [:])
        }
        itemCount = active
        theta = try r.readFloats()
        metaMoment1 = try r.readFloats()
        metaMoment2 = try r.readFloats()
        guard theta.count == metaWidth, metaMoment1.count == metaWidth, metaMoment2.count == metaWidth else {
            throw LearningError(.incompatibleState, "θ has another width")
        }
        let expected = [
            userFeatureEmbeddings.count, itemFeatureEmbeddings.count, names * d, names, names, names, names, names,
            names, names, names,
        ]
        for (buffer, count) in zip(floatBuffers, expected) {
            try buffer.read(from: &r)
            guard buffer.count == count else { throw LearningError(.corruptState, "parameter array has wrong length") }
        }
        try itemFeatures.read(from: &r)
        guard itemFeatures.count == names * featureSlots else {
            throw LearningError(.corruptState, "item feature array has wrong length")
        }
        popularityScale = try r.readFloat()
        popularityMax = try r.readFloat()
        coldPopularityScale = try r.readFloat()
        coldPopularityMax = try r.readFloat()
        cooccurrenceScale = try r.readFloat()
        componentScale = try r.readFloats()
        componentSpread = try r.readFloats()
        guard componentScale.count == RankingModelLayout.components,
            componentSpread.count == RankingModelLayout.components
        else { throw LearningError(.corruptState, "component statistics have wrong length") }
        componentUpdates = Int(try r.read(UInt64.self))
        globalMean = try r.readDouble()
        ratingsSeen = Int(try r.read(UInt64.self))
        try cooccurrence.read(from: &r)
        guard cooccurrence.itemCount == names else { throw LearningError(.corruptState, "co-occurrence rows mismatch") }
        try featurePopularity.read(from: &r, buckets: featureBuckets)
        guard try r.read(UInt64.self) == UInt64(stagePopularity.count) else {
            throw LearningError(.corruptState, "stage popularity has another number of stages")
        }
        for (s, row) in stagePopularity.enumerated() {
            try row.read(from: &r)
            guard row.count == names else { throw LearningError(.corruptState, "stage popularity has wrong length") }
            stagePopularityScale[s] = try r.readFloat()
            stagePopularityMax[s] = try r.readFloat()
        }
        guard r.isAtEnd else { throw LearningError(.corruptState, "trailing bytes after model state") }
        // Last: creating the catalogue above drew initial factors from the generator.
        generator.state = generatorState
        if usesCandidates { rebuildCandidatePools() }
    }
}
