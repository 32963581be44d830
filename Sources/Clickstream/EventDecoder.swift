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
        let json = JSONScanner(
            base: base.assumingMemoryBound(to: UInt8.self),
            count: bytes.count,
            maxDepth: context.limits.maxDepth
        )
        var parser = JSONEventParser(json, context: context)
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
            let start = storage.baseAddress! + offset
            refs.append(EncodedName(bytes: UnsafeBufferPointer(start: start, count: bytes.count)))
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

/// A member name's UTF-8 bytes, owned by a ``DecoderContext``.
struct EncodedName {
    let bytes: UnsafeBufferPointer<UInt8>
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

// MARK: - Schema mapping

/// Maps one event message onto an ``InteractionEvent``: which members hold what, their types and limits. The JSON
/// itself is read by a ``JSONScanner``.
///
/// The parser holds no reference-counted state (the context is `unowned(unsafe)`; the decoder keeps it alive for
/// the whole call), so passing it around never retains or releases anything.
struct JSONEventParser {
    var json: JSONScanner
    let limits: EventSchema.Limits
    let names: EncodedNames
    unowned(unsafe) let context: DecoderContext

    init(_ json: JSONScanner, context: DecoderContext) {
        self.json = json
        self.context = context
        self.limits = context.limits
        self.names = context.names
    }

    /// The schema, for error messages and the final kind check only (it is reference-counted).
    var schema: EventSchema { context.schema }

    // MARK: Errors

    func malformed(_ what: String) -> EventDecodingError { json.malformed(what) }

    func missing(_ field: KeyPath<EventSchema.FieldNames, String>) -> EventDecodingError {
        let name = schema.fields[keyPath: field]
        return EventDecodingError(.missingField, field: name, "missing field '\(name)'")
    }

    func wrongType(_ field: String, _ expected: String) -> EventDecodingError {
        EventDecodingError(.wrongType, field: field, "'\(field)' must be \(expected)")
    }

    func isNull(_ field: String) -> EventDecodingError {
        EventDecodingError(.missingField, field: field, "'\(field)' is null")
    }

    /// Skips the value at `i`, then returns the error saying it has the wrong type.
    mutating func skipWrongType(depth: Int, _ field: String, _ expected: String) throws(EventDecodingError) -> Never {
        try json.skipValue(depth: depth)
        throw wrongType(field, expected)
    }

    /// The next byte after whitespace; fails at the end of the message.
    mutating func valueStart() throws(EventDecodingError) -> UInt8 {
        json.skipWhitespace()
        guard let byte = json.peek else { throw malformed("expected a value") }
        return byte
    }

    // MARK: Event

    mutating func parseEvent() throws(EventDecodingError) -> InteractionEvent {
        json.skipWhitespace()
        guard json.peek == ASCII.openBrace else {
            // Tell a valid non-object (wrong type) from garbage (malformed).
            try json.skipValue(depth: 1)
            json.skipWhitespace()
            guard json.isAtEnd else { throw malformed("unexpected bytes after the value") }
            throw EventDecodingError(.wrongType, "the event must be a JSON object")
        }
        var user: String?
        var item: String?
        var kind: String?
        var value: Double?
        var timestamp: Int64?
        var userFeatures: [String: [String]] = [:]
        var itemFeatures: [String: [String]] = [:]

        var members = json.openObject()
        while let key = try json.nextMember(&members) {
            if json.keyEquals(key, names.user.bytes) {
                user = try parseID(isUser: true)
            } else if json.keyEquals(key, names.item.bytes) {
                item = try parseID(isUser: false)
            } else if json.keyEquals(key, names.kind.bytes) {
                kind = try parseKind()
            } else if json.keyEquals(key, names.value.bytes) {
                value = try parseValue()
            } else if json.keyEquals(key, names.timestamp.bytes) {
                timestamp = try parseTimestamp()
            } else if json.keyEquals(key, names.features.bytes) {
                (userFeatures, itemFeatures) = try parseFeatures()
            } else {
                try json.skipValue(depth: 2)
            }
        }
        json.skipWhitespace()
        guard json.isAtEnd else { throw malformed("unexpected bytes after the event") }

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
        let id: String
        switch try valueStart() {
        case ASCII.quote:
            id = try makeString(try json.scanString(), field: field)
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let number = try json.scanNumber()
            guard number.isInteger else { throw wrongType(field, "a string or an integer") }
            id = try makeString(RawString(start: number.start, end: number.end, hasEscapes: false), field: field)
        case ASCII.n:
            try json.expectLiteral("null")
            throw isNull(field)
        default:
            try skipWrongType(depth: 2, field, "a string or an integer")
        }
        guard !id.isEmpty else { throw EventDecodingError(.missingField, field: field, "'\(field)' is empty") }
        return id
    }

    mutating func parseKind() throws(EventDecodingError) -> String {
        var field: String { schema.fields.kind }
        switch try valueStart() {
        case ASCII.quote:
            let kind = try makeString(try json.scanString(), field: field)
            guard !kind.isEmpty else { throw EventDecodingError(.missingField, field: field, "'\(field)' is empty") }
            return kind
        case ASCII.n:
            try json.expectLiteral("null")
            throw isNull(field)
        default:
            try skipWrongType(depth: 2, field, "a string")
        }
    }

