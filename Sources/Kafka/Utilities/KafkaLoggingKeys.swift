/// Every logger metadata key this module sets, in one place.
enum KafkaLoggingKeys {
    /// The librdkafka instance name (`rd_kafka_name`), e.g. `warmstart#consumer-1`.
    static let client = "kafka.client"
    /// The librdkafka log facility, e.g. `FETCH`, `CGRPOP`.
    static let facility = "kafka.facility"
    /// librdkafka's syslog-style level 0…7.
    static let syslogLevel = "kafka.syslog_level"
    static let errorCode = "kafka.error.code"
    static let errorName = "kafka.error.name"
    static let topic = "kafka.topic"
    static let partition = "kafka.partition"
    static let partitions = "kafka.partitions"
    static let offset = "kafka.offset"
    static let groupID = "kafka.group_id"
    static let rebalanceKind = "kafka.rebalance.kind"
    static let rebalanceProtocol = "kafka.rebalance.protocol"
    static let messageID = "kafka.message_id"
    static let statistics = "kafka.statistics"
}
