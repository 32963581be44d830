/// The exact top `capacity` items by a per-item value that only ever increases (decayed popularity counts: a
/// global rescale keeps their order), maintained as values change: O(1) for an increase of a member or of an item
/// that stays out, O(capacity) when an item enters or the weakest member grows.
///
/// Ties order by item index (the lower index is stronger), so the set is a function of the values alone and
/// ``rebuild(values:count:)`` after a restore gives exactly the set the uninterrupted run maintained; members are
/// kept in item order, so iterating them does not depend on the history either.
final class IncreasingTopSet {
    let capacity: Int
    /// The members, in ascending item order.
    private(set) var members: [Int32] = []
    /// 1 for members, indexed by item.
    private var isMember = GrowableBuffer<UInt8>(capacity: 1024)
    /// Position of the weakest member in ``members``.
    private var weakest = 0

    init(capacity: Int) {
        self.capacity = capacity
        members.reserveCapacity(capacity)
    }

    @inline(__always)
    private static func stronger(_ a: Int32, than b: Int32, _ values: UnsafePointer<Float>) -> Bool {
        let va = values[Int(a)]
        let vb = values[Int(b)]
        return va > vb || (va == vb && a < b)
    }

    private func findWeakest(_ values: UnsafePointer<Float>) {
        var w = 0
        for i in 1..<members.count where Self.stronger(members[w], than: members[i], values) { w = i }
        weakest = w
    }

    /// Records that `item`'s value increased (or that it appeared).
    @inline(__always)
    func noteIncrease(_ item: Int32, values: UnsafePointer<Float>) {
        let i = Int(item)
        if i >= isMember.count { isMember.append(0, count: i + 1 - isMember.count) }
        if isMember[i] != 0 {
            if members[weakest] == item { findWeakest(values) }
            return
        }
        if members.count < capacity {
            isMember[i] = 1
            insertInOrder(item)
            findWeakest(values)
        } else if Self.stronger(item, than: members[weakest], values) {
            isMember[Int(members[weakest])] = 0
            isMember[i] = 1
            members.remove(at: weakest)
            insertInOrder(item)
            findWeakest(values)
        }
    }

    private func insertInOrder(_ item: Int32) {
        var lo = 0
        var hi = members.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if members[mid] < item { lo = mid + 1 } else { hi = mid }
        }
        members.insert(item, at: lo)
    }

    /// Recomputes the set from scratch (after a restore). Items enter only by an increase, so items still at
    /// zero are never members.
    func rebuild(values: UnsafePointer<Float>, count: Int) {
        for m in members { isMember[Int(m)] = 0 }
        members.removeAll(keepingCapacity: true)
        weakest = 0
        for i in 0..<count where values[i] > 0 { noteIncrease(Int32(i), values: values) }
    }
}

/// Scratch of a candidate query: the candidates' items and their component scores, compact.
final class CandidateScratch {
    var items = GrowableBuffer<Int32>(capacity: 1024)
    var popularity = GrowableBuffer<Float>(capacity: 1024)
    var neighbors = GrowableBuffer<Float>(capacity: 1024)
    var factors = GrowableBuffer<Float>(capacity: 1024)
    var coldPopularity = GrowableBuffer<Float>(capacity: 1024)
    var scores = GrowableBuffer<Float>(capacity: 1024)
    var included = GrowableBuffer<Float>(capacity: 1024)
    var work = GrowableBuffer<Float>(capacity: 1024)
    /// Neighbours left out by `ranking.candidate_neighbors` (their dense neighbour scores are cleared last).
    var pruned = GrowableBuffer<Int32>(capacity: 1024)
    /// Per catalogue item: the query mark when it was last made a candidate, and its position then.
    var marks = GrowableBuffer<Int32>(capacity: 1024)
    var positions = GrowableBuffer<Int32>(capacity: 1024)
    var mark: Int32 = 0

    /// Makes room for a query over a catalogue of `n` items and starts a new mark.
    func begin(catalogue n: Int) {
        if marks.count < n {
            marks.append(0, count: n - marks.count)
            positions.append(0, count: n - positions.count)
        }
        popularity.reserve(n + 1)
        neighbors.reserve(n + 1)
        factors.reserve(n + 1)
        coldPopularity.reserve(n + 1)
        scores.reserve(n + 1)
        included.reserve(n + 1)
        work.reserve(n + 1)
        items.reserve(n + 1)
        pruned.reserve(n + 1)
        if mark == Int32.max {
            marks.buffer.update(repeating: 0)
            mark = 0
        }
        mark += 1
    }

