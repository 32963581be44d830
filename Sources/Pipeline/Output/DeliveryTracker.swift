import Kafka
import Logging
import Synchronization

/// The learner's effects on their way out: every score message and dead letter from the moment it is handed to
/// the ``LearnerOutput`` until the output acknowledges it.
///
/// An effect stays *outstanding* in the ``CommitGate`` until its message is acknowledged, which holds its event's
/// offset back from commits; exactly-once state depends on that. So no message is ever dropped here:
/// - a message the output refuses (queue full) waits in the retry list and is sent again by ``resendRefused()``;
/// - a message whose delivery failed goes back to the retry list too, still outstanding;
/// - an acknowledged one hands its ``EffectToken`` back to be cleared (``delivered(_:acknowledgedAt:)``).
///
/// The output's queue is bounded by backpressure (consumption pauses above `publish.max_in_flight`, see
/// ``inFlight``), so a refusal is transient.
///
/// Not thread-safe: the ``Learner``'s queue owns it; only ``inFlight`` may be read from any thread.
final class DeliveryTracker {
    /// A message handed to the output and not yet acknowledged.
    struct Entry {
        /// The event whose effect this is; `nil` for a score published again after a restore (its events are
        /// before the restored offsets already).
        var token: EffectToken?
        /// The source partition the message belongs to (released with it).
        var partition: Int32
        var message: OutputMessage
        /// Monotonic ns of the oldest event the publish covers; 0 for dead letters.
        var earliestConsumedAt: Int64
        /// The erasure request a tombstone completes (in the erasure topic's ledger, not the events'
        /// ``CommitGate``): reported to ``erasureAcknowledged`` when the tombstone is acknowledged.
        var erasure: EffectToken? = nil
    }

    /// Where messages go; `nil` until the learner's output is attached (messages sent before are dropped).
    var output: (any LearnerOutput)?
    private let metrics: DaemonMetrics
    private let logger: Logger
    private var pending: [KafkaProducerMessageID: Entry] = [:]
    /// Messages the output refused or failed to deliver; resent on every tick.
    private var retryLater: [Entry] = []
    /// Score messages of erased users still in flight: never sent again, and left out of the users to publish again
    /// after a restore (their tombstone follows them).
    private var abandoned: Set<KafkaProducerMessageID> = []
    /// Called with an acknowledged tombstone's ``Entry/erasure``.
    var erasureAcknowledged: ((EffectToken) -> Void)?
    /// `pending.count + retryLater.count`, readable from any thread.
    private let inFlightCount = Atomic<Int>(0)

    init(metrics: DaemonMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    /// Messages handed to the output and not acknowledged yet (scores and dead letters); drives backpressure. Safe
    /// to read from any thread.
    var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// Hands `entry`'s message to the output, or keeps it for a retry when the output refuses it.
    func send(_ entry: Entry) {
        guard let output else { return }
        do {
            let id = try output.trySend(entry.message)
            pending[id] = entry
        } catch {
            retryLater.append(entry)
        }
        updateCount()
    }

    /// Sends again what the output refused or failed to deliver; what it refuses again stays for the next call.
    func resendRefused() {
        guard let output, !retryLater.isEmpty else { return }
        var still: [Entry] = []
        for entry in retryLater {
            if let id = try? output.trySend(entry.message) {
                pending[id] = entry
            } else {
                still.append(entry)
            }
        }
        retryLater = still
        updateCount()
    }

    /// Applies a delivery report: an acknowledged message is done, a failed one is retried.
    ///
    /// - Parameter acknowledgedAt: When the report arrived (monotonic ns): event→publish latency ends there.
    /// - Returns: The token of the effect the acknowledged message was, to clear in the ``CommitGate``; `nil` for a
    ///   failure (the effect stays outstanding), a message that was no effect (the model), or an unknown id (a
    ///   released partition's).
    func delivered(_ report: KafkaDeliveryReport, acknowledgedAt: Int64) -> EffectToken? {
        guard let entry = pending.removeValue(forKey: report.id) else { return nil }
        defer { updateCount() }
        if abandoned.remove(report.id) != nil {
            // An erased user's score: done either way (a failed one is not sent again, after the tombstone).
            return entry.token
        }
        switch report.status {
        case .acknowledged:
            if let erasure = entry.erasure { erasureAcknowledged?(erasure) }
            if entry.message.scoredUser != nil {
                metrics.scoresPublished.increment()
                if entry.earliestConsumedAt > 0 {
                    metrics.observeEventToPublish(nanoseconds: acknowledgedAt - entry.earliestConsumedAt)
                }
            }
            return entry.token
        case .failed(let error):
            metrics.publishFailures.increment()
            logger.warning(
                "publish failed; retrying",
                metadata: ["topic": "\(report.topic)", "error": "\(error)"]
            )
            retryLater.append(entry)
            return nil
        }
    }

    /// Stops publishing `user`'s scores (erased): those waiting for a retry are dropped, those in flight are not
    /// sent again if they fail.
    /// - Returns: The tokens of the dropped messages' effects, to clear in the ``CommitGate`` (they will never be
    ///   sent).
    func forget(user: String) -> [EffectToken] {
        var dropped: [EffectToken] = []
        retryLater.removeAll { entry in
            guard entry.message.scoredUser == user else { return false }
            if let token = entry.token { dropped.append(token) }
            return true
        }
        for (id, entry) in pending where entry.message.scoredUser == user { abandoned.insert(id) }
        updateCount()
        return dropped
    }

    /// Forgets the messages of `revoked` partitions: they stay unacknowledged, so their events are not committed
    /// and the next owner processes them again (at-least-once).
    func release(_ revoked: [Int32]) {
        pending = pending.filter { !revoked.contains($0.value.partition) }
        abandoned = abandoned.filter { pending[$0] != nil }
        retryLater.removeAll { revoked.contains($0.partition) }
        updateCount()
    }

    /// Per partition, the users whose latest score message is not acknowledged yet (a checkpoint records them, to
    /// be published again after a restore).
    func unacknowledgedScoreUsers() -> [Int32: Set<String>] {
        var users: [Int32: Set<String>] = [:]
        for (id, entry) in pending where !abandoned.contains(id) {
            if let user = entry.message.scoredUser { users[entry.partition, default: []].insert(user) }
        }
        for entry in retryLater {
            if let user = entry.message.scoredUser { users[entry.partition, default: []].insert(user) }
        }
        return users
    }

    private func updateCount() {
        inFlightCount.store(pending.count + retryLater.count, ordering: .relaxed)
    }
}
