/// Selections over score arrays that allocate nothing per item: the `k`-th largest value, and the `k` best
/// entries of a scored list.
enum Selection {
    /// The `k`-th largest of `values[0..<count]` (1-based `k`, NaN-free values), overwriting `values`.
    ///
    /// A radix select, most significant byte first, on the values' order-preserving integer keys: each round counts
    /// the candidates' current byte, keeps the bucket holding the `k`-th largest, and compacts it to the front. At
    /// most four rounds of branch-light counting instead of a quickselect's data-dependent swaps; allocates nothing.
    static func kthLargest(_ values: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
        precondition(k >= 1 && k <= count, "k \(k) out of 1...\(count)")
        return values.withMemoryRebound(to: UInt32.self, capacity: count) { keys in
            // Flip negatives entirely and set the sign bit of positives: unsigned order is then float order.
            for i in 0..<count {
                let bits = keys[i]
                keys[i] = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
            }
            var candidates = count
            var rank = k
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { histogram in
                for shift in stride(from: 24, through: 0, by: -8) where candidates > 1 {
                    histogram.initialize(repeating: 0)
                    for i in 0..<candidates { histogram[Int(truncatingIfNeeded: keys[i] >> shift) & 0xFF] += 1 }
                    var bucket = 255
                    while Int(histogram[bucket]) < rank {
                        rank -= Int(histogram[bucket])
                        bucket -= 1
                    }
                    var kept = 0
                    for i in 0..<candidates where Int(truncatingIfNeeded: keys[i] >> shift) & 0xFF == bucket {
                        keys[kept] = keys[i]
                        kept += 1
                    }
                    candidates = kept
                }
            }
            // Every remaining candidate has the same key.
            let key = keys[0]
            return Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
        }
    }

    /// The `k` best of `count` scored entries, best first; ties: the earlier first-seen item first. `items` maps
    /// entries to catalogue indices (`nil`: entry `i` is item `i`, in catalogue order). An entry is left out when
    /// `included` holds 0 for it or, without `included`, when its score is `-∞` (how a full-catalogue pass marks
    /// the seen items).
    static func best(
        _ k: Int, scores s: UnsafePointer<Float>, count: Int, items: UnsafePointer<Int32>?,
        included: UnsafePointer<Float>?
    ) -> [(item: Int32, score: Float)] {
        var best: [(item: Int32, score: Float)] = []
        best.reserveCapacity(k + 1)
        for c in 0..<count {
            let v = s[c]
            if let included {
                if included[c] == 0 { continue }
            } else if v == -.infinity {
                continue
            }
            insert(items.map { $0[c] } ?? Int32(truncatingIfNeeded: c), score: v, into: &best, keeping: k)
        }
        return best
    }

    /// Puts `item` with score `v` into `best` (at most `k` entries, best first; ties: the lower item first) if it
    /// belongs there.
    @inline(__always)
    static func insert(_ item: Int32, score v: Float, into best: inout [(item: Int32, score: Float)], keeping k: Int) {
        if best.count == k {
            let last = best[k - 1]
            if v < last.score || (v == last.score && item > last.item) { return }
        }
        var pos = best.count
        while pos > 0 && (v > best[pos - 1].score || (v == best[pos - 1].score && item < best[pos - 1].item)) {
            pos -= 1
        }
        best.insert((item, v), at: pos)
        if best.count > k { best.removeLast() }
    }
}
