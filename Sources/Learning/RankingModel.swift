import Clickstream

/// The `ranking` objective: a blend of recent popularity, item-to-item co-occurrence, BPR factorisation and
/// cold-start or stage popularity, whose per-user weights start from θ's row for the user's event-count bucket.
///
/// Each event is first scored for its user (the whole catalogue, or the gathered candidates) — the prequential
/// rank, and the query loss whose gradient steps the user's blend offsets, the item offsets and the
/// factorisation and makes the user's meta-contribution — then BPR steps the factorisation, and the
/// co-occurrence counts and popularity rows count the event.
final class RankingModel: ObjectiveModel {
    let factorisation: Factorisation
    let popularity: PopularityComponents
    let neighbours: CooccurrenceNeighbours
    let offsets: ItemOffsets
    let blend: Blend
    let scoring: Scoring
    let headLoss: HeadSoftmaxLoss
    let topLoss: TopPairLoss
    /// With `ranking.retrieval: exact`: the merge that serves the full scan's top-K without the scan.
    let exact: ExactRetrieval?
    /// With candidate retrieval: the target's rank among the candidates the last learned event was scored
    /// against (what a top-K served just before it would have shown), `nil` if it was not retrieved. With exact
    /// retrieval: its rank in the exact top ``servedDepth`` before the event, `nil` below it.
    private(set) var lastServedRank: Int?
    /// How deep the exact served rank looks (HR@10's cut-off).
    static let servedDepth = 10
    private let catalogue: Catalogue
    private let meta: MetaLearner
    private let settings: Settings
    /// The query loss's gradient, the user's weights and the component scales (one per component each).
    private let scratch: GrowableBuffer<Float>

    private struct Settings {
        var window: Int
        var neighbourContext: Int
        /// Events at most this many milliseconds apart continue a session.
        var sessionGap: Int64
        var metaLoss: LearningConfiguration.RankingMetaLoss
        var fomaml: Bool
        /// Learning scores the candidates (``LearningConfiguration/Ranking-swift.struct/learnsFromCandidates``).
        var candidates: Bool
        /// Whether every event's query loss steps something whatever the user's meta-learning: the blend offsets
        /// (`ranking.blend_learning_rate`), the item offsets or the factorisation.
        var alwaysLearnsFromQuery: Bool
        var userInitNoise: Float
    }

    init(configuration: LearningConfiguration, catalogue: Catalogue, meta: MetaLearner) {
        let r = configuration.ranking
        self.catalogue = catalogue
        self.meta = meta
        let candidates = r.learnsFromCandidates
        let factorisation = Factorisation(configuration: configuration)
        let popularity = PopularityComponents(configuration: configuration, candidates: candidates)
        let neighbours = CooccurrenceNeighbours(configuration: configuration, sessions: r.sessions)
        let offsets = ItemOffsets(configuration: configuration)
        self.factorisation = factorisation
        self.popularity = popularity
        self.neighbours = neighbours
        self.offsets = offsets
        blend = Blend(configuration: configuration, layout: meta.layout)
        scoring = Scoring(
            configuration: configuration, popularity: popularity, neighbours: neighbours, factorisation: factorisation)
        headLoss = HeadSoftmaxLoss(head: r.topNegatives)
        topLoss = TopPairLoss(negatives: r.topNegatives)
        if r.retrieval == .exact {
            let index = ExactIndex(popularity: popularity, factorisation: factorisation, offsets: offsets)
            factorisation.changes = index.changes
            exact = ExactRetrieval(
                configuration: configuration, index: index, popularity: popularity, neighbours: neighbours,
                factorisation: factorisation, offsets: offsets)
        } else {
            exact = nil
        }
        settings = Settings(
            window: r.window, neighbourContext: r.neighborContext,
            sessionGap: Int64((min(r.sessionGap, 1e12) * 1000).rounded(.down)), metaLoss: r.metaLoss,
            fomaml: configuration.meta.algorithm == .fomaml, candidates: candidates,
            alwaysLearnsFromQuery: r.blendLearningRate > 0 || offsets.rate > 0 || factorisation.headRate > 0,
            userInitNoise: Float(r.userInitNoise))
        scratch = GrowableBuffer(capacity: 3 * RankingModelLayout.components)
        scratch.append(0, count: 3 * RankingModelLayout.components)
    }

