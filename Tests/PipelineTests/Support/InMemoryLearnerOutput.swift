import Kafka
import Synchronization

@testable import Pipeline

/// A ``LearnerOutput`` in memory, for running the ``Learner`` without a broker: it records every message it accepts
/// and reports deliveries when the test says so (``acknowledge(_:)``, ``fail(_:)``, ``flush(timeout:)``), to the
/// handler given to ``reportDeliveries(to:)`` (normally ``Learner/delivered(_:)``). While ``isRefusing`` it refuses
/// every message, as librdkafka does with a full queue.
final class InMemoryLearnerOutput: LearnerOutput {
    /// One accepted message.
    struct Sent: Sendable {
        var id: KafkaProducerMessageID
        var message: OutputMessage
    }

    private struct State {
        var nextID: UInt64 = 1
        var sent: [Sent] = []
        /// Accepted and without a delivery report yet.
        var unreported: Set<KafkaProducerMessageID> = []
        var refusing = false
        var refusals = 0
        var reports: (@Sendable (KafkaDeliveryReport) -> Void)?
    }

    private let state = Mutex(State())

    /// Sends every later delivery report to `handler`.
    func reportDeliveries(to handler: @escaping @Sendable (KafkaDeliveryReport) -> Void) {
        state.withLock { $0.reports = handler }
    }

    /// Whether sends are refused (a full queue).
    var isRefusing: Bool {
        get { state.withLock { $0.refusing } }
        set { state.withLock { $0.refusing = newValue } }
    }

    /// How many sends were refused.
    var refusals: Int { state.withLock { $0.refusals } }

    /// Every accepted message, in order.
    var sent: [Sent] { state.withLock { $0.sent } }

    /// The accepted messages without a delivery report, oldest first.
    var unreported: [Sent] { state.withLock { state in state.sent.filter { state.unreported.contains($0.id) } } }

    /// The dead letters accepted, in order.
    var deadLetters: [DeadLetter] {
        sent.compactMap { if case .deadLetter(let deadLetter) = $0.message { deadLetter } else { nil } }
    }

    /// The users of the score messages accepted, in order.
    var scoredUsers: [String] { sent.compactMap(\.message.scoredUser) }

    func trySend(_ message: OutputMessage) throws(KafkaError) -> KafkaProducerMessageID {
        let id: KafkaProducerMessageID? = state.withLock { state in
            guard !state.refusing else {
                state.refusals += 1
                return nil
            }
            let id = KafkaProducerMessageID(rawValue: state.nextID)
            state.nextID += 1
            state.sent.append(Sent(id: id, message: message))
            state.unreported.insert(id)
            return id
        }
        guard let id else { throw KafkaError(code: .queueFull, message: "in-memory output refusing") }
        return id
    }

    /// Acknowledges everything outstanding, as a producer's flush waits for every report.
    func flush(timeout: Duration) async throws(KafkaError) {
        acknowledge(unreported.map(\.id))
    }

    /// Reports `ids` as acknowledged (ids without an outstanding report are skipped).
    func acknowledge(_ ids: [KafkaProducerMessageID]) {
        for id in ids { report(id) { .acknowledged(partition: 0, offset: Int64(id.rawValue)) } }
    }

    /// Acknowledges every outstanding message.
    func acknowledgeAll() {
        acknowledge(unreported.map(\.id))
    }

    /// Reports `id` as failed.
    func fail(_ id: KafkaProducerMessageID) {
        report(id) { .failed(KafkaError(code: .messageTimedOut, message: "in-memory delivery failure")) }
    }

    private func report(_ id: KafkaProducerMessageID, _ status: () -> KafkaDeliveryReport.Status) {
        let handler = state.withLock { state -> (@Sendable (KafkaDeliveryReport) -> Void)? in
            guard state.unreported.remove(id) != nil else { return nil }
            return state.reports
        }
        handler?(KafkaDeliveryReport(id: id, topic: "in-memory", status: status()))
    }
}
