/// A message to send with a ``KafkaProducer``.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    /// `nil` lets the partitioner choose (`murmur2_random` by default: Java-compatible key hashing, random
    /// partition for messages without a key).
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Create time in milliseconds since the Unix epoch; `nil` lets librdkafka use the current time.
    public var timestampMilliseconds: Int64?
    /// Sends a null value (a tombstone: on a compacted topic, deletes the key) instead of ``value``.
    public var isTombstone = false

    /// A tombstone for `key` on `topic`: a message whose value is null.
    public static func tombstone(topic: String, key: [UInt8]) -> KafkaProducerMessage {
        var message = KafkaProducerMessage(topic: topic, key: key, value: [])
        message.isTombstone = true
        return message
    }

    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8],
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// A message with a UTF-8 key and value.
    public init(topic: String, partition: Int32? = nil, key: String?, value: String, headers: [KafkaHeader] = []) {
        self.init(
            topic: topic,
            partition: partition,
            key: key.map { Array($0.utf8) },
            value: Array(value.utf8),
            headers: headers
        )
    }
}

/// Identifies a sent message in its ``KafkaDeliveryReport``: ``KafkaProducer/send(_:)`` returns it.
///
/// Ids of one producer increase in the order the messages were accepted; an id drawn for a message that was
/// not accepted (queue full) is skipped.
public struct KafkaProducerMessageID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "#\(rawValue)" }
}

/// The outcome of one sent message, reported once the broker acknowledged it or librdkafka gave up.
public struct KafkaDeliveryReport: Sendable {
    public enum Status: Sendable {
        /// Written to the log of `partition` at `offset`.
        case acknowledged(partition: Int32, offset: Int64)
        /// Not delivered, e.g. ``KafkaError/Code/messageTimedOut`` after `message.timeout.ms`.
        case failed(KafkaError)
    }

    /// The id ``KafkaProducer/send(_:)`` returned for the message.
    public var id: KafkaProducerMessageID
    public var topic: String
    public var status: Status

    public init(id: KafkaProducerMessageID, topic: String, status: Status) {
        self.id = id
        self.topic = topic
        self.status = status
    }
}
