import Kafka
import Testing

@Suite("Produce and consume against the development broker", .serialized)
struct RoundTripTests {
    @Test("100,000 messages round trip in per-partition order, each exactly once", .timeLimit(.minutes(2)))
    func roundTrip() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("round-trip")
        let partitions = 8
        let total = 100_000
        try broker.createTopic(topic, partitions: partitions, replicationFactor: 1)

        // Small buffer: the consumer pauses and resumes its partitions many times on the way.
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServerList,
            consumptionStrategy: .topic(topic, start: .beginning)
        )
        consumerConfiguration.maximumBufferedMessages = 3_000
        consumerConfiguration.pollBatchSize = 500
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: makeTestLogger("consumer"))

        // Produce and consume concurrently.
        async let produced = produceReturningIDs(
            to: broker,
            topic: topic,
            count: total,
            key: { "user-\($0 % 997)" },
            value: { "event-\($0)" }
        )

        var received: [KafkaMessage] = []
        received.reserveCapacity(total)
        while received.count < total {
            let batch = try await consumer.nextBatch(maxMessages: 1_000, maxWait: .seconds(20))
            try #require(!batch.isEmpty, "no message for 20 s after \(received.count)")
            received += batch
            if received.count % 10_000 < batch.count {
                try await Task.sleep(for: .milliseconds(20))  // a slow caller now and then
            }
        }
        let (ids, reports) = try await produced
        try await consumer.close()

        #expect(received.count == total)
        #expect(reports.count == total)

        // Every delivery report acknowledged, and the message is where the report says.
        var positionOfID: [UInt64: (Int32, Int64)] = [:]
        for report in reports {
            guard case .acknowledged(let partition, let offset) = report.status else {
                Issue.record("delivery failed: \(report)")
                continue
            }
            positionOfID[report.id.rawValue] = (partition, offset)
        }
        #expect(positionOfID.count == total)

        var lastOffset: [Int32: Int64] = [:]
        var lastSequenceOfKey: [String: Int] = [:]
        var seen = Set<Int>()
        var partitionOfKey: [String: Int32] = [:]
        for message in received {
            #expect(message.topic == topic)
            // Per partition, offsets strictly increase by one (no gap, no duplicate).
            if let last = lastOffset[message.partition] {
                #expect(
                    message.offset == last + 1,
                    "partition \(message.partition) jumped from \(last) to \(message.offset)"
                )
            } else {
                #expect(message.offset == 0)
            }
            lastOffset[message.partition] = message.offset

            let sequence = Int(String(decoding: message.value, as: UTF8.self).dropFirst("event-".count))!
            #expect(seen.insert(sequence).inserted)
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            #expect(key == "user-\(sequence % 997)")
            // A key always lands on the same partition (murmur2), in send order.
            #expect(partitionOfKey[key, default: message.partition] == message.partition)
            partitionOfKey[key] = message.partition
            #expect(lastSequenceOfKey[key, default: -1] < sequence)
            lastSequenceOfKey[key] = sequence
            #expect(message.timestamp?.kind == .createTime)

            // The report of the message's id names this very position.
            let (partition, offset) = try #require(positionOfID[ids[sequence].rawValue])
            #expect(partition == message.partition && offset == message.offset)
        }
        #expect(seen.count == total)
        #expect(lastOffset.count == partitions)
    }

    @Test("headers, keys and explicit partitions survive the trip", .timeLimit(.minutes(1)))
    func headersAndKeys() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("headers")
        try broker.createTopic(topic, partitions: 2)

        let (producer, reports) = try KafkaProducer.makeProducerWithDeliveryReports(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList),
            logger: makeTestLogger("producer")
        )
        let id = try await producer.send(
            KafkaProducerMessage(
                topic: topic,
                partition: 1,
                key: [0, 1, 2],
                value: Array("payload".utf8),
                headers: [KafkaHeader(key: "trace", value: "abc"), KafkaHeader(key: "empty", value: nil)],
                timestampMilliseconds: 1_700_000_000_000
            )
        )
        try await producer.flush(timeout: .seconds(10))
        await producer.shutdown()
        var collected: [KafkaDeliveryReport] = []
        for await report in reports { collected.append(report) }
        #expect(collected.count == 1)
        #expect(collected.first?.id == id)
        guard case .acknowledged(partition: 1, offset: 0) = collected.first?.status else {
            Issue.record("unexpected report \(String(describing: collected.first))")
            return
        }

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                consumptionStrategy: .partitions([KafkaTopicPartition(topic: topic, partition: 1): .beginning])
            ),
            logger: makeTestLogger("consumer")
        )
        let batch = try await consumer.nextBatch(maxWait: .seconds(20))
        try await consumer.close()
        let message = try #require(batch.first)
        #expect(message.partition == 1 && message.offset == 0)
        #expect(message.key == [0, 1, 2])
        #expect(message.value == Array("payload".utf8))
        #expect(message.headers == [KafkaHeader(key: "trace", value: "abc"), KafkaHeader(key: "empty", value: nil)])
        #expect(message.timestamp == KafkaTimestamp(milliseconds: 1_700_000_000_000, kind: .createTime))
        // After close, the consumer reports that it is shut down.
        await #expect(throws: KafkaError.self) { try await consumer.nextBatch(maxWait: .seconds(1)) }
    }
}
