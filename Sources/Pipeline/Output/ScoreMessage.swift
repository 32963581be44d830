/// One item of a ``ScoreMessage``.
public struct ScoredItem: Sendable, Hashable {
    /// The item id, as in the events.
    public var item: String
    /// The model's score; higher is better. Must be finite.
    public var score: Double

    public init(item: String, score: Double) {
        self.item = item
        self.score = score
    }
}

/// The value of a message on the scores topic, as `config/score.schema.json` describes it:
/// `{"user", "items": [{"item", "score"}], "model_version", "user_events", "updated_at"}`.
///
/// Encoded by hand, byte by byte, into a caller-provided buffer: no `JSONEncoder`, no intermediate strings, so the
/// only allocation per message is the buffer the producer message keeps. Strings are escaped per RFC 8259 (quote,
/// backslash and control characters; other UTF-8 is written as is). Scores are written as integers when integral,
/// else in the shortest form that reads back as the same value (`3.91`, `1e-05`) — the same `Float` for a score
/// that is exactly a `Float` (the learning core's precision), else the same `Double`.
public struct ScoreMessage: Sendable, Hashable {
    /// A score that JSON cannot carry (NaN or infinite).
    public struct EncodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The item whose score is not finite.
        public var item: String
        /// The score.
        public var score: Double

        public var description: String { "score of item \"\(item)\" is not finite (\(score))" }
    }

    /// The user id (the message key too).
    public var user: String
    /// The top-K items, best first.
    public var items: [ScoredItem]
    /// The version of the shared initialization: the number of meta-updates applied.
    public var modelVersion: Int
    /// How many of the user's events were learned, the triggering one included; at least 1.
    public var userEvents: Int
    /// When the scores were computed, in milliseconds since the Unix epoch.
    public var updatedAt: Int64

    public init(user: String, items: [ScoredItem], modelVersion: Int, userEvents: Int, updatedAt: Int64) {
        self.user = user
        self.items = items
        self.modelVersion = modelVersion
        self.userEvents = userEvents
        self.updatedAt = updatedAt
    }

    /// The JSON object as bytes: one allocation of the exact-enough size, filled through a raw pointer. The
    /// preferred form on the hot path (the producer message keeps the array anyway).
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite.
    public func encoded() throws(EncodingError) -> [UInt8] {
        try checkScores()
        return [UInt8](unsafeUninitializedCapacity: maximumEncodedCount) { storage, initialized in
            var writer = JSONWriter(base: storage.baseAddress!)
            write(to: &writer)
            initialized = writer.position
        }
    }

    /// Appends the JSON object to `buffer`.
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite; `buffer` is then left as it was.
    public func encode(into buffer: inout [UInt8]) throws(EncodingError) {
        try checkScores()
        let start = buffer.count
        let bound = maximumEncodedCount
        buffer.append(contentsOf: repeatElement(0, count: bound))
        let written = buffer.withUnsafeMutableBufferPointer { storage in
            var writer = JSONWriter(base: storage.baseAddress! + start)
            write(to: &writer)
            return writer.position
        }
        buffer.removeLast(bound - written)
    }

    private func checkScores() throws(EncodingError) {
        for item in items where !item.score.isFinite {
            throw EncodingError(item: item.item, score: item.score)
        }
    }

    /// An upper bound of the encoded size: every string byte escaped as `\u00XX` (6 bytes), numbers at their
    /// longest (a `Double`'s text is at most 24 bytes, an `Int64`'s 20), plus the fixed member names.
    private var maximumEncodedCount: Int {
        var count = 160 + 6 * user.utf8.count
        for item in items {
            count += 64 + 6 * item.item.utf8.count
        }
        return count
    }

    private func write(to writer: inout JSONWriter) {
        writer.literal(#"{"user":"#)
        writer.string(user)
        writer.literal(#","items":["#)
        var first = true
        for item in items {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.literal(#"{"item":"#)
            writer.string(item.item)
            writer.literal(#","score":"#)
            writer.finiteDouble(item.score)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.literal(#"],"model_version":"#)
        writer.integer(Int64(modelVersion))
        writer.literal(#","user_events":"#)
        writer.integer(Int64(userEvents))
        writer.literal(#","updated_at":"#)
        writer.integer(updatedAt)
        writer.byte(UInt8(ascii: "}"))
    }
}

/// Hand-written JSON output for the hot path: raw stores into memory the caller sized with an upper bound, no
/// bounds or uniqueness checks per byte.
struct JSONWriter {
    private let base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var position = 0

    /// Writes at `base`, which must have room for everything written.
    init(base: UnsafeMutablePointer<UInt8>) {
        self.base = base
    }

    mutating func byte(_ byte: UInt8) {
        base[position] = byte
        position += 1
    }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (base + position).update(from: source, count: bytes.count)
        position += bytes.count
    }

    /// Bytes known at compile time (member names and punctuation).
    mutating func literal(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes($0) }
    }

    /// `string` as a JSON string literal: runs of bytes that need no escaping are copied in bulk.
    mutating func string(_ string: String) {
        byte(UInt8(ascii: "\""))
        var string = string  // `withUTF8` needs a mutable copy; a native string is not copied
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let character = utf8[index]
                guard character < 0x20 || character == UInt8(ascii: "\"") || character == UInt8(ascii: "\\") else {
                    continue
                }
                bytes(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escaped(character)
                runStart = index + 1
            }
            bytes(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        byte(UInt8(ascii: "\""))
    }

    /// The escape sequence of a byte that JSON does not allow raw in a string. Swift strings are valid UTF-8, so
    /// every other byte (including U+2028/2029, valid in JSON) is copied as is.
    private mutating func escaped(_ character: UInt8) {
        byte(UInt8(ascii: "\\"))
        switch character {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte(character)
        case 0x0A: byte(UInt8(ascii: "n"))
        case 0x0D: byte(UInt8(ascii: "r"))
        case 0x09: byte(UInt8(ascii: "t"))
        case 0x08: byte(UInt8(ascii: "b"))
        case 0x0C: byte(UInt8(ascii: "f"))
        default:
            byte(UInt8(ascii: "u"))
            byte(UInt8(ascii: "0"))
            byte(UInt8(ascii: "0"))
            byte(UInt8(ascii: "0") + character >> 4)  // 0 or 1
            let low = character & 0x0F
            byte(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }

    /// The decimal digits of `value`.
    mutating func integer(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits are produced backwards into a small stack buffer, then copied.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes(UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// A finite `value` as a JSON number: an integer when it is integral and below 2^53, else the shortest text
    /// that reads back as the same `Float` (when `value` is exactly a `Float`) or `Double` (Swift's
    /// `description`, valid JSON for finite values: `0.25`, `1e-05`, `1e+20`).
    mutating func finiteDouble(_ value: Double) {
        precondition(value.isFinite, "JSON numbers must be finite")
        if value == value.rounded(.towardZero), value.magnitude < 9_007_199_254_740_992 {
            // -0 is a valid JSON number, but 0 is what readers expect.
            integer(value == 0 ? 0 : Int64(value))
            return
        }
        if value < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        // Scores computed in `Float` (the learning core's precision) are written with `Float`'s shortest
        // round-trip text: it reads back as the same `Float`, and is shorter than the 17 digits the widened `Double`
        // would need, which would only be noise. Such text is a small string (no allocation).
        let single = Float(magnitude)
        if single.isFinite, Double(single) == magnitude {
            var text = single.description
            text.withUTF8 { bytes($0) }
        } else {
            var text = magnitude.description
            text.withUTF8 { bytes($0) }
        }
    }
}
