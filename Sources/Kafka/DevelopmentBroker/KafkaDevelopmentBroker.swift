import Logging

/// An in-process Kafka cluster for tests and local tools: librdkafka's mock cluster
/// (`rd_kafka_mock_cluster_new`), speaking the real protocol over real TCP on 127.0.0.1.
///
/// It supports producing, fetching, consumer groups with committed offsets, idempotent producers, metadata, and
/// fault injection (brokers down, round-trip time, request errors, leader and coordinator moves).
///
/// Limits of librdkafka 2.0.2's mock (observed in this module's tests):
/// - The Admin API cannot create topics: the mock reports no controller, so
///   ``KafkaAdminClient/createTopic(_:partitions:replicationFactor:configs:timeout:)`` fails with
///   ``KafkaError/Code/timedOut`` ("Failed while waiting for controller"). Create topics with
///   ``createTopic(_:partitions:replicationFactor:)``; a topic a client asks for that does not exist is
///   auto-created with 4 partitions.
/// - Topics have no configs (`rd_kafka_mock_topic_create` takes none): no `cleanup.policy=compact`, no retention.
/// - Every broker is listed as a replica of every partition, whatever the replication factor.
/// - Each partition log keeps only about 5 MB; older messages are dropped (the low watermark moves).
///
/// The methods below are synchronous: each is a short round trip to the mock cluster's own thread, not a
/// network wait. ``init(brokers:logger:)`` and ``shutdown()`` start and join that thread.
///
/// Teardown order: close or shut down every client connected to it, then call ``shutdown()`` (or drop the last
/// reference). Clients that outlive the broker keep retrying their connections and log errors.
public final class KafkaDevelopmentBroker: Sendable {
    private let cluster: RDKafkaMockCluster

    /// The `bootstrap.servers` string, e.g. `127.0.0.1:37043,127.0.0.1:41231`.
    public let bootstrapServers: String
    /// The broker ids, `1...brokers`.
    public let brokerIDs: [Int32]

    /// Starts `brokers` mock brokers, each listening on its own ephemeral port.
    ///
    /// - Parameters:
    ///   - brokers: How many brokers; replication factors can be at most this.
    ///   - logger: Receives the mock cluster's librdkafka logs.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "warmstart.kafka.development-broker"))
        throws(KafkaError)
    {
        guard brokers >= 1 else {
            throw KafkaError(code: .invalidArgument, message: "a cluster needs at least one broker, not \(brokers)")
        }
        cluster = try RDKafkaMockCluster(brokers: brokers, logger: logger)
        bootstrapServers = cluster.bootstrapServers
        brokerIDs = (1...brokers).map { Int32($0) }
    }

    /// ``bootstrapServers`` split for the configurations' `bootstrapServers`.
    public var bootstrapServerList: [String] {
        bootstrapServers.split(separator: ",").map(String.init)
    }

    /// Stops the brokers. Idempotent; called by `deinit` as well.
    public func shutdown() {
        cluster.destroy()
    }

    // MARK: - Topics

    /// Creates a topic (`rd_kafka_mock_topic_create`). The mock lists every broker as a replica whatever
    /// `replicationFactor` says.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        try cluster.createTopic(name, partitions: partitions, replicationFactor: replicationFactor)
    }

    /// Moves the leadership of a partition to `broker`.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try cluster.setPartitionLeader(topic: topic, partition: partition, broker: broker)
    }

    // MARK: - Faults

    /// Takes a broker down: its connections are closed and new ones refused until ``setBrokerUp(_:)``.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try cluster.setBroker(id, up: false)
    }

    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try cluster.setBroker(id, up: true)
    }

    /// Delays every response of `broker` by `rtt`.
    public func setRoundTripTime(_ rtt: Duration, broker: Int32) throws(KafkaError) {
        try cluster.setRoundTripTime(milliseconds: rtt.timeoutMilliseconds, broker: broker)
    }

    /// The next `codes.count` requests of type `api`, to any broker, fail with these codes, in order.
    public func pushRequestErrors(_ codes: [KafkaError.Code], for api: KafkaAPIKey) throws(KafkaError) {
        try cluster.pushRequestErrors(apiKey: api.rawValue, errors: codes.map(\.rawValue))
    }

    /// The next requests of type `api` to `broker` fail with these codes (``KafkaError/Code/rdKafka(_:)`` with 0
    /// for success), each answered after its round-trip time. They take precedence over cluster-wide errors.
    public func pushRequestErrors(
        _ errors: [(code: KafkaError.Code, rtt: Duration)],
        for api: KafkaAPIKey,
        broker: Int32
    ) throws(KafkaError) {
        try cluster.pushBrokerRequestErrors(
            broker: broker,
            apiKey: api.rawValue,
            errors: errors.map { ($0.code.rawValue, $0.rtt.timeoutMilliseconds) }
        )
    }

    /// Drops the cluster-wide errors still queued for `api`.
    public func clearRequestErrors(for api: KafkaAPIKey) throws(KafkaError) {
        try cluster.clearRequestErrors(apiKey: api.rawValue)
    }

    /// Makes `broker` the coordinator of consumer group `group`.
    public func setGroupCoordinator(group: String, broker: Int32) throws(KafkaError) {
        try cluster.setCoordinator(keyType: "group", key: group, broker: broker)
    }

    /// Makes `broker` the coordinator of transactional id `transactionalID`.
    public func setTransactionCoordinator(transactionalID: String, broker: Int32) throws(KafkaError) {
        try cluster.setCoordinator(keyType: "transaction", key: transactionalID, broker: broker)
    }
}
