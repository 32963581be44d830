import Clickstream
import Kafka

/// Why a message went to the dead-letter topic: a stable snake_case label for the `warmstart.reason` header and
/// the `reason` label of `warmstart_dead_letters_total`.
///
/// The decoder's reasons (``EventDecodingError/Reason-swift.enum``) plus the pipeline's own checks, which run
/// before or after decoding.
public struct DeadLetterReason: Hashable, Sendable, CustomStringConvertible {
    /// The label. Never rename one: dashboards and consumers of the dead-letter topic rely on them.
    public let rawValue: String

    private init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A decoder reason: `malformed_json`, `invalid_utf8`, `missing_field`, `wrong_type`, `non_finite`, `oversize`,
    /// `unknown_kind`, `bad_timestamp`, `malformed_record`.
    public init(_ reason: EventDecodingError.Reason) {
        self.rawValue = reason.rawValue
    }

    /// The message key is longer than the id limit.
    public static let oversizeKey = DeadLetterReason(rawValue: "oversize_key")
    /// The message key is not valid UTF-8.
    public static let invalidKeyUTF8 = DeadLetterReason(rawValue: "invalid_key_utf8")
    /// The message is larger than the message limit (checked before decoding).
    public static let oversizeMessage = DeadLetterReason(rawValue: "oversize_message")
    /// The message key names a different user than the event's user field.
    public static let keyMismatch = DeadLetterReason(rawValue: "key_mismatch")
    /// A valid event the pipeline could not learn from (e.g. a rating kind without a value).
    public static let processingFailed = DeadLetterReason(rawValue: "processing_failed")

    /// The pipeline's own reasons.
    public static let pipelineReasons: [DeadLetterReason] = [
        .oversizeKey, .invalidKeyUTF8, .oversizeMessage, .keyMismatch, .processingFailed,
    ]

    /// Every reason: the decoder's, then the pipeline's.
    public static let allKnown: [DeadLetterReason] =
        EventDecodingError.Reason.allCases.map(DeadLetterReason.init) + pipelineReasons

    public var description: String { rawValue }
}

/// A message that could not be processed, and the dead-letter message that records it.
///
/// The dead-letter message carries the original key and value unchanged, so it can be inspected and replayed, and
/// says why and where from in headers:
///
/// | header | value |
/// |---|---|
/// | `warmstart.reason` | the ``DeadLetterReason`` label |
/// | `warmstart.error` | a human explanation, at most ``maximumErrorBytes`` bytes of UTF-8 |
/// | `warmstart.source.topic` | the source topic |
/// | `warmstart.source.partition` | the source partition, decimal |
/// | `warmstart.source.offset` | the source offset, decimal |
/// | `warmstart.failed_at` | when processing failed, epoch milliseconds, decimal |
///
/// It conforms to `Error` so that a decoding step can return `Result<InteractionEvent, DeadLetter>`.
public struct DeadLetter: Error, Sendable {
    /// Header names, in one place for producers and readers of the dead-letter topic.
    public enum HeaderName {
        public static let reason = "warmstart.reason"
        public static let error = "warmstart.error"
        public static let sourceTopic = "warmstart.source.topic"
        public static let sourcePartition = "warmstart.source.partition"
        public static let sourceOffset = "warmstart.source.offset"
        public static let failedAt = "warmstart.failed_at"
    }

    /// The longest `warmstart.error` header, in bytes; longer explanations are cut at a character boundary and
    /// end with `…`.
    public static let maximumErrorBytes = 512

    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    /// The original key, unchanged.
    public var key: [UInt8]?
    /// The original value, unchanged.
    public var value: [UInt8]
    public var reason: DeadLetterReason
    /// A human explanation.
    public var error: String
    /// When processing failed, in milliseconds since the Unix epoch.
    public var failedAt: Int64

    /// - Parameters:
    ///   - sourceTopic, sourcePartition, sourceOffset, key, value: The original message.
    ///   - reason: Why it failed.
    ///   - error: A human explanation (truncated in the header).
    ///   - failedAt: When, in epoch milliseconds (``PipelineClock/epochMilliseconds()``).
    public init(
        sourceTopic: String,
        sourcePartition: Int32,
        sourceOffset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        reason: DeadLetterReason,
        error: String,
        failedAt: Int64
    ) {
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.key = key
        self.value = value
        self.reason = reason
        self.error = error
        self.failedAt = failedAt
    }

    /// A dead letter for a consumed message.
    public init(source: KafkaMessage, reason: DeadLetterReason, error: String, failedAt: Int64) {
        self.init(
            sourceTopic: source.topic,
            sourcePartition: source.partition,
            sourceOffset: source.offset,
            key: source.key,
            value: source.value,
            reason: reason,
            error: error,
            failedAt: failedAt
        )
    }

    /// A dead letter for a consumed message the event decoder rejected.
    public init(source: KafkaMessage, decodingError: EventDecodingError, failedAt: Int64) {
        self.init(
            source: source,
            reason: DeadLetterReason(decodingError.reason),
            error: decodingError.message,
            failedAt: failedAt
        )
    }

    /// The message to produce on the dead-letter topic `topic`, keyed like the original (so the partitioner
    /// keeps one user's dead letters together).
    public func producerMessage(topic: String) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic,
            key: key,
            value: value,
            headers: [
                KafkaHeader(key: HeaderName.reason, value: reason.rawValue),
                KafkaHeader(key: HeaderName.error, value: Self.truncated(error, maximumBytes: Self.maximumErrorBytes)),
                KafkaHeader(key: HeaderName.sourceTopic, value: sourceTopic),
                KafkaHeader(key: HeaderName.sourcePartition, value: String(sourcePartition)),
                KafkaHeader(key: HeaderName.sourceOffset, value: String(sourceOffset)),
                KafkaHeader(key: HeaderName.failedAt, value: String(failedAt)),
            ]
        )
    }

    /// `text` cut to at most `maximumBytes` bytes of UTF-8 at a character boundary, ending with `…` when cut.
    static func truncated(_ text: String, maximumBytes: Int) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        let ellipsis = "…"
        let budget = maximumBytes - ellipsis.utf8.count
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > budget { break }
            result.append(character)
            used += size
        }
        return result + ellipsis
    }
}
