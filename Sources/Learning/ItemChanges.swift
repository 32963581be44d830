/// The catalogue items whose per-item values changed since the ``ExactIndex`` last settled its orders: each item
/// once, in the order first noted. Learning notes what it touches (the event's item, BPR's negatives, the
/// head-softmax entries); nothing else is kept, so noting costs a flag test and, the first time, one append.
final class ItemChanges {
    /// The noted items, each once.
    let items = GrowableBuffer<Int32>(capacity: 1024)
    /// 1 for noted items, indexed by item.
    private let flags = GrowableBuffer<UInt8>(capacity: 1024)

    var isEmpty: Bool { items.count == 0 }

    /// Records that `item`'s values changed.
    @inline(__always)
    func note(_ item: Int32) {
        let i = Int(item)
        if i >= flags.count { flags.append(0, count: i + 1 - flags.count) }
        if flags[i] != 0 { return }
        flags[i] = 1
        items.append(item)
    }

    /// Forgets every noted item.
    func clear() {
        for c in 0..<items.count { flags[Int(items[c])] = 0 }
        items.removeAll()
    }
}
