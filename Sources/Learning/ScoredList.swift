/// The scores of one scoring pass: the whole catalogue (no ``candidates``: entry `i` is item `i`) or a candidate
/// query's entries (entry `c` is item `candidates.items[c]`). Ranks and top-K lists read either the same way.
struct ScoredList {
    let scores: UnsafeMutablePointer<Float>
    let count: Int
    /// The candidate query behind the entries, `nil` for the whole catalogue.
    let candidates: CandidateSet?

    /// Entries' catalogue indices, `nil` when entry `i` is item `i`.
    @inline(__always)
    var items: UnsafePointer<Int32>? { candidates.map { UnsafePointer($0.items.base) } }

    /// The 0-based rank of entry `t` among the entries, the user's `seen` items other than `t`'s left out (ties:
    /// the earlier first-seen item first).
    func rank(of t: Int, excluding seen: [Int32]) -> Int {
        let s = scores
        let st = s[t]
        var above = 0
        guard let candidates else {
            for i in 0..<t where s[i] >= st { above += 1 }
            if t + 1 < count { for i in (t + 1)..<count where s[i] > st { above += 1 } }
            for y32 in seen {
                let y = Int(y32)
                if y == t || y >= count { continue }
                if s[y] > st || (s[y] == st && y < t) { above -= 1 }
            }
            return above
        }
        let items = candidates.items.base
        let x = items[t]
        for c in 0..<count where c != t && (s[c] > st || (s[c] == st && items[c] < x)) { above += 1 }
        for y in seen where y != x && candidates.isCandidate(y) {
            let c = Int(candidates.positions[Int(y)])
            if s[c] > st || (s[c] == st && y < x) { above -= 1 }
        }
        return above
    }

    /// The `k` best entries, best first (ties: the earlier first-seen item first), leaving out the entries whose
    /// `included` value is 0 — or, for the whole catalogue, the user's `seen` items (their scores become `-∞`).
    func best(_ k: Int, excluding seen: [Int32], included: UnsafePointer<Float>?) -> [(item: Int32, score: Float)] {
        guard candidates != nil else {
            for y in seen where Int(y) < count { scores[Int(y)] = -.infinity }
            return Selection.best(k, scores: scores, count: count, items: nil, included: nil)
        }
        return Selection.best(k, scores: scores, count: count, items: items, included: included)
    }
}
