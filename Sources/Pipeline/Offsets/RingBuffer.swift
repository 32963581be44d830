/// A growable FIFO over one contiguous buffer: O(1) amortized append and remove-first, indexed access from the
/// head, no allocation once it has grown to its steady-state size.
///
/// The pipeline's per-partition structures need exactly this (a deque); the package has no swift-collections
/// dependency, and this is small enough to keep local.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(initialCapacity: Int = 16) {
        storage = Array(repeating: nil, count: max(1, initialCapacity))
    }

    var isEmpty: Bool { count == 0 }
    var capacity: Int { storage.count }

    /// The element `index` places from the head; `index` must be in `0..<count`.
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "RingBuffer index out of range")
            return storage[physical(index)]!
        }
        set {
            precondition(index >= 0 && index < count, "RingBuffer index out of range")
            storage[physical(index)] = newValue
        }
    }

    var first: Element? { count == 0 ? nil : storage[head] }
    var last: Element? { count == 0 ? nil : storage[physical(count - 1)] }

    /// Removes and returns the first element, if any.
    mutating func popFirst() -> Element? {
        count == 0 ? nil : removeFirst()
    }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[physical(count)] = element
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst on an empty RingBuffer")
        let element = storage[head].take()!
        head = head + 1 == storage.count ? 0 : head + 1
        count -= 1
        return element
    }

    /// Removes every element, keeping the capacity.
    mutating func removeAll() {
        while count > 0 { removeFirst() }
        head = 0
    }

    private func physical(_ index: Int) -> Int {
        let position = head + index
        return position >= storage.count ? position - storage.count : position
    }

    private mutating func grow() {
        var grown = [Element?](repeating: nil, count: storage.count * 2)
        for index in 0..<count {
            grown[index] = storage[physical(index)].take()
        }
        storage = grown
        head = 0
    }
}
extension RingBuffer: Sendable where Element: Sendable {}
