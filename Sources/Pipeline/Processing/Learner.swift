import Clickstream
import Dispatch
import Kafka
import Learning
import Logging
import StateStore

/// One decoded message on its way to the learner: the event, or why it goes to the dead-letter topic.
struct DecodedMessage: Sendable {
    var message: KafkaMessage
    var outcome: Result<InteractionEvent, DeadLetter>
    /// When the consumer handed the message over (monotonic ns): event→publish latency starts here.
    var consumedAt: Int64
}

/// The learning core driven by one dedicated serial queue: the single owner of the ``Recommender`` (shared
/// parameters, meta-learned initialization) and of one ``UserTable`` per assigned partition.
///
/// Everything that reads or writes learned state runs on ``queue``: events in offset order per partition, score
/// refreshes (scoring reads the state after the last learned event, a consistent snapshot), meta-updates, and the
/// bookkeeping of which offsets may be committed. No locks on that path; other threads talk to it by submitting
/// work to the queue. Delivery reports come back through the queue too, so the offset bookkeeping is single-owner.
///
/// The learner coordinates; each job is a type of its own, all owned by the queue:
/// - ``OwnedPartitions``: the partitions owned, and deterministic rounds;
/// - ``UserResidency``: which users are in memory (eviction under `state.max_users_in_memory`, reload);
/// - ``EventProcessor``: the per-event step (kind label, encode, learn, prequential tally);
/// - ``EffectPublisher`` and ``DeliveryTracker``: score messages and dead letters through the ``LearnerOutput``,
///   kept until acknowledged;
/// - ``CommitGate``: how far offsets may be committed;
/// - ``ModelTopicPublisher``: θ on the model topic;
/// - ``Checkpointer`` and ``CheckpointSchedule``: durable state (with a ``StateKeeper``).
/// - ``Erasures``: erasure requests from `topics.erasure`, and skipping erased users' events (with a keeper).
final class Learner: @unchecked Sendable {
    // @unchecked: every mutable property below, and every component, is touched only on `queue` (see the
    // `dispatchPrecondition`s), except `DeliveryTracker.inFlight`, which is an atomic.

    /// Messages learned per queue job (see ``submit(_:done:)``).
    static let chunkSize = 128

    let queue: DispatchQueue
    let model: Recommender
    let settings: Settings
    let metrics: DaemonMetrics
    let logger: Logger
    let keeper: StateKeeper?
    let partitions: OwnedPartitions
    private let residency: UserResidency
    var processor: EventProcessor
    let deliveries: DeliveryTracker
    private let effects: EffectPublisher
    private let commits: CommitGate
    var modelTopic = ModelTopicPublisher()
    /// With a keeper.
    let checkpoints: Checkpointer?
    /// With a keeper and a denylist: erasure requests (`topics.erasure`) and the skipping of erased users' events.
    private let erasures: Erasures?
    var eventsSinceMetaUpdate = 0
    /// Whether the log said that `privacy.dp.max_epsilon` froze θ.
    var privacyBudgetSpent = false
    /// Called when learned state cannot be read back (an evicted user's record): the pipeline must stop rather
    /// than treat the user as new. After it, no event is learned any more.
    private let fatal: @Sendable (PipelineError) -> Void
    /// Set by a refused store or state that could not be read back: nothing is learned or written any more.
    private var halted = false

