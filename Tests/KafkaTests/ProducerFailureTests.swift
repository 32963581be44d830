import Kafka
import Testing

@Suite("Producer delivery reports under faults", .serialized)
struct ProducerFailureTests {
    @Test(
        "a message to a partition whose broker is down fails with its report; it succeeds once the broker is back",
        .timeLimit(.minutes(1))
    )
    func brokerDown() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("faults")
        try broker.createTopic(topic, partitions: 1, replicationFactor: 1)
        try broker.setPartitionLeader(topic: topic, partition: 0, broker: 2)

        var configuration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList)
        configuration.messageTimeout = .seconds(2)
        configuration.linger = .milliseconds(1)
        configuration.additionalProperties = ["reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "200"]
        let (producer, reports) = try KafkaProducer.makeProducerWithDeliveryReports(
            configuration: configuration,
            logger: makeTestLogger("producer")
        )
        var iterator = reports.makeAsyncIterator()

        // Warm up: metadata known, idempotent producer id acquired.
        let warmUp = try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "warm-up"))
        let warmUpReport = try #require(await iterator.next())
        #expect(warmUpReport.id == warmUp)
        guard case .acknowledged(partition: 0, offset: 0) = warmUpReport.status else {
            Issue.record("warm-up failed: \(warmUpReport)")
            return
        }

        try broker.setBrokerDown(2)
        let lost = try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "lost"))
        let failure = try #require(await iterator.next())
        #expect(failure.id == lost)
        guard case .failed(let error) = failure.status else {
            Issue.record("expected a failure, got \(failure)")
            return
        }
        #expect(error.code == .messageTimedOut)
        #expect(error.isRetriable)

        try broker.setBrokerUp(2)
        // The client reconnects after its backoff; messages sent meanwhile may still time out.
        var acknowledgedOffset: Int64?
        for attempt in 1...10 where acknowledgedOffset == nil {
            let id = try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "attempt-\(attempt)"))
            let report = try #require(await iterator.next())
            #expect(report.id == id)
            if case .acknowledged(partition: 0, offset: let offset) = report.status {
                acknowledgedOffset = offset
            }
        }
        // The lost message never made it into the log.
        #expect(acknowledgedOffset == 1)
        await producer.shutdown()
        #expect(await iterator.next()?.id == nil)
    }

    @Test("send waits while the queue is full instead of failing; trySend fails at once", .timeLimit(.minutes(1)))
    func queueFull() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("queue-full")
        try broker.createTopic(topic, partitions: 2)
        // Slow acknowledgements keep the tiny queue full.
        try broker.setRoundTripTime(.milliseconds(50), broker: 1)

        var configuration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList)
        configuration.maximumQueuedMessages = 10
        let reports = Recorder<KafkaDeliveryReport>()
        let producer = try KafkaProducer(
            configuration: configuration,
            logger: makeTestLogger("producer"),
            deliveryReportHandler: { reports.append($0) }
        )
        for index in 0..<10 {
            try producer.trySend(KafkaProducerMessage(topic: topic, key: nil, value: "first-\(index)"))
        }
        let error = try #require(throws: KafkaError.self) {
            try producer.trySend(KafkaProducerMessage(topic: topic, key: nil, value: "one too many"))
        }
        #expect(error.code == .queueFull)

        for index in 0..<200 {
            try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: "waited-\(index)"))
        }
        try await producer.flush(timeout: .seconds(30))
        #expect(producer.queuedMessageCount == 0)
        await producer.shutdown()
        let values = reports.values
        #expect(values.count == 210)
        #expect(values.allSatisfy { if case .acknowledged = $0.status { true } else { false } })
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: "after shutdown"))
        }
    }

    @Test("request errors injected per broker and cluster-wide are retried transparently", .timeLimit(.minutes(1)))
    func injectedRequestErrors() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("request-errors")
        try broker.createTopic(topic, partitions: 1)
        _ = try await produce(to: broker, topic: topic, count: 1, value: { "m\($0)" })  // connect first

        try broker.pushRequestErrors(
            [(.notLeaderForPartition, .milliseconds(10)), (.requestTimedOut, .milliseconds(10))],
            for: .produce,
            broker: 1
        )
        try broker.pushRequestErrors([.leaderNotAvailable], for: .produce)
        let reports = try await produce(to: broker, topic: topic, count: 5, value: { "m\($0)" })
        #expect(reports.count == 5)
        #expect(reports.allSatisfy { if case .acknowledged = $0.status { true } else { false } })
    }
}
