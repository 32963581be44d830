import Clickstream
import Kafka
import Logging
import Testing

@testable import Pipeline

@Suite struct OutputDeadLetterTests {
    static let source = KafkaMessage(
        topic: "warmstart.events",
        partition: 3,
        offset: 12_345,
        key: Array("u1".utf8),
        value: [0x7B, 0xFF, 0x00, 0x7D],
        timestamp: KafkaTimestamp(milliseconds: 1, kind: .createTime),
        headers: [KafkaHeader(key: "trace", value: "abc")]
    )

    static func header(_ message: KafkaProducerMessage, _ key: String) -> String? {
        let matching = message.headers.filter { $0.key == key }
        guard matching.count == 1, let value = matching[0].value else { return nil }
        return String(validating: value, as: UTF8.self)
    }

    @Test func decoderFailureBecomesADeadLetterWithEveryHeader() throws {
        let error: EventDecodingError
        do {
            _ = try EventDecoder().decode(Self.source.value)
            Issue.record("the value is not valid JSON")
            return
        } catch let caught {
            error = caught
        }
        let deadLetter = DeadLetter(source: Self.source, decodingError: error, failedAt: 1_764_385_800_123)
        let message = deadLetter.producerMessage(topic: "warmstart.dead-letter")
        #expect(message.topic == "warmstart.dead-letter")
        #expect(message.key == Self.source.key)
        #expect(message.value == Self.source.value)
        #expect(message.partition == nil)
        #expect(Self.header(message, "warmstart.reason") == error.reason.rawValue)
        #expect(Self.header(message, "warmstart.error") == error.message)
        #expect(Self.header(message, "warmstart.source.topic") == "warmstart.events")
        #expect(Self.header(message, "warmstart.source.partition") == "3")
        #expect(Self.header(message, "warmstart.source.offset") == "12345")
        #expect(Self.header(message, "warmstart.failed_at") == "1764385800123")
        #expect(message.headers.count == 6)
    }

    @Test func pipelineReasonsAndAMissingKey() {
        var source = Self.source
        source.key = nil
        let message = DeadLetter(source: source, reason: .oversizeKey, error: "key too long", failedAt: 5)
            .producerMessage(topic: "dlq")
        #expect(message.key == nil)
        #expect(Self.header(message, "warmstart.reason") == "oversize_key")
        #expect(DeadLetterReason.invalidKeyUTF8.rawValue == "invalid_key_utf8")
        #expect(DeadLetterReason.oversizeMessage.rawValue == "oversize_message")
        #expect(Set(DeadLetterReason.allKnown.map(\.rawValue)).count == DeadLetterReason.allKnown.count)
        for reason in EventDecodingError.Reason.allCases {
            #expect(DeadLetterReason.allKnown.contains(DeadLetterReason(reason)))
        }
    }

    @Test func longErrorsAreTruncatedAtACharacterBoundary() throws {
        let error = String(repeating: "é", count: 400) + "😀 end"  // 800+ bytes of two-byte characters
        let message = DeadLetter(source: Self.source, reason: .processingFailed, error: error, failedAt: 0)
            .producerMessage(topic: "dlq")
        let header = try #require(message.headers.first { $0.key == "warmstart.error" }?.value)
        #expect(header.count <= DeadLetter.maximumErrorBytes)
        let text = try #require(String(validating: header, as: UTF8.self))
        #expect(text.hasSuffix("…"))
        #expect(text.dropLast().allSatisfy { $0 == "é" })

        let short = DeadLetter(source: Self.source, reason: .processingFailed, error: "short", failedAt: 0)
            .producerMessage(topic: "dlq")
        #expect(Self.header(short, "warmstart.error") == "short")
    }

    /// The dead-letter message through a real broker: key, value and headers arrive unchanged.
    @Test(.timeLimit(.minutes(1))) func survivesARoundTripThroughKafka() async throws {
        let quiet = Logger(label: "test.dead-letter", factory: { _ in SwiftLogNoOpLogHandler() })
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: quiet)
        defer { broker.shutdown() }
        let topic = "dead-letter-\(UInt32.random(in: 0...UInt32.max))"
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList),
            logger: quiet
        )
        let sent = DeadLetter(source: Self.source, reason: .invalidKeyUTF8, error: "key \u{1} is bad", failedAt: 99)
            .producerMessage(topic: topic)
        _ = try await producer.send(sent)
        try await producer.flush(timeout: .seconds(20))
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: broker.bootstrapServerList,
                consumptionStrategy: .topic(topic, start: .beginning)
            ),
            logger: quiet
        )
        let batch = try await consumer.nextBatch(maxWait: .seconds(20))
        try await consumer.close()
        let received = try #require(batch.first)
        #expect(batch.count == 1)
        #expect(received.key == Self.source.key)
        #expect(received.value == Self.source.value)
        #expect(received.headers == sent.headers)
        #expect(received.headers.first { $0.key == DeadLetter.HeaderName.sourceOffset }?.value == Array("12345".utf8))
    }
}