    init(
        model: Recommender, settings: Settings, metrics: DaemonMetrics, logger: Logger, keeper: StateKeeper? = nil,
        denylist: ErasureDenylist? = nil, stateHealth: @escaping @Sendable (Bool) -> Void = { _ in },
        fatal: @escaping @Sendable (PipelineError) -> Void = { _ in }
    ) {
        let queue = DispatchQueue(label: "warmstart.learner", qos: .userInitiated)
        let partitions = OwnedPartitions()
        let residency = UserResidency(
            partitions: partitions, keeper: keeper, cap: settings.maxUsersInMemory, metrics: metrics)
        let deliveries = DeliveryTracker(metrics: metrics, logger: logger)
        let commits = CommitGate(requiresDurability: keeper != nil)
        self.queue = queue
        self.model = model
        model.excludesSeen = settings.excludeSeen
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.keeper = keeper
        self.partitions = partitions
        self.residency = residency
        self.processor = EventProcessor(model: model, kindLabels: settings.kindLabels)
        self.deliveries = deliveries
        self.effects = EffectPublisher(
            model: model, topK: settings.topK, excludeSeen: settings.excludeSeen, deliveries: deliveries,
            commits: commits, metrics: metrics, logger: logger)
        self.commits = commits
        self.checkpoints = keeper.map { keeper in
            Checkpointer(
                keeper: keeper, queue: queue,
                schedule: CheckpointSchedule(
                    everyEvents: settings.checkpointEveryEvents, interval: settings.checkpointInterval,
                    deterministic: settings.deterministic, metaUpdateEveryEvents: settings.metaUpdateEveryEvents,
                    now: PipelineClock.now()),
                partitions: partitions, residency: residency, commits: commits, model: model, metrics: metrics,
                logger: logger, stateHealth: stateHealth)
        }
        let erasures = keeper.flatMap { keeper in
            denylist.map { Erasures(denylist: $0, keeper: keeper, queue: queue, metrics: metrics, logger: logger) }
        }
        self.erasures = erasures
        deliveries.erasureAcknowledged = { token in erasures?.tombstoneAcknowledged(token) }
        self.fatal = fatal
        if let rounds = settings.privateRounds {
            model.metaPrivacy = rounds.meta
            modelTopic.holdsForDurability = keeper != nil
            metrics.dpEpsilon.set(rounds.epsilon(afterRounds: model.metaUpdates))
        }
        restoreMetaGuard()
    }

    /// Whether learned state may still be written: not after a halt (a refused store, or state that could not be
    /// read back).
    var mayWriteState: Bool { queue.sync { !halted } }

    /// Messages handed to the output and not acknowledged yet (scores and dead letters); drives backpressure.
    var inFlight: Int { deliveries.inFlight }

    /// Attaches the output; done once, before any event arrives. Its delivery reports must come to
    /// ``delivered(_:)``.
    func attach(output: any LearnerOutput) {
        queue.sync { deliveries.output = output }
    }

    // MARK: - Assignment

    /// Takes ownership of newly assigned partitions: restores their users from the last checkpoint (with a
    /// keeper). `committed` holds the group's committed offsets for them.
    ///
    /// - Returns: where each partition must start: the checkpoint's next offset where there is one (the committed
    ///   offset is advisory and follows checkpoints), else the committed offset (none: `auto.offset.reset`).
    /// - Throws: when a partition's state cannot be restored (the daemon must not continue without it).
    @discardableResult
    func assign(_ assigned: [Int32], committed: [Int32: Int64]) throws(PipelineError) -> [Int32: Int64] {
        try queue.sync { Result { () throws(PipelineError) in try assignOnQueue(assigned, committed: committed) } }
            .get()
    }

