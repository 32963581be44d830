/// Per-item offsets of the blended score (`ranking.item_offset_learning_rate`), learned by the head-softmax query
/// loss: one row for users in their cold start (`cold_events`), one for everyone else. An item the blend keeps
/// ranking above what users pick next loses score, an item picked from below gains.
final class ItemOffsets {
    let cold: GrowableBuffer<Float>
    let settled: GrowableBuffer<Float>
    let rate: Float
    private let coldEvents: Int

    init(configuration: LearningConfiguration) {
        cold = GrowableBuffer(capacity: 1024)
        settled = GrowableBuffer(capacity: 1024)
        rate = Float(configuration.ranking.itemOffsetLearningRate)
        coldEvents = configuration.ranking.coldEvents
    }

    func appendItem() {
        cold.append(0)
        settled.append(0)
    }

    /// The row of a user with `n` events seen, `nil` when item offsets are off.
    @inline(__always)
    func row(eventsSeen n: Int) -> UnsafeMutablePointer<Float>? {
        guard rate > 0 else { return nil }
        return n < coldEvents ? cold.base : settled.base
    }

    /// Moves each head-softmax entry's offset in `row` by `−rate · ∂L/∂s` (`items` maps entries to catalogue
    /// indices; `nil`: entries are catalogue indices).
    @inline(__always)
    func applyHeadStep(
        _ row: UnsafeMutablePointer<Float>, entries: UnsafePointer<Int32>, coefficients: UnsafePointer<Float>,
        count: Int, items: UnsafePointer<Int32>?
    ) {
        for h in 0..<count {
            let i = items.map { Int($0[Int(entries[h])]) } ?? Int(entries[h])
            row[i] -= rate * coefficients[h]
        }
    }

    var allocatedBytes: Int { (cold.count + settled.count) * 4 }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        cold.write(to: &w)
        settled.write(to: &w)
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try cold.read(from: &r)
        try settled.read(from: &r)
        guard cold.count == items, settled.count == items else {
            throw LearningError(.corruptState, "item offsets have wrong length")
        }
    }
}
