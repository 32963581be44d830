/// Scoring of the ranking blend's components for a user context: over the whole catalogue, or over the gathered
/// candidates (`ranking.retrieval: candidates`), each item scored exactly with the same component values either
/// way. The result is a ``ScoringPass``; blending, ranks, top-K lists and the query loss read it the same way
/// whichever it covers.
final class Scoring {
    /// Who is scored: the user vector, the user's state (`nil` for a user the model does not know, scored from
    /// θ), how many recent items the co-occurrence component uses, and the stage selecting the fourth component.
    struct Context {
        var vector: UnsafePointer<Float>
        var user: UserView?
        var recent: Int
        var stage: Int
    }

    /// The catalogue's component scores (entry `i` is item `i`); its neighbour column is also the dense
    /// accumulator of candidate queries, all zero between them.
    let catalogue = ComponentScores()
    let candidateScores = ComponentScores()
    let candidates = CandidateSet()
    private let popularity: PopularityComponents
    private let neighbours: CooccurrenceNeighbours
    private let factorisation: Factorisation
    private let settings: Settings
    /// Whether a catalogue pass left values in the neighbour column (candidate queries expect it all zero).
    private var neighbourScratchDirty = false

    private struct Settings {
        /// Blend popularity, cold-start popularity and co-occurrence on a log scale (a product of experts).
        var logComponents: Bool
        var logNeighbours: Bool
        var logFloor: Float
        /// `ranking.candidate_neighbors`: the strongest neighbours kept as candidates.
        var candidateNeighbours: Int
        var featureSlots: Int
    }

    init(
        configuration: LearningConfiguration, popularity: PopularityComponents, neighbours: CooccurrenceNeighbours,
        factorisation: Factorisation
    ) {
        let r = configuration.ranking
        self.popularity = popularity
        self.neighbours = neighbours
        self.factorisation = factorisation
        settings = Settings(
            logComponents: r.logComponents, logNeighbours: r.logNeighbors, logFloor: Float(r.logFloor),
            candidateNeighbours: r.candidateNeighbors, featureSlots: configuration.features.maxPerEntity)
    }

    func appendItem() { catalogue.appendItem() }

    // MARK: - The whole catalogue

    /// Fills the catalogue's component scores for `context` over items `0..<n` and their exact means.
    @inline(__always)
    func scoreCatalogue(_ context: Context, count n: Int, target: Int32?) -> ScoringPass {
        let out = catalogue
        let mfSum = factorisation.fillScores(user: context.vector, count: n, into: out.factors.base)
        let knn = out.neighbours.base
        knn.update(repeating: 0, count: n)
        neighbourScratchDirty = true
        _ = neighbours.accumulate(user: context.user, recent: context.recent, into: knn, candidates: nil)
        // Popularity components relative to their maximum; optionally all three count-like components on a log
        // scale, so that the softmax blend is a product of experts (p ∝ pop^w · …) rather than a sum.
        let pop = popularity.global.counts.base
        let invPop = popularity.global.inverseMaximum
        let row = popularity.row(stage: context.stage)
        let cold = row.counts.base
        let invCold = row.inverseMaximum
        let popOut = out.popularity.base
        let coldOut = out.stage.base
        if settings.logComponents {
            let floor = settings.logFloor
            for i in 0..<n {
                popOut[i] = Kernels.fastLog(pop[i] * invPop + floor)
                coldOut[i] = Kernels.fastLog(cold[i] * invCold + floor)
            }
            if settings.logNeighbours {
                for i in 0..<n { knn[i] = Kernels.fastLog(knn[i] + floor) }
            }
        } else {
            for i in 0..<n {
                popOut[i] = pop[i] * invPop
                coldOut[i] = cold[i] * invCold
            }
        }
        // For a user with side features, the cold-start component becomes the feature-conditioned estimate.
        if let user = context.user, popularity.features.isActive, context.stage == 0 {
            _ = popularity.features.fill(
                features: user.features, slots: settings.featureSlots, cold: cold, coldMax: popularity.cold.maximum,
                unit: popularity.cold.scale, count: n, floor: settings.logFloor, logScale: settings.logComponents,
                into: coldOut)
        }
        var popSum: Float = 0
        var knnSum: Float = 0
        var coldSum: Float = 0
        for i in 0..<n {
            popSum += popOut[i]
            knnSum += knn[i]
            coldSum += coldOut[i]
        }
        let inv = 1 / Float(max(n, 1))
        out.means = (popSum * inv, knnSum * inv, mfSum * inv, coldSum * inv)
        return ScoringPass(
            components: out, list: ScoredList(scores: out.scores.base, count: n, candidates: nil),
            target: target.map { Int($0) }, targetRetrieved: true)
    }

