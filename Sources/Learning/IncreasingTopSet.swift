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
