/// Appends JSON text to a byte buffer, without Foundation and without intermediate strings: the project's one JSON
/// writer (canonical events, score messages, the model topic's messages, the CLI's JSON lines).
///
/// Strings are escaped per RFC 8259: quote, backslash and control characters (`\n`, `\r`, `\t`, `\b`, `\f`, else
/// `\u00XX`); every other byte of valid UTF-8 (U+2028/2029 included, valid in JSON) is copied as is, runs in bulk.
/// Numbers come in two forms: ``number(_:)`` reads back as the same `Double` (events' values), ``score(_:)`` as the
/// same `Float` when the value is one (scores computed in the learning core's `Float` precision).
public struct JSONWriter: Sendable {
    /// The text written so far.
    public var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Runs `body` with a writer that appends to `buffer` in place (the buffer's storage is moved in and back, not
    /// copied).
    public static func append(to buffer: inout [UInt8], _ body: (inout JSONWriter) throws -> Void) rethrows {
        var writer = JSONWriter()
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        try body(&writer)
    }

    // MARK: Raw text

    @inline(__always)
    public mutating func byte(_ byte: UInt8) { bytes.append(byte) }

    /// Text known at compile time (member names and punctuation), copied as is.
    @inline(__always)
    public mutating func literal(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text that is already JSON, copied as is.
    public mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func null() { literal("null") }

    public mutating func bool(_ value: Bool) { if value { literal("true") } else { literal("false") } }

    // MARK: Strings

    /// `text` as a JSON string literal.
    public mutating func string(_ text: String) {
        var text = text  // `withUTF8` needs a mutable copy; a native string is not copied
        text.withUTF8 { string(utf8: $0) }
    }

    /// Bytes known to be valid UTF-8 as a JSON string literal.
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let character = utf8[index]
            guard character < 0x20 || character == UInt8(ascii: "\"") || character == UInt8(ascii: "\\") else {
                continue
            }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            escape(character)
            runStart = index + 1
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Bytes known to be valid UTF-8 as a JSON string literal.
    public mutating func string(utf8: [UInt8]) {
        utf8.withUnsafeBufferPointer { string(utf8: $0) }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    private mutating func escape(_ character: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch character {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(character)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex = Self.hexDigits.utf8Start
            bytes.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(character >> 4)],
                hex[Int(character & 0xF)],
            ])
        }
    }

    // MARK: Numbers

    /// The decimal digits of `value`.
    public mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits are produced backwards into a small stack buffer, then copied.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    public mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// The shortest decimal that reads back as the same `Double` (Swift's `description` is shortest-round-trip),
    /// integral values below 10^15 without a fraction, `-0.0` for negative zero; `null` for a non-finite value
    /// (which JSON cannot express). The canonical form of events' values.
    public mutating func number(_ value: Double) {
        guard value.isFinite else {
            null()
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            if value == 0 && value.sign == .minus {
                literal("-0.0")
            } else {
                integer(Int64(value))
            }
            return
        }
        // `description` yields forms like 0.1, 1e-05, 1.5e+20: all valid JSON numbers.
        raw(value.description)
    }

    /// A finite score: an integer when it is integral and below 2^53 (`0` for negative zero), else the shortest
    /// text that reads back as the same `Float` when `value` is exactly a `Float` (what the learning core computes:
    /// shorter than the 17 digits of the widened `Double`, which would only be noise), else as the same `Double`.
    public mutating func score(_ value: Double) {
        precondition(value.isFinite, "JSON numbers must be finite")
        if value == value.rounded(.towardZero), value.magnitude < 9_007_199_254_740_992 {
            integer(value == 0 ? 0 : Int64(value))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        let single = Float(magnitude)
        // Either text is a small string (no allocation).
        raw(single.isFinite && Double(single) == magnitude ? single.description : magnitude.description)
    }
}
