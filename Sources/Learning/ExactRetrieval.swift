/// `ranking.retrieval: exact`: the `k` best unseen items of the whole catalogue — the list, scores and tie order of
/// a full scan (``Scoring/scoreCatalogue(_:count:target:)`` blended, then
/// ``Selection/best(_:scores:count:items:included:)``) — found by a threshold-algorithm merge over the ``ExactIndex``'s orders instead of by scoring every item.
///
/// An item's blended score is `a₀·pop_i + a₁·knn_i + a₂·(b_i + p·q_i) + a₃·row_i + o_i` with `a_c = w_c·m_c`. The
/// co-occurrence neighbours of the user's recent items are scored exactly first. Every other item has `knn_i` at the
/// value of no co-occurrence, and the rest of its score is at most the sum of five per-column terms, each
/// non-increasing along its order when walked from the right end: `a₀·pop_i` and `a₃·row_i` and `a₂·b_i` (from the
/// top for a non-negative weight, from the bottom for a negative one), `|a₂|·‖p‖·‖q_i‖` (Cauchy–Schwarz) and `o_i`.
/// The merge steps down every order at once, scores each item the first time it meets it, and stops once the k-th
/// best score reaches the sum of the terms at the current depth plus a margin for the floats' rounding: no item not
/// met yet can then beat it, nor tie it.
final class ExactRetrieval {
    private(set) var statistics = ExactRetrievalStatistics()
    let index: ExactIndex
    private let popularity: PopularityComponents
    private let neighbours: CooccurrenceNeighbours
    private let factorisation: Factorisation
    private let offsets: ItemOffsets
    /// The visited marks and the neighbours touched
    /// (``CooccurrenceNeighbours/accumulate(user:recent:into:candidates:)``).
    private let visited = CandidateSet()
    /// The neighbour scores, dense by item, all zero between queries.
    private let knn = GrowableBuffer<Float>(capacity: 1024)
    private let logComponents: Bool
    private let logNeighbours: Bool
    private let floor: Float
    /// The rounding margin of the stopping bound, relative to the largest magnitude a score's terms can have.
    private static let relativeMargin: Float = 1e-4

    /// One order walked by the merge, with the term it bounds.
    private struct Column {
        var order: UnsafePointer<Int32>
        var values: UnsafePointer<Float>
        /// The term is `coefficient · value`, or with `inverse` `coefficient · P(value · inverse)` for a popularity
        /// row (`P` the identity or the log with its floor).
        var coefficient: Float
        var inverse: Float?
        var descending: Bool
    }

    init(
        configuration: LearningConfiguration, index: ExactIndex, popularity: PopularityComponents,
        neighbours: CooccurrenceNeighbours, factorisation: Factorisation, offsets: ItemOffsets
    ) {
        let r = configuration.ranking
        self.index = index
        self.popularity = popularity
        self.neighbours = neighbours
        self.factorisation = factorisation
        self.offsets = offsets
        logComponents = r.logComponents
        logNeighbours = r.logNeighbors
        floor = Float(r.logFloor)
    }

    /// Counts a query answered by a full scan.
    func noteFullScan() { statistics.fullScans += 1 }

