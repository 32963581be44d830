import Learning
import StateStore

/// What ``UserResidency`` keeps for one owned partition: its users out of memory whose newest state the store
/// may not hold yet.
final class PartitionResidency {
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
}

/// Which users are held in memory (`state.max_users_in_memory`): eviction of the least recently active users
/// above the cap, and their reload on their next event or publish.
///
/// Recency is an *activity clock* that increases with every learned event; each user in memory carries the stamp
/// of its last event, and the store keeps it with the user's record, so that eviction after a restart keeps
/// following recency. A user's newest state is never only in a place a reload does not look: in memory, in its
/// partition's ``PartitionResidency`` (evicted since the last checkpoint snapshot, or in the checkpoint being
/// written), or in the store.
///
/// Without a cap (or without a ``StateKeeper``) every user stays in memory and only the activity stamps are kept.
/// Not thread-safe: the ``Learner``'s queue owns it.
final class UserResidency {
    private let partitions: OwnedPartitions
    private let keeper: StateKeeper?
    /// `state.max_users_in_memory`; enforced only with a keeper (an evicted user must have somewhere to go).
    private let cap: Int?
    private let metrics: DaemonMetrics
    /// Increases with every learned event: users' activity stamps, for least-recently-active eviction.
    private(set) var activityClock: UInt64 = 0
    /// ``activityClock`` at the last checkpoint snapshot: the stored stamp of a changed user whose own stamp is
    /// unknown (evicted before the snapshot, or reloaded and not active since), who was active after it.
    private var activityAtLastSnapshot: UInt64 = 0
    /// Reused by ``enforceCap()``.
    private var stampScratch: [UInt64] = []

    init(partitions: OwnedPartitions, keeper: StateKeeper?, cap: Int?, metrics: DaemonMetrics) {
        self.partitions = partitions
        self.keeper = keeper
        self.cap = cap
        self.metrics = metrics
    }

    // MARK: - Restoring and learning

    /// How many users a restore of newly assigned partitions may load: what the cap leaves, or all.
    var roomForRestore: Int { cap.map { max(0, $0 - partitions.residentUsers) } ?? .max }

    /// Continues the activity clock after a restore: past the stored clock and every restored user's stamp.
    func continueClock(stored: UInt64, newestRestored: UInt64) {
        activityClock = max(activityClock, stored, newestRestored)
    }

    /// Stamps `user` active now (after learning one of its events).
    func noteLearned(_ user: String, in users: UserTable) {
        activityClock &+= 1
        users.noteActive(user, stamp: activityClock)
    }

    // MARK: - Reload

    /// Brings `user` back into memory if they were evicted: from the eviction buffer (state newer than the last
    /// checkpoint), the checkpoint being written, or the store. A user found nowhere is new.
    ///
    /// - Throws: ``PipelineError/Code/stateUnusable`` when the user's state exists but cannot be read: the learner
    ///   must stop rather than treat the user as new.
    func makeResident(_ user: String, in work: OwnedPartition, partition: Int32) throws(PipelineError) {
        if work.users.contains(user) { return }
        let residency = work.residency
        var bytes: [UInt8]?
        var changed = false
        if let unsaved = residency.evictedUnsaved.removeValue(forKey: user) {
            bytes = unsaved
            changed = true
            metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
        } else if let writing = residency.inFlightRecords[user] {
            bytes = writing
        } else if residency.storeMayHoldMore, let keeper {
            bytes = try keeper.loadUser(user, of: partition)
        }
        guard let bytes else { return }
        do {
            try work.users.importUser(user, bytes: bytes, changed: changed)
        } catch {
            throw PipelineError(
                code: .stateUnusable, message: "cannot reload user \(user) of partition \(partition): \(error)")
        }
        metrics.usersReloaded.increment()
    }

    // MARK: - Eviction

