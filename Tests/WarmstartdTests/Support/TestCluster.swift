import Foundation
import Kafka
import Logging
import Synchronization

/// An in-process development broker with the daemon's four topics, and the clients a test needs around it.
final class TestCluster: Sendable {
    static let events = "warmstart.events"
    static let scores = "warmstart.scores"
    static let deadLetter = "warmstart.dead-letter"
    static let model = "warmstart.model"
    static let eventPartitions: Int32 = 4
    static let scorePartitions: Int32 = 4

    let broker: KafkaDevelopmentBroker
    let admin: KafkaAdminClient
    let logger = Logger(label: "warmstartd-tests") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        broker = try KafkaDevelopmentBroker(brokers: 1, logger: logger)
        try broker.createTopic(Self.events, partitions: Int(Self.eventPartitions))
        try broker.createTopic(Self.scores, partitions: Int(Self.scorePartitions))
        try broker.createTopic(Self.deadLetter, partitions: 1)
        try broker.createTopic(Self.model, partitions: 1)
        admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(bootstrapServers: broker.bootstrapServerList), logger: logger)
    }

    deinit {
        broker.shutdown()
    }

    var bootstrap: String { broker.bootstrapServers }

    // MARK: - Producing

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

    // MARK: - Reading

    /// The high watermark of every partition of `topic`.
    func highWatermarks(_ topic: String, partitions: Int32) async throws -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
            result[partition] = try await admin.watermarks(for: topicPartition).high
        }
        return result
    }

    /// Every message of `topic` from the beginning up to the current high watermarks, per partition in offset order.
    func readAll(_ topic: String, partitions: Int32, timeout: Duration = .seconds(30)) async throws -> [KafkaMessage] {
        let high = try await highWatermarks(topic, partitions: partitions)
        guard high.values.contains(where: { $0 > 0 }) else { return [] }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                clientID: "test-reader",
                consumptionStrategy: .partitions(
                    Dictionary(
                        uniqueKeysWithValues: (0..<partitions).map {
                            (KafkaTopicPartition(topic: topic, partition: $0), KafkaOffsetSpec.beginning)
                        }))
            ),
            logger: logger
        )
        var messages: [KafkaMessage] = []
        var next: [Int32: Int64] = [:]
        let deadline = ContinuousClock.now + timeout
        while high.contains(where: { next[$0.key, default: 0] < $0.value }) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("read \(messages.count) messages of \(topic) within \(timeout); high \(high)")
            }
            for message in try await consumer.nextBatch(maxMessages: 10_000, maxWait: .milliseconds(200)) {
                messages.append(message)
                next[message.partition] = message.offset + 1
            }
        }
        try await consumer.close()
        return messages.filter { $0.offset < high[$0.partition, default: 0] }
    }

    /// The offsets consumer group `groupID` committed on the events topic (-1001 where nothing was committed).
    ///
    /// Reads them as a consumer that assigns itself the partitions under the group's id without joining the
    /// group, so the daemon's membership is not disturbed.
    func committedOffsets(groupID: String) async throws -> [Int32: Int64] {
        let partitions = (0..<Self.eventPartitions).map { KafkaTopicPartition(topic: Self.events, partition: $0) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                clientID: "test-offsets",
                consumptionStrategy: .partitions(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .end) })),
                additionalProperties: ["group.id": groupID]
            ),
            logger: logger
        )
        let committed = try await consumer.committedOffsets(for: partitions, timeout: .seconds(3))
        try await consumer.close()
        return Dictionary(uniqueKeysWithValues: committed.map { ($0.key.partition, $0.value) })
    }
}

extension KafkaMessage {
    /// The header `name` as UTF-8 text.
    func header(_ name: String) -> String? {
        headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}
