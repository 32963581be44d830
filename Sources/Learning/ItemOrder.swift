/// Catalogue items in non-increasing order of a per-item value (a popularity row's counts, the item biases, the
/// item-vector norms, an item-offset row), kept in order as values change: a changed item is moved past its
/// neighbours until their values frame its own, O(distance moved), never a sort of the catalogue.
///
/// The values are read through a pointer at each call (their buffer may grow), so a change that scales every value
/// by one positive factor (a decayed row's renormalisation) needs nothing: order is preserved. Equal values may
/// stand in any order; ``ExactRetrieval`` needs only that no value exceeds one before it.
final class ItemOrder {
    /// The items, largest value first.
    let order = GrowableBuffer<Int32>(capacity: 1024)
    /// Per item, its index in ``order``.
    let position = GrowableBuffer<Int32>(capacity: 1024)

    var count: Int { order.count }
    /// Positions items were moved by so far (the cost of keeping the order).
    private(set) var shifted = 0

    /// Adds the next catalogue item at the end (``reposition(_:values:)`` then moves it into place).
    func append(_ item: Int32) {
        precondition(Int(item) == position.count, "items are appended in catalogue order")
        position.append(Int32(truncatingIfNeeded: order.count))
        order.append(item)
    }

    /// Moves `item` up while the value before it is smaller, else down while the value after it is larger.
    /// - Returns: whether it moved.
    @inline(__always)
    @discardableResult
    func reposition(_ item: Int32, values v: UnsafePointer<Float>) -> Bool {
        let o = order.base
        let slots = position.base
        let start = Int(slots[Int(item)])
        let x = v[Int(item)]
        var p = start
        while p > 0 && v[Int(o[p - 1])] < x {
            o[p] = o[p - 1]
            slots[Int(o[p])] = Int32(truncatingIfNeeded: p)
            p -= 1
        }
        if p == start {
            let n = order.count
            while p + 1 < n && v[Int(o[p + 1])] > x {
                o[p] = o[p + 1]
                slots[Int(o[p])] = Int32(truncatingIfNeeded: p)
                p += 1
            }
        }
        o[p] = item
        slots[Int(item)] = Int32(truncatingIfNeeded: p)
        shifted &+= abs(p - start)
        return p != start
    }

    /// Repositions every item of `items` until none moves. One item at a time can stop next to another changed
    /// item that is itself out of place; once no changed item moves, every adjacent pair that holds a changed item
    /// is in order, and the unchanged items kept their relative (sorted) order, so the whole order is sorted.
    func settle(_ items: UnsafePointer<Int32>, count: Int, values: UnsafePointer<Float>) {
        var moved = true
        while moved {
            moved = false
            for c in 0..<count where reposition(items[c], values: values) { moved = true }
        }
    }

    /// Sorts items `0..<n` from scratch (a restored model; ties by item index).
    func rebuild(values v: UnsafePointer<Float>, count n: Int) {
        let sorted = (0..<n).sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }
        order.removeAll()
        position.removeAll()
        position.append(0, count: n)
        for (p, i) in sorted.enumerated() {
            order.append(Int32(truncatingIfNeeded: i))
            position[i] = Int32(truncatingIfNeeded: p)
        }
    }
}
