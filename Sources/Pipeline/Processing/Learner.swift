import Clickstream
import Dispatch
import Kafka
import Learning
import Logging
import StateStore
import Synchronization

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
/// work to the queue. Delivery reports come back through the queue too, so the offset tracker is single-owner.
final class Learner: @unchecked Sendable {
    // @unchecked: every mutable property below is touched only on `queue` (see `dispatchPrecondition`s), except
    // `inFlight`, which is an atomic.

    struct Settings: Sendable {
        var scoresTopic: String
        var deadLetterTopic: String
        var modelTopic: String
        var topK: Int
        var excludeSeen: Bool
        var coalesceWindow: Duration
        var metaUpdateEveryEvents: Int?
        var kindLabels: [String: DaemonConfiguration.KindMapping.Label]
        /// A checkpoint after this many learned events, and/or this much time (with a ``StateKeeper``).
        var checkpointEveryEvents: Int? = nil
        var checkpointInterval: Duration? = nil
        /// `learning.deterministic`: partitions are learned in rounds of ``roundQuantum`` events each, in partition
        /// order; time-based meta-updates and checkpoints are off.
        var deterministic = false
        /// `state.max_users_in_memory` (with a ``StateKeeper``): beyond it the least recently active users are
        /// evicted to the store and reloaded on their next event.
        var maxUsersInMemory: Int? = nil
        /// `state.accept_loss`: resume from checkpoints behind the group's committed offsets (see
        /// ``StateLossCheck``) instead of refusing them.
        var acceptStateLoss = false
    }

    /// Events per partition per round in deterministic mode.
    static let roundQuantum = 64

    /// What the learner owns for one assigned partition. A class: the per-event path mutates the coalescer in
    /// place (a struct copied out of the dictionary would copy the coalescer's storage on every event).
    private final class PartitionWork {
        let users: UserTable
        var coalescer: RefreshCoalescer<String, EffectToken>
        /// The next offset to process; messages below it were processed already (duplicates after a seek or a
        /// rebalance race) and are skipped.
        var nextOffset: Int64?
        let metrics: PartitionMetrics
        /// Users evicted from memory whose newest state is not in the store yet (they changed since the last
        /// checkpoint snapshot): the next checkpoint writes them; a reload takes them from here.
        var evictedUnsaved: [String: [UInt8]] = [:]
        /// The user records of the checkpoint being written, until it is durable: a user evicted meanwhile is
        /// reloaded from here (the store may not hold that state yet); if the write fails they are written again.
        var inFlightRecords: [String: [UInt8]] = [:]
        /// The removals of the checkpoint being written (recorded again if it fails).
        var inFlightRemovals: [String] = []
        /// Whether the store may hold users of this partition that are not in memory (some were evicted, or not
        /// all were restored): a user not in memory is then looked up in the store before being treated as new.
        var storeMayHoldMore = false

        init(users: UserTable, coalescer: RefreshCoalescer<String, EffectToken>, nextOffset: Int64?, metrics: PartitionMetrics) {
            self.users = users
            self.coalescer = coalescer
            self.nextOffset = nextOffset
            self.metrics = metrics
        }
    }

    /// A message handed to the producer and not yet acknowledged.
    private struct Pending {
        /// The event whose effect this is; `nil` for a score published again after a restore (its events are
        /// before the restored offsets already).
        var token: EffectToken?
        var partition: Int32
        /// The user of a score message.
        var user: String?
        var message: KafkaProducerMessage
        /// Monotonic ns of the oldest event the publish covers; 0 for dead letters.
        var earliestConsumedAt: Int64
        var isScore: Bool
    }

    let queue = DispatchQueue(label: "warmstart.learner", qos: .userInitiated)
    private let model: Recommender
    private let settings: Settings
    private let metrics: DaemonMetrics
    private let logger: Logger
    private var producer: KafkaProducer?
    private var partitions: [Int32: PartitionWork] = [:]
    private var offsets = OffsetTracker()
    private var pending: [KafkaProducerMessageID: Pending] = [:]
    /// Messages the producer refused (queue full) or failed to deliver; resent on every tick.
    private var retryLater: [Pending] = []
    private var eventsSinceMetaUpdate = 0
    /// When θ was last published to the model topic (monotonic ns), and whether a newer θ awaits publishing:
    /// meta-updates may run many times a second, the model topic gets at most one message per
    /// ``modelPublishInterval``, always the latest θ.
    private var lastModelPublish: Int64 = 0
    private var modelPublishPending = false
    static let modelPublishInterval: Int64 = 1_000_000_000
    private var tally = PrequentialTally()
    private var refreshScratch: [RefreshCoalescer<String, EffectToken>.Refresh] = []
    private let inFlightCount = Atomic<Int>(0)

