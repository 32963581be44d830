/// Item-to-item co-occurrence weights as bounded sparse rows.
///
/// Each item's row keeps its entries compact (`neighbour`, `weight` arrays, so scoring streams through exactly the
/// live entries) plus an open-addressing hash index (linear probing) from neighbour to entry, so an update is O(1).
/// Arrays grow by doubling up to `maxNeighbors` entries; when a row is full the weakest half is dropped (ties: the
/// lower neighbour index is kept), so memory per item is bounded whatever the catalogue size:
/// at most `maxNeighbors × 8` bytes of entries plus `2 × maxNeighbors × 4` bytes of index (rounded up to a power of 2).
final class CooccurrenceTable {
    struct Row {
        var keys: UnsafeMutablePointer<Int32>?
        var values: UnsafeMutablePointer<Float>?
        var index: UnsafeMutablePointer<Int32>?
        var capacity: Int32
        var hashCapacity: Int32
        var count: Int32
    }

    let maxNeighbors: Int
    private(set) var rows: GrowableBuffer<Row>
    /// Scratch for pruning, reused.
    private var scratch: [(key: Int32, value: Float)] = []

    init(maxNeighbors: Int) {
        self.maxNeighbors = maxNeighbors
        self.rows = GrowableBuffer(capacity: 64)
    }

    deinit {
        for r in 0..<rows.count { Self.free(rows[r]) }
    }

    private static func free(_ row: Row) {
        row.keys?.deallocate()
        row.values?.deallocate()
        row.index?.deallocate()
    }

    var itemCount: Int { rows.count }

    /// Makes rows exist for items `0..<n`.
    func ensureItems(_ n: Int) {
        if n > rows.count {
            rows.append(
                Row(keys: nil, values: nil, index: nil, capacity: 0, hashCapacity: 0, count: 0), count: n - rows.count)
        }
    }

    /// Total entries over all rows.
    var entryCount: Int {
        var n = 0
        for r in 0..<rows.count { n += Int(rows[r].count) }
        return n
    }

    /// Bytes allocated for all rows.
    var allocatedBytes: Int {
        var n = 0
        for r in 0..<rows.count { n += Int(rows[r].capacity) * 8 + Int(rows[r].hashCapacity) * 4 }
        return n
    }

