/// Which catalogue items a candidate query gathered (`ranking.retrieval: candidates`): the candidates' items in
/// entry order, and per catalogue item the query mark when it was last made a candidate and its entry then.
final class CandidateSet {
    /// The candidates' catalogue indices, by entry.
    let items = GrowableBuffer<Int32>(capacity: 1024)
    /// Neighbours left out by `ranking.candidate_neighbors` (their dense neighbour scores are cleared last).
    let pruned = GrowableBuffer<Int32>(capacity: 1024)
    /// Per catalogue item: the mark of the query that last made it a candidate…
    let marks = GrowableBuffer<Int32>(capacity: 1024)
    /// …and its entry in that query.
    let positions = GrowableBuffer<Int32>(capacity: 1024)
    /// The current query's mark.
    private(set) var mark: Int32 = 0

    /// Makes room for a query over a catalogue of `n` items and starts a new mark.
    func begin(catalogue n: Int) {
        if marks.count < n {
            marks.append(0, count: n - marks.count)
            positions.append(0, count: n - positions.count)
        }
        items.reserve(n + 1)
        pruned.reserve(n + 1)
        if mark == Int32.max {
            marks.buffer.update(repeating: 0)
            mark = 0
        }
        mark += 1
    }

    /// Whether `item` is a candidate of the current query.
    @inline(__always)
    func isCandidate(_ item: Int32) -> Bool { Int(item) < marks.count && marks[Int(item)] == mark }
}