    private func assignOnQueue(
        _ assigned: [Int32], committed: [Int32: Int64]
    ) throws(PipelineError) -> [Int32: Int64] {
        let stored = try keeper?.storedOffsets() ?? [:]
        let refreshes = try keeper?.pendingRefreshes() ?? [:]
        let added = assigned.filter { partitions[$0] == nil }
        var tables: [Int32: UserTable] = [:]
        for partition in added { tables[partition] = model.makeUserTable() }
        var restored: [Int32: StateKeeper.Restored] = [:]
        if let keeper {
            do throws(PipelineError) {
                try keeper.checkNotBehind(
                    assigned: added, checkpoints: stored, committed: committed, accept: settings.acceptStateLoss)
                // Under the memory cap, the most recently active users; the others stay in the store until their
                // next event.
                restored = try keeper.restoreUsers(of: added, into: tables, limit: residency.roomForRestore)
                residency.continueClock(
                    stored: try keeper.activityClock(), newestRestored: restored.values.map(\.newestStamp).max() ?? 0)
            } catch {
                // Nothing may be written to a refused store, not even the shutdown's checkpoint.
                halted = true
                throw error
            }
        }
        var starts: [Int32: Int64] = [:]
        for partition in added {
            let start = stored[partition] ?? committed[partition].flatMap { $0 >= 0 ? $0 : nil }
            let users = tables[partition]!
            let refresh = refreshes[partition] ?? []
            let complete = restored[partition]?.complete ?? true
            if keeper != nil, let offset = stored[partition] {
                logger.info(
                    "restored a partition from the last checkpoint",
                    metadata: [
                        "partition": "\(partition)", "users": "\(restored[partition]?.count ?? 0)",
                        "next_offset": "\(offset)", "republish": "\(refresh.count)",
                        "all_users_in_memory": "\(complete)",
                    ])
            }
            _ = users.drainChanges()  // restored, not changed
            let work = OwnedPartition(
                users: users, coalescer: RefreshCoalescer(window: settings.coalesceWindow), nextOffset: start,
                metrics: metrics.partition(partition))
            work.residency.storeMayHoldMore = !complete
            partitions.add(partition, work)
            commits.assign(partition, startOffset: start, checkpointOffset: stored[partition])
            if let start { starts[partition] = start }
            for user in refresh { republish(user, partition: partition) }
        }
        residency.recordResidentUsers()
        metrics.modelBytes.record(model.sharedParameterBytes)
        return starts
    }

    /// Publishes `user`'s scores again (after a restore: the checkpoint recorded them as not acknowledged).
    private func republish(_ user: String, partition: Int32) {
        guard let work = partitions[partition], makeResident(user, in: work, partition: partition) else { return }
        effects.republish(user, users: work.users, partition: partition)
    }

    /// Publishes every pending refresh of `revoked` now, so nothing of theirs waits for a window.
    func flushRefreshes(of revoked: [Int32]) {
        queue.sync {
            for partition in revoked {
                guard let work = partitions[partition] else { continue }
                for refresh in work.coalescer.drainAll() {
                    publish(refresh, partition: partition, effectRegistered: true)
                }
            }
        }
    }

    /// Outstanding (unacknowledged) effects of the given partitions.
    func outstandingEffects(of partitionsToCheck: [Int32]) -> Int {
        queue.sync { commits.outstandingEffects(of: partitionsToCheck) }
    }

    /// Gives up ownership of `revoked` and returns the offsets that may be committed for them (everything whose
    /// effects were acknowledged and, with a keeper, whose state is durable). Pending publishes of those partitions
    /// still in flight stay unacknowledged, so their events are not committed and the next owner processes them
    /// again (at-least-once).
    func release(_ revoked: [Int32]) -> [Int32: Int64] {
        queue.sync {
            var final: [Int32: Int64] = [:]
            for partition in revoked {
                if let offset = commits.release(partition) { final[partition] = offset }
                partitions.remove(partition)
                metrics.removePartition(partition)
            }
            deliveries.release(revoked)
            residency.recordResidentUsers()
            return final
        }
    }

    /// The partitions the learner owns now, sorted.
    func assignedPartitions() -> [Int32] {
        queue.sync { partitions.sorted }
    }

    /// ``assignedPartitions()`` for async callers: waits for the queue without blocking a thread.
    func assignedPartitions() async -> [Int32] {
        await onQueue { self.partitions.sorted }
    }

    /// Sets `warmstart_consumer_lag` of each owned partition from its watermarks: the high watermark minus the
    /// next offset to process (the low watermark when nothing was processed or committed yet).
    func recordLag(_ watermarks: [Int32: KafkaWatermarks]) {
        queue.async { [self] in partitions.recordWatermarks(watermarks) }
    }

    // MARK: - Events

