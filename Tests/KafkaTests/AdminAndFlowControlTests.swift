import Kafka
import Testing

@Suite("Admin, seek and pause/resume", .serialized)
struct AdminAndFlowControlTests {
    @Test("metadata lists brokers, topics, partitions and leaders; watermarks follow the log", .timeLimit(.minutes(1)))
    func metadataAndWatermarks() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("admin")
        try broker.createTopic(topic, partitions: 4, replicationFactor: 2)
        try broker.setPartitionLeader(topic: topic, partition: 3, broker: 3)

        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(bootstrapServers: broker.bootstrapServerList),
            logger: makeTestLogger("admin")
        )
        let metadata = try await admin.metadata()
        #expect(metadata.brokers.map(\.id) == broker.brokerIDs)
        #expect(metadata.brokers.allSatisfy { $0.host == "127.0.0.1" || $0.host == "localhost" })
        let entry = try #require(metadata.topic(topic))
        #expect(entry.error == nil)
        #expect(entry.partitions.map(\.id) == [0, 1, 2, 3])
        // (librdkafka 2.0.2's mock lists every broker as a replica, whatever the replication factor.)
        #expect(entry.partitions.allSatisfy { broker.brokerIDs.contains($0.leader) && $0.replicas.contains($0.leader) })
        #expect(entry.partitions[3].leader == 3)

        let single = try await admin.metadata(topic: topic)
        #expect(single.topics.map(\.name) == [topic])

        let partition = KafkaTopicPartition(topic: topic, partition: 1)
        #expect(try await admin.watermarks(for: partition) == KafkaWatermarks(low: 0, high: 0))
        _ = try await produce(to: broker, topic: topic, count: 25, partition: { _ in 1 }, value: { "m\($0)" })
        let watermarks = try await admin.watermarks(for: partition)
        #expect(watermarks == KafkaWatermarks(low: 0, high: 25))
        #expect(watermarks.count == 25)
    }

    @Test(
        "CreateTopics through the Admin API fails cleanly on the development broker, which has no controller",
        .timeLimit(.minutes(1))
    )
    func createTopicThroughAdminAPI() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(bootstrapServers: broker.bootstrapServerList),
            logger: makeTestLogger("admin")
        )
        let topic = uniqueName("created")
        // librdkafka 2.0.2's mock cluster reports no controller, so the request cannot even be sent: the call
        // must come back with an error after its timeout rather than hang. Real clusters take this path.
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopic(
                topic,
                partitions: 3,
                configs: ["cleanup.policy": "compact"],
                timeout: .seconds(2)
            )
        }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("controller") == true)
        #expect(ContinuousClock.now - started < .seconds(10))

        // The development broker creates topics directly instead.
        try broker.createTopic(topic, partitions: 3)
        let entry = try #require(try await admin.metadata(topic: topic).topic(topic))
        #expect(entry.partitions.count == 3)
    }

    @Test(
        "seek drops buffered messages; a paused partition stays paused across the consumer's own back-pressure pauses",
        .timeLimit(.minutes(1))
    )
    func seekPauseResume() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("flow")
        try broker.createTopic(topic, partitions: 2)
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        let p1 = KafkaTopicPartition(topic: topic, partition: 1)
        _ = try await produce(to: broker, topic: topic, count: 200, partition: { Int32($0 % 2) }, value: { "a\($0)" })

        // A tiny buffer: the consumer pauses and resumes everything internally all the time.
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServerList,
            consumptionStrategy: .topic(topic, start: .beginning)
        )
        configuration.maximumBufferedMessages = 20
        configuration.pollBatchSize = 5
        let consumer = try KafkaConsumer(configuration: configuration, logger: makeTestLogger("consumer"))

        var offsets: [Int32: [Int64]] = [0: [], 1: []]
        func read(until done: ([Int32: [Int64]]) -> Bool) async throws {
            while !done(offsets) {
                let batch = try await consumer.nextBatch(maxMessages: 7, maxWait: .seconds(20))
                try #require(!batch.isEmpty, "stuck at \(offsets.mapValues(\.count))")
                for message in batch { offsets[message.partition, default: []].append(message.offset) }
            }
        }

        // Read a little, then seek partition 0 back while more of it is buffered.
        try await read { $0[0]!.count >= 10 }
        try await consumer.seek(p0, to: .offset(3))
        let beforeSeek = offsets[0]!.count
        try await read { $0[0]!.last == 99 && $0[1]!.last == 99 }
        #expect(offsets[0]![beforeSeek] == 3, "first offset after the seek")
        #expect(Array(offsets[0]![beforeSeek...]) == Array(3...99))
        #expect(offsets[1]! == Array(0...99))
        #expect(try consumer.positions() == [p0: 100, p1: 100])

        // Pause partition 1; partition 0 traffic forces internal pauses and resumes meanwhile.
        try consumer.pause([p1])
        _ = try await produce(to: broker, topic: topic, count: 200, partition: { Int32($0 % 2) }, value: { "b\($0)" })
        try await read { $0[0]!.last == 199 }
        let extra = try await consumer.nextBatch(maxWait: .seconds(1))
        #expect(extra.allSatisfy { $0.partition == 0 })
        #expect(offsets[1]!.last == 99, "partition 1 was read while paused")

        try consumer.resume([p1])
        try await read { $0[1]!.last == 199 }
        #expect(offsets[1]! == Array(0...199))
        #expect(Array(offsets[0]![beforeSeek...]) == Array(3...199))
        try await consumer.close()
    }
}