    @inline(__always)
    private static func slot(_ key: Int32, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt32(bitPattern: key) &* 0x9E37_79B1) >> 7) & mask
    }

    /// Entry position of `key` in row `row`, if present.
    @inline(__always)
    private static func find(_ row: Row, _ key: Int32) -> Int? {
        guard row.count > 0, let index = row.index, let keys = row.keys else { return nil }
        let mask = Int(row.hashCapacity) - 1
        var s = slot(key, mask)
        while true {
            let e = index[s]
            if e < 0 { return nil }
            if keys[Int(e)] == key { return Int(e) }
            s = (s + 1) & mask
        }
    }

    /// The weight of `neighbor` in `item`'s row (0 when absent).
    @inline(__always)
    func weight(_ item: Int32, _ neighbor: Int32) -> Float {
        let row = rows[Int(item)]
        guard let e = Self.find(row, neighbor) else { return 0 }
        return row.values![e]
    }

    /// Adds `amount` to the weight of `neighbor` in `item`'s row.
    func add(_ item: Int32, _ neighbor: Int32, _ amount: Float) {
        let r = Int(item)
        if let e = Self.find(rows[r], neighbor) {
            rows[r].values![e] += amount
            return
        }
        if Int(rows[r].count) >= maxNeighbors { prune(r) }
        if rows[r].count == rows[r].capacity {
            grow(r, capacity: min(max(4, Int(rows[r].capacity) * 2), maxNeighbors))
        }
        let row = rows[r]
        let e = Int(row.count)
        row.keys![e] = neighbor
        row.values![e] = amount
        rows[r].count += 1
        Self.index(row, entry: e)
    }

    @inline(__always)
    private static func index(_ row: Row, entry e: Int) {
        let index = row.index!
        let mask = Int(row.hashCapacity) - 1
        var s = slot(row.keys![e], mask)
        while index[s] >= 0 { s = (s + 1) & mask }
        index[s] = Int32(e)
    }

    private func grow(_ r: Int, capacity: Int) {
        let old = rows[r]
        var hashCapacity = 8
        while hashCapacity < 2 * capacity { hashCapacity *= 2 }
        let keys = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        let count = Int(old.count)
        if let oldKeys = old.keys, let oldValues = old.values {
            keys.initialize(from: oldKeys, count: count)
            values.initialize(from: oldValues, count: count)
        }
        (keys + count).initialize(repeating: -1, count: capacity - count)
        (values + count).initialize(repeating: 0, count: capacity - count)
        let index: UnsafeMutablePointer<Int32>
        if hashCapacity != Int(old.hashCapacity) {
            index = .allocate(capacity: hashCapacity)
            old.index?.deallocate()
        } else {
            index = old.index!
        }
        old.keys?.deallocate()
        old.values?.deallocate()
        let row = Row(
            keys: keys, values: values, index: index, capacity: Int32(capacity), hashCapacity: Int32(hashCapacity),
            count: old.count)
        rows[r] = row
        Self.reindex(row)
    }

    private static func reindex(_ row: Row) {
        row.index!.update(repeating: -1, count: Int(row.hashCapacity))
        for e in 0..<Int(row.count) { index(row, entry: e) }
    }

    /// Keeps the strongest half of a full row (ties: lower neighbour index first), in that order.
    private func prune(_ r: Int) {
        let row = rows[r]
        scratch.removeAll(keepingCapacity: true)
        for e in 0..<Int(row.count) { scratch.append((row.keys![e], row.values![e])) }
        scratch.sort { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let keep = maxNeighbors / 2
        for (e, entry) in scratch.prefix(keep).enumerated() {
            row.keys![e] = entry.key
            row.values![e] = entry.value
        }
        for e in keep..<Int(row.capacity) {
            row.keys![e] = -1
            row.values![e] = 0
        }
        rows[r].count = Int32(keep)
        Self.reindex(rows[r])
    }

    /// `scores[neighbor] += factor · weight · damp[neighbor]` over the row — the kNN scoring kernel.
    @inline(__always)
    func accumulate(
        _ item: Int32, factor: Float, damp: UnsafeMutablePointer<Float>, into scores: UnsafeMutablePointer<Float>
    ) {
        let row = rows[Int(item)]
        guard let keys = row.keys, let values = row.values else { return }
        for e in 0..<Int(row.count) {
            let k = Int(keys[e])
            scores[k] += factor * values[e] * damp[k]
        }
    }

    /// ``accumulate(_:factor:damp:into:)`` that also collects the neighbours it touches: a neighbour whose
    /// `marks` entry differs from `mark` is appended to `touched` (at `count`, which is advanced) and marked.
    /// Returns the new count.
    @inline(__always)
    func accumulate(
        _ item: Int32, factor: Float, damp: UnsafeMutablePointer<Float>, into scores: UnsafeMutablePointer<Float>,
        marks: UnsafeMutablePointer<Int32>, mark: Int32, touched: UnsafeMutablePointer<Int32>, count: Int
    ) -> Int {
        let row = rows[Int(item)]
        guard let keys = row.keys, let values = row.values else { return count }
        var n = count
        for e in 0..<Int(row.count) {
            let key = keys[e]
            let k = Int(key)
            scores[k] += factor * values[e] * damp[k]
            if marks[k] != mark {
                marks[k] = mark
                touched[n] = key
                n += 1
            }
        }
        return n
    }

    /// Multiplies every weight by `factor` (renormalisation of time-decayed weights).
    func scaleAll(_ factor: Float) {
        for r in 0..<rows.count {
            let row = rows[r]
            guard let values = row.values else { continue }
            for s in 0..<Int(row.capacity) { values[s] *= factor }
        }
    }

    /// Calls `body(neighbor, weight)` for every entry of `item`'s row, in entry order.
    func forEach(_ item: Int32, _ body: (Int32, Float) -> Void) {
        let row = rows[Int(item)]
        guard let keys = row.keys, let values = row.values else { return }
        for e in 0..<Int(row.count) { body(keys[e], values[e]) }
    }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(UInt64(maxNeighbors))
        w.write(UInt64(rows.count))
        for r in 0..<rows.count {
            let row = rows[r]
            w.write(row.capacity)
            w.write(row.hashCapacity)
            w.write(row.count)
            if row.capacity > 0 {
                w.writeRaw(UnsafeRawBufferPointer(start: row.keys!, count: Int(row.capacity) * 4))
                w.writeRaw(UnsafeRawBufferPointer(start: row.values!, count: Int(row.capacity) * 4))
                w.writeRaw(UnsafeRawBufferPointer(start: row.index!, count: Int(row.hashCapacity) * 4))
            }
        }
    }

    func read(from reader: inout BinaryReader) throws {
        let m = Int(try reader.read(UInt64.self))
        guard m == maxNeighbors else {
            throw LearningError(.incompatibleState, "co-occurrence rows were written with max_neighbors \(m)")
        }
        let n = Int(try reader.read(UInt64.self))
        guard n <= reader.remaining / 12 else { throw LearningError(.corruptState, "co-occurrence table truncated") }
        for r in 0..<rows.count { Self.free(rows[r]) }
        rows.removeAll()
        ensureItems(n)
        for r in 0..<n {
            let capacity = Int(try reader.read(Int32.self))
            let hashCapacity = Int(try reader.read(Int32.self))
            let count = Int(try reader.read(Int32.self))
            guard capacity >= 0, capacity <= maxNeighbors, count >= 0, count <= capacity,
                capacity == 0
                    ? hashCapacity == 0
                    : (hashCapacity >= 2 * capacity && hashCapacity.nonzeroBitCount == 1
                        && hashCapacity <= 4 * maxNeighbors + 16)
            else { throw LearningError(.corruptState, "co-occurrence row \(r) is malformed") }
            guard capacity > 0 else { continue }
            let row = Row(
                keys: .allocate(capacity: capacity), values: .allocate(capacity: capacity),
                index: .allocate(capacity: hashCapacity), capacity: Int32(capacity),
                hashCapacity: Int32(hashCapacity), count: Int32(count))
            rows[r] = row
            try reader.readRaw(into: row.keys!, count: capacity * 4)
            try reader.readRaw(into: row.values!, count: capacity * 4)
            try reader.readRaw(into: row.index!, count: hashCapacity * 4)
            for s in 0..<hashCapacity where row.index![s] >= count {
                throw LearningError(.corruptState, "co-occurrence row \(r) has a dangling index")
            }
            for e in 0..<count where row.keys![e] < 0 || Int(row.keys![e]) >= n {
                throw LearningError(.corruptState, "co-occurrence row \(r) names an unknown item")
            }
        }
    }
}
