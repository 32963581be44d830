import Clickstream

// Shared by PipelineTests (in-process fuzzing) and WarmstartdTests (end to end). It depends on Clickstream only.

// MARK: - Outcomes

/// What the daemon does with one message: learns it, or dead-letters it with a reason (the `warmstart.reason`
/// labels of `DeadLetterReason`).
public enum FuzzOutcome: Int, CaseIterable, CustomStringConvertible, Sendable {
    case learned
    case malformedJSON, invalidUTF8, missingField, wrongType, nonFinite, oversize, unknownKind, badTimestamp
    case malformedRecord
    case oversizeKey, invalidKeyUTF8, oversizeMessage, keyMismatch, processingFailed

    /// The dead-letter reason label; `learned` for ``learned``.
    public var label: String {
        switch self {
        case .learned: "learned"
        case .malformedJSON: "malformed_json"
        case .invalidUTF8: "invalid_utf8"
        case .missingField: "missing_field"
        case .wrongType: "wrong_type"
        case .nonFinite: "non_finite"
        case .oversize: "oversize"
        case .unknownKind: "unknown_kind"
        case .badTimestamp: "bad_timestamp"
        case .malformedRecord: "malformed_record"
        case .oversizeKey: "oversize_key"
        case .invalidKeyUTF8: "invalid_key_utf8"
        case .oversizeMessage: "oversize_message"
        case .keyMismatch: "key_mismatch"
        case .processingFailed: "processing_failed"
        }
    }

    /// The outcome of a dead-letter reason label, `nil` for a label this test does not know.
    public init?(reason label: String) {
        guard let match = Self.allCases.first(where: { $0 != .learned && $0.label == label }) else { return nil }
        self = match
    }

    public var description: String { label }
}

/// A set of ``FuzzOutcome``s as a bit mask: the per-message check must not allocate.
public struct OutcomeSet: Hashable, CustomStringConvertible, Sendable {
    public var bits: UInt32

    public init(_ outcomes: FuzzOutcome...) {
        bits = 0
        for outcome in outcomes { bits |= 1 << UInt32(outcome.rawValue) }
    }

    public func contains(_ outcome: FuzzOutcome) -> Bool { bits & (1 << UInt32(outcome.rawValue)) != 0 }

    public func union(_ other: OutcomeSet) -> OutcomeSet {
        var result = self
        result.bits |= other.bits
        return result
    }

    /// Every reason the event decoder can give for a JSON message.
    public static let decoderReasons = OutcomeSet(
        .malformedJSON, .invalidUTF8, .missingField, .wrongType, .nonFinite, .oversize, .unknownKind, .badTimestamp)

    /// What a byte-level mutation of a valid message may lead to when the key is the original user and the size
    /// stays within the limit: anything but the key and size checks.
    public static let anyFromValue = decoderReasons.union(OutcomeSet(.learned, .keyMismatch, .processingFailed))

    public var description: String {
        "{" + FuzzOutcome.allCases.filter(contains).map(\.label).joined(separator: ", ") + "}"
    }
}

// MARK: - Mutations

/// The families of mutation, each with the outcomes it must produce at least once over a long run.
public enum Mutation: Int, CaseIterable, CustomStringConvertible, Sendable {
    /// The canonical encoding, keyed by the user, without a key, or with an empty key.
    case valid
    /// The same event written differently: member order, whitespace, escapes, unknown members, integer ids.
    case reformatted
    /// 1–3 bytes with 1–3 bits flipped each.
    case bitFlip
    /// 1–4 random bytes or JSON tokens inserted.
    case byteInsert
    /// 1–4 byte ranges deleted.
    case byteDelete
    /// A strict prefix of the message.
    case truncate
    /// A required member (`user`, `item`, `kind`, `ts`) removed.
    case dropRequired
    /// `value` or `features` removed.
    case dropOptional
    /// One member's value replaced by a value of another JSON type.
    case retype
    /// `NaN`, `Infinity` and out-of-range literals.
    case nonFinite
    /// Invalid UTF-8 and unpaired surrogate escapes, in strings, outside them, and in the key.
    case invalidUTF8
    /// Ids, keys, feature lists and messages over (and exactly at) the limits, including 10 MB messages.
    case huge
    /// Empty messages, objects, strings, lists and keys.
    case empty
    /// Nesting just within and far beyond the depth limit.
    case deepNesting
    /// Members that occur twice (the last wins, every occurrence must be valid).
    case duplicateKeys
    /// Kinds the configuration does not list.
    case unknownKind
    /// Keys that disagree with the user, are too long or are not UTF-8.
    case wrongKey
    /// Broken syntax around a valid event: trailing bytes, two objects, other top-level types, comments.
    case structure
    /// Timestamp forms and their limits.
    case timestamps

    /// Relative frequency (per 1000).
    public var weight: Int {
        switch self {
        case .valid: 15
        case .reformatted: 15
        case .bitFlip: 110
        case .byteInsert: 70
        case .byteDelete: 60
        case .truncate: 50
        case .dropRequired: 40
        case .dropOptional: 15
        case .retype: 120
        case .nonFinite: 50
        case .invalidUTF8: 50
        case .huge: 30
        case .empty: 30
        case .deepNesting: 30
        case .duplicateKeys: 30
        case .unknownKind: 30
        case .wrongKey: 40
        case .structure: 40
        case .timestamps: 20
        }
    }

    /// Outcomes this family must produce at least once in a run of a few thousand messages or more.
    public var mustSee: [FuzzOutcome] {
        switch self {
        case .valid, .reformatted: [.learned]
        case .bitFlip: [.learned, .malformedJSON, .invalidUTF8, .keyMismatch]
        case .byteInsert: [.learned, .malformedJSON]
        case .byteDelete: [.malformedJSON]
        case .truncate: [.malformedJSON]
        case .dropRequired: [.missingField]
        case .dropOptional: [.learned, .processingFailed]
        case .retype:
            [.learned, .wrongType, .missingField, .badTimestamp, .unknownKind, .keyMismatch, .processingFailed]
        case .nonFinite: [.learned, .malformedJSON, .nonFinite, .badTimestamp, .wrongType]
        case .invalidUTF8: [.invalidUTF8, .malformedJSON, .invalidKeyUTF8, .learned]
        case .huge: [.learned, .oversize, .oversizeKey, .oversizeMessage, .nonFinite]
        case .empty: [.learned, .malformedJSON, .missingField, .wrongType, .badTimestamp]
        case .deepNesting: [.learned, .oversize]
        case .duplicateKeys: [.learned, .keyMismatch, .wrongType, .badTimestamp, .nonFinite]
        case .unknownKind: [.unknownKind, .missingField, .learned]
        case .wrongKey: [.keyMismatch, .oversizeKey, .invalidKeyUTF8, .learned]
        case .structure: [.learned, .malformedJSON, .wrongType]
        case .timestamps: [.learned, .badTimestamp]
        }
    }

