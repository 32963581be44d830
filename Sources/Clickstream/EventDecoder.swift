/// Decodes one JSON event message into an ``InteractionEvent``: a strict, allocation-light, byte-level parser.
///
/// The parser validates the whole message as JSON (RFC 8259) including UTF-8 in every string, never traps on any
/// input and bounds its work by ``EventSchema/Limits``. Rules:
/// - The message is one JSON object, optionally surrounded by whitespace.
/// - `user` and `item` are strings or integers (an integer becomes its literal decimal text); `kind` is a string.
///   All three are required and non-empty.
/// - `value` is a finite number, `null` or absent. A literal that overflows a `Double` fails with
///   ``EventDecodingError/Reason-swift.enum/nonFinite``.
/// - `ts` is an integer of epoch milliseconds or an ISO-8601 / RFC 3339 string with an offset.
/// - `features` is an object with optional `user` and `item` objects mapping a feature name to a string, a number
///   (kept as its literal text), or an array of those; `null` means absent at every level.
/// - Unknown members are validated and ignored. Duplicate member names: the last occurrence wins, but every
///   occurrence must be valid.
public struct EventDecoder: Sendable {
    /// The schema this decoder reads.
    public var schema: EventSchema { context.schema }
    let context: DecoderContext

    public init(schema: EventSchema = .default) {
        self.context = DecoderContext(schema)
    }

