/// A snapshot of the cluster as one broker sees it: brokers, topics, partitions and their leaders.
public struct KafkaClusterMetadata: Sendable {
    public struct Broker: Hashable, Sendable {
        public var id: Int32
        public var host: String
        public var port: Int
    }

    public struct Partition: Sendable {
        public var id: Int32
        /// The leader's broker id, -1 when there is none.
        public var leader: Int32
        public var replicas: [Int32]
        public var inSyncReplicas: [Int32]
        /// The broker's per-partition error, e.g. ``KafkaError/Code/leaderNotAvailable``.
        public var error: KafkaError?
    }

    public struct Topic: Sendable {
        public var name: String
        /// The broker's per-topic error, e.g. ``KafkaError/Code/unknownTopicOrPartition``.
        public var error: KafkaError?
        /// Sorted by ``Partition/id``.
        public var partitions: [Partition]
    }

    /// Sorted by ``Broker/id``.
    public var brokers: [Broker]
    /// Sorted by ``Topic/name``.
    public var topics: [Topic]
    public var originatingBrokerID: Int32
    public var originatingBrokerName: String

    /// The topic called `name`, if the metadata has it.
    public func topic(_ name: String) -> Topic? {
        topics.first { $0.name == name }
    }
}
