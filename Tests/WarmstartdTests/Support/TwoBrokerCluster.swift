import Foundation
import Kafka
import Logging
import Synchronization

/// An in-process development broker of two brokers with the daemon's four topics: the events, dead-letter and
/// model topics and the consumer group's coordinator on broker 1, the scores topic on broker 2, so that a test can
/// slow down publishing (``slowScores(by:)``) without slowing consumption.
final class TwoBrokerCluster: Sendable {
    static let consumptionBroker: Int32 = 1
    static let scoresBroker: Int32 = 2

    let broker: KafkaDevelopmentBroker
    let admin: KafkaAdminClient
    let logger = Logger(label: "warmstartd-tests") { _ in SwiftLogNoOpLogHandler() }

    init(group: String) throws {
        broker = try KafkaDevelopmentBroker(brokers: 2, logger: logger)
        try broker.createTopic(TestCluster.events, partitions: Int(TestCluster.eventPartitions))
        try broker.createTopic(TestCluster.scores, partitions: Int(TestCluster.scorePartitions))
        try broker.createTopic(TestCluster.deadLetter, partitions: 1)
        try broker.createTopic(TestCluster.model, partitions: 1)
        for partition in 0..<TestCluster.eventPartitions {
            try broker.setPartitionLeader(
                topic: TestCluster.events, partition: partition, broker: Self.consumptionBroker)
        }
        for partition in 0..<TestCluster.scorePartitions {
            try broker.setPartitionLeader(topic: TestCluster.scores, partition: partition, broker: Self.scoresBroker)
        }
        try broker.setPartitionLeader(topic: TestCluster.deadLetter, partition: 0, broker: Self.consumptionBroker)
        try broker.setPartitionLeader(topic: TestCluster.model, partition: 0, broker: Self.consumptionBroker)
        try broker.setGroupCoordinator(group: group, broker: Self.consumptionBroker)
        admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(bootstrapServers: broker.bootstrapServerList), logger: logger)
    }

    deinit {
        broker.shutdown()
    }

    var bootstrap: String { broker.bootstrapServers }

    /// Delays every response of the scores topic's broker by `rtt` (zero: back to normal).
    func slowScores(by rtt: Duration) throws {
        try broker.setRoundTripTime(rtt, broker: Self.scoresBroker)
    }

    /// Produces `messages` and waits until every one was acknowledged.
    func produce(_ messages: [KafkaProducerMessage]) async throws {
        let failures = Atomic<Int>(0)
        let acknowledged = Atomic<Int>(0)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList, clientID: "test"),
            logger: logger,
            deliveryReportHandler: { report in
                if case .acknowledged = report.status {
                    acknowledged.add(1, ordering: .relaxed)
                } else {
                    failures.add(1, ordering: .relaxed)
                }
            }
        )
        for message in messages {
            try await producer.send(message)
        }
        try await producer.flush(timeout: .seconds(30))
        await producer.shutdown(timeout: .seconds(5))
        guard failures.load(ordering: .relaxed) == 0, acknowledged.load(ordering: .relaxed) == messages.count else {
            throw TestFailure(
                "produced \(acknowledged.load(ordering: .relaxed)) of \(messages.count), "
                    + "\(failures.load(ordering: .relaxed)) failed")
        }
    }

    /// Every message of `topic` from the beginning up to its current high watermarks.
    func readAll(_ topic: String, partitions: Int32, timeout: Duration = .seconds(30)) async throws -> [KafkaMessage] {
        var high: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            high[partition] = try await admin.watermarks(
                for: KafkaTopicPartition(topic: topic, partition: partition)
            ).high
        }
        let tail = try TopicTail(topic: topic, bootstrapServers: broker.bootstrapServerList, logger: logger)
        try await poll("read \(topic) up to \(high)", timeout: timeout, every: .milliseconds(50)) {
            var next: [Int32: Int64] = [:]
            for message in tail.messages { next[message.partition] = message.offset + 1 }
            return high.allSatisfy { next[$0.key, default: 0] >= $0.value }
        }
        await tail.stop()
        return tail.messages.filter { $0.offset < high[$0.partition, default: 0] }
    }
}