    func appendItem(generator: inout SplitMix64) {
        factorisation.appendItem(generator: &generator)
        popularity.appendItem(itemCount: catalogue.count)
        neighbours.appendItem(itemCount: catalogue.count)
        offsets.appendItem()
        scoring.appendItem()
        headLoss.appendItem()
        exact?.index.appendItem()
    }

    /// A new user's blend offsets start at zero; θ is the mean of the initialization, and a little per-user noise
    /// (`ranking.user_init_noise`) breaks the symmetry between users so item factors do not all move along one
    /// direction.
    func start(_ user: UserView, generator: inout SplitMix64) {
        let o = user.blendOffsets
        for c in 0..<RankingModelLayout.components { o[c] = 0 }
        let noise = settings.userInitNoise
        if noise > 0 {
            let p = user.vector
            for k in 0..<factorisation.factors { p[k] += noise * generator.nextGaussian() }
        }
    }

    // MARK: - Scoring

    /// Scores `user` (`nil`: unknown, scored from θ's first blend row and initial vector) over the catalogue or
    /// the candidates and blends the scores with the user's weights and item offsets. The user's weights stay in
    /// ``scratch`` (after the gradient's room) for the query loss.
    @inline(__always)
    private func blendedPass(_ user: UserView?, candidates: Bool, target: Int32?, sampleOffset: Int?) -> ScoringPass {
        let n = catalogue.itemCount
        let context = scoringContext(user)
        let pass =
            candidates
            ? scoring.gatherCandidates(context, count: n, target: target, sampleOffset: sampleOffset)
            : scoring.scoreCatalogue(context, count: n, target: target)
        pass.combine(
            weights: scratch.base + RankingModelLayout.components, multipliers: blend.multipliers,
            offsets: offsets.row(eventsSeen: user?.eventsSeen ?? 0))
        return pass
    }

    /// Who `user` is to scoring (`nil`: unknown, scored from θ), with the user's weights written to ``scratch``
    /// (after the gradient's room).
    @inline(__always)
    private func scoringContext(_ user: UserView?) -> Scoring.Context {
        let w = scratch.base + RankingModelLayout.components
        let events = user?.eventsSeen ?? 0
        let context: Scoring.Context
        if let user {
            let theta = user.isHoldout ? meta.initialTheta.base : meta.theta.base
            blend.weights(theta: theta, offsets: user.blendOffsets, eventsSeen: events, into: w)
            context = Scoring.Context(
                vector: user.vector, user: user, recent: min(min(events, settings.window), settings.neighbourContext),
                stage: popularity.stage(eventsSeen: events))
        } else {
            blend.initialWeights(theta: meta.theta.base, into: w)
            context = Scoring.Context(
                vector: meta.theta.base + meta.layout.vectorOffset, user: nil, recent: 0, stage: 0)
        }
        return context
    }

    /// The exact top `k` of ``exact`` (or of a counted full scan where the merge has no bound).
    private func exactBest(
        _ exact: ExactRetrieval, _ k: Int, user: UserView?, excluding seen: [Int32]
    ) -> [(item: Int32, score: Float)] {
        let context = scoringContext(user)
        if context.user != nil, popularity.features.isActive, context.stage == 0 {
            // The feature-conditioned cold-start row is one per user: no shared order bounds it.
            exact.noteFullScan()
            return blendedPass(user, candidates: false, target: nil, sampleOffset: nil).best(k, excluding: seen)
        }
        return exact.best(
            k, context: context, weights: scratch.base + RankingModelLayout.components, multipliers: blend.multipliers,
            offsets: offsets.row(eventsSeen: user?.eventsSeen ?? 0).map { UnsafePointer($0) },
            count: catalogue.itemCount, excluding: seen)
    }

    func scoreCatalogue(_ user: UserView?) -> ScoredList {
        guard catalogue.itemCount > 0 else {
            return ScoredList(scores: scoring.catalogue.scores.base, count: 0, candidates: nil)
        }
        return blendedPass(user, candidates: false, target: nil, sampleOffset: nil).list
    }