    @inline(__always)
    func isCandidate(_ item: Int32) -> Bool { marks[Int(item)] == mark }
}

extension Recommender {
    /// What a candidate query found.
    struct CandidateQuery {
        var count: Int
        /// The target's position among the candidates, if a target was given.
        var target: Int?
        /// Whether the target would have been a candidate without being added as the target.
        var targetRetrieved: Bool
    }

    /// Gathers the candidates of a user context — the co-occurrence neighbours of the user's recent items, the
    /// popularity pools and, if given, the target — and fills their component scores (the same values
    /// ``fillComponents`` computes for the whole catalogue). With `sampleMeans`, also estimates the catalogue
    /// means of the components (for the component scales) from a deterministic stride sample of the catalogue.
    func gatherCandidates(
        p: UnsafePointer<Float>, ring: UnsafePointer<Int32>?, head: Int, context: Int, count n: Int, stage: Int = 0,
        target: Int32?, sampleMeans: Bool
    ) -> CandidateQuery {
        let cs = candidateScratch
        cs.begin(catalogue: n)
        let marks = cs.marks.base
        let items = cs.items.base
        let mark = cs.mark
        let knn = knnScores.base  // all zero between candidate queries
        if neighborScratchDirty {
            knn.update(repeating: 0, count: knnScores.count)
            neighborScratchDirty = false
        }
        var count = 0
        if let ring, context > 0 {
            let contextSum = fillContextWeights(ring: ring, head: head, context: context)
            let norm = 1 / (contextSum * cooccurrenceScale)
            for a in 0..<context {
                let j = ring[(head - 1 - a + window) % window]
                let factor = contextScratch[a] * norm * rowNorm[Int(j)]
                count = cooccurrence.accumulate(
                    j, factor: factor, damp: damp.base, into: knn, marks: marks, mark: mark, touched: items,
                    count: count)
            }
        }
        let pop = popularity.base
        let (cold, invCold) = stageCounts(stage)
        let invPop = popularityMax > 0 ? 1 / popularityMax : 0
        let q = itemFactors.base
        let b = itemBias.base
        let floor = logFloor
        @inline(__always)
        func components(_ i: Int) -> (Float, Float, Float, Float) {
            let mf = b[i] + Kernels.dot(p, q + i * d, d)
            if logComponents {
                let kn = logNeighbors ? Kernels.fastLog(knn[i] + floor) : knn[i]
                return (
                    Kernels.fastLog(pop[i] * invPop + floor), kn, mf, Kernels.fastLog(cold[i] * invCold + floor)
                )
            }
            return (pop[i] * invPop, knn[i], mf, cold[i] * invCold)
        }
        if sampleMeans {
            // A deterministic stride sample (no generator draw: scoring must not change what is learned later).
            let samples = min(n, 64)
            let stride = max(n / samples, 1)
            let offset = eventsLearned % stride
            var sums: (Float, Float, Float, Float) = (0, 0, 0, 0)
            for s in 0..<samples {
                let c = components((offset + s * stride) % n)
                sums = (sums.0 + c.0, sums.1 + c.1, sums.2 + c.2, sums.3 + c.3)
            }
            let inv = 1 / Float(max(samples, 1))
            componentMeans = (sums.0 * inv, sums.1 * inv, sums.2 * inv, sums.3 * inv)
        }
        // Keep the strongest neighbours only (ties at the threshold kept); the others leave the dense scratch zero
        // and are no candidates (a pool may still bring them in).
        let keepNeighbors = configuration.ranking.candidateNeighbors
        var prunedCount = 0
        if count > keepNeighbors {
            let work = cs.work.base
            for c in 0..<count { work[c] = knn[Int(items[c])] }
            let threshold = Self.kthLargest(work, count: count, k: keepNeighbors)
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
        // (Two loops, not one over an array of the pools: no allocation per query.)
        for item in popularPool.members where Int(item) < n && marks[Int(item)] != mark {
            marks[Int(item)] = mark
            items[count] = item
            count += 1
        }
        let stagePool = stage == 0 ? coldPool : stagePools[stage - 1]
        for item in stagePool.members where Int(item) < n && marks[Int(item)] != mark {
            marks[Int(item)] = mark
            items[count] = item
            count += 1
        }
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
            let v = components(i)
            cs.popularity[c] = v.0
            cs.neighbors[c] = v.1
            cs.factors[c] = v.2
            cs.coldPopularity[c] = v.3
            positions[i] = Int32(c)
            if let target, items[c] == target { targetPosition = c }
        }
        // Leave the dense neighbour scratch zero for the next query (only candidates were touched).
        for c in 0..<count { knn[Int(items[c])] = 0 }
        for c in 0..<prunedCount { knn[Int(cs.pruned[c])] = 0 }
        return CandidateQuery(count: count, target: targetPosition, targetRetrieved: targetRetrieved)
    }

