/// Which kind of librdkafka client a property applies to: the "C/P" column of librdkafka 2.0.2's
/// `CONFIGURATION.md` (C = consumer, P = producer, * = both).
///
/// librdkafka warns ("… is a consumer property and will be ignored by this producer instance") when a client is
/// given a property of the other kind, so `kafka.properties.*` are routed by this scope: consumer properties
/// only to the consumer, producer properties only to the producer, the rest to every client.
public enum KafkaPropertyScope: String, Sendable, Hashable {
    /// Only meaningful to a consumer (C).
    case consumer
    /// Only meaningful to a producer (P).
    case producer
    /// Meaningful to every client (*), or not in librdkafka 2.0.2's table (librdkafka itself then rejects an
    /// unknown name when the client is created).
    case both

    /// The scope of the librdkafka property `name` (global or topic-level).
    public init(property name: String) {
        if Self.consumerOnly.contains(name) {
            self = .consumer
        } else if Self.producerOnly.contains(name) {
            self = .producer
        } else {
            self = .both
        }
    }

    /// Properties marked C in librdkafka 2.0.2's `CONFIGURATION.md` (global and topic tables).
    static let consumerOnly: Set<String> = [
        // Global.
        "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms",
        "heartbeat.interval.ms", "group.protocol.type", "coordinator.query.interval.ms", "max.poll.interval.ms",
        "enable.auto.commit", "auto.commit.interval.ms", "enable.auto.offset.store", "queued.min.messages",
        "queued.max.messages.kbytes", "fetch.wait.max.ms", "fetch.message.max.bytes", "max.partition.fetch.bytes",
        "fetch.max.bytes", "fetch.min.bytes", "fetch.error.backoff.ms", "offset.store.method", "isolation.level",
        "consume_cb", "rebalance_cb", "offset_commit_cb", "enable.partition.eof", "check.crcs",
        // Topic.
        "auto.commit.enable", "auto.offset.reset", "offset.store.path", "offset.store.sync.interval.ms",
        "consume.callback.max.messages",
    ]

    /// Properties marked P in librdkafka 2.0.2's `CONFIGURATION.md` (global and topic tables).
    static let producerOnly: Set<String> = [
        // Global.
        "transactional.id", "transaction.timeout.ms", "enable.idempotence", "enable.gapless.guarantee",
        "queue.buffering.max.messages", "queue.buffering.max.kbytes", "queue.buffering.max.ms", "linger.ms",
        "message.send.max.retries", "retries", "retry.backoff.ms", "queue.buffering.backpressure.threshold",
        "compression.codec", "compression.type", "batch.num.messages", "batch.size", "delivery.report.only.error",
        "dr_cb", "dr_msg_cb", "sticky.partitioning.linger.ms",
        // Topic.
        "request.required.acks", "acks", "request.timeout.ms", "message.timeout.ms", "delivery.timeout.ms",
        "queuing.strategy", "produce.offset.report", "partitioner", "partitioner_cb", "msg_order_cmp",
        "compression.level",
    ]
}