    /// Learns a batch (in offset order per partition) and publishes what is due. Calls `done` on the queue when
    /// the batch is finished.
    ///
    /// The batch is learned in chunks of ``chunkSize`` messages, each its own job on the queue, so delivery reports,
    /// ticks (due refreshes) and scoring requests that arrive meanwhile wait for one chunk, not for the whole batch.
    func submit(_ batch: [DecodedMessage], done: @escaping @Sendable () -> Void) {
        if settings.deterministic {
            queue.async { [self] in
                partitions.buffer(batch)
                processRounds()
                done()
            }
            return
        }
        var start = 0
        repeat {
            let range = start..<min(start + Self.chunkSize, batch.count)
            let last = range.upperBound == batch.count
            queue.async { [self] in
                for index in range {
                    process(batch[index], now: PipelineClock.now())
                }
                publishDue(now: PipelineClock.now())
                residency.enforceCap()
                if last { done() }
            }
            start = range.upperBound
        } while start < batch.count
    }

    /// Deterministic mode: learns the rounds that can be formed (see ``OwnedPartitions/processRounds(_:afterRound:)``);
    /// checkpoints happen only between rounds.
    private func processRounds() {
        dispatchPrecondition(condition: .onQueue(queue))
        partitions.processRounds { decoded in
            process(decoded, now: PipelineClock.now())
        } afterRound: {
            publishDue(now: PipelineClock.now())
            residency.enforceCap()
            if checkpoints?.schedule.isDueByEventCount == true {
                checkpoint(reason: "events", synchronously: false)
            }
        }
    }

    /// One message: skipped when it was processed already, else dead-lettered or learned, and its effects
    /// (score refresh or dead letter) registered; meta-updates and checkpoints when due.
    private func process(_ decoded: DecodedMessage, now: Int64) {
        let message = decoded.message
        guard !halted, let work = partitions[message.partition] else { return }
        if let next = work.nextOffset, message.offset < next { return }
        work.nextOffset = message.offset + 1
        let token = commits.processed(partition: message.partition, offset: message.offset)
        work.metrics.eventsProcessed.increment()

        var event: InteractionEvent
        switch decoded.outcome {
        case .failure(let deadLetter):
            effects.sendDeadLetter(deadLetter, token: token)
            return
        case .success(let decodedEvent):
            event = decodedEvent
        }
        // An erased user is never in memory: only the others are looked up in the denylist.
        if let erasures, !work.users.contains(event.user), erasures.isErased(event.user) {
            metrics.erasedEventsSkipped.increment()
            return
        }
        let outcome = processor.learn(&event, from: message, users: work.users) { user in
            makeResident(user, in: work, partition: message.partition)
        }
        switch outcome {
        case .learned:
            break
        case .deadLetter(let deadLetter):
            effects.sendDeadLetter(deadLetter, token: token)
            return
        case .unreadableUser:
            return
        }
        residency.noteLearned(event.user, in: work.users)
        eventsSinceMetaUpdate += 1
        switch work.coalescer.noteEvent(event.user, token: token, consumedAt: decoded.consumedAt, now: now) {
        case .publishNow(let refresh):
            publish(refresh, partition: message.partition, effectRegistered: false)
        case .deferred(let startsPending):
            if startsPending {
                commits.addEffect(token)
            }
        }
        if let every = settings.metaUpdateEveryEvents, eventsSinceMetaUpdate >= every {
            metaUpdate()
        }
        if checkpoints?.noteLearnedEvent() == true {
            checkpoint(reason: "events", synchronously: false)
        }
    }

    /// Brings `user` into memory (see ``UserResidency/makeResident(_:in:partition:)``).
    /// - Returns: `false` when the user's state exists but cannot be read: the learner halts (see ``fatal``).
    private func makeResident(_ user: String, in work: OwnedPartition, partition: Int32) -> Bool {
        do {
            try residency.makeResident(user, in: work, partition: partition)
            return true
        } catch {
            halt(error)
            return false
        }
    }