    /// Decodes one message.
    /// - Throws: ``EventDecodingError`` saying why the message is not a valid event.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(EventDecodingError) -> InteractionEvent {
        guard bytes.count <= context.limits.maxMessageBytes else {
            throw EventDecodingError(
                .oversize,
                "message of \(bytes.count) bytes exceeds the limit of \(context.limits.maxMessageBytes)"
            )
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw EventDecodingError(.malformedJSON, "empty message")
        }
        var parser = JSONEventParser(
            base: base.assumingMemoryBound(to: UInt8.self),
            count: bytes.count,
            context: context
        )
        return try parser.parseEvent()
    }

    /// Decodes one message.
    /// - Throws: ``EventDecodingError`` saying why the message is not a valid event.
    public func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> InteractionEvent {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(EventDecodingError) in try decode(raw) } }
        return try result.get()
    }

    /// Decodes one message given as text.
    /// - Throws: ``EventDecodingError`` saying why the message is not a valid event.
    public func decode(_ text: String) throws(EventDecodingError) -> InteractionEvent {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(EventDecodingError) in try decode(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    /// Decodes one message, returning the failure instead of throwing it.
    public func result(decoding bytes: UnsafeRawBufferPointer) -> Result<InteractionEvent, EventDecodingError> {
        Result { () throws(EventDecodingError) in try decode(bytes) }
    }
}

/// What a decoder computes once: the schema, and its member names as raw UTF-8 so the hot path compares bytes
/// without touching reference-counted storage.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`, and the name bytes it owns are only
/// read until `deinit` frees them.
final class DecoderContext: @unchecked Sendable {
    let schema: EventSchema
    let limits: EventSchema.Limits
    let names: EncodedNames
    /// Whether ``EventSchema/allowedKinds`` is set: checked first so the common case touches no set.
    let restrictsKinds: Bool
    private let storage: UnsafeMutableBufferPointer<UInt8>

    init(_ schema: EventSchema) {
        self.schema = schema
        self.restrictsKinds = schema.allowedKinds != nil
        var limits = schema.limits
        // The skipper recurses once per level: keep the stack use small whatever the configuration says.
        limits.maxDepth = Swift.min(limits.maxDepth, EventSchema.Limits.depthCeiling)
        self.limits = limits
        let f = schema.fields
        let all = [f.user, f.item, f.kind, f.value, f.timestamp, f.features, f.userFeatures, f.itemFeatures]
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(
            capacity: Swift.max(1, all.reduce(0) { $0 + $1.utf8.count })
        )
        var refs: [EncodedName] = []
        var offset = 0
        for name in all {
            let bytes = Array(name.utf8)
            for (k, b) in bytes.enumerated() { storage[offset + k] = b }
            refs.append(EncodedName(start: UnsafePointer(storage.baseAddress! + offset), count: bytes.count))
            offset += bytes.count
        }
        self.storage = storage
        self.names = EncodedNames(
            user: refs[0],
            item: refs[1],
            kind: refs[2],
            value: refs[3],
            timestamp: refs[4],
            features: refs[5],
            userFeatures: refs[6],
            itemFeatures: refs[7]
        )
    }

    deinit { storage.deallocate() }
}

struct EncodedName {
    let start: UnsafePointer<UInt8>
    let count: Int
}

struct EncodedNames {
    let user: EncodedName
    let item: EncodedName
    let kind: EncodedName
    let value: EncodedName
    let timestamp: EncodedName
    let features: EncodedName
    let userFeatures: EncodedName
    let itemFeatures: EncodedName
}

// MARK: - Parser

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

private enum ASCII {
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
}

private let powersOf10: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

/// The parser holds no reference-counted state (the context is `unowned(unsafe)`; the decoder keeps it alive for
/// the whole call), so passing it around never retains or releases anything.
struct JSONEventParser {
    let p: UnsafePointer<UInt8>
    let n: Int
    let limits: EventSchema.Limits
    let names: EncodedNames
    unowned(unsafe) let context: DecoderContext
    var i = 0

    init(base: UnsafePointer<UInt8>, count: Int, context: DecoderContext) {
        self.p = base
        self.n = count
        self.context = context
        self.limits = context.limits
        self.names = context.names
    }

    /// The schema, for error messages and the final kind check only (it is reference-counted).
    var schema: EventSchema { context.schema }

    // MARK: Errors

    func malformed(_ what: String) -> EventDecodingError {
        EventDecodingError(.malformedJSON, "\(what) at byte \(i)")
    }

    func missing(_ field: KeyPath<EventSchema.FieldNames, String>) -> EventDecodingError {
        let name = schema.fields[keyPath: field]
        return EventDecodingError(.missingField, field: name, "missing field '\(name)'")
    }

    // MARK: Event

    mutating func parseEvent() throws(EventDecodingError) -> InteractionEvent {
        skipWhitespace()
        guard i < n, p[i] == ASCII.openBrace else {
            // Tell a valid non-object (wrong type) from garbage (malformed).
            try skipValue(depth: 1)
            skipWhitespace()
            guard i == n else { throw malformed("unexpected bytes after the value") }
            throw EventDecodingError(.wrongType, "the event must be a JSON object")
        }
        i += 1
        var user: String?
        var item: String?
        var kind: String?
        var value: Double?
        var timestamp: Int64?
        var userFeatures: [String: [String]] = [:]
        var itemFeatures: [String: [String]] = [:]

        skipWhitespace()
        if i < n, p[i] == ASCII.closeBrace {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < n, p[i] == ASCII.quote else { throw malformed("expected a member name") }
                let key = try scanString()
                try expectColon()
                if keyEquals(key, names.user) {
                    user = try parseID(isUser: true)
                } else if keyEquals(key, names.item) {
                    item = try parseID(isUser: false)
                } else if keyEquals(key, names.kind) {
                    kind = try parseKind()
                } else if keyEquals(key, names.value) {
                    value = try parseValue()
                } else if keyEquals(key, names.timestamp) {
                    timestamp = try parseTimestamp()
                } else if keyEquals(key, names.features) {
                    (userFeatures, itemFeatures) = try parseFeatures()
                } else {
                    try skipValue(depth: 2)
                }
                skipWhitespace()
                guard i < n else { throw malformed("unterminated object") }
                if p[i] == ASCII.comma {
                    i += 1
                    continue
                }
                if p[i] == ASCII.closeBrace {
                    i += 1
                    break
                }
                throw malformed("expected ',' or '}'")
            }
        }
        skipWhitespace()
        guard i == n else { throw malformed("unexpected bytes after the event") }

        guard let user else { throw missing(\.user) }
        guard let item else { throw missing(\.item) }
        guard let kind else { throw missing(\.kind) }
        guard let timestamp else { throw missing(\.timestamp) }
        if context.restrictsKinds, let allowed = context.schema.allowedKinds, !allowed.contains(kind) {
            throw EventDecodingError(.unknownKind, field: schema.fields.kind, "kind '\(kind)' is not allowed")
        }
        return InteractionEvent(
            user: user,
            item: item,
            kind: kind,
            value: value,
            timestamp: timestamp,
            userFeatures: userFeatures,
            itemFeatures: itemFeatures
        )
    }

    /// A user or item id: a non-empty string, or an integer literal kept as its text. `null` counts as missing.
    mutating func parseID(isUser: Bool) throws(EventDecodingError) -> String? {
        var field: String { isUser ? schema.fields.user : schema.fields.item }
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        let id: String
        switch p[i] {
        case ASCII.quote:
            id = try makeString(try scanString(), field: field)
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let number = try scanNumber()
            guard number.isInteger else {
                throw EventDecodingError(.wrongType, field: field, "'\(field)' must be a string or an integer")
            }
            id = try makeString(RawString(start: number.start, end: number.end, hasEscapes: false), field: field)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            throw EventDecodingError(.missingField, field: field, "'\(field)' is null")
        default:
            try skipValue(depth: 2)
            throw EventDecodingError(.wrongType, field: field, "'\(field)' must be a string or an integer")
        }
        guard !id.isEmpty else { throw EventDecodingError(.missingField, field: field, "'\(field)' is empty") }
        return id
    }

    mutating func parseKind() throws(EventDecodingError) -> String {
        var field: String { schema.fields.kind }
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        if p[i] == ASCII.quote {
            let kind = try makeString(try scanString(), field: field)
            guard !kind.isEmpty else { throw EventDecodingError(.missingField, field: field, "'\(field)' is empty") }
            return kind
        }
        if p[i] == UInt8(ascii: "n") {
            try expectLiteral("null")
            throw EventDecodingError(.missingField, field: field, "'\(field)' is null")
        }
        try skipValue(depth: 2)
        throw EventDecodingError(.wrongType, field: field, "'\(field)' must be a string")
    }

    mutating func parseValue() throws(EventDecodingError) -> Double? {
        var field: String { schema.fields.value }
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        switch p[i] {
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let number = try scanNumber()
            let value = makeDouble(number)
            guard value.isFinite else {
                throw EventDecodingError(.nonFinite, field: field, "'\(field)' overflows to infinity")
            }
            return value
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return nil
        default:
            try skipValue(depth: 2)
            throw EventDecodingError(.wrongType, field: field, "'\(field)' must be a number or null")
        }
    }

    mutating func parseTimestamp() throws(EventDecodingError) -> Int64 {
        var field: String { schema.fields.timestamp }
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        switch p[i] {
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let number = try scanNumber()
            guard number.isInteger,
                let value = Timestamps.parseInteger(
                    UnsafeBufferPointer(start: p + number.start, count: number.end - number.start)
                )
            else {
                throw EventDecodingError(
                    .badTimestamp,
                    field: field,
                    "'\(field)' must be an integer of epoch milliseconds that fits in 64 bits"
                )
            }
            return value
        case ASCII.quote:
            let raw = try scanString()
            let parsed: Int64?
            if raw.hasEscapes {
                let bytes = unescape(raw)
                parsed = bytes.withUnsafeBufferPointer { Timestamps.parseISO8601($0) }
            } else {
                parsed = Timestamps.parseISO8601(UnsafeBufferPointer(start: p + raw.start, count: raw.end - raw.start))
            }
            guard let parsed else {
                throw EventDecodingError(
                    .badTimestamp,
                    field: field,
                    "'\(field)' is not an ISO-8601 date-time with offset such as 2024-05-01T12:00:00Z"
                )
            }
            return parsed
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            throw EventDecodingError(.missingField, field: field, "'\(field)' is null")
        default:
            try skipValue(depth: 2)
            throw EventDecodingError(.wrongType, field: field, "'\(field)' must be an integer or a string")
        }
    }

    // MARK: Features

    mutating func parseFeatures() throws(EventDecodingError) -> ([String: [String]], [String: [String]]) {
        var fields: EventSchema.FieldNames { schema.fields }
        var userFeatures: [String: [String]] = [:]
        var itemFeatures: [String: [String]] = [:]
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        if p[i] == UInt8(ascii: "n") {
            try expectLiteral("null")
            return ([:], [:])
        }
        guard p[i] == ASCII.openBrace else {
            try skipValue(depth: 2)
            throw EventDecodingError(.wrongType, field: fields.features, "'\(fields.features)' must be an object")
        }
        try parseObjectMembers(depth: 2) { (parser: inout JSONEventParser, key: RawString) throws(EventDecodingError) in
            if parser.keyEquals(key, parser.names.userFeatures) {
                userFeatures = try parser.parseSide(isUser: true)
            } else if parser.keyEquals(key, parser.names.itemFeatures) {
                itemFeatures = try parser.parseSide(isUser: false)
            } else {
                try parser.skipValue(depth: 3)
            }
        }
        return (userFeatures, itemFeatures)
    }

    mutating func parseSide(isUser: Bool) throws(EventDecodingError) -> [String: [String]] {
        // Paths are only built for error messages: string concatenation per feature would dominate decoding.
        unowned(unsafe) let context = self.context
        func path() -> String {
            let f = context.schema.fields
            return f.features + "." + (isUser ? f.userFeatures : f.itemFeatures)
        }
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        if p[i] == UInt8(ascii: "n") {
            try expectLiteral("null")
            return [:]
        }
        guard p[i] == ASCII.openBrace else {
            try skipValue(depth: 3)
            throw EventDecodingError(.wrongType, field: path(), "'\(path())' must be an object")
        }
        // Written out rather than through `parseObjectMembers`: a closure here costs retains on the hot path.
        guard 3 <= limits.maxDepth else {
            throw EventDecodingError(.oversize, "nesting deeper than \(limits.maxDepth) levels")
        }
        i += 1
        var result: [String: [String]] = [:]
        skipWhitespace()
        if i < n, p[i] == ASCII.closeBrace {
            i += 1
            return result
        }
        result.reserveCapacity(4)
        while true {
            skipWhitespace()
            guard i < n, p[i] == ASCII.quote else { throw malformed("expected a member name") }
            let key = try scanString()
            try expectColon()
            let name = try makeString(key, field: path())
            if let values = try parseFeatureValues(path: path() + "." + name) {
                result[name] = values
                guard result.count <= limits.maxFeaturesPerSide else {
                    throw EventDecodingError(
                        .oversize,
                        field: path(),
                        "'\(path())' has more than \(limits.maxFeaturesPerSide) features"
                    )
                }
            } else {
                result[name] = nil
            }
            skipWhitespace()
            guard i < n else { throw malformed("unterminated object") }
            if p[i] == ASCII.comma {
                i += 1
                continue
            }
            if p[i] == ASCII.closeBrace {
                i += 1
                return result
            }
            throw malformed("expected ',' or '}'")
        }
    }

    /// A feature value: a string, a number (its literal text), an array of those, or `null` (absent).
    mutating func parseFeatureValues(path: @autoclosure () -> String) throws(EventDecodingError) -> [String]? {
        skipWhitespace()
        guard i < n else { throw malformed("expected a value") }
        switch p[i] {
        case ASCII.quote, ASCII.minus, ASCII.zero...ASCII.nine:
            return [try parseFeatureScalar(path: path())]
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return nil
        case ASCII.openBracket:
            i += 1
            var values: [String] = []
            skipWhitespace()
            if i < n, p[i] == ASCII.closeBracket {
                i += 1
                return values
            }
            while true {
                skipWhitespace()
                guard i < n else { throw malformed("unterminated array") }
                guard p[i] == ASCII.quote || p[i] == ASCII.minus || (p[i] >= ASCII.zero && p[i] <= ASCII.nine) else {
                    try skipValue(depth: 5)
                    throw EventDecodingError(.wrongType, field: path(), "'\(path())' must list strings or numbers")
                }
                values.append(try parseFeatureScalar(path: path()))
                guard values.count <= limits.maxValuesPerFeature else {
                    throw EventDecodingError(
                        .oversize,
                        field: path(),
                        "'\(path())' has more than \(limits.maxValuesPerFeature) values"
                    )
                }
                skipWhitespace()
                guard i < n else { throw malformed("unterminated array") }
                if p[i] == ASCII.comma {
                    i += 1
                    continue
                }
                if p[i] == ASCII.closeBracket {
                    i += 1
                    return values
                }
                throw malformed("expected ',' or ']'")
            }
        default:
            try skipValue(depth: 4)
            throw EventDecodingError(.wrongType, field: path(), "'\(path())' must be a string, a number or a list")
        }
    }

    mutating func parseFeatureScalar(path: @autoclosure () -> String) throws(EventDecodingError) -> String {
        if p[i] == ASCII.quote {
            return try makeString(try scanString(), field: path())
        }
        let number = try scanNumber()
        return try makeString(RawString(start: number.start, end: number.end, hasEscapes: false), field: path())
    }

    /// Iterates the members of the object starting at `i` (which is `{`), calling `body` positioned at each value.
    mutating func parseObjectMembers(
        depth: Int,
        _ body: (inout JSONEventParser, RawString) throws(EventDecodingError) -> Void
    ) throws(EventDecodingError) {
        guard depth <= limits.maxDepth else {
            throw EventDecodingError(.oversize, "nesting deeper than \(limits.maxDepth) levels")
        }
        i += 1
        skipWhitespace()
        if i < n, p[i] == ASCII.closeBrace {
            i += 1
            return
        }
        while true {
            skipWhitespace()
            guard i < n, p[i] == ASCII.quote else { throw malformed("expected a member name") }
            let key = try scanString()
            try expectColon()
            try body(&self, key)
            skipWhitespace()
            guard i < n else { throw malformed("unterminated object") }
            if p[i] == ASCII.comma {
                i += 1
                continue
            }
            if p[i] == ASCII.closeBrace {
                i += 1
                return
            }
            throw malformed("expected ',' or '}'")
        }
    }

    // MARK: Generic JSON

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
            try parseObjectMembers(depth: depth) { (parser: inout JSONEventParser, _) throws(EventDecodingError) in
                try parser.skipValue(depth: depth + 1)
            }
        case ASCII.openBracket:
            guard depth <= limits.maxDepth else {
                throw EventDecodingError(.oversize, "nesting deeper than \(limits.maxDepth) levels")
            }
            i += 1
            skipWhitespace()
            if i < n, p[i] == ASCII.closeBracket {
                i += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard i < n else { throw malformed("unterminated array") }
                if p[i] == ASCII.comma {
                    i += 1
                    continue
                }
                if p[i] == ASCII.closeBracket {
                    i += 1
                    return
                }
                throw malformed("expected ',' or ']'")
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

    func makeString(_ raw: RawString, field: @autoclosure () -> String) throws(EventDecodingError) -> String {
        let string: String
        let count: Int
        if raw.hasEscapes {
            let bytes = unescape(raw)
            count = bytes.count
            string = String(decoding: bytes, as: UTF8.self)
        } else {
            count = raw.end - raw.start
            string = String(decoding: UnsafeBufferPointer(start: p + raw.start, count: count), as: UTF8.self)
        }
        guard count <= limits.maxIDBytes else {
            let field = field()
            throw EventDecodingError(
                .oversize,
                field: field,
                "a string in '\(field)' is \(count) bytes, over the limit of \(limits.maxIDBytes)"
            )
        }
        return string
    }

    func keyEquals(_ key: RawString, _ name: EncodedName) -> Bool {
        if key.hasEscapes {
            return unescape(key).elementsEqual(UnsafeBufferPointer(start: name.start, count: name.count))
        }
        let count = key.end - key.start
        guard count == name.count else { return false }
        for k in 0..<count where p[key.start + k] != name.start[k] { return false }
        return true
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
