/// A partition of a topic.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Where to start reading a partition, or where to seek to.
public enum KafkaOffsetSpec: Hashable, Sendable {
    /// The oldest message still in the log.
    case beginning
    /// Only messages produced from now on.
    case end
    /// An absolute offset: the next message read is the one at this offset.
    case offset(Int64)
    /// The last committed offset of the consumer group (falls back to `auto.offset.reset`).
    case committed

    /// librdkafka's encoding: logical offsets are negative constants.
    var rdKafkaValue: Int64 {
        switch self {
        case .beginning: -2  // RD_KAFKA_OFFSET_BEGINNING
        case .end: -1  // RD_KAFKA_OFFSET_END
        case .committed: -1000  // RD_KAFKA_OFFSET_STORED
        case .offset(let value): value
        }
    }
}

/// The low and high watermark of a partition: the first offset still in the log and the offset the next
/// produced message will get.
public struct KafkaWatermarks: Hashable, Sendable {
    public var low: Int64
    public var high: Int64

    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }

    /// How many messages the log holds.
    public var count: Int64 { high - low }
}
