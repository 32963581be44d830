/// The per-column item orders behind ``ExactRetrieval`` (`ranking.retrieval: exact`): every part of an item's
/// blended score that all users share, each in its own ``ItemOrder`` — the global popularity counts, each
/// fourth-component row's counts (cold start, then the stages), the item biases, the item-vector norms `‖q_i‖`
/// (which bound the factorisation's `p·q_i`) and each item-offset row.
///
/// Learning notes the items it changes in ``changes``; ``settle()`` moves just those (a decayed row's global
/// rescale keeps its order, so only increments move items), before each query.
final class ExactIndex {
    let popularity: ItemOrder
    /// The fourth component's rows, in ``PopularityComponents/row(stage:)``'s stage order.
    let rows: [ItemOrder]
    let biases: ItemOrder
    let norms: ItemOrder
    /// `‖q_i‖` per item.
    let normValues = GrowableBuffer<Float>(capacity: 1024)
    /// The cold-start and the settled item-offset rows (empty when item offsets are off).
    let offsets: [ItemOrder]
    let changes = ItemChanges()
    private let sources: Sources

    private struct Sources {
        let popularity: PopularityComponents
        let factorisation: Factorisation
        let offsets: ItemOffsets
    }

    init(popularity: PopularityComponents, factorisation: Factorisation, offsets: ItemOffsets) {
        sources = Sources(popularity: popularity, factorisation: factorisation, offsets: offsets)
        self.popularity = ItemOrder()
        rows = ([popularity.cold] + popularity.stages).map { _ in ItemOrder() }
        biases = ItemOrder()
        norms = ItemOrder()
        self.offsets = offsets.rate > 0 ? [ItemOrder(), ItemOrder()] : []
    }

    /// Calls `body` with every order and the values it follows (read now: their buffers may have grown).
    @inline(__always)
    private func forEachColumn(_ body: (ItemOrder, UnsafePointer<Float>) -> Void) {
        let p = sources.popularity
        body(popularity, p.global.counts.base)
        for (s, order) in rows.enumerated() { body(order, p.row(stage: s).counts.base) }
        body(biases, sources.factorisation.biases.base)
        body(norms, normValues.base)
        if !offsets.isEmpty {
            body(offsets[0], sources.offsets.cold.base)
            body(offsets[1], sources.offsets.settled.base)
        }
    }

    @inline(__always)
    private func norm(_ i: Int) -> Float {
        let f = sources.factorisation
        let q = f.vectors.base + i * f.factors
        var s: Float = 0
        for k in 0..<f.factors { s += q[k] * q[k] }
        return s.squareRoot()
    }

    /// Adds the catalogue's newest item (its values already set) to every order.
    func appendItem() {
        let i = normValues.count
        normValues.append(norm(i))
        let item = Int32(truncatingIfNeeded: i)
        popularity.append(item)
        for order in rows { order.append(item) }
        biases.append(item)
        norms.append(item)
        for order in offsets { order.append(item) }
        changes.note(item)
    }

    /// Moves the items noted in ``changes`` into place in every order.
    func settle() {
        guard !changes.isEmpty else { return }
        let items = changes.items
        for c in 0..<items.count { normValues[Int(items[c])] = norm(Int(items[c])) }
        forEachColumn { order, values in order.settle(items.base, count: items.count, values: values) }
        changes.clear()
    }

    /// Positions items were moved by in every order so far.
    var shifted: Int {
        var total = 0
        forEachColumn { order, _ in total += order.shifted }
        return total
    }

    /// Sorts every order from scratch over items `0..<n` (after a restore).
    func rebuild(count n: Int) {
        changes.clear()
        normValues.removeAll()
        for i in 0..<n { normValues.append(norm(i)) }
        forEachColumn { order, values in order.rebuild(values: values, count: n) }
    }
}
