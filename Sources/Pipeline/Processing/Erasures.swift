import Dispatch
import Kafka
import Learning
import Logging
import StateStore

/// Erasure requests (right to erasure, `topics.erasure`): the learner's part of them, on its queue.
///
/// A request is a message keyed by the user id. The erasure topic has the events topic's partition count and the
/// producers' partitioner is the same (`murmur2_random` over the key), so a user's request lands in the partition
/// number of the user's events; the group's range assignment gives that partition of both topics to one instance:
/// the owner of the user's state. For each request:
/// 1. the user's events are denied at once (the ``ErasureDenylist``, by pseudonym): an event of the user not in
///    memory is skipped from then on, counted in `warmstart_erased_events_skipped_total`;
/// 2. the user leaves memory: the ``UserTable`` slot and pending contribution, the eviction buffer and the
///    checkpoint in flight's records, the coalescer's pending refresh, score messages waiting for a retry (their
///    effects are cleared; those in flight are not sent again);
/// 3. the ``StateKeeper`` makes it durable, after the checkpoint being written: denylist entry, row deleted,
///    refresh list rewritten without the id, write-ahead log truncated (retried until it is);
/// 4. a tombstone (null value) keyed by the user goes to the scores topic, after every score message of theirs
///    that was sent.
///
/// The request's offset is tracked like an event's, in a ledger of its own: its two effects are the durable
/// erasure and the acknowledged tombstone, and the erasure topic's offset is committed past the request only once
/// both happened. Until then a restart reads the request again and erases again (every step is idempotent).
///
/// Not thread-safe: the ``Learner``'s queue owns it.
final class Erasures: @unchecked Sendable {
    // @unchecked: every mutable property is touched only on `queue` (see the `dispatchPrecondition`s); the
    // keeper's completion only submits work to it.
    /// What is left of one request.
    private struct Pending {
        var pseudonym: ErasureDenylist.Pseudonym
        /// Monotonic ns when the consumer handed the request over, and when it was handled.
        var consumedAt: Int64
        var startedAt: Int64
        /// The request message's timestamp (ms since the epoch), when it has one.
        var requestedAt: Int64?
        var remaining = 2
    }

    let denylist: ErasureDenylist
    private let keeper: StateKeeper
    private let queue: DispatchQueue
    private let metrics: DaemonMetrics
    private let logger: Logger
    private var ledger = OffsetTracker()
    /// Per erasure partition, the next offset to handle (a request below it was handled already).
    private var nextOffsets: [Int32: Int64] = [:]
    private var pending: [EffectToken: Pending] = [:]