    /// Blended scores of the gathered candidates, plus their item offsets if given.
    func combineCandidates(weights w: UnsafePointer<Float>, count: Int, offsets o: UnsafePointer<Float>?) {
        let cs = candidateScratch
        var m: (Float, Float, Float, Float) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &m) { mp in
            mp.withMemoryRebound(to: Float.self, capacity: 4) { componentMultipliers(into: $0) }
        }
        let a0 = w[0] * m.0
        let a1 = w[1] * m.1
        let a2 = w[2] * m.2
        let a3 = w[3] * m.3
        let s = cs.scores.base
        let pop = cs.popularity.base
        let knn = cs.neighbors.base
        let mf = cs.factors.base
        let cold = cs.coldPopularity.base
        if let o {
            let items = cs.items.base
            for c in 0..<count { s[c] = a0 * pop[c] + a1 * knn[c] + a2 * mf[c] + a3 * cold[c] + o[Int(items[c])] }
        } else {
            for c in 0..<count { s[c] = a0 * pop[c] + a1 * knn[c] + a2 * mf[c] + a3 * cold[c] }
        }
    }

    /// Marks which candidates count for the query loss and ranking: every candidate except the user's seen items
    /// (the target, if any, included).
    func includeUnseenCandidates(count: Int, seen: [Int32], target: Int?) {
        let cs = candidateScratch
        let inc = cs.included.base
        for c in 0..<count { inc[c] = 1 }
        for y in seen where Int(y) < cs.marks.count && cs.isCandidate(y) { inc[Int(cs.positions[Int(y)])] = 0 }
        if let target { inc[target] = 1 }
    }

    /// The target's 0-based rank among the included candidates, or among all of them when `unseenOnly` is false
    /// (ties: the earlier first-seen item first).
    func candidateRank(target t: Int, count: Int, unseenOnly: Bool = true) -> Int {
        let cs = candidateScratch
        let s = cs.scores.base
        let inc = cs.included.base
        let items = cs.items.base
        let st = s[t]
        let x = items[t]
        var above = 0
        for c in 0..<count where c != t && (inc[c] != 0 || !unseenOnly) {
            if s[c] > st || (s[c] == st && items[c] < x) { above += 1 }
        }
        return above
    }

    /// The head-softmax query-loss gradient per blend weight over the included candidates (the
    /// `top_negatives` best-scored, ties at the threshold included, plus the target); the loss's entries (candidate
    /// positions) and coefficients go to ``headEntries`` and ``headCoefficients``, and their number is returned.
    func candidateHeadSoftmaxGradient(
        target t: Int, count: Int, multipliers m: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>
    ) -> Int {
        let cs = candidateScratch
        return Self.headSoftmaxGradient(
            scores: cs.scores.base,
            components: (cs.popularity.base, cs.neighbors.base, cs.factors.base, cs.coldPopularity.base),
            included: cs.included.base, count: count, target: t, head: configuration.ranking.topNegatives,
            multipliers: m, work: cs.work.base, gradient: g, entries: headEntries.base,
            coefficients: headCoefficients.base)
    }

    /// The `k` best included candidates, best first (ties: the earlier first-seen item first).
    func topCandidates(count: Int, k: Int) -> [(item: Int32, score: Float)] {
        let cs = candidateScratch
        let s = cs.scores.base
        let inc = cs.included.base
        let items = cs.items.base
        var best: [(item: Int32, score: Float)] = []
        best.reserveCapacity(k + 1)
        for c in 0..<count where inc[c] != 0 {
            let v = s[c]
            let item = items[c]
            if best.count == k {
                let last = best[k - 1]
                if v < last.score || (v == last.score && item > last.item) { continue }
            }
            var pos = best.count
            while pos > 0 && (v > best[pos - 1].score || (v == best[pos - 1].score && item < best[pos - 1].item)) {
                pos -= 1
            }
            best.insert((item, v), at: pos)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// Rebuilds the popularity pools from the counts (after a restore).
    func rebuildCandidatePools() {
        popularPool.rebuild(values: popularity.base, count: popularity.count)
        coldPool.rebuild(values: coldPopularity.base, count: coldPopularity.count)
        for (s, pool) in stagePools.enumerated() {
            pool.rebuild(values: stagePopularity[s].base, count: stagePopularity[s].count)
        }
    }
}