    /// Stops learning for good: state that exists cannot be read, and guessing would break exactly-once.
    private func halt(_ error: PipelineError) {
        guard !halted else { return }
        halted = true
        logger.critical("learned state cannot be read back; stopping", metadata: ["error": "\(error)"])
        fatal(error)
    }

    // MARK: - Publishing

    /// Publishes every refresh whose window has passed, and flushes the quality tally now and then.
    private func publishDue(now: Int64) {
        dispatchPrecondition(condition: .onQueue(queue))
        partitions.forEachDueRefresh(now: now) { refresh, partition in
            publish(refresh, partition: partition, effectRegistered: true)
        }
        if processor.tally.eventCount >= 1_000 {
            metrics.flush(&processor.tally)
        }
    }

    /// Publishes a user's scores; see ``EffectPublisher/publish(_:users:effectRegistered:)``.
    private func publish(
        _ refresh: RefreshCoalescer<String, EffectToken>.Refresh, partition: Int32, effectRegistered: Bool
    ) {
        // The user may have been evicted since the event (a cap smaller than the users active in one window).
        guard let work = partitions[partition], makeResident(refresh.user, in: work, partition: partition) else {
            return
        }
        effects.publish(refresh, users: work.users, effectRegistered: effectRegistered)
    }

    /// Called by the pipeline's timer: due refreshes, time-based meta-updates, gauges.
    func tick(metaUpdateDue: Bool) {
        queue.async { [self] in
            publishDue(now: PipelineClock.now())
            // Publishing may have reloaded evicted users (their refresh came due after they were evicted).
            residency.enforceCap()
            // Private rounds run on the clock also when no event came: their timing and count are public.
            if metaUpdateDue, eventsSinceMetaUpdate > 0 || settings.privateRounds != nil {
                metaUpdate()
            }
            modelTopic.publishIfDue(now: PipelineClock.now(), model: model, output: deliveries.output)
            if settings.deterministic { processRounds() }
            if let checkpoints, checkpoints.schedule.isDueByTime(now: PipelineClock.now()) {
                checkpoint(reason: "time", synchronously: false)
            }
            metrics.flush(&processor.tally)
            residency.recordResidentUsers()
        }
    }

    /// Resends what the output refused or failed to deliver.
    func resendRefused() {
        queue.async { [self] in deliveries.resendRefused() }
    }

    /// A delivery report from the output's thread.
    func delivered(_ report: KafkaDeliveryReport) {
        // The broker acknowledged it now: event→publish latency ends here, not when the queue gets to the report.
        let acknowledgedAt = PipelineClock.now()
        queue.async { [self] in
            if let token = deliveries.delivered(report, acknowledgedAt: acknowledgedAt) {
                commits.acknowledge(token)
            }
        }
    }

    // MARK: - Erasure

    /// Takes ownership of newly assigned erasure partitions (see ``Erasures``).
    ///
    /// - Returns: where each must start: the committed offset when this state directory has a checkpoint of the
    ///   events partition of the same number; else the beginning (`-2`), so that the requests still in the topic
    ///   reach this state directory's denylist (the partition moved here, or the store was rebuilt).
    func assignErasures(_ assigned: [Int32], committed: [Int32: Int64]) -> [Int32: Int64] {
        queue.sync {
            guard let erasures else { return [:] }
            let stored = (try? keeper?.storedOffsets()) ?? [:]
            var starts: [Int32: Int64] = [:]
            for partition in assigned {
                let start = stored[partition] == nil ? nil : committed[partition].flatMap { $0 >= 0 ? $0 : nil }
                erasures.assign(partition, startOffset: start)
                starts[partition] = start ?? Self.beginningOffset
            }
            return starts
        }
    }

    /// librdkafka's logical offset of a partition's first message (`RD_KAFKA_OFFSET_BEGINNING`).
    static let beginningOffset: Int64 = -2

    /// Gives up `revoked` erasure partitions; returns the offsets that may be committed for them.
    func releaseErasures(_ revoked: [Int32]) -> [Int32: Int64] {
        queue.sync { erasures?.release(revoked) ?? [:] }
    }

