/// A strict, allocation-light JSON scanner over one message's bytes (RFC 8259): it validates strings (escapes and
/// UTF-8), numbers, literals and nesting, never traps on any input, and knows nothing of the event schema (the
/// schema mapping is ``JSONEventParser``).
///
/// It holds no reference-counted state, so passing it around never retains or releases anything. Objects and arrays
/// are walked with one member iterator (``openObject()`` / ``nextMember(_:)``) and one element iterator
/// (``openArray()`` / ``nextElement(_:)``): plain loops, no closures on the hot path.

/// A scanned JSON string: the raw bytes between the quotes, and whether they hold escapes.
struct RawString {
    var start: Int
    var end: Int
    var hasEscapes: Bool
}

/// A scanned JSON number literal with the pieces the fast `Double` path needs.
struct RawNumber {
    var start: Int
    var end: Int
    var isInteger: Bool
    var mantissa: UInt64
    var exponent10: Int
    /// More significant digits than fit the fast path.
    var inexact: Bool
    var negative: Bool
}

enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let n = UInt8(ascii: "n")

    /// Whether `byte` can start a number literal.
    @inline(__always)
    static func startsNumber(_ byte: UInt8) -> Bool { byte == minus || (byte >= zero && byte <= nine) }
}

private let powersOf10: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

