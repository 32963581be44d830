import Kafka
import Logging
import Synchronization

/// A real consumer tailing every partition of a topic from the beginning, without a group, collecting what it
/// reads until ``stop()``.
final class TopicTail: Sendable {
    private let consumer: KafkaConsumer
    private let received = Mutex<[KafkaMessage]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(topic: String, bootstrapServers: [String], logger: Logger) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: bootstrapServers, clientID: "test-tail",
                consumptionStrategy: .topic(topic, start: .beginning)),
            logger: logger)
        // Holds `self` until ``stop()``.
        let started = Task { try await self.collect() }
        task.withLock { $0 = started }
    }

    private func collect() async throws {
        while !Task.isCancelled {
            let batch = try await consumer.nextBatch(maxMessages: 1_000, maxWait: .milliseconds(100))
            received.withLock { $0 += batch }
        }
    }

    /// Everything read so far, in the order read (offset order per partition).
    var messages: [KafkaMessage] { received.withLock { $0 } }

    /// Stops tailing and closes the consumer.
    func stop() async {
        let running = task.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = await running?.result
        try? await consumer.close()
    }
}
