/// Kafka protocol request types, for ``KafkaDevelopmentBroker``'s fault injection.
public enum KafkaAPIKey: Int16, Sendable, CaseIterable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case leaveGroup = 13
    case syncGroup = 14
    case describeGroups = 15
    case listGroups = 16
    case apiVersions = 18
    case createTopics = 19
    case deleteTopics = 20
    case initProducerID = 22
    case addPartitionsToTransaction = 24
    case addOffsetsToTransaction = 25
    case endTransaction = 26
    case transactionOffsetCommit = 28
}
