import ArgumentParser
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

    @Flag(name: [.customShort("e"), .customLong("exit-at-end")], help: "Exit once the end of every partition (as of start) is reached.")
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

        var remainingAtEnd: [Int32: Int64]? = nil
        if exitAtEnd {
            remainingAtEnd = try await endOffsets(logger: logger)
        }

        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let stop = StopFlag.onTerminationSignal()

        let started = ContinuousClock.now
        var read = 0
        var writer = JSONWriter()
        let limit = count ?? Int.max
        while read < limit, remainingAtEnd?.isEmpty != true, !stop.isSet, !Task.isCancelled {
            let batch = try await consumer.nextBatch(maxMessages: min(10_000, limit - read), maxWait: .milliseconds(200))
            if batch.isEmpty {
                if let remaining = remainingAtEnd {
                    // Partitions whose messages were all read before (by this group) never deliver one: their
                    // position or committed offset tells that they are at the end already.
                    remainingAtEnd = try await unfinished(remaining, consumer: consumer)
                }
                continue
            }
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
                String(format: "read %d messages in %.3f s (%.0f msg/s)\n", read, seconds, Double(read) / max(seconds, 1e-9))
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

    /// The partitions of `ends` that the consumer has not read to the end yet.
    private func unfinished(_ ends: [Int32: Int64], consumer: KafkaConsumer) async throws -> [Int32: Int64] {
        let positions = try consumer.positions()
        let committed = group == nil ? [:] : try await consumer.committedOffsets()
        return ends.filter { partition, end in
            let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
            return max(positions[topicPartition] ?? -1, committed[topicPartition] ?? -1) < end
        }
    }

    /// The high watermark of every non-empty partition, so `--exit-at-end` knows where the end is.
    private func endOffsets(logger: Logger) async throws -> [Int32: Int64] {
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
        var ends: [Int32: Int64] = [:]
        for partition in partitions {
            let marks = try await admin.watermarks(for: KafkaTopicPartition(topic: topic, partition: partition.id))
            if marks.high > marks.low { ends[partition.id] = marks.high }
        }
        return ends
    }

    private func append(_ message: KafkaMessage, to writer: inout JSONWriter) {
        writer.raw("{\"topic\":")
        writer.string(message.topic)
        writer.raw(",\"partition\":\(message.partition),\"offset\":\(message.offset),\"timestamp\":")
        writer.raw(message.timestamp.map { String($0.milliseconds) } ?? "null")
        writer.raw(",")
        writer.payloadField("key", message.key)
        writer.raw(",")
        writer.payloadField("value", message.value)
        writer.raw(",\"headers\":{")
        for (index, header) in message.headers.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(header.key)
            writer.raw(":")
            if let value = header.value, let text = String(validating: value, as: UTF8.self) {
                writer.string(text)
            } else if let value = header.value {
                writer.string(Base64.encode(value))
            } else {
                writer.raw("null")
            }
        }
        writer.raw("}}\n")
    }
}
