import RealModule

// MARK: - Errors

/// An error from the learning core: invalid configuration, a corrupt or incompatible state blob, bad input.
public struct LearningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as an extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalidConfiguration, unknownConfigurationKey, corruptState, incompatibleState, invalidInput
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A configuration value is out of range or of the wrong type.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A `--set`/config-file key does not name a setting.
        public static let unknownConfigurationKey = Code(.unknownConfigurationKey)
        /// Serialized state is truncated or fails its checks.
        public static let corruptState = Code(.corruptState)
        /// Serialized state was written by another format version or for another model shape.
        public static let incompatibleState = Code(.incompatibleState)
        /// An event cannot be learned (e.g. a missing rating under the `rating` objective).
        public static let invalidInput = Code(.invalidInput)

        public var description: String { String(describing: backing) }
    }

    public let code: Code
    /// The configuration key concerned, when there is one (dotted, e.g. `ranking.factors`).
    public let key: String?
    public let message: String
    public let file: String
    public let line: UInt
    /// Every problem when this error reports several at once (a configuration with more than one bad value):
    /// each with its key and message. Empty for a single problem.
    public private(set) var issues: [LearningError] = []

    public init(_ code: Code, key: String? = nil, _ message: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.key = key
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        if let key { return "\(code): '\(key)': \(message)" }
        return "\(code): \(message)"
    }

    /// Throws nothing for no problems, the problem itself for one, and for several one error that lists them all
    /// (its code, key and message those of the first; ``issues`` all of them).
    public static func throwing(_ problems: [LearningError]) throws {
        guard let first = problems.first else { return }
        guard problems.count > 1 else { throw first }
        let list = problems.map { "'\($0.key ?? "")': \($0.message)" }.joined(separator: "; ")
        var combined = LearningError(
            first.code, key: first.key, "\(problems.count) problems: \(list)", file: first.file, line: first.line)
        combined.issues = problems
        throw combined
    }

    public static func == (lhs: LearningError, rhs: LearningError) -> Bool {
        lhs.code == rhs.code && lhs.key == rhs.key && lhs.message == rhs.message
    }
}

/// FNV-1a, 64 bit: a stable hash for feature names (Swift's `Hasher` is seeded per process, which would break
/// determinism and serialized state).
@inline(__always)
func fnv1a(_ text: String, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
    var h = seed
    for byte in text.utf8 {
        h ^= UInt64(byte)
        h &*= 0x0000_0100_0000_01B3
    }
    return h
}

// MARK: - Growable contiguous storage

/// A contiguous, manually managed buffer that grows by doubling: the per-event path indexes raw memory (no
/// copy-on-write checks, no retain/release), and growth with the catalogue is amortized.
final class GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    /// Elements in use (everything below is initialized).
    private(set) var count: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }

    /// Appends `n` copies of `value`, doubling the allocation when needed.
    func append(_ value: Element, count n: Int = 1) {
        reserve(count + n)
        (base + count).initialize(repeating: value, count: n)
        count += n
    }

    func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        var newCapacity = capacity
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func removeAll() { count = 0 }

    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    func write(to writer: inout BinaryWriter) {
        writer.write(UInt64(count))
        writer.writeRaw(UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<Element>.stride))
    }

    func read(from reader: inout BinaryReader) throws {
        let n = Int(try reader.read(UInt64.self))
        guard n <= reader.remaining / max(1, MemoryLayout<Element>.stride) + 1 else {
            throw LearningError(.corruptState, "array length \(n) exceeds the remaining bytes")
        }
        count = 0
        reserve(n)
        try reader.readRaw(into: UnsafeMutableRawPointer(base), count: n * MemoryLayout<Element>.stride)
        count = n
    }
}

// MARK: - Binary serialization

/// Little-endian binary writer for state blobs.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A writer whose buffer holds `capacity` bytes before it must grow (one allocation for a blob of known size,
    /// instead of a chain of doublings that leaves the allocator with freed blocks of every size).
    public init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// A writer that appends to `storage`'s buffer, emptied but with its capacity kept (and at least `capacity`):
    /// writing one blob after another into the same buffer allocates nothing once it has grown. `storage` is empty
    /// until ``hand(to:)`` gives the bytes back.
    public init(taking storage: inout [UInt8], reservingCapacity capacity: Int = 0) {
        swap(&bytes, &storage)
        bytes.removeAll(keepingCapacity: true)
        if bytes.capacity < capacity { bytes.reserveCapacity(capacity) }
    }

    /// Moves the written bytes into `storage`, leaving the writer empty.
    public mutating func hand(to storage: inout [UInt8]) {
        storage = []
        swap(&bytes, &storage)
    }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Float) { write(value.bitPattern) }
    mutating func write(_ value: Double) { write(value.bitPattern) }
    mutating func write(_ value: Bool) { write(UInt8(value ? 1 : 0)) }

    mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func write(_ values: [Float]) {
        write(UInt64(values.count))
        for v in values { write(v) }
    }

    mutating func write(_ values: [Int32]) {
        write(UInt64(values.count))
        for v in values { write(v) }
    }

    mutating func writeBytes(_ values: [UInt8]) {
        write(UInt64(values.count))
        bytes.append(contentsOf: values)
    }

    mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        // Raw memory is written as-is; every platform Swift targets here is little-endian.
        bytes.append(contentsOf: raw)
    }
}

/// Reader matching ``BinaryWriter``; every read is bounds-checked and throws ``LearningError/Code/corruptState``.
public struct BinaryReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw LearningError(.corruptState, "state truncated") }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { dst in
            bytes.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<offset + size]))
            }
        }
        offset += size
        return T(littleEndian: value)
    }

    mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
    mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }

    mutating func readString() throws -> String {
        let n = Int(try read(UInt32.self))
        guard remaining >= n else { throw LearningError(.corruptState, "string truncated") }
        let s = String(decoding: bytes[offset..<offset + n], as: UTF8.self)
        offset += n
        return s
    }

    mutating func readFloats() throws -> [Float] {
        let n = Int(try read(UInt64.self))
        guard n <= remaining / 4 else { throw LearningError(.corruptState, "float array truncated") }
        var out: [Float] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readFloat()) }
        return out
    }

    mutating func readInt32s() throws -> [Int32] {
        let n = Int(try read(UInt64.self))
        guard n <= remaining / 4 else { throw LearningError(.corruptState, "int array truncated") }
        var out: [Int32] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(Int32.self)) }
        return out
    }

    mutating func readBytes() throws -> [UInt8] {
        let n = Int(try read(UInt64.self))
        guard n <= remaining else { throw LearningError(.corruptState, "byte array truncated") }
        let out = Array(bytes[offset..<offset + n])
        offset += n
        return out
    }

    mutating func readRaw(into destination: UnsafeMutableRawPointer, count n: Int) throws {
        guard n >= 0, remaining >= n else { throw LearningError(.corruptState, "state truncated") }
        guard n > 0 else { return }
        bytes.withUnsafeBytes { src in
            destination.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
    }
}