    public var description: String { Self.names[rawValue] }

    private static let names = [
        "valid", "reformatted", "bitFlip", "byteInsert", "byteDelete", "truncate", "dropRequired", "dropOptional",
        "retype", "nonFinite", "invalidUTF8", "huge", "empty", "deepNesting", "duplicateKeys", "unknownKind",
        "wrongKey", "structure", "timestamps",
    ]
}

/// One mutated message and what the daemon may do with it.
public struct MutatedMessage: Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]
    public var mutation: Mutation
    /// The sub-case, for diagnostics and coverage: a static description, so that naming it costs nothing.
    public var detail: StaticString
    /// The outcomes allowed; most sub-cases allow exactly one.
    public var allowed: OutcomeSet
}

// MARK: - Mutator

/// A deterministic generator of mutated event messages: valid synthetic events (``SyntheticClickstream``, encoded
/// by the Clickstream encoder) broken in the ways of ``Mutation``, each with the outcome(s) the daemon must
/// produce. Equal seeds give equal sequences.
public struct EventMutator: Sendable {
    public struct Options: Sendable {
        /// The largest message generated on purpose (the 10 MB messages of ``Mutation/huge``); Kafka's default
        /// `message.max.bytes` is 1 MB, so end-to-end runs use less.
        public var largestMessage = 10 * 1024 * 1024
        /// One message in this many of ``Mutation/huge`` is of ``largestMessage`` bytes.
        public var largestMessageEvery = 5_000
        /// The most bytes, in all, of messages over 16 KB: the development broker keeps only 5 MB per partition,
        /// so end-to-end runs must not flood it (a message that would exceed the budget is replaced by another).
        public var bigMessageBudget = Int.max
        /// The daemon's limits (defaults of `input.max_*`).
        public var maxMessageBytes = 64 * 1024
        public var maxIDBytes = 256
        public var maxFeaturesPerSide = 64
        public var maxValuesPerFeature = 64
        public var maxDepth = 32

        public init(
            largestMessage: Int = 10 * 1024 * 1024, largestMessageEvery: Int = 5_000, bigMessageBudget: Int = .max,
            maxMessageBytes: Int = 64 * 1024, maxIDBytes: Int = 256, maxFeaturesPerSide: Int = 64,
            maxValuesPerFeature: Int = 64, maxDepth: Int = 32
        ) {
            self.largestMessage = largestMessage
            self.largestMessageEvery = largestMessageEvery
            self.bigMessageBudget = bigMessageBudget
            self.maxMessageBytes = maxMessageBytes
            self.maxIDBytes = maxIDBytes
            self.maxFeaturesPerSide = maxFeaturesPerSide
            self.maxValuesPerFeature = maxValuesPerFeature
            self.maxDepth = maxDepth
        }
    }

    public typealias Member = (name: [UInt8], value: [UInt8])

    /// A base event: its canonical encoding and the same split into top-level members.
    public struct Base: Sendable {
        public var user: [UInt8]
        public var bytes: [UInt8]
        public var members: [Member]
        public var isRating: Bool
        public var hasValue: Bool
    }

    /// The large pieces, built once: building them per message would dominate a debug build's run time.
    public struct Payloads: Sendable {
        public var padding: [UInt8]
        public var id100KB: [UInt8]
        public var idOverLimit: [UInt8]
        public var idAtLimit: [UInt8]
        public var longUser: [UInt8]
        public var featuresAtLimit: [UInt8]
        public var featuresOverLimit: [UInt8]
        public var valuesAtLimit: [UInt8]
        public var valuesOverLimit: [UInt8]
        public var longFeatureName: [UInt8]
        public var key10KB: [UInt8]
        public var digits: [UInt8]
        public var manyMembers: [Member]
        /// Index d: d nested levels around `1`, for d up to the depth limit plus 40.
        public var nestedArrays: [[UInt8]]
        public var nestedObjects: [[UInt8]]
        /// 1,000 and 100,000 levels.
        public var farArrays: [[UInt8]]
        public var farObjects: [[UInt8]]
        public var unclosedArrays: [UInt8]
        public var unclosedObjects: [UInt8]

        public init(_ o: Options) {
            func filled(_ byte: UInt8, _ count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }
            padding = filled(UInt8(ascii: "p"), max(o.largestMessage, o.maxMessageBytes + 1))
            id100KB = EventMutator.quoted(bytes: filled(UInt8(ascii: "h"), 100 * 1024))
            idOverLimit = EventMutator.quoted(bytes: filled(UInt8(ascii: "h"), o.maxIDBytes + 1))
            idAtLimit = EventMutator.quoted(bytes: filled(UInt8(ascii: "h"), o.maxIDBytes))
            longUser = filled(UInt8(ascii: "U"), o.maxIDBytes + 301)
            func features(_ count: Int) -> [UInt8] {
                Array(("{\"user\":{" + (0..<count).map { "\"f\($0)\":\"v\"" }.joined(separator: ",") + "}}").utf8)
            }
            featuresAtLimit = features(o.maxFeaturesPerSide)
            featuresOverLimit = features(o.maxFeaturesPerSide + 1)
            func values(_ count: Int) -> [UInt8] {
                Array(("{\"item\":{\"genre\":[" + (0..<count).map { "\"v\($0)\"" }.joined(separator: ",") + "]}}").utf8)
            }
            valuesAtLimit = values(o.maxValuesPerFeature)
            valuesOverLimit = values(o.maxValuesPerFeature + 1)
            longFeatureName = Array(
                ("{\"user\":{\"" + String(repeating: "n", count: o.maxIDBytes + 1) + "\":\"v\"}}").utf8)
            key10KB = filled(UInt8(ascii: "k"), 10_000)
            digits = filled(UInt8(ascii: "7"), 10_000)
            manyMembers = (0..<300).map { (Array("m\($0)".utf8), Array("[\($0),\"x\"]".utf8)) }
            nestedArrays = (0...(o.maxDepth + 40)).map { EventMutator.nested($0, open: "[", close: "]") }
            nestedObjects = (0...(o.maxDepth + 40)).map { EventMutator.nested($0, open: "{\"a\":", close: "}") }
            farArrays = [1_000, 100_000].map { EventMutator.nested($0, open: "[", close: "]") }
            farObjects = [1_000, 100_000].map { EventMutator.nested($0, open: "{\"a\":", close: "}") }
            unclosedArrays = filled(UInt8(ascii: "["), 50_000)
            unclosedObjects = filled(UInt8(ascii: "{"), 50_000)
        }
    }

