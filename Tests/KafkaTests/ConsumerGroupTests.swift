import Foundation
import Kafka
import Synchronization
import Testing

@Suite("Consumer groups: commits, restarts, rebalances", .serialized)
struct ConsumerGroupTests {
    private func groupConfiguration(
        _ broker: KafkaDevelopmentBroker,
        group: String,
        topic: String
    ) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServerList,
            consumptionStrategy: .group(id: group, topics: [topic])
        )
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        return configuration
    }

    @Test(
        "committed offsets survive a restart: nothing committed is re-delivered, nothing is skipped",
        .timeLimit(.minutes(1))
    )
    func commitAndResume() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("commit")
        let group = uniqueName("group")
        let total = 2_000
        try broker.createTopic(topic, partitions: 4)
        _ = try await produce(to: broker, topic: topic, count: total, partition: { Int32($0 % 4) }, value: { "m\($0)" })

        // First run: process 700 messages, store and commit their offsets, then close.
        let first = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic),
            logger: makeTestLogger("first")
        )
        var processed: [KafkaMessage] = []
        while processed.count < 700 {
            let batch = try await first.nextBatch(maxMessages: 700 - processed.count, maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            for message in batch { try first.storeOffset(for: message) }
            processed += batch
        }
        try await first.commit()
        let committed = try await first.committedOffsets()
        try await first.close()

        var expectedCommitted: [KafkaTopicPartition: Int64] = [:]
        for message in processed {
            expectedCommitted[message.topicPartition] = max(
                expectedCommitted[message.topicPartition] ?? 0,
                message.offset + 1
            )
        }
        for (partition, offset) in expectedCommitted {
            #expect(committed[partition] == offset)
        }

        // Second run, same group: starts exactly after the committed offsets.
        let second = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic),
            logger: makeTestLogger("second")
        )
        var rest: [KafkaMessage] = []
        while rest.count < total - processed.count {
            let batch = try await second.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty, "after \(rest.count) messages")
            rest += batch
        }
        // Nothing more arrives.
        let extra = try await second.nextBatch(maxWait: .milliseconds(500))
        try await second.close()
        #expect(extra.isEmpty)

        let firstValues = Set(processed.map { String(decoding: $0.value, as: UTF8.self) })
        let secondValues = Set(rest.map { String(decoding: $0.value, as: UTF8.self) })
        #expect(firstValues.isDisjoint(with: secondValues))
        #expect(firstValues.union(secondValues).count == total)
        for partition in 0..<4 {
            let topicPartition = KafkaTopicPartition(topic: topic, partition: Int32(partition))
            let firstOffset = rest.first { $0.partition == Int32(partition) }?.offset
            let committedOffset = expectedCommitted[topicPartition] ?? 0
            // A partition the first run finished has nothing left for the second.
            #expect(firstOffset == (committedOffset < Int64(total / 4) ? committedOffset : nil))
        }
    }

    @Test(
        "the rebalance handler chooses where assigned partitions start, whatever the group committed",
        .timeLimit(.minutes(1))
    )
    func assignedPartitionsStartWhereTheHandlerSays() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("start")
        let group = uniqueName("group")
        try broker.createTopic(topic, partitions: 3)
        try await produce(to: broker, topic: topic, count: 300, partition: { Int32($0 % 3) }, value: { "m\($0)" })
        // The group committed 50 on every partition; the handler starts partition 0 at 80 (ahead) and partition 1
        // at 10 (behind); partition 2 follows the commit.
        let committer = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic), logger: makeTestLogger("c"))
        _ = try await committer.nextBatch(maxMessages: 1, maxWait: .seconds(20))
        try await committer.commit(
            Dictionary(
                uniqueKeysWithValues: (0..<3).map {
                    (KafkaTopicPartition(topic: topic, partition: Int32($0)), Int64(50))
                }))
        try await committer.close()

        let consumer = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic),
            logger: makeTestLogger("start"),
            rebalanceHandler: { event in
                if event.kind == .assigned {
                    event.start(at: [
                        KafkaTopicPartition(topic: topic, partition: 0): 80,
                        KafkaTopicPartition(topic: topic, partition: 1): 10,
                    ])
                }
            }
        )
        var offsets: [Int32: [Int64]] = [:]
        while offsets.values.reduce(0, { $0 + $1.count }) < 20 + 90 + 50 {
            let batch = try await consumer.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            for message in batch { offsets[message.partition, default: []].append(message.offset) }
        }
        try await consumer.close()
        #expect(offsets[0] == Array(80..<100))
        #expect(offsets[1] == Array(10..<100))
        #expect(offsets[2] == Array(50..<100))
    }

    @Test(
        "a caller busy for longer than max.poll.interval.ms keeps its partitions: the poll thread keeps polling",
        .timeLimit(.minutes(1))
    )
    func slowCallerStaysInGroup() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("slow")
        let group = uniqueName("group")
        try broker.createTopic(topic, partitions: 2)
        try await produce(to: broker, topic: topic, count: 2_000, partition: { Int32($0 % 2) }, value: { "m\($0)" })

        var configuration = groupConfiguration(broker, group: group, topic: topic)
        // (Not lower: the mock answers a first JoinGroup after ~3 s and drops members silent for a session.)
        configuration.sessionTimeout = .seconds(4)
        configuration.maxPollInterval = .seconds(4)
        configuration.maximumBufferedMessages = 100  // the buffer fills at once: partitions get paused internally
        configuration.pollBatchSize = 50
        let events = Recorder<KafkaRebalanceEvent.Kind>()
        let consumer = try KafkaConsumer(
            configuration: configuration,
            logger: makeTestLogger("slow"),
            rebalanceHandler: { events.append($0.kind) }
        )
        var offsets: [Int32: [Int64]] = [:]
        let first = try await consumer.nextBatch(maxMessages: 10, maxWait: .seconds(20))
        try #require(!first.isEmpty)
        for message in first { offsets[message.partition, default: []].append(message.offset) }

        // "Work" for over twice max.poll.interval.ms without asking for messages.
        try await Task.sleep(for: .seconds(9))
        #expect(events.values == [.assigned], "the consumer lost its partitions while the caller was busy")

        while offsets.values.reduce(0, { $0 + $1.count }) < 2_000 {
            let batch = try await consumer.nextBatch(maxWait: .seconds(20))
            try #require(!batch.isEmpty)
            for message in batch { offsets[message.partition, default: []].append(message.offset) }
        }
        #expect(offsets[0] == Array(0..<1_000))
        #expect(offsets[1] == Array(0..<1_000))
        #expect(events.values == [.assigned])
        try await consumer.close()
        #expect(events.values == [.assigned, .revoked])
    }

    @Test(
        "two members split the partitions; when one leaves, its handler sees the revocation before the other gets them",
        .timeLimit(.minutes(1))
    )
    func rebalance() async throws {
        let broker = try KafkaDevelopmentBroker(brokers: 3, logger: makeTestLogger("broker"))
        defer { broker.shutdown() }
        let topic = uniqueName("rebalance")
        let group = uniqueName("group")
        let partitionCount = 6
        try broker.createTopic(topic, partitions: partitionCount)
        _ = try await produce(to: broker, topic: topic, count: 600, partition: { Int32($0 % 6) }, value: { "m\($0)" })

        // One global sequence, so that events of both consumers can be ordered.
        struct Event: Sendable {
            var sequence: Int
            var member: String
            var kind: KafkaRebalanceEvent.Kind
            var partitions: [KafkaTopicPartition]
            var commitError: KafkaError?
        }
        let sequence = Atomic<Int>(0)
        let events = Recorder<Event>()
        let processedOffsets = Mutex<[KafkaTopicPartition: Int64]>([:])
        func handler(_ member: String) -> @Sendable (KafkaRebalanceEvent) -> Void {
            { event in
                var commitError: KafkaError?
                if event.kind == .revoked && member == "a" {
                    // Finishing work for the partitions takes a while; the partitions must not move meanwhile.
                    Thread.sleepForTesting(milliseconds: 300)
                    let offsets = processedOffsets.withLock { offsets in
                        offsets.filter { event.partitions.contains($0.key) }
                    }
                    do throws(KafkaError) { try event.commit(offsets) } catch { commitError = error }
                }
                let number = sequence.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
                events.append(
                    Event(
                        sequence: number,
                        member: member,
                        kind: event.kind,
                        partitions: event.partitions,
                        commitError: commitError
                    )
                )
            }
        }

        let a = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic),
            logger: makeTestLogger("a"),
            rebalanceHandler: handler("a")
        )
        let b = try KafkaConsumer(
            configuration: groupConfiguration(broker, group: group, topic: topic),
            logger: makeTestLogger("b"),
            rebalanceHandler: handler("b")
        )

        // Both members consume until each owns some partitions and together all.
        let split = try await eventually(timeout: .seconds(30)) {
            for consumer in [a, b] {
                let batch = try await consumer.nextBatch(maxWait: .milliseconds(50))
                if consumer === a {
                    processedOffsets.withLock { offsets in
                        for message in batch { offsets[message.topicPartition] = message.offset + 1 }
                    }
                }
            }
            let (assignedA, assignedB) = (try a.assignment(), try b.assignment())
            return !assignedA.isEmpty && !assignedB.isEmpty && Set(assignedA + assignedB).count == partitionCount
                && Set(assignedA).isDisjoint(with: Set(assignedB))
        }
        #expect(split)
        let ownedByA = try a.assignment()

        try await a.close()

        let movedToB = try await eventually(timeout: .seconds(30)) {
            _ = try await b.nextBatch(maxWait: .milliseconds(50))
            return try b.assignment().count == partitionCount
        }
        #expect(movedToB)
        let committed = try await b.committedOffsets()
        try await b.close()

        let recorded = events.values
        let revokedByA = recorded.filter { $0.member == "a" && $0.kind == .revoked }
        #expect(Set(revokedByA.flatMap(\.partitions)) == Set(ownedByA))
        #expect(revokedByA.allSatisfy { $0.commitError == nil })
        // Every partition of a: revoked by a before it was assigned to b.
        for partition in ownedByA {
            let revokedAt = try #require(revokedByA.first { $0.partitions.contains(partition) }?.sequence)
            let assignedToB = try #require(
                recorded.last { $0.member == "b" && $0.kind == .assigned && $0.partitions.contains(partition) }
            )
            #expect(revokedAt < assignedToB.sequence, "\(partition) reached b before a released it")
        }
        // What a committed in its revocation handler is the group's committed offset.
        for (partition, offset) in processedOffsets.withLock({ $0 }) where ownedByA.contains(partition) {
            #expect(committed[partition] == offset)
        }
    }
}

extension Thread {
    static func sleepForTesting(milliseconds: Int) {
        Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
    }
}
