import Dispatch
import Learning
import Logging
import StateStore
import Synchronization

/// The learner's checkpoints: consistent snapshots of the learned state, written by the ``StateKeeper`` and
/// applied when they are durable.
///
/// A snapshot is taken on the ``Learner``'s queue — between two events — and holds the changed users of every
/// owned partition (``UserResidency/checkpointRecords(of:)``), the shared model (the store writes only its changed
/// chunks), each partition's next offset, and the users whose latest scores are not acknowledged yet (published
/// again after a restore). It is written on the keeper's queue; once it is durable, commits may go up to its
/// offsets (``CommitGate/checkpointDurable(_:)``); if the write fails, its users are queued for the next one.
/// When to take one is the ``CheckpointSchedule``'s decision.
final class Checkpointer: @unchecked Sendable {
    // @unchecked: every mutable property is touched only on `queue`, the learner's; the keeper's completion only
    // sets the Mutex-protected `writeResult` and submits the rest to `queue`.

    private let keeper: StateKeeper
    private let queue: DispatchQueue
    private let partitions: OwnedPartitions
    private let residency: UserResidency
    private let commits: CommitGate
    private let model: Recommender
    private let metrics: DaemonMetrics
    private let logger: Logger
    /// Called on the queue with whether the last checkpoint succeeded (readiness, health).
    private let stateHealth: @Sendable (Bool) -> Void
    private(set) var schedule: CheckpointSchedule
    /// The model's serialized bytes, one buffer reused by every checkpoint (the write drops its reference before the
    /// next snapshot): a checkpoint then allocates no model-sized blob, and resident memory stays level.
    private var modelBuffer: [UInt8] = []
    /// Applies the result of the checkpoint being written; `nil` when none is.
    private var finishInFlight: ((Result<StateStore.CheckpointStats, any Error>) -> Void)?
    /// The result of the checkpoint being written, set on the keeper's queue and applied on this one by
    /// ``completeWriteInFlight(waiting:)`` (so that a synchronous checkpoint can apply it first).
    private let writeResult = Mutex<Result<StateStore.CheckpointStats, any Error>?>(nil)

    init(
        keeper: StateKeeper, queue: DispatchQueue, schedule: CheckpointSchedule, partitions: OwnedPartitions,
        residency: UserResidency, commits: CommitGate, model: Recommender, metrics: DaemonMetrics, logger: Logger,
        stateHealth: @escaping @Sendable (Bool) -> Void
    ) {
        self.keeper = keeper
        self.queue = queue
        self.schedule = schedule
        self.partitions = partitions
        self.residency = residency
        self.commits = commits
        self.model = model
        self.metrics = metrics
        self.logger = logger
        self.stateHealth = stateHealth
    }

    /// Counts a learned event; see ``CheckpointSchedule/noteLearnedEvent()``.
    func noteLearnedEvent() -> Bool { schedule.noteLearnedEvent() }