    func best(_ k: Int, user: UserView?, excluding seen: [Int32]) -> [(item: Int32, score: Float)] {
        guard catalogue.itemCount > 0, k > 0 else { return [] }
        if let exact { return exactBest(exact, k, user: user, excluding: seen) }
        return blendedPass(user, candidates: settings.candidates, target: nil, sampleOffset: nil)
            .best(k, excluding: seen)
    }

    // MARK: - Learning

    /// Under full retrieval returns the event's prequential rank (`nil` for an item new to the catalogue); under
    /// candidate retrieval `nil`, with ``lastServedRank`` set. Under exact retrieval ``lastServedRank`` is set from
    /// the exact top-K served just before the event, and the rank returned as learning's scoring says.
    func learn(_ step: LearningStep, generator: inout SplitMix64) -> Int? {
        let e = step.event
        let user = step.user
        let n = user.eventsSeen
        let length = min(n, settings.window)
        let x = e.item
        let catalogueSize = max(catalogue.itemCount, Int(x) + 1)
        let stage = popularity.stage(eventsSeen: n)
        lastServedRank = nil
        var rank: Int? = nil

        // 1. Score the catalogue (or the candidates) with the user's adapted weights before learning the event:
        //    the prequential rank, and the query loss whose gradient is FOMAML's direction for θ's blend row of
        //    this bucket and the inner-loop step of the user's blend offsets.
        if Int(x) < catalogue.itemCount {
            if let exact {
                let excluded = step.excludesSeen ? step.seen : []
                let top = exactBest(exact, Self.servedDepth, user: user, excluding: excluded)
                let served = top.firstIndex { $0.item == x }
                rank = query(step, eventsSeen: n)
                lastServedRank = served
            } else {
                rank = query(step, eventsSeen: n)
            }
        }

        // 2. BPR with uniform negatives: item parameters and the user vector.
        if catalogueSize > 1 { learnFactors(step, length: length, catalogue: catalogueSize, generator: &generator) }

        // 3. Shared statistics: co-occurrence with the user's recent items, counts, popularity.
        neighbours.learn(x, weight: e.weight, user: user, length: length, repeated: step.repeated)
        let xi = Int(x)
        catalogue.counts[xi] += e.weight
        neighbours.noteCount(xi, count: catalogue.counts[xi])
        popularity.record(e.weight, item: x, eventsSeen: n, stage: stage, userFeatures: user.features)
        exact?.index.changes.note(x)
        user.pushRecent(x, timestamp: e.timestamp, sessionGap: settings.sessionGap)
        return rank
    }

    /// Step 1 of ``learn(_:generator:)`` for an item in the catalogue.
    @inline(__always)
    private func query(_ step: LearningStep, eventsSeen n: Int) -> Int? {
        let user = step.user
        let itemCount = catalogue.itemCount
        let pass = blendedPass(
            user, candidates: settings.candidates, target: step.event.item, sampleOffset: step.eventsLearned)
        let t = pass.target!
        let excluded = step.excludesSeen ? step.seen : []
        var rank: Int? = nil
        if !pass.isCandidates {
            rank = pass.list.rank(of: t, excluding: excluded)
        } else if pass.targetRetrieved {
            lastServedRank = pass.list.rank(of: t, excluding: excluded)
        }
        if itemCount > 1 { blend.updateScales(target: pass.components.values(at: t), means: pass.components.means) }
        guard (step.direction != nil || settings.alwaysLearnsFromQuery) && itemCount > 1 else { return rank }
        let C = RankingModelLayout.components
        let g = scratch.base
        let w = g + C
        let m = g + 2 * C
        blend.multipliers(into: m)
        pass.include(seen: step.seen, target: t)
        switch settings.metaLoss {
        case .softmax:
            let s = pass.components
            precondition(!pass.isCandidates, "the softmax loss scores the whole catalogue")
            _ = Kernels.catalogueSoftmax(
                weights: w, multipliers: m, raw0: s.popularity.base, raw1: s.neighbours.base, raw2: s.factors.base,
                raw3: s.stage.base, count: pass.count, target: t, included: s.included.base, scratch: s.scores.base,
                gradient: g)
        case .headSoftmax:
            let entries = headLoss.gradient(pass, target: t, multipliers: m, gradient: g)
            applyHeadSteps(
                count: entries, items: pass.items, user: user.vector, offsets: offsets.row(eventsSeen: n),
                factorScale: m[2], direction: settings.fomaml ? step.direction : nil)
        case .top:
            topLoss.gradient(pass, target: t, multipliers: m, gradient: g)
        }
        pass.restoreIncluded(seen: step.seen)
        blend.step(g, user: user, eventsSeen: n, theta: meta.theta.base, direction: step.direction)
        return rank
    }