    // Durable state (with a keeper).
    private let keeper: StateKeeper?
    /// Per partition, the next offset of the last durable checkpoint: commits never go past it.
    private var durableOffsets: [Int32: Int64] = [:]
    private var eventsSinceCheckpoint = 0
    private var lastCheckpoint: Int64 = PipelineClock.now()
    private var checkpointInFlight = false
    /// The model's serialized bytes, one buffer reused by every checkpoint (the write drops its reference before the
    /// next snapshot): a checkpoint then allocates no model-sized blob, and resident memory stays level.
    private var modelBuffer: [UInt8] = []
    /// The result of the checkpoint being written, set on the keeper's queue and applied on this one by
    /// ``completeCheckpointInFlight(waiting:)`` (so that a synchronous checkpoint can apply it first).
    private let writeResult = Mutex<Result<StateStore.CheckpointStats, any Error>?>(nil)
    /// Applies the result of the checkpoint being written.
    private var finishInFlight: ((Result<StateStore.CheckpointStats, any Error>) -> Void)?
    /// A checkpoint is due and waits for the next meta-update (see ``checkpoint(reason:synchronously:)``).
    private var checkpointDeferred = false
    /// Called on the queue with whether the last checkpoint succeeded (readiness, health).
    private let stateHealth: @Sendable (Bool) -> Void
    /// Called when learned state cannot be read back (an evicted user's record): the pipeline must stop rather
    /// than treat the user as new. After it, no event is learned any more.
    private let fatal: @Sendable (PipelineError) -> Void
    private var halted = false

    // Bounded memory (`state.max_users_in_memory`).
    /// Increases with every learned event: users' activity stamps, for least-recently-active eviction.
    private var activityClock: UInt64 = 0
    /// ``activityClock`` at the last checkpoint snapshot: the stored stamp of a changed user whose own stamp is
    /// unknown (evicted before the snapshot, or reloaded and not active since), who was active after it.
    private var activityAtLastSnapshot: UInt64 = 0
    private var stampScratch: [UInt64] = []

    // Deterministic mode: decoded messages wait per partition until a round can be formed.
    private var roundBuffers: [Int32: RingBuffer<DecodedMessage>] = [:]
    /// The last high watermark seen per partition (a partition whose buffered messages reach it is drained).
    private var highWatermarks: [Int32: Int64] = [:]

    init(
        model: Recommender, settings: Settings, metrics: DaemonMetrics, logger: Logger, keeper: StateKeeper? = nil,
        stateHealth: @escaping @Sendable (Bool) -> Void = { _ in },
        fatal: @escaping @Sendable (PipelineError) -> Void = { _ in }
    ) {
        self.model = model
        model.excludesSeen = settings.excludeSeen
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.keeper = keeper
        self.stateHealth = stateHealth
        self.fatal = fatal
    }

    /// Whether learned state may still be written: not after a halt (a refused store, or state that could not be
    /// read back).
    var mayWriteState: Bool { queue.sync { !halted } }

    /// Messages handed to the producer and not acknowledged yet (scores and dead letters); drives backpressure.
    var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// Attaches the producer; done once, before any event arrives.
    func attach(producer: KafkaProducer) {
        queue.sync { self.producer = producer }
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
        try queue.sync { Result { () throws(PipelineError) in try assignOnQueue(assigned, committed: committed) } }.get()
    }

