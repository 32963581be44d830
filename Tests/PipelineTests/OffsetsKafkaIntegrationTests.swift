import Kafka
import Logging
import Testing

@testable import Pipeline

/// ``PartitionOffsetTracker`` driving real commits over the development broker, with the scores topic's broker
/// taken down: committed offsets never pass an effect that is not acknowledged, and they catch up once the broker
/// is back and the failed publishes are retried.
@Suite(.serialized) struct OffsetsKafkaIntegrationTests {
    static let quiet = Logger(label: "test.offsets", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test(.timeLimit(.minutes(2))) func commitsNeverPassUnacknowledgedEffects() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: Self.quiet)
        defer { broker.shutdown() }
        let suffix = UInt32.random(in: 0...UInt32.max)
        let eventsTopic = "events-\(suffix)"
        let scoresTopic = "scores-\(suffix)"
        let group = "group-\(suffix)"
        try broker.createTopic(eventsTopic, partitions: 1)
        try broker.createTopic(scoresTopic, partitions: 1)
        try broker.setPartitionLeader(topic: eventsTopic, partition: 0, broker: 1)
        try broker.setPartitionLeader(topic: scoresTopic, partition: 0, broker: 3)
        try broker.setGroupCoordinator(group: group, broker: 1)
        let source = KafkaTopicPartition(topic: eventsTopic, partition: 0)

        // The input: 200 events.
        let eventCount = 200
        let feeder = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList),
            logger: Self.quiet
        )
        for index in 0..<eventCount {
            _ = try await feeder.send(
                KafkaProducerMessage(topic: eventsTopic, key: "u\(index % 20)", value: "e\(index)")
            )
        }
        try await feeder.flush(timeout: .seconds(20))
        await feeder.shutdown()

        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServerList,
            consumptionStrategy: .group(id: group, topics: [eventsTopic])
        )
        consumerConfiguration.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: Self.quiet)
        var events: [KafkaMessage] = []
        while events.count < eventCount {
            let batch = try await consumer.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            events += batch
        }
        #expect(events.map(\.offset) == Array(0..<Int64(eventCount)))

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList)
        producerConfiguration.messageTimeout = .seconds(2)
        producerConfiguration.linger = .milliseconds(1)
        producerConfiguration.additionalProperties = [
            "reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "200",
        ]
        let (producer, reportStream) = try KafkaProducer.makeProducerWithDeliveryReports(
            configuration: producerConfiguration,
            logger: Self.quiet
        )
        var reports = reportStream.makeAsyncIterator()

        var tracker = PartitionOffsetTracker(partition: 0, startOffset: 0)
        var inFlight: [KafkaProducerMessageID: (token: EffectToken, message: KafkaProducerMessage)] = [:]
        // The test's own bookkeeping, independent of the tracker: source offsets whose score is not acknowledged.
        var unacknowledged: Set<Int64> = []
        var toRetry: [(token: EffectToken, message: KafkaProducerMessage)] = []
        var highestCommitted: Int64 = 0
        var commitsChecked = 0

        func process(_ event: KafkaMessage) async throws {
            let token = tracker.processed(offset: event.offset)
            tracker.addEffect(token)
            let message = KafkaProducerMessage(
                topic: scoresTopic,
                key: event.key,
                value: Array("s\(event.offset)".utf8)
            )
            inFlight[try await producer.send(message)] = (token, message)
            unacknowledged.insert(event.offset)
        }

        func handleNextReport() async throws {
            let next = await reports.next()
            let report = try #require(next)
            let entry = inFlight.removeValue(forKey: report.id)
            let (token, message) = try #require(entry)
            switch report.status {
            case .acknowledged:
                #expect(tracker.acknowledge(token) == .cleared)
                unacknowledged.remove(token.offset)
            case .failed:
                #expect(tracker.failed(token) == .retry)
                toRetry.append((token, message))
            }
        }

        /// Commits what the tracker allows and checks the broker's committed offset against the bookkeeping.
        func commitAndCheck() async throws {
            let offset = try #require(tracker.committableOffset)
            try await consumer.commit([source: offset])
            let committedOffsets = try await consumer.committedOffsets(for: [source])
            let committed = try #require(committedOffsets[source])
            #expect(committed == offset)
            if let lowest = unacknowledged.min() {
                #expect(committed <= lowest, "committed \(committed) past unacknowledged offset \(lowest)")
            }
            #expect(committed >= highestCommitted)
            highestCommitted = committed
            commitsChecked += 1
        }

        // Phase 1: everything is acknowledged; the commit reaches the end of what was processed.
        for event in events[0..<100] {
            try await process(event)
        }
        while !inFlight.isEmpty {
            try await handleNextReport()
        }
        try await commitAndCheck()
        #expect(highestCommitted == 100)

        // Phase 2: the scores topic's broker is down. Publishes stall and then fail; nothing past 100 is committed.
        try broker.setBrokerDown(3)
        for (index, event) in events[100..<200].enumerated() {
            try await process(event)
            if index.isMultiple(of: 25) { try await commitAndCheck() }
        }
        while !inFlight.isEmpty {
            try await handleNextReport()
            if inFlight.count.isMultiple(of: 20) { try await commitAndCheck() }
        }
        try await commitAndCheck()
        #expect(toRetry.count == 100)
        #expect(tracker.failedDeliveries == 100)
        #expect(tracker.outstandingEffects == 100)
        #expect(highestCommitted == 100)

        // Phase 3: the broker is back; failed publishes are retried until acknowledged, and the commit catches up.
        try broker.setBrokerUp(3)
        var rounds = 0
        while !toRetry.isEmpty || !inFlight.isEmpty {
            rounds += 1
            try #require(rounds < 1_000)
            for (token, message) in toRetry {
                inFlight[try await producer.send(message)] = (token, message)
            }
            toRetry.removeAll()
            while !inFlight.isEmpty {
                try await handleNextReport()
            }
            try await commitAndCheck()
        }
        #expect(unacknowledged.isEmpty)
        #expect(tracker.outstandingEffects == 0)
        #expect(highestCommitted == Int64(eventCount))
        #expect(tracker.finish() == Int64(eventCount))
        #expect(commitsChecked >= 10)

        // Every event's effect is in the scores topic.
        try await producer.flush(timeout: .seconds(10))
        await producer.shutdown()
        let reader = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                consumptionStrategy: .topic(scoresTopic, start: .beginning)
            ),
            logger: Self.quiet
        )
        var published: Set<String> = []
        while published.count < eventCount {
            let batch = try await reader.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            for message in batch {
                published.insert(String(decoding: message.value, as: UTF8.self))
            }
        }
        #expect(published == Set((0..<eventCount).map { "s\($0)" }))
        try await reader.close()
        try await consumer.close()
    }
}