    /// Takes a checkpoint now if the ``CheckpointSchedule`` says so.
    ///
    /// - Parameters:
    ///   - synchronously: Wait until it is durable (shutdown, revocation); always so in deterministic mode.
    ///   - metaUpdatePending: Meta-learning is on and events were learned since the last meta-update.
    ///   - foldMetaUpdate: Runs a meta-update, so that the snapshot holds no pending contributions.
    ///   - deliveries: Where the unacknowledged score messages are.
    ///   - metaGuard: The live check of meta-learning, stored with the checkpoint.
    ///   - snapshotTaken: Runs right after the snapshot, on the queue (nothing learned since).
    ///   - durable: Runs on the queue once the checkpoint is durable.
    func checkpoint(
        reason: String, synchronously: Bool, metaUpdatePending: Bool, foldMetaUpdate: () -> Void,
        deliveries: DeliveryTracker, metaGuard: () -> MetaGuard?, snapshotTaken: () -> Void = {},
        durable: @escaping () -> Void = {}
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let decision = schedule.decide(
            synchronously: synchronously, writeInFlight: finishInFlight != nil, metaUpdatePending: metaUpdatePending)
        guard case .take(let synchronously, let awaitingWriteInFlight) = decision else { return }
        if awaitingWriteInFlight { completeWriteInFlight(waiting: true) }
        if metaUpdatePending { foldMetaUpdate() }

        let started = PipelineClock.now()
        guard var snapshot = takeSnapshot(deliveries: deliveries) else {
            // Nothing was drained: the next checkpoint takes every change since the last durable one.
            schedule.writeFailed()
            metrics.checkpointFailures.increment()
            stateHealth(false)
            return
        }
        if let counts = metaGuard() { snapshot.meta[StateKeeper.metaGuardKey] = counts.serialized() }
        snapshotTaken()
        let snapshotNanoseconds = PipelineClock.now() - started
        schedule.snapshotTaken(at: started)
        var offsetsAtCheckpoint: [Int32: Int64] = [:]
        for (key, offset) in snapshot.nextOffsets { offsetsAtCheckpoint[key.partition] = offset }
        let finish: (Result<StateStore.CheckpointStats, any Error>) -> Void = { [self] result in
            switch result {
            case .success(let stats):
                commits.checkpointDurable(offsetsAtCheckpoint)
                durable()
                residency.checkpointWritten()
                metrics.checkpoints.increment()
                let pauseSeconds = Double(snapshotNanoseconds) / 1e9
                let (seconds, attoseconds) = stats.duration.components
                metrics.checkpointSeconds.record(pauseSeconds + Double(seconds) + Double(attoseconds) / 1e18)
                metrics.checkpointPauseSeconds.record(pauseSeconds)
                stateHealth(true)
                logger.debug(
                    "checkpoint written",
                    metadata: [
                        "reason": "\(reason)", "stats": "\(stats)",
                        "snapshot_ms": "\(snapshotNanoseconds / 1_000_000)",
                    ])
            case .failure(let error):
                // Nothing is acknowledged past the last durable checkpoint; the next one writes this one's users
                // and removals again.
                residency.checkpointFailed()
                schedule.writeFailed()
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
            finishInFlight = finish
            keeper.write(snapshot) { [self] result in
                writeResult.withLock { $0 = result }
                queue.async { self.completeWriteInFlight(waiting: false) }
            }
        }
    }

    /// The snapshot of everything learned so far; `nil` when the model cannot be serialized, in which case nothing
    /// is drained (the model is serialized first: the users' changes stay marked for the next checkpoint).
    private func takeSnapshot(deliveries: DeliveryTracker) -> StateStore.Checkpoint? {
        var snapshot = StateStore.Checkpoint()
        do {
            try model.serialize(into: &modelBuffer)
            snapshot.model = modelBuffer
        } catch {
            logger.error("cannot serialize the model for a checkpoint", metadata: ["error": "\(error)"])
            return nil
        }
        var refresh = deliveries.unacknowledgedScoreUsers()
        for partition in partitions.sorted {
            let work = partitions[partition]!
            let key = keeper.partition(partition)
            let (records, removed) = residency.checkpointRecords(of: work)
            snapshot.users[key] = records
            if !removed.isEmpty { snapshot.removedUsers[key] = removed }
            if let next = work.nextOffset { snapshot.nextOffsets[key] = next }
            refresh[partition, default: []].formUnion(work.coalescer.pendingUsers)
            let users = refresh[partition, default: []].sorted().joined(separator: "\n")
            snapshot.meta[StateKeeper.refreshKey(partition)] = Array(users.utf8)
        }
        snapshot.meta[StateKeeper.activityClockKey] = StateKeeper.encodeActivityClock(residency.snapshotTaken())
        metrics.usersEvictedUnsaved.record(0)
        metrics.modelBytes.record(model.sharedParameterBytes)
        return snapshot
    }

    /// Applies the result of the checkpoint being written, if it is known (after waiting for the write when
    /// `waiting`).
    func completeWriteInFlight(waiting: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let finish = finishInFlight else { return }
        if waiting { keeper.waitForWrites() }
        guard
            let result = writeResult.withLock({ value in
                defer { value = nil }
                return value
            })
        else { return }
        finishInFlight = nil
        finish(result)
    }
}
