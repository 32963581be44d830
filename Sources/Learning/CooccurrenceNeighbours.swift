import RealModule

/// The co-occurrence component: an item's score is the similarity-weighted sum over the user's recent items `j`
/// of `c(j, i) / (n_j^α · n_i^β)`, where `c` counts how often `i` followed `j` in users' sequences (decayed by the
/// distance between the two, and optionally with a half-life in events) and `n` is the interaction weight learned
/// per item. The counts are a bounded sparse ``CooccurrenceTable``; the recent items weigh as
/// ``NeighbourContext`` says.
final class CooccurrenceNeighbours {
    let table: CooccurrenceTable
    let context: NeighbourContext
    /// Per item `(n + 1)^−α`: normalises a context item's row by its count.
    let rowNorm: GrowableBuffer<Float>
    /// Per item `(n + 1)^−β`: damps popular neighbours.
    let damp: GrowableBuffer<Float>
    /// Co-occurrence increments grow by `2^(1/half-life)` per event instead of decaying every weight.
    private(set) var scale: Float = 1
    private let growth: Float
    private let alpha: Float
    private let beta: Float
    /// A new item co-occurs with the user's last this many items…
    private let window: Int
    /// …with an increment of `decay^distance`…
    private let decay: Float
    /// …and this fraction of it in the reverse direction.
    private let reverseWeight: Float

    init(configuration: LearningConfiguration, sessions: Bool) {
        let r = configuration.ranking
        table = CooccurrenceTable(maxNeighbors: r.maxNeighbors)
        context = NeighbourContext(configuration: configuration, sessions: sessions)
        rowNorm = GrowableBuffer(capacity: 1024)
        damp = GrowableBuffer(capacity: 1024)
        growth = r.cooccurrenceHalfLife > 0 ? Float(Double.pow(2, 1 / r.cooccurrenceHalfLife)) : 1
        alpha = Float(r.neighborAlpha)
        beta = Float(r.neighborBeta)
        window = r.cooccurrenceWindow
        decay = Float(r.cooccurrenceDecay)
        reverseWeight = Float(r.reverseWeight)
    }

    func appendItem(itemCount: Int) {
        rowNorm.append(1)
        damp.append(1)
        table.ensureItems(itemCount)
    }

    /// Adds the neighbour scores of the user's last `recent` items to `scores` (by catalogue index). With
    /// `candidates`, also marks the items it touches as candidates and returns their number; else returns 0.
    @inline(__always)
    func accumulate(
        user: UserView?, recent: Int, into scores: UnsafeMutablePointer<Float>, candidates: CandidateSet?
    ) -> Int {
        var count = 0
        guard let user, recent > 0 else { return count }
        let contextSum = context.fill(user: user, context: recent)
        let norm = 1 / (contextSum * scale)
        for a in 0..<recent {
            let j = user.recent(a)
            let factor = context.weights[a] * norm * rowNorm[Int(j)]
            if let candidates {
                count = table.accumulate(
                    j, factor: factor, damp: damp.base, into: scores, marks: candidates.marks.base,
                    mark: candidates.mark, touched: candidates.items.base, count: count)
            } else {
                table.accumulate(j, factor: factor, damp: damp.base, into: scores)
            }
        }
        return count
    }

    /// Counts `item`'s co-occurrence with the user's last `length` items (an event of weight `weight`; a user's
    /// pair is counted once: not again when `repeated`, re-clicks would inflate pairs — YOOCHOOSE HR@10
    /// 0.2505 → 0.2766).
    @inline(__always)
    func learn(_ item: Int32, weight: Float, user: UserView, length: Int, repeated: Bool) {
        let co = repeated ? 0 : min(length, window)
        var d: Float = 1
        scale *= growth
        if scale > 1e20 {
            table.scaleAll(1 / scale)
            scale = 1
        }
        d *= scale
        for a in 0..<co {
            let j = user.recent(a)
            if j != item {
                table.add(j, item, weight * d)
                if reverseWeight > 0 { table.add(item, j, weight * d * reverseWeight) }
            }
            d *= decay
        }
    }

    /// Refreshes `item`'s normalisation and damping from its learned interaction weight `count`.
    @inline(__always)
    func noteCount(_ item: Int, count: Float) {
        rowNorm[item] = Float.pow(count + 1, -alpha)
        damp[item] = Float.pow(count + 1, -beta)
    }

    var allocatedBytes: Int { (rowNorm.count + damp.count) * 4 + table.allocatedBytes }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        rowNorm.write(to: &w)
        damp.write(to: &w)
        w.write(scale)
        table.write(to: &w)
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try readNormalisation(from: &r, items: items)
        try readScale(from: &r)
        try readTable(from: &r, items: items)
    }

    /// The per-item normalisation and damping alone (format 4 keeps the parts apart).
    func readNormalisation(from r: inout BinaryReader, items: Int) throws {
        try rowNorm.read(from: &r)
        try damp.read(from: &r)
        guard rowNorm.count == items, damp.count == items else {
            throw LearningError(.corruptState, "co-occurrence normalisation has wrong length")
        }
    }

    func readScale(from r: inout BinaryReader) throws { scale = try r.readFloat() }

    func readTable(from r: inout BinaryReader, items: Int) throws {
        try table.read(from: &r)
        guard table.itemCount == items else { throw LearningError(.corruptState, "co-occurrence rows mismatch") }
    }
}
