import RealModule

/// A row of decayed per-item counts: recent popularity among some events (all of them, the cold-start events, or
/// one stage's), relative to its most popular item.
///
/// Counts decay with a half-life in the row's events, kept as growing increments instead of decaying every count:
/// the row's ``scale`` grows by `2^(1/half-life)` per event and `amount × scale` is added; when the scale passes
/// 1e30 the row and its ``maximum`` are divided by it. With candidate retrieval the row also keeps its ``pool``,
/// the exact top items by count.
final class DecayedPopularity {
    let counts: GrowableBuffer<Float>
    /// The weight of one interaction now, in the counts' units.
    private(set) var scale: Float = 1
    /// The largest count.
    private(set) var maximum: Float = 0
    let growth: Float
    /// The most popular items (``IncreasingTopSet``), always candidates; `nil` without candidate retrieval.
    let pool: IncreasingTopSet?

    /// - Parameters:
    ///   - halfLife: in the row's events.
    ///   - pool: the size of the row's candidate pool, `nil` for none.
    init(halfLife: Double, pool: Int?) {
        growth = Float(Double.pow(2, 1 / halfLife))
        counts = GrowableBuffer(capacity: 1024)
        self.pool = pool.map { IncreasingTopSet(capacity: $0) }
    }

    func appendItem() { counts.append(0) }

    /// The multiplier that makes counts relative to the maximum (0 while the row is empty).
    @inline(__always)
    var inverseMaximum: Float { maximum > 0 ? 1 / maximum : 0 }

    /// Adds one event's `amount` to `item`'s count and keeps the maximum and the pool up to date.
    /// - Returns: the factor the whole row was just multiplied by when its scale was renormalised (whatever
    ///   shares the row's units must be multiplied by it too), else `nil`.
    @inline(__always)
    @discardableResult
    func add(_ amount: Float, at item: Int) -> Float? {
        scale *= growth
        var rescaled: Float? = nil
        if scale > 1e30 {
            let inv = 1 / scale
            for i in 0..<counts.count { counts[i] *= inv }
            rescaled = inv
            maximum *= inv
            scale = 1
        }
        counts[item] += amount * scale
        if counts[item] > maximum { maximum = counts[item] }
        pool?.noteIncrease(Int32(truncatingIfNeeded: item), values: counts.base)
        return rescaled
    }

    /// Recomputes the pool from the counts (after a restore).
    func rebuildPool() { pool?.rebuild(values: counts.base, count: counts.count) }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        counts.write(to: &w)
        w.write(scale)
        w.write(maximum)
    }

    /// Reads ``write(to:)``'s bytes for a catalogue of `items`.
    func read(from r: inout BinaryReader, items: Int) throws {
        try readCounts(from: &r, items: items)
        try readStatistics(from: &r)
    }

    /// The counts alone (format 4 keeps them apart from the scale and maximum).
    func readCounts(from r: inout BinaryReader, items: Int) throws {
        try counts.read(from: &r)
        guard counts.count == items else { throw LearningError(.corruptState, "popularity row has wrong length") }
    }

    /// The scale and the maximum alone.
    func readStatistics(from r: inout BinaryReader) throws {
        scale = try r.readFloat()
        maximum = try r.readFloat()
    }
}
