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
/// else in `Double`'s shortest round-trip form (`3.91`, `1e-05`): decoding gives back the exact value.
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

    /// Appends the JSON object to `buffer`.
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite; `buffer` is then left as it was.
    public func encode(into buffer: inout [UInt8]) throws(EncodingError) {
        for item in items where !item.score.isFinite {
            throw EncodingError(item: item.item, score: item.score)
        }
        buffer.reserveCapacity(buffer.count + 80 + user.utf8.count + items.count * 40)
        buffer.append(contentsOf: #"{"user":"#.utf8)
        JSONWriter.appendString(user, to: &buffer)
        buffer.append(contentsOf: #","items":["#.utf8)
        var first = true
        for item in items {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(contentsOf: #"{"item":"#.utf8)
            JSONWriter.appendString(item.item, to: &buffer)
            buffer.append(contentsOf: #","score":"#.utf8)
            JSONWriter.appendFiniteDouble(item.score, to: &buffer)
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(contentsOf: #"],"model_version":"#.utf8)
        JSONWriter.appendInteger(Int64(modelVersion), to: &buffer)
        buffer.append(contentsOf: #","user_events":"#.utf8)
        JSONWriter.appendInteger(Int64(userEvents), to: &buffer)
        buffer.append(contentsOf: #","updated_at":"#.utf8)
        JSONWriter.appendInteger(updatedAt, to: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }

    /// The JSON object as bytes.
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite.
    public func encoded() throws(EncodingError) -> [UInt8] {
        var buffer: [UInt8] = []
        try encode(into: &buffer)
        return buffer
    }
}

/// Hand-written JSON output for the hot path.
enum JSONWriter {
    /// Appends `string` as a JSON string literal.
    static func appendString(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendEscape(UInt8(ascii: "\""), to: &buffer)
            case UInt8(ascii: "\\"): appendEscape(UInt8(ascii: "\\"), to: &buffer)
            case 0x0A: appendEscape(UInt8(ascii: "n"), to: &buffer)
            case 0x0D: appendEscape(UInt8(ascii: "r"), to: &buffer)
            case 0x09: appendEscape(UInt8(ascii: "t"), to: &buffer)
            case 0x08: appendEscape(UInt8(ascii: "b"), to: &buffer)
            case 0x0C: appendEscape(UInt8(ascii: "f"), to: &buffer)
            case 0x00..<0x20:
                appendEscape(UInt8(ascii: "u"), to: &buffer)
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0") + byte >> 4)  // 0 or 1
                let low = byte & 0x0F
                buffer.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
            default:
                // Swift strings are valid UTF-8, so every other byte (including U+2028/2029, valid in JSON) passes.
                buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ character: UInt8, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(character)
    }

    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, to: &buffer)
    }

    private static func appendDigits(_ value: UInt64, to buffer: inout [UInt8]) {
        var digits: (UInt64, Int) = (1, 1)
        while digits.0 <= value / 10 {
            digits.0 *= 10
            digits.1 += 1
        }
        var remaining = value
        var divisor = digits.0
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Appends a finite `value` as a JSON number: an integer when it is integral and below 2^53, else the shortest
    /// text that reads back as the same `Double` (Swift's `description`, which is valid JSON for finite values:
    /// `0.25`, `1e-05`, `1e+20`).
    static func appendFiniteDouble(_ value: Double, to buffer: inout [UInt8]) {
        precondition(value.isFinite, "JSON numbers must be finite")
        if value == value.rounded(.towardZero), value.magnitude < 9_007_199_254_740_992 {
            if value == 0, value.sign == .minus {
                buffer.append(UInt8(ascii: "0"))  // -0 is a valid JSON number, but 0 is what readers expect
                return
            }
            appendInteger(Int64(value), to: &buffer)
            return
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        // `description` is a small (inline, allocation-free) string up to 15 bytes; longer ones cost one small
        // allocation, accepted over a hand-rolled shortest-round-trip printer.
        var text = value.magnitude.description
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }
}
