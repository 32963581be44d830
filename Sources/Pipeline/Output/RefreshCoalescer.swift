/// Per-user coalescing of score refreshes: at most one publish per user per window, and the last event of a user
/// always leads to a publish.
///
/// A throttle with leading and trailing edges. The first event of a user who has not been published within the
/// window publishes at once (``PublishDecision/publishNow(_:)``); later events inside the window only mark a refresh
/// as pending, which ``due(now:)`` hands out when the window since the last publish has passed. A user whose window
/// passes with nothing pending is forgotten, so memory holds only the users published within the last window.
///
/// Deterministic: every call takes the time explicitly, in monotonic nanoseconds (``PipelineClock/now()``). One
/// coalescer belongs to one partition worker; it is not thread-safe. Each pending refresh carries the `Token` of
/// the first event it covers (for ``PartitionOffsetTracker`` that is an ``EffectToken``), the earliest consume
/// time of the events it covers (for `warmstart_event_to_publish_seconds`) and their number.
///
/// Cost: a dictionary lookup per event, O(1) amortized per publish for ``due(now:)`` (a FIFO of publish times,
/// which are non-decreasing), no allocation per event once the dictionary and queue reached their working size.
public struct RefreshCoalescer<UserKey: Hashable & Sendable, Token: Sendable>: Sendable {
    /// One refresh to publish: the user and what it covers.
    public struct Refresh: Sendable {
        /// The user whose scores to publish.
        public var user: UserKey
        /// The token of the first (oldest) event this refresh covers.
        ///
        /// With a ``PartitionOffsetTracker``: for ``PublishDecision/publishNow(_:)`` register the publish as an
        /// effect of this token now; a refresh from ``RefreshCoalescer/due(now:)`` or
        /// ``RefreshCoalescer/drainAll()`` was registered when it opened (`.deferred(startsPending: true)`) — do
        /// not register it again, only acknowledge it once its message is delivered.
        public var token: Token
        /// The consume time (monotonic nanoseconds) of the oldest event covered: event→publish latency starts here.
        public var earliestConsumedAt: Int64
        /// How many events this refresh covers.
        public var events: Int
    }

    /// What to do after an event.
    public enum PublishDecision: Sendable {
        /// Publish this user's scores now; the refresh covers only this event.
        case publishNow(Refresh)
        /// Publish later, through ``RefreshCoalescer/due(now:)``. `startsPending` is true when this event opened the
        /// pending refresh, so its token now stands for that refresh (register the publish as an effect of this
        /// event); false when an already pending refresh covers it (the event adds no effect of its own).
        case deferred(startsPending: Bool)
    }

    private struct Entry: Sendable {
        /// When this user was last published (monotonic ns).
        var lastPublishedAt: Int64
        /// The pending refresh, if any.
        var pendingToken: Token?
        var pendingEarliestConsumedAt: Int64 = 0
        var pendingEvents = 0
    }

    private struct Deadline: Sendable {
        var user: UserKey
        /// The publish time this deadline belongs to; stale when the user was published again since.
        var publishedAt: Int64
    }

    /// The window: at most one publish per user per window.
    public let window: Duration
    private let windowNanoseconds: Int64
    private var entries: [UserKey: Entry] = [:]
    private var deadlines = RingBuffer<Deadline>(initialCapacity: 1024)

