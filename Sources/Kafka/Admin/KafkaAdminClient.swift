import Logging

/// Cluster administration: create topics, read metadata and partition watermarks.
///
/// Every call waits for the cluster on ``BlockingExecutor``, never on Swift's cooperative pool.
public final class KafkaAdminClient: Sendable {
    private let client: RDKafkaClient

    /// - Throws: ``KafkaError`` when a property is unknown or invalid; the message names it.
    public init(configuration: KafkaClientConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.rdKafkaProperties()
        properties.append(additional: configuration.additionalProperties)
        client = try RDKafkaClient.make(
            kind: .admin,
            properties: properties,
            context: RDKafkaCallbackContext(logger: logger, statisticsHandler: configuration.statisticsHandler)
        )
    }

    /// Creates a topic with the Admin API (CreateTopics request).
    ///
    /// - Parameters:
    ///   - partitions: The partition count.
    ///   - replicationFactor: -1 for the broker default.
    ///   - configs: Topic configs, e.g. `["cleanup.policy": "compact"]`.
    /// - Throws: ``KafkaError`` e.g. ``KafkaError/Code/topicAlreadyExists``. librdkafka 2.0.2's mock cluster
    ///   reports no controller, so there this fails with ``KafkaError/Code/timedOut`` after `timeout`; use
    ///   ``KafkaDevelopmentBroker/createTopic(_:partitions:replicationFactor:)`` instead.
    public func createTopic(
        _ name: String,
        partitions: Int,
        replicationFactor: Int = -1,
        configs: [String: String] = [:],
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) {
        let client = client
        try await BlockingExecutor.run { () throws(KafkaError) in
            try client.createTopic(
                name: name,
                partitions: partitions,
                replicationFactor: replicationFactor,
                configs: configs,
                timeout: timeout
            )
        }
    }

    /// Brokers, topics, partitions and their leaders; all topics, or only `topic`.
    public func metadata(topic: String? = nil, timeout: Duration = .seconds(10)) async throws(KafkaError)
        -> KafkaClusterMetadata
    {
        let client = client
        return try await BlockingExecutor.run { () throws(KafkaError) in
            try client.metadata(topic: topic, timeout: timeout)
        }
    }

    /// The low and high watermark of a partition, asked from its leader.
    ///
    /// librdkafka asks the broker its metadata cache names as the leader, and does not refresh that cache when the
    /// broker answers that it no longer leads the partition: after a leader move every query would fail until the
    /// cache expires (minutes). On that answer the topic's metadata is refreshed and the query made once more, so
    /// the call may take up to three times `timeout`.
    public func watermarks(for topicPartition: KafkaTopicPartition, timeout: Duration = .seconds(10))
        async throws(KafkaError) -> KafkaWatermarks
    {
        let client = client
        return try await BlockingExecutor.run { () throws(KafkaError) in
            do throws(KafkaError) {
                return try client.queryWatermarks(topicPartition, timeout: timeout)
            } catch {
                guard error.code == .notLeaderForPartition else { throw error }
                _ = try client.metadata(topic: topicPartition.topic, timeout: timeout)
                return try client.queryWatermarks(topicPartition, timeout: timeout)
            }
        }
    }
}
