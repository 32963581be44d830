/// The shape and the limits of a JSON interaction event, shared by ``EventDecoder``, the encoder
/// (``InteractionEvent/jsonLine(schema:)``) and ``EventFileReader``.
///
/// The default schema reads and writes
/// ```json
/// {"user":"u1","item":"i9","kind":"rating","value":4,"ts":1714564800000,
///  "features":{"user":{"age":"25-34"},"item":{"genre":["Drama","War"]}}}
/// ```
/// `config/event.schema.json` documents the same format as a JSON Schema.
public struct EventSchema: Sendable, Hashable {
    /// The JSON member names of the event's fields.
    public struct FieldNames: Sendable, Hashable {
        /// The user id: a string, or an integer carried as its decimal text. Required.
        public var user: String
        /// The item id: a string, or an integer carried as its decimal text. Required.
        public var item: String
        /// The interaction kind, a string. Required.
        public var kind: String
        /// The interaction value, a finite number; `null` or absent means none.
        public var value: String
        /// The timestamp: epoch milliseconds (integer) or an RFC 3339 / ISO-8601 string with an offset. Required.
        public var timestamp: String
        /// The object holding the side features, optional.
        public var features: String
        /// The member of ``features`` holding the user's features.
        public var userFeatures: String
        /// The member of ``features`` holding the item's features.
        public var itemFeatures: String

        public init(
            user: String = "user",
            item: String = "item",
            kind: String = "kind",
            value: String = "value",
            timestamp: String = "ts",
            features: String = "features",
            userFeatures: String = "user",
            itemFeatures: String = "item"
        ) {
            self.user = user
            self.item = item
            self.kind = kind
            self.value = value
            self.timestamp = timestamp
            self.features = features
            self.userFeatures = userFeatures
            self.itemFeatures = itemFeatures
        }
    }

    /// Bounds that keep one hostile message from costing more than a bounded amount of time and memory.
    public struct Limits: Sendable, Hashable {
        /// The largest message accepted, in bytes.
        public var maxMessageBytes: Int
        /// The longest user id, item id, kind, feature name or feature value, in UTF-8 bytes.
        public var maxIDBytes: Int
        /// The most features one side (user or item) may carry.
        public var maxFeaturesPerSide: Int
        /// The most values one feature may list.
        public var maxValuesPerFeature: Int
        /// The deepest nesting of arrays and objects, counting the event object itself as 1; at most
        /// ``depthCeiling`` takes effect.
        public var maxDepth: Int

        /// The deepest nesting any decoder accepts, whatever ``maxDepth`` says: it bounds the parser's stack use.
        public static let depthCeiling = 128

        public init(
            maxMessageBytes: Int = 64 * 1024,
            maxIDBytes: Int = 256,
            maxFeaturesPerSide: Int = 64,
            maxValuesPerFeature: Int = 64,
            maxDepth: Int = 32
        ) {
            self.maxMessageBytes = maxMessageBytes
            self.maxIDBytes = maxIDBytes
            self.maxFeaturesPerSide = maxFeaturesPerSide
            self.maxValuesPerFeature = maxValuesPerFeature
            self.maxDepth = maxDepth
        }
    }

    /// The member names.
    public var fields: FieldNames
    /// The limits.
    public var limits: Limits
    /// The kinds accepted; `nil` accepts any kind. Others fail with
    /// ``EventDecodingError/Reason-swift.enum/unknownKind``.
    public var allowedKinds: Set<String>?

    public init(fields: FieldNames = FieldNames(), limits: Limits = Limits(), allowedKinds: Set<String>? = nil) {
        self.fields = fields
        self.limits = limits
        self.allowedKinds = allowedKinds
    }

    /// The documented format with default limits and any kind.
    public static let `default` = EventSchema()
}