    // MARK: - Candidates

    /// Gathers the candidates of `context` — the co-occurrence neighbours of the user's recent items (the strongest
    /// `candidate_neighbors`), the popularity pools and, if given, the target — and fills their component scores
    /// (the values ``scoreCatalogue(_:count:target:)`` computes for every item, feature-conditioned cold-start
    /// popularity aside). With `sampleOffset`, also estimates the catalogue means of the components from a
    /// deterministic stride sample of the catalogue starting there (no generator draw: scoring must not change what
    /// is learned later).
    @inline(__always)
    func gatherCandidates(_ context: Context, count n: Int, target: Int32?, sampleOffset: Int?) -> ScoringPass {
        let cs = candidates
        let out = candidateScores
        cs.begin(catalogue: n)
        out.reserve(n + 1)
        let marks = cs.marks.base
        let items = cs.items.base
        let mark = cs.mark
        let knn = catalogue.neighbours.base  // all zero between candidate queries
        if neighbourScratchDirty {
            knn.update(repeating: 0, count: catalogue.neighbours.count)
            neighbourScratchDirty = false
        }
        var count = neighbours.accumulate(user: context.user, recent: context.recent, into: knn, candidates: cs)
        let row = popularity.row(stage: context.stage)
        let reader = ItemComponents(
            popularity: popularity, row: row, factorisation: factorisation, vector: context.vector,
            neighbours: knn, logComponents: settings.logComponents, logNeighbours: settings.logNeighbours,
            floor: settings.logFloor)
        @inline(__always)
        func components(_ i: Int) -> (Float, Float, Float, Float) { reader.values(i) }
        if let start = sampleOffset {
            let samples = min(n, 64)
            let stride = max(n / samples, 1)
            let offset = start % stride
            var sums: (Float, Float, Float, Float) = (0, 0, 0, 0)
            for s in 0..<samples {
                let c = components((offset + s * stride) % n)
                sums = (sums.0 + c.0, sums.1 + c.1, sums.2 + c.2, sums.3 + c.3)
            }
            let inv = 1 / Float(max(samples, 1))
            out.means = (sums.0 * inv, sums.1 * inv, sums.2 * inv, sums.3 * inv)
        }
        // Keep the strongest neighbours only (ties at the threshold kept); the others leave the dense scratch zero
        // and are no candidates (a pool may still bring them in).
        let keep = settings.candidateNeighbours
        var prunedCount = 0
        if count > keep {
            let work = out.work.base
            for c in 0..<count { work[c] = knn[Int(items[c])] }
            let threshold = Selection.kthLargest(work, count: count, k: keep)
            var kept = 0
            for c in 0..<count {
                let item = items[c]
                let i = Int(item)
                if knn[i] >= threshold {
                    items[kept] = item
                    kept += 1
                } else {
                    // Still scored exactly if a pool brings it back: its dense score is cleared at the end.
                    cs.pruned[prunedCount] = item
                    prunedCount += 1
                    marks[i] = mark &- 1
                }
            }
            count = kept
        }
        var targetRetrieved = false
        if let target, Int(target) < n { targetRetrieved = marks[Int(target)] == mark }
        @inline(__always)
        func add(_ pool: IncreasingTopSet?) {
            for item in pool!.members where Int(item) < n && marks[Int(item)] != mark {
                marks[Int(item)] = mark
                items[count] = item
                count += 1
            }
        }
        add(popularity.global.pool)
        add(row.pool)
        if let target, Int(target) < n {
            targetRetrieved = targetRetrieved || marks[Int(target)] == mark
            if marks[Int(target)] != mark {
                marks[Int(target)] = mark
                items[count] = target
                count += 1
            }
        }
        var targetPosition: Int? = nil
        let positions = cs.positions.base
        for c in 0..<count {
            let i = Int(items[c])
            out.set(components(i), at: c)
            positions[i] = Int32(c)
            if let target, items[c] == target { targetPosition = c }
        }
        // Leave the dense neighbour scratch zero for the next query (only candidates were touched).
        for c in 0..<count { knn[Int(items[c])] = 0 }
        for c in 0..<prunedCount { knn[Int(cs.pruned[c])] = 0 }
        return ScoringPass(
            components: out, list: ScoredList(scores: out.scores.base, count: count, candidates: cs),
            target: targetPosition, targetRetrieved: targetRetrieved)
    }
}