    public let options: Options
    public let payloads: Payloads
    public let bases: [Base]
    private var rng: Xoshiro256
    private let mutationTable: [Mutation]
    private(set) var generated = 0
    private var hugeCount = 0
    private var bigMessageBytes = 0

    /// - Parameters:
    ///   - seed: Seeds both the synthetic stream and the mutations.
    ///   - baseEvents: How many synthetic events the mutations start from.
    public init(seed: UInt64, baseEvents: Int = 4_096, options: Options = Options()) {
        self.options = options
        payloads = Payloads(options)
        rng = Xoshiro256(seed: seed)
        var events = Array(
            SyntheticClickstream(.init(users: 600, items: 40, events: baseEvents, clusters: 6, seed: seed)))
        // Three in four without side features: shorter messages, and events as many producers send them.
        for k in events.indices where k % 4 != 0 {
            events[k].userFeatures = [:]
            events[k].itemFeatures = [:]
        }
        // Ids and features beyond ASCII, with characters the encoder escapes.
        events.append(
            InteractionEvent(
                user: "ü-\"q\"\\😀", item: "é\u{1}", kind: "click", timestamp: 1_704_067_200_000,
                userFeatures: ["age": ["25-34"], "naïve": ["ja", "\u{10FFFF}"]], itemFeatures: ["genre": ["Δ"]]))
        events.append(
            InteractionEvent(user: "42", item: "-7", kind: "rating", value: -0.0, timestamp: -5))
        bases = events.map(Self.base)
        var table: [Mutation] = []
        for mutation in Mutation.allCases {
            table += Array(repeating: mutation, count: mutation.weight)
        }
        mutationTable = table
    }

    public static func base(_ event: InteractionEvent) -> Base {
        var bytes: [UInt8] = []
        event.appendJSON(to: &bytes)
        return Base(
            user: Array(event.user.utf8), bytes: bytes, members: splitMembers(bytes), isRating: event.kind == "rating",
            hasValue: event.value != nil)
    }