    /// Above the cap, evicts the least recently active users down to 95% of it (a batch, so that the selection
    /// runs once per 5% of the cap's worth of new users, not per event). A user changed since the last checkpoint
    /// snapshot keeps its serialized state in ``PartitionResidency/evictedUnsaved`` until the next checkpoint
    /// writes it; the others are in the store (or in the checkpoint being written) already.
    func enforceCap() {
        guard let cap, keeper != nil else { return }
        let resident = partitions.residentUsers
        guard resident > cap else { return }
        let excess = resident - (cap - cap / 20)
        stampScratch.removeAll(keepingCapacity: true)
        for work in partitions.all { work.users.appendActivityStamps(to: &stampScratch) }
        stampScratch.sort()
        let threshold = stampScratch[excess - 1]
        var equalAllowance = excess - stampScratch.prefix(excess).firstIndex(of: threshold)!
        var evicted = 0
        for partition in partitions.sorted {
            let work = partitions[partition]!
            let residency = work.residency
            let n = work.users.evictLeastActive(below: threshold, equalAllowance: &equalAllowance) {
                user, bytes, changed in
                if changed { residency.evictedUnsaved[user] = bytes }
            }
            if n > 0 { residency.storeMayHoldMore = true }
            evicted += n
        }
        metrics.usersEvicted.increment(by: evicted)
        metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
        recordResidentUsers()
    }

    /// Sets `warmstart_users_in_memory`.
    func recordResidentUsers() {
        metrics.usersInMemory.record(partitions.residentUsers)
    }

    private var evictedUnsavedCount: Int { partitions.all.reduce(0) { $0 + $1.residency.evictedUnsaved.count } }

    // MARK: - Checkpoints

    /// The user records a checkpoint snapshot writes for `work`: the changed users in memory and those evicted
    /// since the last snapshot (disjoint: a reload takes a user out of the eviction buffer), sorted by id, and the
    /// users removed. They are held as the checkpoint in flight until ``checkpointWritten()`` or
    /// ``checkpointFailed()``.
    func checkpointRecords(of work: OwnedPartition) -> (records: [StateStore.UserRecord], removed: [String]) {
        let residency = work.residency
        let changes = work.users.drainChanges()
        var records = changes.changed.map { change in
            let stamp = work.users.activityStamp(of: change.user) ?? 0
            return StateStore.UserRecord(
                id: change.user, state: change.bytes, lastActive: stamp > 0 ? stamp : activityAtLastSnapshot)
        }
        if !residency.evictedUnsaved.isEmpty {
            records += residency.evictedUnsaved.map {
                StateStore.UserRecord(id: $0.key, state: $0.value, lastActive: activityAtLastSnapshot)
            }
            records.sort { $0.id < $1.id }
            residency.evictedUnsaved = [:]
        }
        residency.inFlightRecords = Dictionary(records.map { ($0.id, $0.state) }, uniquingKeysWith: { _, new in new })
        residency.inFlightRemovals = changes.removed
        return (records, changes.removed)
    }

    /// Ends a snapshot, after ``checkpointRecords(of:)`` of every partition: later changes are after it.
    /// - Returns: The activity clock, to store with the checkpoint.
    func snapshotTaken() -> UInt64 {
        activityAtLastSnapshot = activityClock
        return activityClock
    }

    /// The checkpoint in flight is durable: its records are in the store.
    func checkpointWritten() {
        for work in partitions.all {
            work.residency.inFlightRecords = [:]
            work.residency.inFlightRemovals = []
        }
    }

    /// The checkpoint in flight failed: its users are written again by the next one — those in memory are marked
    /// changed, the others (evicted meanwhile) go back to the eviction buffer unless a newer state is there — and
    /// its removals are recorded again.
    func checkpointFailed() {
        for work in partitions.all {
            let residency = work.residency
            for (user, bytes) in residency.inFlightRecords where !work.users.markChanged(user) {
                if residency.evictedUnsaved[user] == nil { residency.evictedUnsaved[user] = bytes }
            }
            for user in residency.inFlightRemovals { work.users.markRemoved(user) }
            residency.inFlightRecords = [:]
            residency.inFlightRemovals = []
        }
        metrics.usersEvictedUnsaved.record(evictedUnsavedCount)
    }
}
