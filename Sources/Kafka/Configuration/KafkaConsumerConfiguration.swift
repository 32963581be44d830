/// Configuration of a ``KafkaConsumer``.
///
/// The defaults are what Warmstart needs: cooperative-sticky group assignment, no automatic offset store or
/// commit (the caller alone decides what is committed), and fetch settings tuned for throughput. Every
/// typed setting can still be overridden through ``additionalProperties``.
public struct KafkaConsumerConfiguration: Sendable {
    /// How the consumer gets its partitions.
    public enum ConsumptionStrategy: Sendable {
        /// Join consumer group `id` and subscribe to `topics`; partitions are assigned by the group.
        case group(id: String, topics: [String])
        /// Read every partition of `topic` without a group (like `kcat -C`), from `start`, except the
        /// partitions listed in `offsets`, which start at the given absolute offset.
        case topic(String, start: KafkaOffsetSpec, offsets: [Int32: Int64] = [:])
        /// Read exactly these partitions without a group.
        case partitions([KafkaTopicPartition: KafkaOffsetSpec])
    }

    /// Fetch tuning; the defaults favor throughput and keep latency low.
    public struct FetchOptions: Sendable {
        /// `fetch.wait.max.ms`: how long a broker may hold a fetch waiting for `fetch.min.bytes`.
        public var maxWait: Duration = .milliseconds(100)
        /// `fetch.min.bytes`.
        public var minBytes: Int = 1
        /// `fetch.message.max.bytes`: initial bytes per partition per fetch.
        public var maxBytesPerPartition: Int = 1_048_576
        /// `queued.max.messages.kbytes`: the size bound of librdkafka's pre-fetch queue.
        public var queuedMaxKilobytes: Int = 65_536
        /// `queued.min.messages`: librdkafka keeps fetching until this many messages are queued.
        ///
        /// With the high-level consumer librdkafka 2.0.2 compares this to the length of the whole consumer
        /// queue (all partitions), and once it is exceeded postpones every partition's next fetch by a fixed
        /// second. librdkafka's default of 100,000 is reached by one fetch response over 16 partitions of small
        /// messages, which stalled reading 500,000 100-byte messages to ~240,000 msg/s; at 1,000,000 the same
        /// read ran at ~1,000,000 msg/s. Memory stays bounded by ``queuedMaxKilobytes``.
        public var queuedMinMessages: Int = 1_000_000

        public init() {}
    }

    public var bootstrapServers: [String]
    public var clientID: String
    public var consumptionStrategy: ConsumptionStrategy
    /// `session.timeout.ms`.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms`.
    public var heartbeatInterval: Duration = .seconds(3)
    /// `max.poll.interval.ms`. The poll thread keeps polling while the caller works, so this only trips when the
    /// poll thread itself is stuck, e.g. in a rebalance handler that never returns.
    public var maxPollInterval: Duration = .seconds(300)
    /// `auto.offset.reset`.
    public var autoOffsetReset: KafkaAutoOffsetReset = .earliest
    /// `partition.assignment.strategy`.
    public var partitionAssignmentStrategy: String = "cooperative-sticky"
    /// Without a group: how long the consumer waits at start for the topic's metadata (its partition count).
    public var metadataTimeout: Duration = .seconds(10)
    /// How many messages the poll thread may buffer before it pauses all partitions (and keeps polling).
    public var maximumBufferedMessages: Int = 50_000
    /// At most this many messages are taken from librdkafka per `rd_kafka_consume_batch_queue` call.
    public var pollBatchSize: Int = 2_048
    public var fetch: FetchOptions = FetchOptions()
    /// See ``KafkaClientConfiguration/statisticsInterval``.
    public var statisticsInterval: Duration?
    /// See ``KafkaClientConfiguration/statisticsHandler``.
    public var statisticsHandler: (@Sendable (String) -> Void)?
    /// Any other librdkafka property, applied last. Validated when the consumer is created.
    public var additionalProperties: [String: String]

    public init(
        bootstrapServers: [String],
        clientID: String = "warmstart",
        consumptionStrategy: ConsumptionStrategy,
        additionalProperties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.consumptionStrategy = consumptionStrategy
        self.additionalProperties = additionalProperties
    }

    /// The group id, when ``consumptionStrategy`` is ``ConsumptionStrategy/group(id:topics:)``.
    public var groupID: String? {
        if case .group(let id, _) = consumptionStrategy { return id }
        return nil
    }

    func rdKafkaProperties() -> [(String, String)] {
        var properties = KafkaClientConfiguration(
            bootstrapServers: bootstrapServers,
            clientID: clientID,
            statisticsInterval: statisticsInterval
        ).rdKafkaProperties()
        // librdkafka's consumer API (rd_kafka_assign, rd_kafka_consumer_poll) needs a group.id even without a
        // group; a static assignment never joins the group nor commits, so a unique throw-away id does.
        properties.append(("group.id", groupID ?? "warmstart-assign-\(UInt64.random(in: 0...UInt64.max))"))
        properties += [
            ("session.timeout.ms", String(sessionTimeout.wholeMilliseconds)),
            ("heartbeat.interval.ms", String(heartbeatInterval.wholeMilliseconds)),
            ("max.poll.interval.ms", String(maxPollInterval.wholeMilliseconds)),
            ("auto.offset.reset", autoOffsetReset.rawValue),
            ("partition.assignment.strategy", partitionAssignmentStrategy),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "false"),
            ("fetch.wait.max.ms", String(fetch.maxWait.wholeMilliseconds)),
            ("fetch.min.bytes", String(fetch.minBytes)),
            ("fetch.message.max.bytes", String(fetch.maxBytesPerPartition)),
            ("queued.max.messages.kbytes", String(fetch.queuedMaxKilobytes)),
            ("queued.min.messages", String(fetch.queuedMinMessages)),
        ]
        properties.append(additional: additionalProperties)
        return properties
    }
}