    /// Splits a canonical (whitespace-free) JSON object into its top-level members.
    public static func splitMembers(_ bytes: [UInt8]) -> [Member] {
        var members: [Member] = []
        var i = 1
        func scanString() {
            i += 1
            while bytes[i] != UInt8(ascii: "\"") {
                i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
            }
            i += 1
        }
        while i < bytes.count - 1 {
            let nameStart = i
            scanString()
            let name = Array(bytes[(nameStart + 1)..<(i - 1)])
            i += 1  // ':'
            let valueStart = i
            var depth = 0
            while true {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    scanString()
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                }
                if b == UInt8(ascii: ","), depth == 0 { break }
                i += 1
            }
            members.append((name, Array(bytes[valueStart..<i])))
            i += 1  // ',' or the final '}'
        }
        return members
    }

    // MARK: Randomness

    private mutating func below(_ bound: Int) -> Int { Int(truncatingIfNeeded: rng.next() % UInt64(bound)) }
    private mutating func chance(_ numerator: Int, in denominator: Int) -> Bool { below(denominator) < numerator }
    private mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    // MARK: Generating

    /// The next mutated message.
    public mutating func next() -> MutatedMessage {
        while true {
            let message = nextCandidate()
            if message.value.count > 16 * 1024 {
                guard bigMessageBytes + message.value.count <= options.bigMessageBudget else { continue }
                bigMessageBytes += message.value.count
            }
            return message
        }
    }

    private mutating func nextCandidate() -> MutatedMessage {
        generated += 1
        let base = bases[below(bases.count)]
        let mutation = mutationTable[below(mutationTable.count)]
        var m = MutatedMessage(
            key: base.user, value: base.bytes, mutation: mutation, detail: "", allowed: OutcomeSet(.learned))
        switch mutation {
        case .valid: valid(base, &m)
        case .reformatted: reformatted(base, &m)
        case .bitFlip: bitFlip(base, &m)
        case .byteInsert: byteInsert(base, &m)
        case .byteDelete: byteDelete(base, &m)
        case .truncate: truncate(base, &m)
        case .dropRequired: dropRequired(base, &m)
        case .dropOptional: dropOptional(base, &m)
        case .retype: retype(base, &m)
        case .nonFinite: nonFinite(base, &m)
        case .invalidUTF8: invalidUTF8(base, &m)
        case .huge: huge(base, &m)
        case .empty: empty(base, &m)
        case .deepNesting: deepNesting(base, &m)
        case .duplicateKeys: duplicateKeys(base, &m)
        case .unknownKind: unknownKind(base, &m)
        case .wrongKey: wrongKey(base, &m)
        case .structure: structure(base, &m)
        case .timestamps: timestamps(base, &m)
        }
        return m
    }

    // MARK: Helpers

    public static func assemble(_ members: [Member], spaced: Bool = false) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(members.reduce(8) { $0 + $1.name.count + $1.value.count + 6 })
        for (k, member) in members.enumerated() {
            if k > 0 { out.append(contentsOf: spaced ? Array(" ,\n\t".utf8) : [UInt8(ascii: ",")]) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: member.name)
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: spaced ? Array(" : ".utf8) : [UInt8(ascii: ":")])
            out.append(contentsOf: member.value)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `members` with the member `name` replaced by (or, when absent, extended with) `value`.
    public static func replacing(_ name: String, with value: [UInt8], in members: [Member]) -> [Member] {
        let bytes = Array(name.utf8)
        var result = members
        if let index = result.firstIndex(where: { $0.name == bytes }) {
            result[index].value = value
        } else {
            result.append((bytes, value))
        }
        return result
    }

    public static func removing(_ name: String, from members: [Member]) -> [Member] {
        let bytes = Array(name.utf8)
        return members.filter { $0.name != bytes }
    }

    public static func quoted(_ text: String) -> [UInt8] {
        [UInt8(ascii: "\"")] + Array(text.utf8) + [UInt8(ascii: "\"")]
    }
    public static func quoted(bytes: [UInt8]) -> [UInt8] { [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")] }

    public static func nested(_ depth: Int, open: String, close: String, inner: String = "1") -> [UInt8] {
        let (open, close) = (Array(open.utf8), Array(close.utf8))
        var out: [UInt8] = []
        out.reserveCapacity(depth * (open.count + close.count) + inner.utf8.count)
        for _ in 0..<depth { out.append(contentsOf: open) }
        out.append(contentsOf: inner.utf8)
        for _ in 0..<depth { out.append(contentsOf: close) }
        return out
    }

    /// The outcome of a valid event whose `kind` is the base's kind but whose `value` member is `hasValue`.
    public static func learnedOrNoValue(_ base: Base, hasValue: Bool) -> OutcomeSet {
        base.isRating && !hasValue ? OutcomeSet(.processingFailed) : OutcomeSet(.learned)
    }

    // MARK: Families

    private mutating func valid(_ base: Base, _ m: inout MutatedMessage) {
        switch below(8) {
        case 0: (m.key, m.detail) = (nil, "no key")
        case 1: (m.key, m.detail) = ([], "empty key")
        default: m.detail = "keyed by user"
        }
        m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
    }

    private mutating func reformatted(_ base: Base, _ m: inout MutatedMessage) {
        var members = base.members
        m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        switch below(6) {
        case 0:
            for k in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(k, below(k + 1)) }
            m.value = Self.assemble(members, spaced: chance(1, in: 2))
            m.detail = "members shuffled"
        case 1:
            members.insert((Array("x-extra".utf8), pick(Self.unknownValues)), at: below(members.count + 1))
            members.insert((Array("".utf8), Array("{\"user\":\"nobody\"}".utf8)), at: below(members.count + 1))
            m.value = Self.assemble(members, spaced: chance(1, in: 2))
            m.detail = "unknown members"
        case 2:
            // "\u0075ser" is "user": member names are compared after unescaping.
            members = members.map { $0.name == Array("user".utf8) ? (Array("\\u0075ser".utf8), $0.value) : $0 }
            m.value = Self.assemble(members)
            m.detail = "escaped member name"
        case 3:
            let number = below(1_000_000)
            members = Self.replacing("user", with: Array(String(number).utf8), in: members)
            m.value = Self.assemble(members)
            m.key = chance(1, in: 2) ? Array(String(number).utf8) : nil
            m.detail = "integer user id"
        case 4:
            m.value = Array(" \n\t\r".utf8) + base.bytes + Array("\r\n ".utf8)
            m.detail = "surrounding whitespace"
        default:
            // The user id spelled with escapes decodes to the same id.
            let escaped = base.user.flatMap { b -> [UInt8] in
                b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b >= 0x20
                    ? Array("\\u00\(Self.hex(b >> 4))\(Self.hex(b & 0xF))".utf8) : [b]
            }
            if base.user.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                m.value = base.bytes
            } else {
                m.value = Self.assemble(Self.replacing("user", with: Self.quoted(bytes: escaped), in: members))
            }
            m.detail = "user id written with escapes"
        }
    }

    public static func hex(_ nibble: UInt8) -> String { String(nibble, radix: 16) }

    public static let unknownValues: [[UInt8]] = [
        "null", "true", "false", "0", "-1.5e-3", "\"x\"", "[]", "{}", "[1,\"a\",{\"b\":[null]}]",
        "{\"user\":{\"a\":1},\"item\":[1,2]}", "\"\\ud83d\\ude00\\n\\u0000\"", "123456789012345678901234567890e-5",
    ].map { Array($0.utf8) }

    public static let insertTokens: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", "\\", ",", ":", " ", "\n", "\\u", "\\ud800", "null", "true", "0", "-", "1e999",
            "NaN",
        ].map { Array($0.utf8) } + [
            [0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],
        ]

    private mutating func bitFlip(_ base: Base, _ m: inout MutatedMessage) {
        for _ in 0..<(1 + below(3)) {
            let position = below(m.value.count)
            for _ in 0..<(1 + below(3)) { m.value[position] ^= 1 << UInt8(below(8)) }
        }
        m.detail = "bits flipped"
        m.allowed = OutcomeSet.anyFromValue
    }

    private mutating func byteInsert(_ base: Base, _ m: inout MutatedMessage) {
        for _ in 0..<(1 + below(4)) {
            let position = below(m.value.count + 1)
            if chance(1, in: 2) {
                m.value.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
            } else {
                m.value.insert(contentsOf: pick(Self.insertTokens), at: position)
            }
        }
        m.detail = "bytes inserted"
        m.allowed = OutcomeSet.anyFromValue
    }

    private mutating func byteDelete(_ base: Base, _ m: inout MutatedMessage) {
        for _ in 0..<(1 + below(4)) where m.value.count > 1 {
            let start = below(m.value.count)
            let length = 1 + below(min(8, m.value.count - start))
            m.value.removeSubrange(start..<(start + length))
        }
        m.detail = "bytes deleted"
        m.allowed = OutcomeSet.anyFromValue
    }

    private mutating func truncate(_ base: Base, _ m: inout MutatedMessage) {
        // A strict prefix of an object is never a complete object; it may end inside a UTF-8 sequence or after an
        // unpaired high-surrogate escape.
        m.value = Array(base.bytes[0..<below(base.bytes.count)])
        m.detail = "strict prefix"
        m.allowed = OutcomeSet(.malformedJSON, .invalidUTF8)
    }

    private mutating func dropRequired(_ base: Base, _ m: inout MutatedMessage) {
        let name = pick(["user", "item", "kind", "ts"])
        m.value = Self.assemble(Self.removing(name, from: base.members))
        m.detail = "required member removed"
        m.allowed = OutcomeSet(.missingField)
    }

    private mutating func dropOptional(_ base: Base, _ m: inout MutatedMessage) {
        if chance(1, in: 2) || base.isRating {
            m.value = Self.assemble(Self.removing("value", from: base.members))
            m.detail = "value removed"
            m.allowed = Self.learnedOrNoValue(base, hasValue: false)
        } else {
            m.value = Self.assemble(Self.removing("features", from: base.members))
            m.detail = "features removed"
            m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        }
    }

    /// The JSON types a member is retyped to.
    private enum JSONShape: CaseIterable {
        case integer, fraction, string, emptyString, object, array, bool, null, isoDate, bigInteger
    }

    private static func literal(_ shape: JSONShape, rng: inout Xoshiro256) -> [UInt8] {
        let text: String
        switch shape {
        case .integer: text = String(Int(rng.next() % 8))
        case .fraction: text = "2.5"
        case .string: text = "\"s\(rng.next() % 8)\""
        case .emptyString: text = "\"\""
        case .object: text = "{\"a\":1}"
        case .array: text = "[\"a\",1]"
        case .bool: text = rng.next() % 2 == 0 ? "true" : "false"
        case .null: text = "null"
        case .isoDate: text = "\"2024-05-01T12:00:00.250+02:00\""
        case .bigInteger: text = "123456789012345678901234567890"
        }
        return Array(text.utf8)
    }

    private mutating func retype(_ base: Base, _ m: inout MutatedMessage) {
        let shape = JSONShape.allCases[below(JSONShape.allCases.count)]
        let value = Self.literal(shape, rng: &rng)
        let field = below(7)
        let names = ["user", "item", "kind", "value", "ts", "features", "features.user"]
        var members = base.members
        var hasValue = base.hasValue
        let allowed: OutcomeSet
        switch (names[field], shape) {
        case ("user", .integer), ("user", .bigInteger):
            // A valid id; the message key decides.
            switch below(3) {
            case 0: m.key = Array(value)
            case 1: m.key = nil
            default: break
            }
            allowed = m.key == nil || m.key! == value ? OutcomeSet(.learned) : OutcomeSet(.keyMismatch)
        case ("user", .string), ("user", .isoDate):
            allowed = OutcomeSet(.keyMismatch)
        case ("item", .integer), ("item", .bigInteger), ("item", .string), ("item", .isoDate):
            allowed = OutcomeSet(.learned)
        case ("user", .emptyString), ("user", .null), ("item", .emptyString), ("item", .null):
            allowed = OutcomeSet(.missingField)
        case ("user", _), ("item", _):
            allowed = OutcomeSet(.wrongType)
        case ("kind", .string), ("kind", .isoDate):
            allowed = OutcomeSet(.unknownKind)
        case ("kind", .emptyString), ("kind", .null):
            allowed = OutcomeSet(.missingField)
        case ("kind", _):
            allowed = OutcomeSet(.wrongType)
        case ("value", .integer), ("value", .fraction), ("value", .bigInteger):
            hasValue = true
            allowed = OutcomeSet(.learned)
        case ("value", .null):
            hasValue = false
            allowed = Self.learnedOrNoValue(base, hasValue: false)
        case ("value", _):
            allowed = OutcomeSet(.wrongType)
        case ("ts", .integer), ("ts", .isoDate):
            allowed = OutcomeSet(.learned)
        case ("ts", .fraction), ("ts", .string), ("ts", .emptyString), ("ts", .bigInteger):
            allowed = OutcomeSet(.badTimestamp)
        case ("ts", .null):
            allowed = OutcomeSet(.missingField)
        case ("ts", _):
            allowed = OutcomeSet(.wrongType)
        case ("features", .null), ("features", .object):
            // {"a":1}: an unknown side, ignored.
            allowed = OutcomeSet(.learned)
        case ("features", _):
            allowed = OutcomeSet(.wrongType)
        default:
            // features.user
            switch shape {
            case .null: allowed = OutcomeSet(.learned)
            case .object: allowed = OutcomeSet(.learned)  // {"a":1}: feature a = "1"
            default: allowed = OutcomeSet(.wrongType)
            }
        }
        if field == 6 {
            members = Self.replacing(
                "features", with: Array("{\"user\":".utf8) + value + [UInt8(ascii: "}")], in: members)
        } else {
            members = Self.replacing(names[field], with: value, in: members)
        }
        m.value = Self.assemble(members)
        m.detail = "member retyped"
        // A kind the configuration lists decides by itself whether the value is needed; others fail first.
        m.allowed = allowed == OutcomeSet(.learned) ? Self.learnedOrNoValue(base, hasValue: hasValue) : allowed
    }

    private mutating func nonFinite(_ base: Base, _ m: inout MutatedMessage) {
        var members = base.members
        let choice = below(6)
        switch choice {
        case 0:
            members = Self.replacing(
                "value", with: Array(pick(["NaN", "nan", "Infinity", "-Infinity", "inf"]).utf8), in: members)
            m.detail = "NaN/Infinity literal as value"
            m.allowed = OutcomeSet(.malformedJSON)
        case 1:
            let literal = pick([
                "1e400", "-1e400", "1E999", "123e99999999999", "9" + String(repeating: "9", count: 400),
            ])
            members = Self.replacing("value", with: Array(literal.utf8), in: members)
            m.detail = "value overflows a Double"
            m.allowed = OutcomeSet(.nonFinite)
        case 2:
            let literal = pick(["1e-400", "-0.0e-7", "1.7976931348623157e308", "4.9e-324", "-0"])
            members = Self.replacing("value", with: Array(literal.utf8), in: members)
            m.detail = "extreme finite value"
            m.allowed = OutcomeSet(.learned)
        case 3:
            members = Self.replacing("ts", with: Array(pick(["1e400", "NaN"]).utf8), in: members)
            m.detail = "non-finite timestamp"
            m.allowed =
                members.contains(where: { $0.value == Array("NaN".utf8) })
                ? OutcomeSet(.malformedJSON) : OutcomeSet(.badTimestamp)
        case 4:
            members = Self.replacing("user", with: Array("1e400".utf8), in: members)
            m.detail = "non-integer number as user id"
            m.allowed = OutcomeSet(.wrongType)
        default:
            // Feature numbers are kept as their literal text.
            members = Self.replacing(
                "features", with: Array("{\"item\":{\"score\":[1e400,-1e-400]}}".utf8), in: members)
            m.detail = "huge literal as a feature"
            m.value = Self.assemble(members)
            m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
            return
        }
        m.value = Self.assemble(members)
        if m.allowed == OutcomeSet(.learned) { m.allowed = Self.learnedOrNoValue(base, hasValue: true) }
    }

    public static let invalidSequences: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82],
        [0xC3, 0x28], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    private mutating func invalidUTF8(_ base: Base, _ m: inout MutatedMessage) {
        let bad = pick(Self.invalidSequences)
        switch below(6) {
        case 0:
            let name = pick(["user", "item", "kind"])
            var members = base.members
            let index = members.firstIndex { $0.name == Array(name.utf8) }!
            var value = members[index].value
            value.insert(contentsOf: bad, at: 1 + below(value.count - 1))
            // Inserted between a backslash and what it escapes, the bytes break the escape first.
            let escapes = value.contains(UInt8(ascii: "\\"))
            members[index].value = value
            m.value = Self.assemble(members)
            m.detail = "invalid UTF-8 in an id"
            m.allowed = escapes ? OutcomeSet(.invalidUTF8, .malformedJSON) : OutcomeSet(.invalidUTF8)
        case 1:
            var members = base.members
            members.append((Array("note".utf8), Self.quoted(bytes: Array("ok".utf8) + bad)))
            m.value = Self.assemble(members)
            m.detail = "invalid UTF-8 in an unknown member"
            m.allowed = OutcomeSet(.invalidUTF8)
        case 2:
            let escape = pick(["\\ud800", "\\udc00", "\\ud800\\u0041", "\\udbff\\ud800"])
            let name = pick(["user", "item", "kind", "x"])
            m.value = Self.assemble(Self.replacing(name, with: Self.quoted("a" + escape), in: base.members))
            m.detail = "unpaired surrogate escape"
            m.allowed = OutcomeSet(.invalidUTF8)
        case 3:
            m.value = base.bytes
            m.value.insert(contentsOf: bad, at: base.bytes.count - 1)
            m.detail = "invalid UTF-8 outside strings"
            m.allowed = OutcomeSet(.malformedJSON)
        case 4:
            m.key = base.user + bad
            m.detail = "invalid UTF-8 key"
            m.allowed = OutcomeSet(.invalidKeyUTF8)
        default:
            // Valid but unusual: a surrogate pair escape, U+10FFFF, U+FFFF and a NUL escape in the item id.
            m.value = Self.assemble(
                Self.replacing(
                    "item", with: Array("\"\\ud83d\\ude00\u{10FFFF}\u{FFFF}\\u0000\"".utf8), in: base.members))
            m.detail = "unusual valid UTF-8"
            m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        }
    }

    private mutating func huge(_ base: Base, _ m: inout MutatedMessage) {
        let o = options
        let p = payloads
        hugeCount += 1
        if hugeCount % o.largestMessageEvery == 1 {
            let head = base.bytes.dropLast() + Array(",\"pad\":\"".utf8)
            m.value = head + p.padding[0..<(o.largestMessage - head.count - 2)] + Array("\"}".utf8)
            m.detail = "largest message"
            m.allowed = OutcomeSet(.oversizeMessage)
            return
        }
        var members = base.members
        let sameAsBase = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        switch below(12) {
        case 0:
            members = Self.replacing("item", with: p.id100KB, in: members)
            m.detail = "100 KB item id"
            m.allowed = OutcomeSet(.oversizeMessage)
        case 1:
            members = Self.replacing("item", with: p.idOverLimit, in: members)
            m.detail = "item id one byte over the limit"
            m.allowed = OutcomeSet(.oversize)
        case 2:
            members = Self.replacing("item", with: p.idAtLimit, in: members)
            m.detail = "item id at the limit"
            m.allowed = sameAsBase
        case 3:
            let user = Array(p.longUser[0..<(o.maxIDBytes + 1 + below(300))])
            members = Self.replacing("user", with: Self.quoted(bytes: user), in: members)
            if chance(1, in: 2) {
                m.key = user
                m.detail = "user id and key over the limit"
                m.allowed = OutcomeSet(.oversizeKey)
            } else {
                m.key = nil
                m.detail = "user id over the limit"
                m.allowed = OutcomeSet(.oversize)
            }
        case 4:
            let user = Array(p.longUser[0..<o.maxIDBytes])
            members = Self.replacing("user", with: Self.quoted(bytes: user), in: members)
            m.key = user
            m.detail = "user id and key at the limit"
            m.allowed = sameAsBase
        case 5:
            // Padding up to exactly the limit, and one byte over.
            let over = chance(1, in: 2)
            let head = Self.assemble(members).dropLast() + Array(",\"pad\":\"".utf8)
            m.value = head + p.padding[0..<(o.maxMessageBytes - head.count - 2 + (over ? 1 : 0))] + Array("\"}".utf8)
            m.detail = over ? "message one byte over the limit" : "message at the limit"
            m.allowed = over ? OutcomeSet(.oversizeMessage) : sameAsBase
            return
        case 6:
            let over = chance(1, in: 2)
            members = Self.replacing("features", with: over ? p.featuresOverLimit : p.featuresAtLimit, in: members)
            m.detail = "feature count at or over the limit"
            m.allowed = over ? OutcomeSet(.oversize) : sameAsBase
        case 7:
            let over = chance(1, in: 2)
            members = Self.replacing("features", with: over ? p.valuesOverLimit : p.valuesAtLimit, in: members)
            m.detail = "feature values at or over the limit"
            m.allowed = over ? OutcomeSet(.oversize) : sameAsBase
        case 8:
            members = Self.replacing("features", with: p.longFeatureName, in: members)
            m.detail = "feature name over the limit"
            m.allowed = OutcomeSet(.oversize)
        case 9:
            m.key = p.key10KB
            m.detail = "10 KB key"
            m.allowed = OutcomeSet(.oversizeKey)
            return
        case 10:
            // 10,000 digits: overflows as a value, a timestamp, and over the id limit as an id.
            switch below(3) {
            case 0:
                members = Self.replacing("value", with: p.digits, in: members)
                m.allowed = OutcomeSet(.nonFinite)
            case 1:
                members = Self.replacing("ts", with: p.digits, in: members)
                m.allowed = OutcomeSet(.badTimestamp)
            default:
                members = Self.replacing("item", with: p.digits, in: members)
                m.allowed = OutcomeSet(.oversize)
            }
            m.detail = "10,000-digit number"
        default:
            members += p.manyMembers
            m.detail = "300 unknown members"
            m.allowed = sameAsBase
        }
        m.value = Self.assemble(members)
    }

    private mutating func empty(_ base: Base, _ m: inout MutatedMessage) {
        let members = base.members
        let sameAsBase = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        switch below(11) {
        case 0: (m.value, m.detail, m.allowed) = ([], "empty message", OutcomeSet(.malformedJSON))
        case 1: (m.value, m.detail, m.allowed) = (Array(" \n".utf8), "whitespace only", OutcomeSet(.malformedJSON))
        case 2: (m.value, m.detail, m.allowed) = (Array("{}".utf8), "empty object", OutcomeSet(.missingField))
        case 3:
            m.value = Array(pick(["null", "\"\"", "[]", "0"]).utf8)
            (m.detail, m.allowed) = ("empty non-object", OutcomeSet(.wrongType))
        case 4:
            let name = pick(["user", "item", "kind"])
            m.value = Self.assemble(Self.replacing(name, with: Self.quoted(""), in: members))
            (m.detail, m.allowed) = ("empty id or kind", OutcomeSet(.missingField))
        case 5:
            m.value = Self.assemble(Self.replacing("ts", with: Self.quoted(""), in: members))
            (m.detail, m.allowed) = ("empty timestamp string", OutcomeSet(.badTimestamp))
        case 6:
            m.value = Self.assemble(
                Self.replacing("features", with: Array(pick(["{}", "{\"user\":{},\"item\":{}}"]).utf8), in: members))
            (m.detail, m.allowed) = ("empty features", sameAsBase)
        case 7:
            m.value = Self.assemble(
                Self.replacing("features", with: Array("{\"user\":{\"\":\"\",\"tags\":[]}}".utf8), in: members))
            (m.detail, m.allowed) = ("empty feature name, value and list", sameAsBase)
        case 8:
            m.key = []
            (m.detail, m.allowed) = ("empty key", sameAsBase)
        case 9:
            m.value = Self.assemble(Self.replacing("value", with: Self.quoted(""), in: members))
            (m.detail, m.allowed) = ("empty string as value", OutcomeSet(.wrongType))
        default:
            m.value = Self.assemble(members + [(Array("".utf8), Array("\"\"".utf8))])
            (m.detail, m.allowed) = ("empty unknown member", sameAsBase)
        }
    }

    private mutating func deepNesting(_ base: Base, _ m: inout MutatedMessage) {
        // The event object is level 1 and its members' values level 2: `d` nested arrays or objects as a member
        // value reach level d + 1.
        let limit = options.maxDepth
        let p = payloads
        let arrays = chance(1, in: 2)
        let deep = arrays ? p.nestedArrays : p.nestedObjects
        switch below(5) {
        case 0:
            let depth = 1 + below(limit - 1)
            m.value = Self.assemble(base.members + [(Array("deep".utf8), deep[depth])])
            m.detail = "nesting within the limit"
            m.allowed = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        case 1:
            m.value = Self.assemble(base.members + [(Array("deep".utf8), deep[limit])])
            m.detail = "nesting one level over the limit"
            m.allowed = OutcomeSet(.oversize)
        case 2:
            let far = pick([limit + 10, -1_000, -100_000])
            let nested = far > 0 ? deep[far] : (arrays ? p.farArrays : p.farObjects)[far == -1_000 ? 0 : 1]
            m.value = Self.assemble(base.members + [(Array("deep".utf8), nested)])
            m.detail = "nesting far over the limit"
            // 100,000 levels are also over the size limit, which is checked first.
            m.allowed = m.value.count > options.maxMessageBytes ? OutcomeSet(.oversizeMessage) : OutcomeSet(.oversize)
        case 3:
            // Unclosed, as the whole message.
            m.value = arrays ? p.unclosedArrays : p.unclosedObjects
            m.detail = "unclosed nesting"
            // `{{` is not a member name: malformed at once; `[[[…` nests past the limit first.
            m.allowed = arrays ? OutcomeSet(.oversize) : OutcomeSet(.malformedJSON)
        default:
            // Nested lists as a feature value: not a list of scalars (or too deep to look at).
            let depth = 2 + below(options.maxDepth + 30)
            m.value = Self.assemble(
                Self.replacing(
                    "features", with: Array("{\"user\":{\"x\":".utf8) + p.nestedArrays[depth] + Array("}}".utf8),
                    in: base.members))
            m.detail = "nested lists as a feature value"
            m.allowed = OutcomeSet(.wrongType, .oversize)
        }
    }

    private mutating func duplicateKeys(_ base: Base, _ m: inout MutatedMessage) {
        var members = base.members
        let sameAsBase = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        let user = members.first { $0.name == Array("user".utf8) }!
        switch below(7) {
        case 0:
            members.insert((user.name, Self.quoted("someone-else")), at: 0)
            (m.detail, m.allowed) = ("another user first, the keyed user last", sameAsBase)
        case 1:
            members.append((user.name, Self.quoted("someone-else")))
            (m.detail, m.allowed) = ("the keyed user first, another user last", OutcomeSet(.keyMismatch))
        case 2:
            members.insert((Array("kind".utf8), Self.quoted("teleport")), at: 0)
            (m.detail, m.allowed) = ("an unknown kind first, a known kind last", sameAsBase)
        case 3:
            members.insert((Array("kind".utf8), Array("7".utf8)), at: 0)
            (m.detail, m.allowed) = ("a wrong-typed kind first", OutcomeSet(.wrongType))
        case 4:
            members.insert((Array("ts".utf8), Self.quoted("yesterday")), at: 0)
            (m.detail, m.allowed) = ("a bad timestamp first", OutcomeSet(.badTimestamp))
        case 5:
            members.insert((Array("value".utf8), Array("1e999".utf8)), at: 0)
            (m.detail, m.allowed) = ("an overflowing value first", OutcomeSet(.nonFinite))
        default:
            members += members.filter { $0.name != user.name }
            (m.detail, m.allowed) = ("every member but the user twice", sameAsBase)
        }
        m.value = Self.assemble(members)
    }

    private mutating func unknownKind(_ base: Base, _ m: inout MutatedMessage) {
        let (kind, allowed): (String, OutcomeSet) =
            switch below(7) {
            case 0: ("\"teleport\"", OutcomeSet(.unknownKind))
            case 1: ("\"View\"", OutcomeSet(.unknownKind))
            case 2: ("\"view \"", OutcomeSet(.unknownKind))
            case 3: ("\"like\"", OutcomeSet(.unknownKind))  // a kind neither the daemon nor the learning core weighs
            case 4: ("\"\"", OutcomeSet(.missingField))
            case 5: ("\"\\u0076iew\"", OutcomeSet(.learned))  // "view", escaped
            default: ("\"rating\"", base.hasValue ? OutcomeSet(.learned) : OutcomeSet(.processingFailed))
            }
        m.value = Self.assemble(Self.replacing("kind", with: Array(kind.utf8), in: base.members))
        m.detail = "kind replaced"
        m.allowed = allowed
    }

    private mutating func wrongKey(_ base: Base, _ m: inout MutatedMessage) {
        let sameAsBase = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        switch below(9) {
        case 0: (m.key, m.detail, m.allowed) = (Array("u-other".utf8), "another user's key", OutcomeSet(.keyMismatch))
        case 1: (m.key, m.detail, m.allowed) = (base.user + [0x78], "key with an extra byte", OutcomeSet(.keyMismatch))
        case 2:
            let key = Array(base.user.dropLast())
            m.key = key
            m.detail = "key missing a byte"
            // Cut inside a multi-byte character, the key is not UTF-8 any more.
            m.allowed =
                String(validating: key, as: UTF8.self) == nil ? OutcomeSet(.invalidKeyUTF8) : OutcomeSet(.keyMismatch)
        case 3: (m.key, m.detail, m.allowed) = (base.user + [0], "key with a trailing NUL", OutcomeSet(.keyMismatch))
        case 4:
            m.key = Array(repeating: 0x6B, count: options.maxIDBytes + 1)
            (m.detail, m.allowed) = ("key one byte over the limit", OutcomeSet(.oversizeKey))
        case 5:
            m.key = Array(repeating: 0xFF, count: options.maxIDBytes + 50)
            (m.detail, m.allowed) = ("oversize key that is not UTF-8", OutcomeSet(.oversizeKey))
        case 6: (m.key, m.detail, m.allowed) = ([0xC3, 0x28], "key not UTF-8", OutcomeSet(.invalidKeyUTF8))
        case 7: (m.key, m.detail, m.allowed) = (nil, "no key", sameAsBase)
        default:
            m.key = Array(repeating: 0x6B, count: options.maxIDBytes)
            (m.detail, m.allowed) = ("key at the limit, another user", OutcomeSet(.keyMismatch))
        }
    }

    private mutating func structure(_ base: Base, _ m: inout MutatedMessage) {
        let sameAsBase = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        let body = base.bytes
        switch below(11) {
        case 0: (m.value, m.detail, m.allowed) = (body + Array("x".utf8), "trailing byte", OutcomeSet(.malformedJSON))
        case 1: (m.value, m.detail, m.allowed) = (body + body, "two objects", OutcomeSet(.malformedJSON))
        case 2:
            (m.value, m.detail, m.allowed) = ([0xEF, 0xBB, 0xBF] + body, "byte order mark", OutcomeSet(.malformedJSON))
        case 3:
            m.value = Array("[".utf8) + body + Array("]".utf8)
            (m.detail, m.allowed) = ("event inside an array", OutcomeSet(.wrongType))
        case 4:
            m.value = Array(pick(["true", "-12.5e3", "\"{}\"", "[1,{\"user\":\"u1\"}]"]).utf8)
            (m.detail, m.allowed) = ("a scalar or array event", OutcomeSet(.wrongType))
        case 5:
            m.value = Array(body.dropLast()) + Array(",}".utf8)
            (m.detail, m.allowed) = ("trailing comma", OutcomeSet(.malformedJSON))
        case 6:
            m.value = body.map { $0 == UInt8(ascii: "\"") ? UInt8(ascii: "'") : $0 }
            (m.detail, m.allowed) = ("single quotes", OutcomeSet(.malformedJSON))
        case 7:
            m.value = Array("/* event */".utf8) + body
            (m.detail, m.allowed) = ("a comment", OutcomeSet(.malformedJSON))
        case 8:
            // A raw control character inside the item id.
            var members = base.members
            let index = members.firstIndex { $0.name == Array("item".utf8) }!
            members[index].value.insert(pick([0x00, 0x0A, 0x1F]), at: 1)
            m.value = Self.assemble(members)
            (m.detail, m.allowed) = ("raw control character in a string", OutcomeSet(.malformedJSON))
        case 9:
            // The same control character escaped is fine; the key must match the decoded id.
            m.value = Self.assemble(
                Self.replacing("user", with: Self.quoted("line\\nbreak\\t\\u0001"), in: base.members))
            m.key = chance(1, in: 2) ? Array("line\nbreak\t\u{1}".utf8) : nil
            (m.detail, m.allowed) = ("escaped control characters in the user id", sameAsBase)
        default:
            let members = base.members
            let index = 1 + below(members.count - 1)
            m.value = Self.assemble(Array(members[..<index])) + Self.assemble(Array(members[index...]))
            (m.detail, m.allowed) = ("event split into two objects", OutcomeSet(.malformedJSON))
        }
    }

    private mutating func timestamps(_ base: Base, _ m: inout MutatedMessage) {
        let learned = Self.learnedOrNoValue(base, hasValue: base.hasValue)
        let (literal, allowed): (String, OutcomeSet) =
            switch below(12) {
            case 0: ("\"2024-05-01T12:00:00Z\"", learned)
            case 1: ("\"2024-05-01t12:00:00.123456-0230\"", learned)
            case 2: ("\"2024-02-29 00:00:00z\"", learned)
            case 3: ("\"2023-02-29T00:00:00Z\"", OutcomeSet(.badTimestamp))
            case 4: ("\"2024-05-01T12:00:00\"", OutcomeSet(.badTimestamp))
            case 5: ("\"1704067200000\"", OutcomeSet(.badTimestamp))
            case 6: ("9223372036854775807", learned)
            case 7: ("9223372036854775808", OutcomeSet(.badTimestamp))
            case 8: ("-9223372036854775808", learned)
            case 9: ("1.5", OutcomeSet(.badTimestamp))
            case 10: ("-0", learned)
            default: ("\"2024-05-01T24:00:00Z\"", OutcomeSet(.badTimestamp))
            }
        m.value = Self.assemble(Self.replacing("ts", with: Array(literal.utf8), in: base.members))
        m.detail = "timestamp replaced"
        m.allowed = allowed
    }
}
