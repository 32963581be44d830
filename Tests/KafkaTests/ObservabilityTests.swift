import Kafka
import Logging
import Testing
import WarmstartTestSupport

@Suite("Logs, statistics, cancellation, coordinator moves", .serialized)
struct ObservabilityTests {
    @Test("librdkafka's log lines and statistics reach swift-log and the statistics handler", .timeLimit(.minutes(1)))
    func logsAndStatistics() async throws {
        let store = InMemoryLogHandler.Store()
        let logger = Logger(label: "observed") { _ in InMemoryLogHandler(store: store) }
        let statistics = Recorder<String>()

        // Nothing listens on port 1: librdkafka logs the refused connection (and reports it to the error callback).
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.statisticsInterval = .milliseconds(100)
        configuration.statisticsHandler = { statistics.append($0) }
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let arrived = try await eventually(timeout: .seconds(20)) {
            statistics.count >= 2 && store.all.contains { $0.message.contains("127.0.0.1:1") }
        }
        await producer.shutdown()
        #expect(arrived)

        #expect(statistics.values.first?.hasPrefix("{") == true)
        #expect(statistics.values.first?.contains("\"client_id\"") == true)
        let connectFailure = try #require(store.all.first { $0.message.contains("127.0.0.1:1") })
        #expect(connectFailure.level >= .warning)
        #expect(connectFailure.metadata["kafka.client"] != nil)
        let statisticsRecord = try #require(store.all.first { $0.metadata["kafka.statistics"] != nil })
        #expect(statisticsRecord.level == .trace)
    }

    @Test(
        "a waiting nextBatch returns empty after maxWait and throws when its task is cancelled",
        .timeLimit(.minutes(1))
    )
    func waitingAndCancellation() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("idle")
        try broker.createTopic(topic, partitions: 1)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                consumptionStrategy: .topic(topic, start: .end)
            ),
            logger: makeTestLogger("consumer")
        )
        let started = ContinuousClock.now
        #expect(try await consumer.nextBatch(maxWait: .milliseconds(300)).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(300))

        let waiting = Task { try await consumer.nextBatch() }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }

        // Still usable afterwards.
        try await produce(to: broker, topic: topic, count: 3, value: { "m\($0)" })
        var values: [String] = []
        while values.count < 3 {
            let batch = try await consumer.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            values += batch.map { String(decoding: $0.value, as: UTF8.self) }
        }
        #expect(values == ["m0", "m1", "m2"])
        try await consumer.close()
    }

    @Test("without a group, a failing start (no metadata) is thrown by nextBatch", .timeLimit(.minutes(1)))
    func failedStart() async throws {
        // (The development broker auto-creates unknown topics, so an unreachable cluster it is.)
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: ["127.0.0.1:1"],
            consumptionStrategy: .topic(uniqueName("unreachable"), start: .beginning)
        )
        configuration.metadataTimeout = .milliseconds(500)
        let consumer = try KafkaConsumer(configuration: configuration, logger: makeTestLogger("consumer"))
        let error = await #expect(throws: KafkaError.self) { try await consumer.nextBatch(maxWait: .seconds(20)) }
        #expect(error?.code == .timedOut || error?.code == .transport || error?.code == .allBrokersDown)
        try await consumer.close()
    }

    @Test("commits keep working when the group coordinator moves to another broker", .timeLimit(.minutes(1)))
    func coordinatorMove() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("coordinator")
        let group = uniqueName("group")
        try broker.createTopic(topic, partitions: 2)
        try broker.setGroupCoordinator(group: group, broker: 1)
        try await produce(to: broker, topic: topic, count: 100, partition: { Int32($0 % 2) }, value: { "m\($0)" })

        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServerList,
            consumptionStrategy: .group(id: group, topics: [topic])
        )
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        let consumer = try KafkaConsumer(configuration: configuration, logger: makeTestLogger("consumer"))
        var received: [KafkaMessage] = []
        while received.count < 100 {
            let batch = try await consumer.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            received += batch
        }
        try await consumer.commit([KafkaTopicPartition(topic: topic, partition: 0): 10])

        try broker.setGroupCoordinator(group: group, broker: 2)
        // The first commit may meet NOT_COORDINATOR while librdkafka looks the new coordinator up.
        let committedAfterMove = try await eventually(timeout: .seconds(20)) {
            do throws(KafkaError) {
                try await consumer.commit([KafkaTopicPartition(topic: topic, partition: 0): 20])
                return true
            } catch {
                #expect(error.isRetriable, "\(error)")
                return false
            }
        }
        #expect(committedAfterMove)
        let committed = try await consumer.committedOffsets(for: [KafkaTopicPartition(topic: topic, partition: 0)])
        #expect(committed[KafkaTopicPartition(topic: topic, partition: 0)] == 20)
        try await consumer.close()
    }
}