    /// - Parameter window: At most one publish per user per `window` (`scoring.coalesce_ms`); must not be negative.
    ///   A zero window publishes on every event.
    public init(window: Duration = .milliseconds(200)) {
        precondition(window >= .zero, "the coalescing window must not be negative")
        self.window = window
        let (seconds, attoseconds) = window.components
        self.windowNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The users tracked: published within the last window, or with a refresh pending.
    public var count: Int { entries.count }

    /// The users with a refresh pending. O(users tracked): for tests and occasional gauges, not per event.
    public var pendingCount: Int { entries.values.reduce(0) { $0 + ($1.pendingToken == nil ? 0 : 1) } }

    /// The users with a refresh held back by their window.
    public var pendingUsers: [UserKey] { entries.compactMap { $0.value.pendingToken == nil ? nil : $0.key } }

    /// Records an event of `user` and decides whether to publish now.
    ///
    /// - Parameters:
    ///   - user: The event's user.
    ///   - token: Names the event (its ``EffectToken``); kept when the event opens a pending refresh.
    ///   - consumedAt: When the event was consumed (monotonic ns).
    ///   - now: The current time (monotonic ns); must not go backwards between calls.
    public mutating func noteEvent(_ user: UserKey, token: Token, consumedAt: Int64, now: Int64) -> PublishDecision {
        var publish = false
        var startsPending = false
        let windowNanoseconds = self.windowNanoseconds
        // One hash lookup: the entry is found or inserted, and modified in place. `Int64.min` marks a new entry.
        Self.update(&entries[user, default: Entry(lastPublishedAt: Int64.min)]) { entry in
            if entry.pendingToken == nil {
                if entry.lastPublishedAt == Int64.min || now - entry.lastPublishedAt >= windowNanoseconds {
                    entry.lastPublishedAt = now
                    publish = true
                } else {
                    entry.pendingToken = token
                    entry.pendingEarliestConsumedAt = consumedAt
                    entry.pendingEvents = 1
                    startsPending = true
                }
            } else {
                entry.pendingEarliestConsumedAt = min(entry.pendingEarliestConsumedAt, consumedAt)
                entry.pendingEvents += 1
            }
        }
        if publish {
            deadlines.append(Deadline(user: user, publishedAt: now))
            return .publishNow(Refresh(user: user, token: token, earliestConsumedAt: consumedAt, events: 1))
        }
        return .deferred(startsPending: startsPending)
    }

    /// The refreshes whose window has passed, oldest first; each counts as published at `now`. Users whose window
    /// passed with nothing pending are forgotten.
    public mutating func due(now: Int64) -> [Refresh] {
        var refreshes: [Refresh] = []
        due(now: now, into: &refreshes)
        return refreshes
    }

    /// Appends the refreshes whose window has passed to `refreshes` (reuse one array to avoid allocating); see
    /// ``due(now:)``.
    public mutating func due(now: Int64, into refreshes: inout [Refresh]) {
        while let deadline = deadlines.first, now - deadline.publishedAt >= windowNanoseconds {
            deadlines.removeFirst()
            // One hash lookup per deadline.
            guard let index = entries.index(forKey: deadline.user),
                entries.values[index].lastPublishedAt == deadline.publishedAt
            else {
                continue  // published again since: a later deadline stands for it
            }
            let entry = entries.values[index]
            if let token = entry.pendingToken {
                refreshes.append(
                    Refresh(
                        user: deadline.user,
                        token: token,
                        earliestConsumedAt: entry.pendingEarliestConsumedAt,
                        events: entry.pendingEvents
                    )
                )
                entries.values[index] = Entry(lastPublishedAt: now)
                deadlines.append(Deadline(user: deadline.user, publishedAt: now))
            } else {
                entries.remove(at: index)
            }
        }
    }

    /// When the next ``due(now:)`` call can return something (monotonic ns), or `nil` when nothing is tracked: the
    /// pipeline can sleep until then.
    public var nextDeadline: Int64? {
        deadlines.first.map { $0.publishedAt + windowNanoseconds }
    }

    /// Forgets `user` (erased): no refresh of theirs is published any more.
    /// - Returns: The token of the pending refresh dropped (its registered effect will never be sent), if any.
    public mutating func forget(_ user: UserKey) -> Token? {
        entries.removeValue(forKey: user)?.pendingToken
    }

    /// Every pending refresh, regardless of the window, oldest deadline first (for graceful shutdown and
    /// revocation); forgets every user.
    public mutating func drainAll() -> [Refresh] {
        var refreshes: [Refresh] = []
        while !deadlines.isEmpty {
            let deadline = deadlines.removeFirst()
            guard let entry = entries[deadline.user], entry.lastPublishedAt == deadline.publishedAt else { continue }
            if let token = entry.pendingToken {
                refreshes.append(
                    Refresh(
                        user: deadline.user,
                        token: token,
                        earliestConsumedAt: entry.pendingEarliestConsumedAt,
                        events: entry.pendingEvents
                    )
                )
            }
        }
        entries.removeAll(keepingCapacity: true)
        return refreshes
    }

    private static func update(_ entry: inout Entry, _ body: (inout Entry) -> Void) {
        body(&entry)
    }
}