    /// Steps of the shared parameters along the head-softmax loss from its `count` entries (``headLoss``): the
    /// item offsets of the user's row (`offsets`), and the factorisation with the user vector `p` at the
    /// component's scale `factorScale`. `items` maps entries to catalogue indices (`nil`: entries are catalogue
    /// indices). With `direction` (the user's FOMAML contribution), the user vector's loss gradient goes into it
    /// too: this loss is the query loss of the user's adapted weights, so its gradient with respect to the user's
    /// vector (in the component's units, like the step) is the user's contribution to θ's initial user vector.
    @inline(__always)
    func applyHeadSteps(
        count: Int, items: UnsafePointer<Int32>?, user p: UnsafeMutablePointer<Float>,
        offsets: UnsafeMutablePointer<Float>?, factorScale m: Float, direction: MetaDirection? = nil
    ) {
        let entries = headLoss.entries.base
        let coefficients = headLoss.coefficients.base
        if let changes = exact?.index.changes {
            for h in 0..<count { changes.note(items.map { $0[Int(entries[h])] } ?? entries[h]) }
        }
        if let offsets {
            self.offsets.applyHeadStep(
                offsets, entries: entries, coefficients: coefficients, count: count, items: items)
        }
        let gp = factorisation.applyHeadStep(
            entries: entries, coefficients: coefficients, count: count, items: items, user: p, factorScale: m)
        if let gp, let direction {
            let v = direction.vectorPart
            for k in 0..<factorisation.factors { v[k] -= m * gp[k] }
        }
    }

    /// Step 2 of ``learn(_:generator:)``: BPR on the event and the inner steps over the support window, with the
    /// user's contribution to θ's initial user vector (FOMAML: the BPR gradient; Reptile: how far the user vector
    /// moved from its initialization).
    @inline(__always)
    private func learnFactors(_ step: LearningStep, length: Int, catalogue: Int, generator: inout SplitMix64) {
        let user = step.user
        let d = factorisation.factors
        factorisation.learnPair(
            user: user.vector, positive: step.event.item, catalogue: catalogue, weight: step.event.weight,
            generator: &generator)
        let gp = factorisation.userGradient.base
        let direction = step.direction?.vectorPart
        if let direction, settings.fomaml {
            for k in 0..<d { direction[k] += gp[k] }
        }
        factorisation.innerSteps(user: user, length: length, catalogue: catalogue, generator: &generator)
        if let direction, !settings.fomaml {
            meta.initialVector(features: user.features, into: gp)
            let p = user.vector
            for k in 0..<d { direction[k] += p[k] - gp[k] }
        }
    }

    var allocatedBytes: Int {
        factorisation.allocatedBytes + popularity.allocatedBytes + neighbours.allocatedBytes + offsets.allocatedBytes
    }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        ModelSection.factorisation.write(to: &w)
        factorisation.write(to: &w)
        ModelSection.popularity.write(to: &w)
        popularity.write(to: &w)
        ModelSection.neighbours.write(to: &w)
        neighbours.write(to: &w)
        ModelSection.itemOffsets.write(to: &w)
        offsets.write(to: &w)
        ModelSection.blend.write(to: &w)
        blend.write(to: &w)
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try ModelSection.factorisation.expect(in: &r)
        try factorisation.read(from: &r, items: items)
        try ModelSection.popularity.expect(in: &r)
        try popularity.read(from: &r, items: items)
        try ModelSection.neighbours.expect(in: &r)
        try neighbours.read(from: &r, items: items)
        try ModelSection.itemOffsets.expect(in: &r)
        try offsets.read(from: &r, items: items)
        try ModelSection.blend.expect(in: &r)
        try blend.read(from: &r)
    }

    func didRestore() {
        if settings.candidates { popularity.rebuildPools() }
        exact?.index.rebuild(count: factorisation.biases.count)
    }
}