    init(denylist: ErasureDenylist, keeper: StateKeeper, queue: DispatchQueue, metrics: DaemonMetrics, logger: Logger) {
        self.denylist = denylist
        self.keeper = keeper
        self.queue = queue
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: - Ownership

    /// Starts tracking an erasure partition, read from `startOffset` (`nil`: from its beginning).
    func assign(_ partition: Int32, startOffset: Int64?) {
        ledger.assign(partition, startOffset: startOffset)
        nextOffsets[partition] = startOffset
    }

    /// Stops tracking `revoked` erasure partitions.
    /// - Returns: The offsets that may be committed for them last (every request before them completed); a request
    ///   not completed is read again by the next owner.
    func release(_ revoked: [Int32]) -> [Int32: Int64] {
        var final: [Int32: Int64] = [:]
        for partition in revoked {
            if let offset = ledger.finish(partition) { final[partition] = offset }
            nextOffsets[partition] = nil
        }
        pending = pending.filter { !revoked.contains($0.key.partition) }
        metrics.erasuresPending.record(pending.count)
        return final
    }

    /// The erasure partitions' committable offsets.
    var committableOffsets: [Int32: Int64] { ledger.committableOffsets }

    // MARK: - Requests

    /// Whether `user`'s events are not to be learned (erased within the retention). Ask only for a user not in
    /// memory: an erased user never is.
    func isErased(_ user: String) -> Bool {
        denylist.count > 0 && denylist.contains(denylist.pseudonym(of: user))
    }

    /// Handles one request read from the erasure topic.
    ///
    /// - Parameters:
    ///   - work: The owned events partition of the same number (`nil`: not owned here — the topics are not
    ///     co-partitioned; the user is still denied and erased from this instance's store).
    ///   - refreshUsers: The partition's users whose scores are not acknowledged, for the stored refresh list.
    ///   - forgetDeliveries: Stops the user's score messages in the ``DeliveryTracker``; returns the tokens of those
    ///     dropped.
    ///   - clearEffect: Clears an event's registered effect in the events' ``CommitGate`` (a dropped publish).
    ///   - send: Hands the tombstone to the ``DeliveryTracker``.
    func handle(
        _ message: KafkaMessage, consumedAt: Int64, work: OwnedPartition?, refreshUsers: () -> Set<String>,
        forgetDeliveries: (String) -> [EffectToken], clearEffect: (EffectToken) -> Void,
        send: (DeliveryTracker.Entry) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let partition = message.partition
        guard ledger[partition: partition] != nil else { return }
        if let next = nextOffsets[partition], message.offset < next { return }
        nextOffsets[partition] = message.offset + 1
        let token = ledger.processed(partition: partition, offset: message.offset)
        guard let key = message.key, !key.isEmpty, let user = String(validating: key, as: UTF8.self) else {
            logger.warning(
                "erasure request without a UTF-8 user id as its key: ignored",
                metadata: ["source": "\(message.topic)[\(partition)]@\(message.offset)"])
            return
        }
        let pseudonym = denylist.pseudonym(of: user)
        let erasedAt = ErasureDenylist.epochMilliseconds()
        denylist.deny(pseudonym, at: erasedAt)

        if let work {
            work.users.remove(user)
            work.residency.evictedUnsaved[user] = nil
            work.residency.inFlightRecords[user] = nil
            if let token = work.coalescer.forget(user) { clearEffect(token) }
        } else {
            logger.warning(
                Logger.Message(
                    stringLiteral: "erasure request for a partition whose events this instance does not own: is "
                        + "topics.erasure partitioned like topics.events?"),
                metadata: [PipelineLoggingKeys.pseudonym: "\(pseudonym)", "partition": "\(partition)"])
        }
        for dropped in forgetDeliveries(user) { clearEffect(dropped) }

        ledger.addEffect(token)
        ledger.addEffect(token)
        pending[token] = Pending(
            pseudonym: pseudonym, consumedAt: consumedAt, startedAt: PipelineClock.now(),
            requestedAt: message.timestamp?.milliseconds)
        metrics.erasuresPending.record(pending.count)
        var refresh = refreshUsers()
        refresh.remove(user)
        keeper.erase(
            StateKeeper.Erasure(
                user: user, pseudonym: pseudonym, partition: partition, erasedAt: erasedAt,
                refresh: refresh.sorted()),
            denylist: denylist
        ) { [self] in
            queue.async { self.stepDone(token) }
        }
        // After every score message of the user that was sent: the producer keeps a partition's order.
        send(
            DeliveryTracker.Entry(
                token: nil, partition: partition, message: .tombstone(user: user), earliestConsumedAt: 0,
                erasure: token))
    }

    /// The tombstone of `token`'s request was acknowledged.
    func tombstoneAcknowledged(_ token: EffectToken) {
        stepDone(token)
    }

    private func stepDone(_ token: EffectToken) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard ledger.acknowledge(token) != .stale, var entry = pending[token] else { return }
        entry.remaining -= 1
        guard entry.remaining == 0 else {
            pending[token] = entry
            return
        }
        pending[token] = nil
        let seconds = Double(PipelineClock.now() - entry.startedAt) / 1e9
        // From the request's timestamp: what the requester waits, consumption included.
        let sinceRequest = entry.requestedAt.map { Double(ErasureDenylist.epochMilliseconds() - $0) / 1e3 }
        metrics.erasures.increment()
        metrics.erasuresPending.record(pending.count)
        logger.info(
            "erased a user",
            metadata: [
                PipelineLoggingKeys.pseudonym: "\(entry.pseudonym)", "partition": "\(token.partition)",
                "request_offset": "\(token.offset)", "seconds": "\(seconds)",
                "queued_seconds": "\(Double(entry.startedAt - entry.consumedAt) / 1e9)",
                "since_request_seconds": "\(sinceRequest.map { "\($0)" } ?? "unknown")",
            ])
    }
}
