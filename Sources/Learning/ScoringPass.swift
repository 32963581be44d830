/// One scoring pass of the ranking blend for a user: the component scores of its entries (the whole catalogue or
/// the gathered candidates), blended, and what the query loss and the ranks need from it.
struct ScoringPass {
    let components: ComponentScores
    let list: ScoredList
    /// The target's entry, if a target was given (and is in the catalogue).
    let target: Int?
    /// Whether the target would have been an entry without being added as the target (always for the catalogue).
    let targetRetrieved: Bool

    var count: Int { list.count }
    var items: UnsafePointer<Int32>? { list.items }
    var isCandidates: Bool { list.candidates != nil }

    /// Blends the entries with the user's weights `w` and the component scales `m`, plus the item offsets `o`.
    @inline(__always)
    func combine(
        weights w: UnsafePointer<Float>, multipliers m: (Float, Float, Float, Float), offsets o: UnsafePointer<Float>?
    ) {
        components.combine(weights: w, multipliers: m, count: count, offsets: o, items: items)
    }

    /// Marks the entries the query loss and a top-K count: all but the user's `seen` items (the target, if given,
    /// included). Undone by ``restoreIncluded(seen:)``.
    @inline(__always)
    func include(seen: [Int32], target: Int?) {
        let inc = components.included.base
        guard let candidates = list.candidates else {
            for y in seen { inc[Int(y)] = 0 }
            if let target { inc[target] = 1 }
            return
        }
        for c in 0..<count { inc[c] = 1 }
        for y in seen where candidates.isCandidate(y) { inc[Int(candidates.positions[Int(y)])] = 0 }
        if let target { inc[target] = 1 }
    }

    /// Includes every entry again after ``include(seen:target:)`` (the catalogue's mask outlives the pass).
    @inline(__always)
    func restoreIncluded(seen: [Int32]) {
        guard !isCandidates else { return }
        let inc = components.included.base
        for y in seen { inc[Int(y)] = 1 }
    }

    /// The `k` best entries for a user who has seen `seen`, best first (``ScoredList/best(_:excluding:included:)``).
    func best(_ k: Int, excluding seen: [Int32]) -> [(item: Int32, score: Float)] {
        if isCandidates { include(seen: seen, target: nil) }
        return list.best(k, excluding: seen, included: components.included.base)
    }
}
