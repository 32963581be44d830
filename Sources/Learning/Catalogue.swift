/// The items the model knows: identifiers and dense indices (first-seen order), each item's hashed side features,
/// and the interaction weight learned per item (the counts behind co-occurrence normalisation under `ranking`
/// and the per-item step-size decay under `rating`).
final class Catalogue {
    private var index: [String: Int32] = [:]
    private(set) var names: [String] = []
    /// Items that have been learned at least once; scoring covers `0..<itemCount`.
    private(set) var itemCount = 0
    let featureSlots: Int
    /// `featureSlots` hashed side features per item (`-1` when unused).
    let features: GrowableBuffer<Int32>
    /// Interaction weight learned per item.
    let counts: GrowableBuffer<Float>
    /// How an item's side features are hashed; `nil` when items' features are not used.
    private let hasher: FeatureHasher?

    init(featureSlots: Int, hasher: FeatureHasher?) {
        self.featureSlots = featureSlots
        self.hasher = featureSlots > 0 ? hasher : nil
        features = GrowableBuffer(capacity: 1024 * max(featureSlots, 1))
        counts = GrowableBuffer(capacity: 1024)
    }

    /// Items encoded so far (learned or not).
    var count: Int { names.count }

    /// The catalogue index of `id`, if it was ever encoded.
    @inline(__always)
    func index(of id: String) -> Int32? { index[id] }

    /// Adds a new item and returns its index.
    func add(_ id: String, features itemFeatures: [String: [String]]) -> Int32 {
        let i = Int32(names.count)
        names.append(id)
        index[id] = i
        counts.append(0)
        let f = features.count
        features.append(-1, count: max(featureSlots, 0))
        hasher?.write(itemFeatures, into: features.base + f, salt: FeatureHasher.itemSalt)
        return i
    }

    /// Records that `item` was learned: scoring covers it from now on.
    @inline(__always)
    func noteLearned(_ item: Int32) {
        if Int(item) >= itemCount { itemCount = Int(item) + 1 }
    }

    var allocatedBytes: Int { (counts.count + features.count) * 4 }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(UInt64(itemCount))
        w.write(UInt64(names.count))
        for name in names { w.write(name) }
        features.write(to: &w)
        counts.write(to: &w)
    }

    /// Reads ``write(to:)``'s bytes into an empty catalogue.
    func read(from r: inout BinaryReader) throws {
        let active = Int(try r.read(UInt64.self))
        try readNames(from: &r)
        try restore(itemCount: active)
        try features.read(from: &r)
        try counts.read(from: &r)
        try checkLengths()
    }

    /// Reads a count and that many item names, adding them to an empty catalogue (no features yet).
    func readNames(from r: inout BinaryReader) throws {
        let n = Int(try r.read(UInt64.self))
        guard n <= r.remaining else { throw LearningError(.corruptState, "catalogue truncated") }
        for _ in 0..<n { _ = add(try r.readString(), features: [:]) }
    }

    /// Sets the learned item count of a restored catalogue.
    func restore(itemCount active: Int) throws {
        guard active <= names.count else { throw LearningError(.corruptState, "catalogue truncated") }
        itemCount = active
    }

    /// Checks the per-item arrays of a restored catalogue against its names.
    func checkLengths() throws {
        guard features.count == names.count * featureSlots else {
            throw LearningError(.corruptState, "item feature array has wrong length")
        }
        guard counts.count == names.count else { throw LearningError(.corruptState, "item counts have wrong length") }
    }
}