    /// The `k` best of items `0..<n` for `context` blended with weights `w`, scales `m` and the item-offset row
    /// `o`, leaving out `seen`, best first (ties: the lower item index first).
    func best(
        _ k: Int, context: Scoring.Context, weights w: UnsafePointer<Float>,
        multipliers m: (Float, Float, Float, Float),
        offsets o: UnsafePointer<Float>?, count n: Int, excluding seen: [Int32]
    ) -> [(item: Int32, score: Float)] {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            statistics.seconds +=
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        index.settle()
        let settled = ContinuousClock.now - start
        statistics.settleSeconds +=
            Double(settled.components.seconds) + Double(settled.components.attoseconds) * 1e-18
        statistics.shifted = index.shifted
        let total = index.popularity.count
        if knn.count < total { knn.append(0, count: total - knn.count) }
        visited.begin(catalogue: total)
        let marks = visited.marks.base
        let mark = visited.mark
        for y in seen where Int(y) < total { marks[Int(y)] = mark }
        let kn = knn.base
        let touched = neighbours.accumulate(user: context.user, recent: context.recent, into: kn, candidates: visited)
        let a0 = w[0] * m.0
        let a1 = w[1] * m.1
        let a2 = w[2] * m.2
        let a3 = w[3] * m.3
        let pop = popularity.global.counts.base
        let invPop = popularity.global.inverseMaximum
        let row = popularity.row(stage: context.stage)
        let b = factorisation.biases.base
        let d = factorisation.factors
        let p = context.vector
        let logComponents = logComponents
        let logNeighbours = logComponents && self.logNeighbours
        let floor = floor
        let reader = ItemComponents(
            popularity: popularity, row: row, factorisation: factorisation, vector: p, neighbours: kn,
            logComponents: logComponents, logNeighbours: logNeighbours, floor: floor)
        // The blend's expression, in the same order as ``ComponentScores/combine``.
        @inline(__always)
        func score(_ i: Int) -> Float {
            let v = reader.values(i)
            if let o { return a0 * v.0 + a1 * v.1 + a2 * v.2 + a3 * v.3 + o[i] }
            return a0 * v.0 + a1 * v.1 + a2 * v.2 + a3 * v.3
        }
        var best: [(item: Int32, score: Float)] = []
        best.reserveCapacity(k + 1)
        @inline(__always)
        func offer(_ item: Int32, _ v: Float) {
            if v != -.infinity { Selection.insert(item, score: v, into: &best, keeping: k) }  // as the full scan
        }
        var scored = 0
        let items = visited.items.base
        for c in 0..<touched where Int(items[c]) < n {
            offer(items[c], score(Int(items[c])))
            scored += 1
        }
        statistics.neighbours += scored
        // Leave the dense neighbour scratch zero (the seen items were accumulated too, but not listed).
        for c in 0..<touched { kn[Int(items[c])] = 0 }
        for y in seen where Int(y) < total { kn[Int(y)] = 0 }

        let pNorm = Kernels.dot(p, p, d).squareRoot()
        let offsetOrder: ItemOrder? =
            o.map { $0 == UnsafePointer(offsets.cold.base) ? index.offsets[0] : index.offsets[1] }
        let noNeighbour = a1 * (logNeighbours ? Kernels.fastLog(floor) : 0)
        scored += withUnsafeTemporaryAllocation(of: Column.self, capacity: 5) { columns in
            var count = 0
            func add(_ order: ItemOrder, _ values: UnsafePointer<Float>, _ coefficient: Float, _ inverse: Float?) {
                guard coefficient != 0 else { return }
                columns[count] = Column(
                    order: order.order.base, values: values, coefficient: coefficient, inverse: inverse,
                    descending: coefficient > 0)
                count += 1
            }
            add(index.popularity, pop, a0, invPop)
            add(index.rows[context.stage], row.counts.base, a3, row.inverseMaximum)
            add(index.biases, b, a2, nil)
            add(index.norms, index.normValues.base, abs(a2) * pNorm, nil)
            if let o, let offsetOrder { add(offsetOrder, o, 1, nil) }
            @inline(__always)
            func term(_ c: Column, _ item: Int) -> Float {
                let v = c.values[item]
                guard let inverse = c.inverse else { return c.coefficient * v }
                return c.coefficient * (logComponents ? Kernels.fastLog(v * inverse + floor) : v * inverse)
            }
            var magnitude = abs(noNeighbour)
            for c in 0..<count {
                let top = term(columns[c], Int(columns[c].order[0]))
                let bottom = term(columns[c], Int(columns[c].order[total - 1]))
                magnitude += max(abs(top), abs(bottom))
            }
            let margin = Self.relativeMargin * magnitude + 1e-30
            var merged = 0
            guard count > 0 else {
                // Every weight zero: all other items score alike, listed in index order.
                for i in 0..<n where marks[i] != mark {
                    offer(Int32(truncatingIfNeeded: i), score(i))
                    merged += 1
                }
                return merged
            }
            var depth = 0
            while depth < total {
                var bound = noNeighbour + margin
                for c in 0..<count {
                    let column = columns[c]
                    let item = Int(column.order[column.descending ? depth : total - 1 - depth])
                    if marks[item] != mark {
                        marks[item] = mark
                        if item < n {
                            offer(Int32(truncatingIfNeeded: item), score(item))
                            merged += 1
                        }
                    }
                    bound += term(column, item)
                }
                depth += 1
                if best.count == k && best[k - 1].score >= bound { break }
            }
            return merged
        }
        statistics.queries += 1
        statistics.scored += scored
        return best
    }
}

/// What ``ExactRetrieval``'s merges did, for the replay report and inspection.
public struct ExactRetrievalStatistics: Sendable, Equatable {
    /// Queries answered by a merge.
    public var queries = 0
    /// Items scored exactly by them, neighbours included.
    public var scored = 0
    /// Of which co-occurrence neighbours.
    public var neighbours = 0
    /// Queries answered by a full scan instead (a feature-conditioned cold-start row has no per-item order).
    public var fullScans = 0
    /// Wall time in the merges (settling the orders included)…
    public var seconds = 0.0
    /// …of which settling the orders (``ExactIndex/settle()``).
    public var settleSeconds = 0.0
    /// Positions items were moved by in the orders so far.
    public var shifted = 0

    /// Items scored per merge on average.
    public var scoredPerQuery: Double { queries > 0 ? Double(scored) / Double(queries) : 0 }
}