    /// Handles erasure requests read from the erasure topic, in offset order per partition.
    /// - Parameter consumedAt: When the consumer handed them over (monotonic ns).
    func submitErasures(_ messages: [KafkaMessage], consumedAt: Int64 = PipelineClock.now()) {
        queue.async { [self] in
            guard !halted, let erasures else { return }
            for message in messages {
                let partition = message.partition
                let work = partitions[partition]
                erasures.handle(
                    message, consumedAt: consumedAt, work: work,
                    refreshUsers: {
                        var users = deliveries.unacknowledgedScoreUsers()[partition] ?? []
                        if let work { users.formUnion(work.coalescer.pendingUsers) }
                        return users
                    },
                    forgetDeliveries: { deliveries.forget(user: $0) },
                    clearEffect: { commits.acknowledge($0) },
                    send: { deliveries.send($0) })
            }
            residency.recordResidentUsers()
        }
    }

    /// The erasure partitions' offsets that may be committed (every request before them durable and tombstoned).
    func committableErasureOffsets() async -> [Int32: Int64] {
        await onQueue { self.halted ? [:] : self.erasures?.committableOffsets ?? [:] }
    }

    /// ``committableErasureOffsets()`` for the shutdown and revocation paths (off the queue, not async).
    func committableErasureOffsets() -> [Int32: Int64] {
        queue.sync { halted ? [:] : erasures?.committableOffsets ?? [:] }
    }

    // MARK: - Offsets

    /// The offsets that may be committed now, per partition: every effect before them acknowledged and, with a
    /// keeper, their state durable (never past the last checkpoint).
    func committableOffsets() -> [Int32: Int64] {
        queue.sync { committable() }
    }

    /// ``committableOffsets()`` for async callers.
    func committableOffsets() async -> [Int32: Int64] {
        await onQueue { self.committable() }
    }

    private func committable() -> [Int32: Int64] {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !halted else { return [:] }
        return commits.committableOffsets
    }

    // MARK: - Checkpoints

    /// Takes a checkpoint and waits until it is durable (shutdown, revocation). Called off the queue.
    func checkpointNow(reason: String) {
        dispatchPrecondition(condition: .notOnQueue(queue))
        queue.sync { checkpoint(reason: reason, synchronously: true) }
    }

    /// Takes a checkpoint if the schedule says so (see ``Checkpointer``).
    func checkpoint(reason: String, synchronously: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        // After a halt an event's offset may have been passed without learning it: nothing may become durable.
        guard let checkpoints, !halted else { return }
        // With private rounds a checkpoint drops the pending contributions instead of folding them into an extra
        // round (rounds run on the clock only), and θ as of the snapshot is released once it is durable.
        let rounds = settings.privateRounds
        var release: (message: [UInt8], round: Int)? = nil
        checkpoints.checkpoint(
            reason: reason, synchronously: synchronously,
            metaUpdatePending: model.configuration.meta.enabled && eventsSinceMetaUpdate > 0,
            foldMetaUpdate: {
                if rounds == nil {
                    metaUpdate()
                } else {
                    for partition in partitions.sorted { _ = partitions[partition]!.users.drainContributions() }
                }
            },
            deliveries: deliveries, metaGuard: { processor.metaGuard },
            snapshotTaken: {
                guard let rounds, modelTopic.isPending else { return }
                let round = model.metaUpdates
                release = (ModelTopicPublisher.message(model, privacy: rounds.report(afterRounds: round)), round)
            },
            durable: { [self] in
                // A failed write releases nothing: θ stays pending for the next checkpoint.
                guard let release else { return }
                modelTopic.release(
                    release.message, now: PipelineClock.now(), output: deliveries.output,
                    isLatest: model.metaUpdates == release.round)
            })
    }

    // MARK: - Support

    /// Runs `body` on the queue and returns its result to an async caller, without blocking a cooperative thread
    /// while earlier work on the queue finishes.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
