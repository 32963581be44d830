/// When the learner takes a checkpoint: after `state.checkpoint_every_events` learned events and/or
/// `state.checkpoint_ms`, one write at a time, and not in the middle of a meta-update's cadence.
///
/// The rules, each with its reason:
/// - One checkpoint at a time. A due checkpoint is skipped while the previous write is still running (the next
///   trigger asks again); one that cannot wait (shutdown, revocation, deterministic mode) first waits for that write
///   and applies its result, so that a failure is known (and its users queued again) before the next snapshot.
/// - A snapshot holds no pending meta-update contributions. With `metaupdate.every_events` set, a due checkpoint
///   waits for the next meta-update (at most that many events), so meta-updates keep their cadence
///   (``isDeferred``); a checkpoint that cannot wait, or one without an event-count trigger for meta-updates, folds
///   them in with a meta-update of its own.
/// - In deterministic mode (`learning.deterministic`) every checkpoint is synchronous, counted in events only and
///   taken between rounds: a checkpoint must never be skipped or delayed because a write is still running, or its
///   position (and the meta-update it folds in) would depend on timing.
/// - After a failed write the time trigger stays armed, so that the retry comes one interval later even when no
///   further event arrives.
///
/// A value type with no clock of its own: times are passed in (monotonic ns, ``PipelineClock/now()``).
struct CheckpointSchedule {
    /// What to do with a checkpoint asked for now.
    enum Decision: Equatable {
        /// Not now: the previous write is still running.
        case skip
        /// Not now: it waits for the next meta-update.
        case deferUntilMetaUpdate
        /// Take it, writing synchronously or not; `awaitingWriteInFlight`: first wait for the previous write and
        /// apply its result.
        case take(synchronously: Bool, awaitingWriteInFlight: Bool)
    }

    /// `state.checkpoint_every_events`.
    let everyEvents: Int?
    /// `state.checkpoint_ms` in nanoseconds (never in deterministic mode).
    let intervalNanoseconds: Int64?
    /// `learning.deterministic`.
    let deterministic: Bool
    /// Whether due checkpoints wait for the next meta-update (`metaupdate.every_events` is set).
    let waitsForMetaUpdate: Bool

    /// Learned events since the last snapshot.
    private(set) var eventsSinceCheckpoint = 0
    /// When the last snapshot was taken (monotonic ns).
    private(set) var lastCheckpoint: Int64
    /// A checkpoint is due and waits for the next meta-update.
    private(set) var isDeferred = false

    /// - Parameter now: Counts as the last checkpoint's time (the time trigger starts from here).
    init(everyEvents: Int?, interval: Duration?, deterministic: Bool, metaUpdateEveryEvents: Int?, now: Int64) {
        self.everyEvents = everyEvents
        self.intervalNanoseconds = deterministic ? nil : interval.map(PipelineClock.nanoseconds)
        self.deterministic = deterministic
        self.waitsForMetaUpdate = metaUpdateEveryEvents != nil
        self.lastCheckpoint = now
    }

    // MARK: - Triggers

    /// Counts a learned event.
    /// - Returns: Whether a checkpoint is due by event count now (never in deterministic mode: there checkpoints
    ///   come between rounds, see ``isDueByEventCount``).
    mutating func noteLearnedEvent() -> Bool {
        eventsSinceCheckpoint += 1
        return !deterministic && isDueByEventCount
    }

    /// Whether `state.checkpoint_every_events` events were learned since the last snapshot.
    var isDueByEventCount: Bool {
        guard let everyEvents else { return false }
        return eventsSinceCheckpoint >= everyEvents
    }

    /// Whether `state.checkpoint_ms` has passed since the last snapshot with something learned (or a failed
    /// write) since.
    func isDueByTime(now: Int64) -> Bool {
        guard let intervalNanoseconds, eventsSinceCheckpoint > 0 else { return false }
        return now - lastCheckpoint >= intervalNanoseconds
    }

    // MARK: - Taking one

    /// Decides a checkpoint asked for now (records a deferral).
    ///
    /// - Parameters:
    ///   - synchronously: The caller cannot wait (shutdown, revocation); always so in deterministic mode.
    ///   - writeInFlight: The previous checkpoint's write is still running.
    ///   - metaUpdatePending: Meta-learning is on and events were learned since the last meta-update.
    mutating func decide(synchronously: Bool, writeInFlight: Bool, metaUpdatePending: Bool) -> Decision {
        let synchronously = synchronously || deterministic
        if writeInFlight && !synchronously { return .skip }
        if !synchronously, metaUpdatePending, waitsForMetaUpdate {
            isDeferred = true
            return .deferUntilMetaUpdate
        }
        isDeferred = false
        return .take(synchronously: synchronously, awaitingWriteInFlight: writeInFlight)
    }

    /// A snapshot was taken at `now`: the triggers start again.
    mutating func snapshotTaken(at now: Int64) {
        eventsSinceCheckpoint = 0
        lastCheckpoint = now
    }

    /// A write failed: its events are still not durable, so the time trigger stays armed.
    mutating func writeFailed() {
        eventsSinceCheckpoint = max(eventsSinceCheckpoint, 1)
    }
}
