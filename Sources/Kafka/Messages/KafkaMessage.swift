/// A message read by a ``KafkaConsumer``.
///
/// Key and value bytes are copied exactly once, from librdkafka's buffer into these arrays.
public struct KafkaMessage: Sendable {
    /// The topic name. One `String` instance is shared by all messages of a topic.
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var timestamp: KafkaTimestamp?
    public var headers: [KafkaHeader]
    /// Whether the value is null (a tombstone: on a compacted topic, deletes the key), not merely empty;
    /// ``value`` is then empty.
    public var isTombstone = false

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        timestamp: KafkaTimestamp?,
        headers: [KafkaHeader]
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.headers = headers
    }

    /// The message's topic and partition.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}

/// A message timestamp in milliseconds since the Unix epoch.
public struct KafkaTimestamp: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Set by the producer.
        case createTime
        /// Set by the broker when it appended the message.
        case logAppendTime
    }

    public var milliseconds: Int64
    public var kind: Kind

    public init(milliseconds: Int64, kind: Kind) {
        self.milliseconds = milliseconds
        self.kind = kind
    }
}