    mutating func parseValue() throws(EventDecodingError) -> Double? {
        var field: String { schema.fields.value }
        switch try valueStart() {
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let value = json.makeDouble(try json.scanNumber())
            guard value.isFinite else {
                throw EventDecodingError(.nonFinite, field: field, "'\(field)' overflows to infinity")
            }
            return value
        case ASCII.n:
            try json.expectLiteral("null")
            return nil
        default:
            try skipWrongType(depth: 2, field, "a number or null")
        }
    }

    mutating func parseTimestamp() throws(EventDecodingError) -> Int64 {
        var field: String { schema.fields.timestamp }
        switch try valueStart() {
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let number = try json.scanNumber()
            guard number.isInteger, let value = Timestamps.parseInteger(json.bytes(from: number.start, to: number.end))
            else {
                throw EventDecodingError(
                    .badTimestamp,
                    field: field,
                    "'\(field)' must be an integer of epoch milliseconds that fits in 64 bits"
                )
            }
            return value
        case ASCII.quote:
            let raw = try json.scanString()
            let parsed: Int64?
            if raw.hasEscapes {
                let bytes = json.unescape(raw)
                parsed = bytes.withUnsafeBufferPointer { Timestamps.parseISO8601($0) }
            } else {
                parsed = Timestamps.parseISO8601(json.bytes(from: raw.start, to: raw.end))
            }
            guard let parsed else {
                throw EventDecodingError(
                    .badTimestamp,
                    field: field,
                    "'\(field)' is not an ISO-8601 date-time with offset such as 2024-05-01T12:00:00Z"
                )
            }
            return parsed
        case ASCII.n:
            try json.expectLiteral("null")
            throw isNull(field)
        default:
            try skipWrongType(depth: 2, field, "an integer or a string")
        }
    }

    // MARK: Features

    mutating func parseFeatures() throws(EventDecodingError) -> ([String: [String]], [String: [String]]) {
        var fields: EventSchema.FieldNames { schema.fields }
        var userFeatures: [String: [String]] = [:]
        var itemFeatures: [String: [String]] = [:]
        switch try valueStart() {
        case ASCII.n:
            try json.expectLiteral("null")
            return ([:], [:])
        case ASCII.openBrace:
            break
        default:
            try json.skipValue(depth: 2)
            throw EventDecodingError(.wrongType, field: fields.features, "'\(fields.features)' must be an object")
        }
        try json.checkDepth(2)
        var members = json.openObject()
        while let key = try json.nextMember(&members) {
            if json.keyEquals(key, names.userFeatures.bytes) {
                userFeatures = try parseSide(isUser: true)
            } else if json.keyEquals(key, names.itemFeatures.bytes) {
                itemFeatures = try parseSide(isUser: false)
            } else {
                try json.skipValue(depth: 3)
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
        switch try valueStart() {
        case ASCII.n:
            try json.expectLiteral("null")
            return [:]
        case ASCII.openBrace:
            break
        default:
            try skipWrongType(depth: 3, path(), "an object")
        }
        try json.checkDepth(3)
        var result: [String: [String]] = [:]
        var members = json.openObject()
        while let key = try json.nextMember(&members) {
            let name = try makeString(key, field: path())
            if let values = try parseFeatureValues(path: path() + "." + name) {
                if result.isEmpty { result.reserveCapacity(4) }
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
        }
        return result
    }

    /// A feature value: a string, a number (its literal text), an array of those, or `null` (absent).
    mutating func parseFeatureValues(path: @autoclosure () -> String) throws(EventDecodingError) -> [String]? {
        switch try valueStart() {
        case ASCII.quote, ASCII.minus, ASCII.zero...ASCII.nine:
            return [try parseFeatureScalar(path: path())]
        case ASCII.n:
            try json.expectLiteral("null")
            return nil
        case ASCII.openBracket:
            var values: [String] = []
            var elements = json.openArray()
            while try json.nextElement(&elements) {
                json.skipWhitespace()
                guard let byte = json.peek else { throw malformed("unterminated array") }
                guard byte == ASCII.quote || ASCII.startsNumber(byte) else {
                    try json.skipValue(depth: 5)
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
            }
            return values
        default:
            try skipWrongType(depth: 4, path(), "a string, a number or a list")
        }
    }

    mutating func parseFeatureScalar(path: @autoclosure () -> String) throws(EventDecodingError) -> String {
        if json.peek == ASCII.quote {
            return try makeString(try json.scanString(), field: path())
        }
        let number = try json.scanNumber()
        return try makeString(RawString(start: number.start, end: number.end, hasEscapes: false), field: path())
    }

    /// A string value within the id limit.
    func makeString(_ raw: RawString, field: @autoclosure () -> String) throws(EventDecodingError) -> String {
        let (string, count) = json.decodedString(raw)
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
}