struct JSONScanner {
    let p: UnsafePointer<UInt8>
    let n: Int
    /// The deepest nesting accepted (levels counted from 1 for the outermost value).
    let maxDepth: Int
    /// The position of the next byte to read.
    var i = 0

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.p = base
        self.n = count
        self.maxDepth = maxDepth
    }

    /// Whether every byte was read.
    @inline(__always) var isAtEnd: Bool { i >= n }

    /// The next byte, or nil at the end of the message.
    @inline(__always) var peek: UInt8? { i < n ? p[i] : nil }

    // MARK: Errors

    func malformed(_ what: String) -> EventDecodingError {
        EventDecodingError(.malformedJSON, "\(what) at byte \(i)")
    }

    /// Refuses a container at nesting level `depth` when it is deeper than ``maxDepth``.
    func checkDepth(_ depth: Int) throws(EventDecodingError) {
        guard depth <= maxDepth else {
            throw EventDecodingError(.oversize, "nesting deeper than \(maxDepth) levels")
        }
    }

    // MARK: Containers

    /// Where a member iteration stands.
    struct Members {
        fileprivate var first = true
    }

    /// Where an element iteration stands.
    struct Elements {
        fileprivate var first = true
    }

    /// Starts iterating the object at `i` (which is `{`); follow with ``nextMember(_:)`` until it returns nil.
    mutating func openObject() -> Members {
        i += 1
        return Members()
    }

    /// The next member's name, leaving `i` at its value (after the colon), or nil after the closing brace. The
    /// caller reads or skips the value before asking for the next member.
    mutating func nextMember(_ members: inout Members) throws(EventDecodingError) -> RawString? {
        skipWhitespace()
        if members.first {
            members.first = false
            if i < n, p[i] == ASCII.closeBrace {
                i += 1
                return nil
            }
        } else {
            guard i < n else { throw malformed("unterminated object") }
            if p[i] == ASCII.closeBrace {
                i += 1
                return nil
            }
            guard p[i] == ASCII.comma else { throw malformed("expected ',' or '}'") }
            i += 1
            skipWhitespace()
        }
        guard i < n, p[i] == ASCII.quote else { throw malformed("expected a member name") }
        let key = try scanString()
        try expectColon()
        return key
    }

    /// Starts iterating the array at `i` (which is `[`); follow with ``nextElement(_:)`` until it returns false.
    mutating func openArray() -> Elements {
        i += 1
        return Elements()
    }

    /// Whether another element follows (then `i` is before it, whitespace allowed), false after the closing bracket.
    mutating func nextElement(_ elements: inout Elements) throws(EventDecodingError) -> Bool {
        skipWhitespace()
        if elements.first {
            elements.first = false
            if i < n, p[i] == ASCII.closeBracket {
                i += 1
                return false
            }
            return true
        }
        guard i < n else { throw malformed("unterminated array") }
        if p[i] == ASCII.closeBracket {
            i += 1
            return false
        }
        guard p[i] == ASCII.comma else { throw malformed("expected ',' or ']'") }
        i += 1
        return true
    }

    // MARK: Values

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func expectColon() throws(EventDecodingError) {
        skipWhitespace()
        guard i < n, p[i] == ASCII.colon else { throw malformed("expected ':'") }
        i += 1
        skipWhitespace()
    }

    mutating func expectLiteral(_ literal: StaticString) throws(EventDecodingError) {
        let count = literal.utf8CodeUnitCount
        guard n - i >= count else { throw malformed("truncated literal") }
        let lp = literal.utf8Start
        for k in 0..<count where p[i + k] != lp[k] {
            throw malformed("invalid literal")
        }
        i += count
    }

    /// Validates and skips any JSON value, refusing nesting deeper than the limit. `depth` is the level the value
    /// sits at (members of the event object are at 2).
    mutating func skipValue(depth: Int) throws(EventDecodingError) {
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        switch p[i] {
        case ASCII.quote:
            _ = try scanString()
        case ASCII.minus, ASCII.zero...ASCII.nine:
            _ = try scanNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
        case UInt8(ascii: "f"):
            try expectLiteral("false")
        case UInt8(ascii: "n"):
            try expectLiteral("null")
        case ASCII.openBrace:
            try checkDepth(depth)
            var members = openObject()
            while try nextMember(&members) != nil {
                try skipValue(depth: depth + 1)
            }
        case ASCII.openBracket:
            try checkDepth(depth)
            var elements = openArray()
            while try nextElement(&elements) {
                try skipValue(depth: depth + 1)
            }
        default:
            throw malformed("unexpected byte 0x\(String(p[i], radix: 16))")
        }
    }

    /// Scans the string starting at `i` (a quote), validating escapes and UTF-8; leaves `i` after the closing quote.
    mutating func scanString() throws(EventDecodingError) -> RawString {
        i += 1
        let start = i
        var hasEscapes = false
        while true {
            // Fast path: printable ASCII other than the quote and the backslash.
            while i < n {
                let b = p[i]
                guard b >= 0x20, b < 0x80, b != ASCII.quote, b != ASCII.backslash else { break }
                i += 1
            }
            guard i < n else { throw malformed("unterminated string") }
            let b = p[i]
            if b == ASCII.quote {
                let end = i
                i += 1
                return RawString(start: start, end: end, hasEscapes: hasEscapes)
            }
            if b == ASCII.backslash {
                hasEscapes = true
                try scanEscape()
                continue
            }
            if b < 0x20 { throw malformed("unescaped control character in a string") }
            try scanUTF8Sequence()
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
    @inline(__always)
    mutating func scanUTF8Sequence() throws(EventDecodingError) {
        let b0 = p[i]
        let invalid = EventDecodingError(.invalidUTF8, "invalid UTF-8 at byte \(i)")
        func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            guard cont(1) else { throw invalid }
            i += 2
        case 0xE0...0xEF:
            guard cont(1), cont(2) else { throw invalid }
            let b1 = p[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { throw invalid }  // overlong
            if b0 == 0xED && b1 >= 0xA0 { throw invalid }  // UTF-16 surrogate
            i += 3
        case 0xF0...0xF4:
            guard cont(1), cont(2), cont(3) else { throw invalid }
            let b1 = p[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { throw invalid }  // overlong
            if b0 == 0xF4 && b1 >= 0x90 { throw invalid }  // above U+10FFFF
            i += 4
        default:
            throw invalid
        }
    }

    /// Validates one escape at `i` (a backslash), including surrogate pairing of `\u` escapes.
    mutating func scanEscape() throws(EventDecodingError) {
        guard i + 1 < n else { throw malformed("truncated escape") }
        switch p[i + 1] {
        case ASCII.quote, ASCII.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: i + 2)
            i += 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard i + 1 < n, p[i] == ASCII.backslash, p[i + 1] == UInt8(ascii: "u") else {
                    throw EventDecodingError(.invalidUTF8, "unpaired high surrogate escape at byte \(i - 6)")
                }
                let low = try hex4(at: i + 2)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw EventDecodingError(.invalidUTF8, "unpaired high surrogate escape at byte \(i - 6)")
                }
                i += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw EventDecodingError(.invalidUTF8, "unpaired low surrogate escape at byte \(i - 6)")
            }
        default:
            throw malformed("invalid escape")
        }
    }

    func hex4(at index: Int) throws(EventDecodingError) -> UInt32 {
        guard index + 4 <= n else { throw malformed("truncated \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let b = p[index + k]
            let d: UInt32
            switch b {
            case ASCII.zero...ASCII.nine: d = UInt32(b - ASCII.zero)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw malformed("invalid \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    /// Decodes the escapes of an already validated string into UTF-8 bytes.
    func unescape(_ raw: RawString) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.end - raw.start)
        var k = raw.start
        func hex(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for j in 0..<4 {
                let b = p[at + j]
                let d: UInt32 =
                    b <= ASCII.nine ? UInt32(b - ASCII.zero) : UInt32((b | 0x20) - UInt8(ascii: "a") + 10)
                v = v << 4 | d
            }
            return v
        }
        while k < raw.end {
            let b = p[k]
            guard b == ASCII.backslash else {
                out.append(b)
                k += 1
                continue
            }
            let e = p[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(k)
                k += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hex(k + 2)
                    k += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                // Validated above: never a lone surrogate, so this always succeeds.
                if let s = Unicode.Scalar(scalar) { out.append(contentsOf: UTF8.encode(s)!) }
            default: out.append(e)
            }
        }
        return out
    }

    /// Whether the scanned string `key` (a member name) decodes to exactly the bytes of `name`.
    func keyEquals(_ key: RawString, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if key.hasEscapes {
            return unescape(key).elementsEqual(name)
        }
        let count = key.end - key.start
        guard count == name.count else { return false }
        for k in 0..<count where p[key.start + k] != name[k] { return false }
        return true
    }

    /// The text of a scanned string with its escapes decoded, and its length in UTF-8 bytes.
    func decodedString(_ raw: RawString) -> (text: String, byteCount: Int) {
        if raw.hasEscapes {
            let bytes = unescape(raw)
            return (String(decoding: bytes, as: UTF8.self), bytes.count)
        }
        let count = raw.end - raw.start
        return (String(decoding: UnsafeBufferPointer(start: p + raw.start, count: count), as: UTF8.self), count)
    }

    /// The bytes of a scanned token (a number literal, or a string without escapes) in the message.
    func bytes(from start: Int, to end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: p + start, count: end - start)
    }

    /// Scans a number literal per the JSON grammar and collects what the fast conversion needs.
    mutating func scanNumber() throws(EventDecodingError) -> RawNumber {
        let start = i
        var negative = false
        if p[i] == ASCII.minus {
            negative = true
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var inexact = false
        var exponent10 = 0
        @inline(__always) func isDigit(_ index: Int) -> Bool {
            index < n && p[index] >= ASCII.zero && p[index] <= ASCII.nine
        }
        guard isDigit(i) else { throw malformed("invalid number") }
        if p[i] == ASCII.zero {
            i += 1
            if isDigit(i) { throw malformed("leading zero in a number") }
        } else {
            while isDigit(i) {
                let d = UInt64(p[i] - ASCII.zero)
                if significant < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa != 0 { significant += 1 }
                } else {
                    inexact = true
                    exponent10 += 1
                }
                i += 1
            }
        }
        var isInteger = true
        if i < n, p[i] == ASCII.dot {
            isInteger = false
            i += 1
            guard isDigit(i) else { throw malformed("invalid number") }
            while isDigit(i) {
                let d = UInt64(p[i] - ASCII.zero)
                if significant < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa != 0 { significant += 1 }
                    exponent10 -= 1
                } else if d != 0 {
                    inexact = true
                }
                i += 1
            }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var expNegative = false
            if i < n, p[i] == ASCII.plus || p[i] == ASCII.minus {
                expNegative = p[i] == ASCII.minus
                i += 1
            }
            guard isDigit(i) else { throw malformed("invalid number exponent") }
            var e = 0
            while isDigit(i) {
                // Saturate: anything this large over- or underflows a Double anyway.
                if e < 1_000_000 { e = e * 10 + Int(p[i] - ASCII.zero) }
                i += 1
            }
            exponent10 += expNegative ? -e : e
        }
        return RawNumber(
            start: start,
            end: i,
            isInteger: isInteger,
            mantissa: mantissa,
            exponent10: exponent10,
            inexact: inexact,
            negative: negative
        )
    }

    /// Converts a scanned literal exactly: Clinger's fast path when the mantissa and the power of ten are both
    /// exact doubles, the standard library's correctly rounded parser otherwise. Returns ±infinity on overflow.
    func makeDouble(_ number: RawNumber) -> Double {
        if !number.inexact, number.mantissa <= 1 << 53, number.exponent10 >= -22, number.exponent10 <= 22 {
            let m = Double(number.mantissa)
            let v = number.exponent10 < 0 ? m / powersOf10[-number.exponent10] : m * powersOf10[number.exponent10]
            return number.negative ? -v : v
        }
        if number.mantissa == 0 && !number.inexact { return number.negative ? -0.0 : 0.0 }
        if number.exponent10 > 400 { return number.negative ? -.infinity : .infinity }
        if number.exponent10 < -400 && !number.inexact { return number.negative ? -0.0 : 0.0 }
        let text = String(
            decoding: UnsafeBufferPointer(start: p + number.start, count: number.end - number.start),
            as: UTF8.self
        )
        return Double(text) ?? (number.negative ? -.infinity : .infinity)
    }
}
