import ArgumentParser
import Clickstream
import Foundation
import Kafka
import Logging

/// `warmstart tail`: prints a topic's messages as JSON lines, like `kcat -C`.
public struct TailCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a topic's messages as JSON lines.",
        discussion: """
            Without --group it reads every partition directly (no group join), like kcat -C. With --group it joins \
            that consumer group and commits what it has printed. Each line is \
            {"topic","partition","offset","timestamp","key","value","headers"}; a payload that is not UTF-8 is \
            printed as key_base64/value_base64.
            """
    )

    @OptionGroup var kafka: KafkaConnectionOptions

    @Option(help: "Topic to read.")
    var topic: String

    @Option(help: "Consumer group to join (default: read all partitions without a group).")
    var group: String?

    @Flag(help: "Start from the oldest message instead of new messages only.")
    var fromBeginning = false

    @Option(help: "Exit after this many messages.")
    var count: Int?

    @Flag(
        name: [.customShort("e"), .customLong("exit-at-end")],
        help: "Exit once the end of every partition (as of start) is reached.")
    var exitAtEnd = false

    @Flag(help: "Print only the number of messages read (and the rate on stderr).")
    var quiet = false

    public init() {}

    public func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    public func run() async throws {
        let logger = Logger(label: "warmstart.tail")
        let start: KafkaOffsetSpec = fromBeginning ? .beginning : .end
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: kafka.bootstrapServers,
            clientID: "warmstart-tail",
            consumptionStrategy: group.map { .group(id: $0, topics: [topic]) } ?? .topic(topic, start: start),
            additionalProperties: kafka.additionalProperties
        )
        configuration.autoOffsetReset = fromBeginning ? .earliest : .latest

        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        var remainingAtEnd: [Int32: Int64]? = nil
        if exitAtEnd {
            remainingAtEnd = try await unreadPartitions(consumer: consumer, logger: logger)
        }
        let stop = StopFlag.onTerminationSignal()

        let started = ContinuousClock.now
        var read = 0
        var writer = JSONWriter()
        let limit = count ?? Int.max
        while read < limit, remainingAtEnd?.isEmpty != true, !stop.isSet, !Task.isCancelled {
            let batch = try await consumer.nextBatch(
                maxMessages: min(10_000, limit - read), maxWait: .milliseconds(200))
            if batch.isEmpty { continue }
            read += batch.count
            for message in batch {
                if !quiet { append(message, to: &writer) }
                if let end = remainingAtEnd?[message.partition], message.offset + 1 >= end {
                    remainingAtEnd?[message.partition] = nil
                }
            }
            if !quiet {
                Console.out(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
            if group != nil {
                try storeAll(batch, in: consumer)
            }
        }
        if group != nil {
            try? await consumer.commit()
        }
        try await consumer.close()

        let seconds = (ContinuousClock.now - started).asSeconds
        if quiet {
            Console.out("\(read)\n")
            Console.err(
                String(
                    format: "read %d messages in %.3f s (%.0f msg/s)\n", read, seconds,
                    Double(read) / max(seconds, 1e-9))
            )
        }
    }

    /// Stores the highest offset of each partition in the batch.
    private func storeAll(_ batch: [KafkaMessage], in consumer: KafkaConsumer) throws {
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in batch {
            next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1)
        }
        try consumer.storeOffsets(next)
    }

    /// The end offset (high watermark as of start) of every partition that has messages this run will read:
    /// those from where the run starts (the group's committed offset, else the oldest or the newest message) up
    /// to that end. Only messages handed to this command count as read: the consumer's poll thread runs ahead
    /// of it, so its position says nothing about what was printed.
    private func unreadPartitions(consumer: KafkaConsumer, logger: Logger) async throws -> [Int32: Int64] {
        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(
                bootstrapServers: kafka.bootstrapServers,
                clientID: "warmstart-tail-admin",
                additionalProperties: kafka.additionalProperties
            ),
            logger: logger
        )
        let metadata = try await admin.metadata(topic: topic)
        guard let partitions = metadata.topic(topic)?.partitions else {
            throw ValidationError("topic \(topic) not found")
        }
        let topicPartitions = partitions.map { KafkaTopicPartition(topic: topic, partition: $0.id) }
        let committed = group == nil ? [:] : try await consumer.committedOffsets(for: topicPartitions)
        var ends: [Int32: Int64] = [:]
        for topicPartition in topicPartitions {
            let marks = try await admin.watermarks(for: topicPartition)
            let start: Int64
            if let offset = committed[topicPartition], offset >= marks.low {
                start = offset
            } else {
                // No committed offset, or one below the log start: auto.offset.reset decides.
                start = fromBeginning ? marks.low : marks.high
            }
            if marks.high > start { ends[topicPartition.partition] = marks.high }
        }
        return ends
    }

    private func append(_ message: KafkaMessage, to writer: inout JSONWriter) {
        writer.literal("{\"topic\":")
        writer.string(message.topic)
        writer.literal(",\"partition\":")
        writer.integer(Int(message.partition))
        writer.literal(",\"offset\":")
        writer.integer(message.offset)
        writer.literal(",\"timestamp\":")
        if let timestamp = message.timestamp { writer.integer(timestamp.milliseconds) } else { writer.null() }
        writer.byte(UInt8(ascii: ","))
        writer.payloadField("key", message.key)
        writer.byte(UInt8(ascii: ","))
        writer.payloadField("value", message.value)
        writer.literal(",\"headers\":{")
        for (index, header) in message.headers.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string(header.key)
            writer.byte(UInt8(ascii: ":"))
            writer.headerValue(header.value)
        }
        writer.literal("}}\n")
    }
}