    private func assignOnQueue(_ assigned: [Int32], committed: [Int32: Int64]) throws(PipelineError) -> [Int32: Int64] {
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
                let room = settings.maxUsersInMemory.map { max(0, $0 - residentUsers) } ?? .max
                restored = try keeper.restoreUsers(of: added, into: tables, limit: room)
                activityClock = max(
                    activityClock, try keeper.activityClock(), restored.values.map(\.newestStamp).max() ?? 0)
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
                durableOffsets[partition] = offset
                logger.info(
                    "restored a partition from the last checkpoint",
                    metadata: [
                        "partition": "\(partition)", "users": "\(restored[partition]?.count ?? 0)",
                        "next_offset": "\(offset)", "republish": "\(refresh.count)",
                        "all_users_in_memory": "\(complete)",
                    ])
            }
            _ = users.drainChanges()  // restored, not changed
            partitions[partition] = PartitionWork(
                users: users,
                coalescer: RefreshCoalescer(window: settings.coalesceWindow),
                nextOffset: start,
                metrics: metrics.partition(partition)
            )
            partitions[partition]!.storeMayHoldMore = !complete
            offsets.assign(partition, startOffset: start)
            if let start { starts[partition] = start }
            for user in refresh { republish(user, partition: partition) }
        }
        updateUserGauge()
        metrics.modelBytes.record(model.sharedParameterBytes)
        return starts
    }

    /// Publishes `user`'s scores again (after a restore: the checkpoint recorded them as not acknowledged).
    private func republish(_ user: String, partition: Int32) {
        guard let work = partitions[partition], makeResident(user, in: work, partition: partition),
            work.users.contains(user)
        else { return }
        guard let value = try? scoreMessage(for: user, users: work.users) else { return }
        let message = KafkaProducerMessage(topic: settings.scoresTopic, key: Array(user.utf8), value: value)
        enqueue(Pending(token: nil, partition: partition, user: user, message: message, earliestConsumedAt: 0, isScore: true))
    }

    /// Publishes every pending refresh of `revoked` now, so nothing of theirs waits for a window.
    func flushRefreshes(of revoked: [Int32]) {
        queue.sync {
            let now = PipelineClock.now()
            for partition in revoked {
                guard let work = partitions[partition] else { continue }
                let refreshes = work.coalescer.drainAll()
                for refresh in refreshes {
                    publish(refresh, partition: partition, effectRegistered: true, now: now)
                }
            }
        }
    }

    /// Outstanding (unacknowledged) effects of the given partitions.
    func outstandingEffects(of partitionsToCheck: [Int32]) -> Int {
        queue.sync {
            partitionsToCheck.reduce(0) { $0 + (offsets[partition: $1]?.outstandingEffects ?? 0) }
        }
    }

    /// Gives up ownership of `revoked` and returns the offsets that may be committed for them (everything whose
    /// effects were acknowledged and, with a keeper, whose state is durable). Pending publishes of those partitions
    /// still in flight stay unacknowledged, so their events are not committed and the next owner processes them
    /// again (at-least-once).
    func release(_ revoked: [Int32]) -> [Int32: Int64] {
        queue.sync {
            var final: [Int32: Int64] = [:]
            for partition in revoked {
                // Like every commit, never past the last durable checkpoint (the revocation's own may have failed).
                if let offset = offsets.finish(partition) {
                    final[partition] = keeper == nil ? offset : durableOffsets[partition].map { min(offset, $0) }
                }
                partitions[partition] = nil
                metrics.removePartition(partition)
            }
            pending = pending.filter { !revoked.contains($0.value.partition) }
            retryLater.removeAll { revoked.contains($0.partition) }
            for partition in revoked {
                durableOffsets[partition] = nil
                roundBuffers[partition] = nil
                highWatermarks[partition] = nil
            }
            inFlightCount.store(pending.count + retryLater.count, ordering: .relaxed)
            updateUserGauge()
            return final
        }
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
                for decoded in batch where partitions[decoded.message.partition] != nil {
                    roundBuffers[decoded.message.partition, default: RingBuffer(initialCapacity: 256)].append(decoded)
                }
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
                enforceUserCap()
                if last { done() }
            }
            start = range.upperBound
        } while start < batch.count
    }

    /// Deterministic mode: learns rounds — up to ``roundQuantum`` events of every assigned partition in partition
    /// order — while every partition has a full quantum buffered or is drained (its buffered messages reach the
    /// last high watermark seen), so the interleaving depends on the topic's content, not on fetch timing.
    /// Checkpoints happen only between rounds.
    private func processRounds() {
        dispatchPrecondition(condition: .onQueue(queue))
        let order = partitions.keys.sorted()
        while true {
            var any = false
            for partition in order {
                let buffered = roundBuffers[partition]?.count ?? 0
                if buffered >= Self.roundQuantum { any = true; continue }
                guard let work = partitions[partition], let high = highWatermarks[partition] else { return }
                let next = roundBuffers[partition]?.last.map { $0.message.offset + 1 } ?? work.nextOffset ?? 0
                if next < high { return }  // more to come: wait for it
                if buffered > 0 { any = true }
            }
            guard any else { return }
            for partition in order {
                var taken = 0
                while taken < Self.roundQuantum, let decoded = roundBuffers[partition]?.popFirst() {
                    process(decoded, now: PipelineClock.now())
                    taken += 1
                }
            }
            publishDue(now: PipelineClock.now())
            enforceUserCap()
            if let every = settings.checkpointEveryEvents, eventsSinceCheckpoint >= every {
                checkpoint(reason: "events", synchronously: false)
            }
        }
    }

    // MARK: - Bounded memory

    /// Users held in memory across all owned partitions.
    private var residentUsers: Int { partitions.values.reduce(0) { $0 + $1.users.count } }

    /// Brings `user` back into memory if they were evicted: from the eviction buffer (state newer than the last
    /// checkpoint), the checkpoint being written, or the store. A user found nowhere is new.
    /// - Returns: `false` when the user's state exists but cannot be read (the learner halts: see ``fatal``).
    private func makeResident(_ user: String, in work: PartitionWork, partition: Int32) -> Bool {
        if work.users.contains(user) { return true }
        var bytes: [UInt8]?
        var changed = false
        if let unsaved = work.evictedUnsaved.removeValue(forKey: user) {
            bytes = unsaved
            changed = true
            metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
        } else if let writing = work.inFlightRecords[user] {
            bytes = writing
        } else if work.storeMayHoldMore, let keeper {
            do {
                bytes = try keeper.loadUser(user, of: partition)
            } catch {
                halt(error)
                return false
            }
        }
        guard let bytes else { return true }
        do {
            try work.users.importUser(user, bytes: bytes, changed: changed)
        } catch {
            halt(
                PipelineError(
                    code: .stateUnusable,
                    message: "cannot reload user \(user) of partition \(partition): \(error)"))
            return false
        }
        metrics.usersReloaded.increment()
        return true
    }

    private var evictedUnsavedCount: Int { partitions.values.reduce(0) { $0 + $1.evictedUnsaved.count } }

    /// Stops learning for good: state that exists cannot be read, and guessing would break exactly-once.
    private func halt(_ error: PipelineError) {
        guard !halted else { return }
        halted = true
        logger.critical("learned state cannot be read back; stopping", metadata: ["error": "\(error)"])
        fatal(error)
    }

    /// Above `state.max_users_in_memory`, evicts the least recently active users down to 95% of the cap (a batch, so
    /// that the selection runs once per 5% of the cap's worth of new users, not per event). A user changed since
    /// the last checkpoint snapshot keeps its serialized state in ``PartitionWork/evictedUnsaved`` until the next
    /// checkpoint writes it; the others are in the store (or in the checkpoint being written) already.
    private func enforceUserCap() {
        guard let cap = settings.maxUsersInMemory, keeper != nil else { return }
        let resident = residentUsers
        guard resident > cap else { return }
        let excess = resident - (cap - cap / 20)
        stampScratch.removeAll(keepingCapacity: true)
        for work in partitions.values { work.users.appendActivityStamps(to: &stampScratch) }
        stampScratch.sort()
        let threshold = stampScratch[excess - 1]
        var equalAllowance = excess - stampScratch.prefix(excess).firstIndex(of: threshold)!
        var evicted = 0
        for partition in partitions.keys.sorted() {
            let work = partitions[partition]!
            let n = work.users.evictLeastActive(below: threshold, equalAllowance: &equalAllowance) { user, bytes, changed in
                if changed { work.evictedUnsaved[user] = bytes }
            }
            if n > 0 { work.storeMayHoldMore = true }
            evicted += n
        }
        metrics.usersEvicted.increment(by: evicted)
        metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
        updateUserGauge()
    }

    /// Messages learned per queue job (see ``submit(_:done:)``).
    static let chunkSize = 128

    private func process(_ decoded: DecodedMessage, now: Int64) {
        let message = decoded.message
        guard !halted, let work = partitions[message.partition] else { return }
        if let next = work.nextOffset, message.offset < next { return }
        work.nextOffset = message.offset + 1
        let token = offsets.processed(partition: message.partition, offset: message.offset)
        work.metrics.eventsProcessed.increment()

        switch decoded.outcome {
        case .failure(let deadLetter):
            sendDeadLetter(deadLetter, token: token)
        case .success(var event):
            switch settings.kindLabels[event.kind] {
            case .constant(let value):
                event.value = value
            case .eventValue where event.value == nil:
                sendDeadLetter(
                    DeadLetter(
                        source: message, reason: .processingFailed,
                        error: "a \"\(event.kind)\" event is learned from its value, and it has none",
                        failedAt: PipelineClock.epochMilliseconds()),
                    token: token
                )
                return
            case .eventValue, nil:
                break
            }
            guard makeResident(event.user, in: work, partition: message.partition) else { return }
            let userEvents = work.users.eventCount(of: event.user) + 1
            let encoded: EncodedEvent
            do {
                encoded = try model.encode(event, users: work.users)
            } catch {
                sendDeadLetter(
                    DeadLetter(
                        source: message, reason: .processingFailed, error: "\(error)",
                        failedAt: PipelineClock.epochMilliseconds()),
                    token: token
                )
                return
            }
            learnAndRecord(encoded, event: event, userEvents: userEvents, users: work.users)
            activityClock &+= 1
            work.users.noteActive(event.user, stamp: activityClock)
            eventsSinceMetaUpdate += 1
            switch work.coalescer.noteEvent(event.user, token: token, consumedAt: decoded.consumedAt, now: now) {
            case .publishNow(let refresh):
                publish(refresh, partition: message.partition, effectRegistered: false, now: now)
            case .deferred(let startsPending):
                if startsPending {
                    offsets.addEffect(token)
                }
            }
            if let every = settings.metaUpdateEveryEvents, eventsSinceMetaUpdate >= every {
                metaUpdate()
            }
            eventsSinceCheckpoint += 1
            if !settings.deterministic, let every = settings.checkpointEveryEvents, eventsSinceCheckpoint >= every {
                checkpoint(reason: "events", synchronously: false)
            }
        }
    }

    /// Learns the event, and records the prequential outcome (scored before it was learned).
    private func learnAndRecord(_ encoded: EncodedEvent, event: InteractionEvent, userEvents: Int, users: UserTable) {
        let bucket = ColdStartBucket(userEventNumber: userEvents)
        // Users held out of meta-learning (learning.meta.holdout_share) are the live control arm.
        let variant: PrequentialVariant = model.isHoldout(encoded, users: users) ? .noMeta : .meta
        if model.configuration.objective == .ranking {
            // Full retrieval ranks the whole catalogue while learning; candidate retrieval ranks the candidates,
            // i.e. what the user's published top-K would have shown just before this event. A repeat (an item the
            // user has seen, while served lists leave seen items out) could not have been shown: not scored.
            let repeated = model.isRepeat(encoded, users: users)
            let fullRank = model.learn(encoded, users: users)
            let rank = model.usesCandidates ? model.lastServedRank : fullRank
            tally.record(
                bucket: bucket, variant: variant, hit: repeated ? nil : rank.map { $0 < 10 } ?? false,
                isRepeat: repeated)
        } else {
            let predicted = model.predictRating(encoded, users: users)
            model.learn(encoded, users: users)
            if let actual = event.value {
                let error = predicted - actual
                tally.record(bucket: bucket, variant: variant, hit: nil, squaredError: error * error)
            }
        }
    }

    // MARK: - Publishing

    /// Publishes every refresh whose window has passed, and flushes the quality tally now and then.
    func publishDue(now: Int64) {
        dispatchPrecondition(condition: .onQueue(queue))
        for partition in partitions.keys.sorted() {
            guard let work = partitions[partition] else { continue }
            work.coalescer.due(now: now, into: &refreshScratch)
            for refresh in refreshScratch {
                publish(refresh, partition: partition, effectRegistered: true, now: now)
            }
            refreshScratch.removeAll(keepingCapacity: true)
        }
        if tally.eventCount >= 1_000 {
            metrics.flush(&tally)
        }
    }

    /// Called by the pipeline's timer: due refreshes, time-based meta-updates, gauges.
    func tick(metaUpdateDue: Bool) {
        queue.async { [self] in
            publishDue(now: PipelineClock.now())
            // Publishing may have reloaded evicted users (their refresh came due after they were evicted).
            enforceUserCap()
            if metaUpdateDue, eventsSinceMetaUpdate > 0 {
                metaUpdate()
            }
            publishModelIfDue(now: PipelineClock.now())
            if settings.deterministic { processRounds() }
            if !settings.deterministic, let interval = settings.checkpointInterval, eventsSinceCheckpoint > 0,
                PipelineClock.now() - lastCheckpoint >= PipelineClock.nanoseconds(interval)
            {
                checkpoint(reason: "time", synchronously: false)
            }
            metrics.flush(&tally)
            updateUserGauge()
        }
    }

    /// Publishes a user's scores.
    ///
    /// - Parameter effectRegistered: Whether the publish is already an effect of `refresh.token` — true for a
    ///   coalesced refresh (registered when it started pending), false for a leading-edge publish.
    private func publish(
        _ refresh: RefreshCoalescer<String, EffectToken>.Refresh, partition: Int32, effectRegistered: Bool, now: Int64
    ) {
        guard let work = partitions[partition] else { return }
        // The user may have been evicted since the event (a cap smaller than the users active in one window).
        guard makeResident(refresh.user, in: work, partition: partition) else { return }
        let value: [UInt8]
        do {
            value = try scoreMessage(for: refresh.user, users: work.users)
        } catch {
            logger.error("cannot encode scores", metadata: ["user": "\(refresh.user)", "error": "\(error)"])
            // Nothing will be published for it: clear the registered effect so the partition's commit moves on.
            if effectRegistered { offsets.acknowledge(refresh.token) }
            return
        }
        let message = KafkaProducerMessage(
            topic: settings.scoresTopic, key: Array(refresh.user.utf8), value: value)
        send(
            message, token: refresh.token, effectRegistered: effectRegistered,
            earliestConsumedAt: refresh.earliestConsumedAt, user: refresh.user)
    }

    /// The user's score message: top-K with the user's current weights.
    private func scoreMessage(for user: String, users: UserTable) throws -> [UInt8] {
        let top = model.topK(user: user, k: settings.topK, excludingSeen: settings.excludeSeen, users: users)
        let score = ScoreMessage(
            user: user,
            items: top.map { ScoredItem(item: $0.item, score: Double($0.score)) },
            modelVersion: model.metaUpdates,
            userEvents: users.eventCount(of: user),
            updatedAt: PipelineClock.epochMilliseconds()
        )
        // A fresh array per message: the producer message keeps it while in flight, so a reused scratch buffer
        // would be copied on the next write anyway.
        return try score.encoded()
    }

    private func sendDeadLetter(_ deadLetter: DeadLetter, token: EffectToken) {
        metrics.deadLetter(deadLetter.reason).increment()
        logger.warning(
            "dead-lettered a message",
            metadata: [
                "reason": "\(deadLetter.reason)", "error": "\(deadLetter.error)",
                "source": "\(deadLetter.sourceTopic)[\(deadLetter.sourcePartition)]@\(deadLetter.sourceOffset)",
            ]
        )
        send(
            deadLetter.producerMessage(topic: settings.deadLetterTopic), token: token, effectRegistered: false,
            earliestConsumedAt: 0, user: nil)
    }

    /// Hands a message to the producer and registers it as an effect of `token`'s event. The producer's own
    /// queue is bounded by backpressure (consumption pauses above `publish.max_in_flight`), so a full queue here
    /// is a transient condition; the message stays pending and is retried on the next tick.
    private func send(
        _ message: KafkaProducerMessage, token: EffectToken, effectRegistered: Bool, earliestConsumedAt: Int64,
        user: String?
    ) {
        // One effect per message: a coalesced refresh registered its effect when it started pending.
        if !effectRegistered { offsets.addEffect(token) }
        enqueue(
            Pending(
                token: token, partition: token.partition, user: user, message: message,
                earliestConsumedAt: earliestConsumedAt, isScore: user != nil))
    }

    /// Hands a message to the producer, or keeps it for a retry when the producer's queue is full.
    private func enqueue(_ entry: Pending) {
        let message = entry.message
        guard let producer else { return }
        do {
            let id = try producer.trySend(message)
            pending[id] = entry
        } catch {
            retryLater.append(entry)
        }
        inFlightCount.store(pending.count + retryLater.count, ordering: .relaxed)
    }

    /// Resends what the producer refused or failed to deliver.
    func resendRefused() {
        queue.async { [self] in
            guard let producer, !retryLater.isEmpty else { return }
            var still: [Pending] = []
            for entry in retryLater {
                if let id = try? producer.trySend(entry.message) {
                    pending[id] = entry
                } else {
                    still.append(entry)
                }
            }
            retryLater = still
            inFlightCount.store(pending.count + retryLater.count, ordering: .relaxed)
        }
    }

    /// A delivery report from the producer's thread.
    func delivered(_ report: KafkaDeliveryReport) {
        // The broker acknowledged it now: event→publish latency ends here, not when the queue gets to the report.
        let acknowledgedAt = PipelineClock.now()
        queue.async { [self] in
            guard let entry = pending.removeValue(forKey: report.id) else { return }
            switch report.status {
            case .acknowledged:
                if let token = entry.token { _ = offsets.acknowledge(token) }
                if entry.isScore {
                    metrics.scoresPublished.increment()
                    if entry.earliestConsumedAt > 0 {
                        metrics.observeEventToPublish(nanoseconds: acknowledgedAt - entry.earliestConsumedAt)
                    }
                }
            case .failed(let error):
                metrics.publishFailures.increment()
                logger.warning(
                    "publish failed; retrying",
                    metadata: ["topic": "\(report.topic)", "error": "\(error)"]
                )
                retryLater.append(entry)
            }
            inFlightCount.store(pending.count + retryLater.count, ordering: .relaxed)
        }
    }

    // MARK: - Meta-update and offsets

    /// Folds what every partition's inner loops learned into the shared initialization, in partition order (so the
    /// result does not depend on timing), and publishes the new initialization to the model topic.
    private func metaUpdate() {
        dispatchPrecondition(condition: .onQueue(queue))
        eventsSinceMetaUpdate = 0
        var contributions: [MetaContribution] = []
        for partition in partitions.keys.sorted() {
            contributions += partitions[partition]!.users.drainContributions()
        }
        if !contributions.isEmpty {
            model.metaUpdate(contributions)
            metrics.metaUpdates.increment()
            metrics.modelVersion.record(model.metaUpdates)
            modelPublishPending = true
            publishModelIfDue(now: PipelineClock.now())
        }
        if checkpointDeferred { checkpoint(reason: "after a meta-update", synchronously: false) }
    }

    /// Publishes θ now if a meta-update happened since the last publish (at shutdown).
    func publishLatestModel() {
        queue.sync {
            guard modelPublishPending else { return }
            lastModelPublish = PipelineClock.now()
            modelPublishPending = false
            publishModel()
        }
    }

    /// Publishes the latest θ if a meta-update happened since the last publish and the interval has passed.
    private func publishModelIfDue(now: Int64) {
        guard modelPublishPending, now - lastModelPublish >= Self.modelPublishInterval else { return }
        lastModelPublish = now
        modelPublishPending = false
        publishModel()
    }

    /// The shared initialization θ as JSON on the compacted model topic, keyed `initialization`.
    private func publishModel() {
        guard let producer else { return }
        var json = "{\"model_version\":\(model.metaUpdates),\"events_learned\":\(model.eventsLearned),"
        json += "\"updated_at\":\(PipelineClock.epochMilliseconds()),"
        json += "\"objective\":\"\(model.configuration.objective)\","
        json += "\"theta\":[" + model.metaParameters.map { "\($0.isFinite ? $0 : 0)" }.joined(separator: ",") + "]}"
        let message = KafkaProducerMessage(
            topic: settings.modelTopic, key: Array("initialization".utf8), value: Array(json.utf8))
        // Not an effect of any event: losing one model message only delays readers until the next meta-update.
        _ = try? producer.trySend(message)
    }

    /// The partitions the learner owns now, sorted.
    func assignedPartitions() -> [Int32] {
        queue.sync { partitions.keys.sorted() }
    }

    /// ``assignedPartitions()`` for async callers: waits for the queue without blocking a thread.
    func assignedPartitions() async -> [Int32] {
        await onQueue { self.partitions.keys.sorted() }
    }

    /// Runs `body` on the queue and returns its result to an async caller, without blocking a cooperative thread
    /// while earlier work on the queue finishes.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    /// Sets `warmstart_consumer_lag` of each owned partition from its watermarks: the high watermark minus the
    /// next offset to process (the low watermark when nothing was processed or committed yet).
    func recordLag(_ watermarks: [Int32: KafkaWatermarks]) {
        queue.async { [self] in
            for (partition, marks) in watermarks {
                guard let work = partitions[partition] else { continue }
                highWatermarks[partition] = marks.high
                let next = work.nextOffset ?? marks.low
                work.metrics.consumerLag.record(max(0, marks.high - next))
            }
        }
    }

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
        let acknowledged = offsets.committableOffsets
        guard keeper != nil else { return acknowledged }
        var out: [Int32: Int64] = [:]
        for (partition, offset) in acknowledged {
            if let durable = durableOffsets[partition] { out[partition] = min(offset, durable) }
        }
        return out
    }

    // MARK: - Checkpoints

    /// Takes a checkpoint and waits until it is durable (shutdown, revocation). Called off the queue.
    func checkpointNow(reason: String) {
        dispatchPrecondition(condition: .notOnQueue(queue))
        queue.sync { checkpoint(reason: reason, synchronously: true) }
    }

    /// Snapshots the learned state on the queue — consistent: between two events — and writes it: the changed
    /// users of every partition, the shared model (the store writes only its changed chunks), each partition's
    /// next offset, and the users whose latest scores are not acknowledged yet (published again after a restore).
    ///
    /// The snapshot holds no pending meta-update contributions: a due checkpoint waits for the next meta-update
    /// (at most `metaupdate.every_events` events), so meta-updates keep their cadence; a checkpoint that cannot
    /// wait (shutdown, revocation, deterministic rounds, or no event-count trigger) folds them in with a
    /// meta-update of its own.
    ///
    /// In deterministic mode the write is synchronous: a checkpoint must never be skipped or delayed because the
    /// previous write is still running, or its position (and the meta-update it folds in) would depend on timing.
    private func checkpoint(reason: String, synchronously: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        // After a halt an event's offset may have been passed without learning it: nothing may become durable.
        guard let keeper, !halted else { return }
        let synchronously = synchronously || settings.deterministic
        if checkpointInFlight && !synchronously { return }
        // One checkpoint at a time: a synchronous one first applies the result of the one being written, so that a
        // failure is known (and its users queued again) before the next snapshot is taken.
        if checkpointInFlight { completeCheckpointInFlight(waiting: true) }
        if !synchronously, model.configuration.meta.enabled, eventsSinceMetaUpdate > 0,
            settings.metaUpdateEveryEvents != nil
        {
            checkpointDeferred = true
            return
        }
        checkpointDeferred = false
        if model.configuration.meta.enabled, eventsSinceMetaUpdate > 0 { metaUpdate() }
        let started = PipelineClock.now()
        var snapshot = StateStore.Checkpoint()
        var refresh: [Int32: Set<String>] = [:]
        for entry in pending.values where entry.isScore { if let user = entry.user { refresh[entry.partition, default: []].insert(user) } }
        for entry in retryLater where entry.isScore { if let user = entry.user { refresh[entry.partition, default: []].insert(user) } }
        for partition in partitions.keys.sorted() {
            let work = partitions[partition]!
            let key = keeper.partition(partition)
            let changes = work.users.drainChanges()
            // The changed users in memory and those evicted since the last snapshot (disjoint: a reload takes a
            // user out of the eviction buffer).
            var records = changes.changed.map { change in
                let stamp = work.users.activityStamp(of: change.user) ?? 0
                return StateStore.UserRecord(
                    id: change.user, state: change.bytes, lastActive: stamp > 0 ? stamp : activityAtLastSnapshot)
            }
            if !work.evictedUnsaved.isEmpty {
                records += work.evictedUnsaved.map {
                    StateStore.UserRecord(id: $0.key, state: $0.value, lastActive: activityAtLastSnapshot)
                }
                records.sort { $0.id < $1.id }
                work.evictedUnsaved = [:]
            }
            snapshot.users[key] = records
            work.inFlightRecords = Dictionary(records.map { ($0.id, $0.state) }, uniquingKeysWith: { _, new in new })
            work.inFlightRemovals = changes.removed
            if !changes.removed.isEmpty { snapshot.removedUsers[key] = changes.removed }
            if let next = work.nextOffset { snapshot.nextOffsets[key] = next }
            refresh[partition, default: []].formUnion(work.coalescer.pendingUsers)
            let users = refresh[partition, default: []].sorted().joined(separator: "\n")
            snapshot.meta[StateKeeper.refreshKey(partition)] = Array(users.utf8)
        }
        snapshot.meta[StateKeeper.activityClockKey] = StateKeeper.encodeActivityClock(activityClock)
        activityAtLastSnapshot = activityClock
        do {
            try model.serialize(into: &modelBuffer)
            snapshot.model = modelBuffer
        } catch {
            logger.error("cannot serialize the model for a checkpoint", metadata: ["error": "\(error)"])
            return
        }
        metrics.usersEvictedUnsaved.record(0)
        metrics.modelBytes.record(model.sharedParameterBytes)
        let snapshotNanoseconds = PipelineClock.now() - started
        eventsSinceCheckpoint = 0
        lastCheckpoint = started
        let offsetsAtCheckpoint = snapshot.nextOffsets
        let finish: @Sendable (Result<StateStore.CheckpointStats, any Error>) -> Void = { [self] result in
            switch result {
            case .success(let stats):
                for (key, offset) in offsetsAtCheckpoint where partitions[key.partition] != nil {
                    durableOffsets[key.partition] = offset
                }
                for work in partitions.values {
                    work.inFlightRecords = [:]
                    work.inFlightRemovals = []
                }
                metrics.checkpoints.increment()
                metrics.checkpointSeconds.record(Double(snapshotNanoseconds) / 1e9 + Double(stats.duration.components.seconds) + Double(stats.duration.components.attoseconds) / 1e18)
                metrics.checkpointPauseSeconds.record(Double(snapshotNanoseconds) / 1e9)
                stateHealth(true)
                logger.debug(
                    "checkpoint written",
                    metadata: ["reason": "\(reason)", "stats": "\(stats)", "snapshot_ms": "\(snapshotNanoseconds / 1_000_000)"])
            case .failure(let error):
                // Nothing is acknowledged past the last durable checkpoint; the next one writes this one's users
                // and removals again.
                requeueInFlightRecords()
                // Its events are still not durable: keep the time trigger armed, so that the retry comes one
                // `state.checkpoint_ms` later even when no further event arrives.
                eventsSinceCheckpoint = max(eventsSinceCheckpoint, 1)
                metrics.checkpointFailures.increment()
                stateHealth(false)
                logger.error(
                    "checkpoint failed: offsets are not committed past the last durable checkpoint; retrying",
                    metadata: ["reason": "\(reason)", "error": "\(error)"])
            }
        }
        if synchronously {
            finish(Result { try keeper.writeNow(snapshot) })
        } else {
            checkpointInFlight = true
            finishInFlight = finish
            keeper.write(snapshot) { [self] result in
                writeResult.withLock { $0 = result }
                queue.async { self.completeCheckpointInFlight(waiting: false) }
            }
        }
    }

    /// Applies the result of the checkpoint being written, if it is known (after waiting for the write when
    /// `waiting`).
    private func completeCheckpointInFlight(waiting: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard checkpointInFlight, let finish = finishInFlight else { return }
        if waiting { keeper?.waitForWrites() }
        guard let result = writeResult.withLock({ value in defer { value = nil }; return value }) else { return }
        checkpointInFlight = false
        finishInFlight = nil
        finish(result)
    }

    /// After a failed checkpoint: its users are written again by the next one — those in memory are marked
    /// changed, the others (evicted meanwhile) go back to the eviction buffer unless a newer state is there — and
    /// its removals are recorded again.
    private func requeueInFlightRecords() {
        for work in partitions.values {
            for (user, bytes) in work.inFlightRecords where !work.users.markChanged(user) {
                if work.evictedUnsaved[user] == nil { work.evictedUnsaved[user] = bytes }
            }
            for user in work.inFlightRemovals { work.users.markRemoved(user) }
            work.inFlightRecords = [:]
            work.inFlightRemovals = []
        }
        metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
    }

    private func updateUserGauge() {
        metrics.usersInMemory.record(partitions.values.reduce(0) { $0 + $1.users.count })
    }
}
