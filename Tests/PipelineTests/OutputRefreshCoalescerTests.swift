import Clickstream
import Testing

@testable import Pipeline

@Suite struct OutputRefreshCoalescerTests {
    static let ms: Int64 = 1_000_000

    @Test func leadingEdgePublishesAtOnceAndTrailingEdgeAfterTheWindow() {
        var coalescer = RefreshCoalescer<String, Int>(window: .milliseconds(200))
        let ms = Self.ms
        guard case .publishNow(let first) = coalescer.noteEvent("u", token: 1, consumedAt: 0, now: 0) else {
            Issue.record("first event should publish")
            return
        }
        #expect(first.token == 1 && first.events == 1 && first.user == "u")
        guard
            case .deferred(startsPending: true) = coalescer.noteEvent("u", token: 2, consumedAt: 50 * ms, now: 50 * ms)
        else {
            Issue.record("second event inside the window should open a pending refresh")
            return
        }
        guard
            case .deferred(startsPending: false) = coalescer.noteEvent(
                "u",
                token: 3,
                consumedAt: 60 * ms,
                now: 120 * ms
            )
        else {
            Issue.record("third event should be covered")
            return
        }
        #expect(coalescer.due(now: 199 * ms).isEmpty)
        #expect(coalescer.nextDeadline == 200 * ms)
        let due = coalescer.due(now: 200 * ms)
        #expect(due.count == 1)
        #expect(due.first?.token == 2)
        #expect(due.first?.events == 2)
        #expect(due.first?.earliestConsumedAt == 50 * ms)
        // The trailing publish at 200 ms starts a new window: an event at 250 ms waits until 400 ms.
        guard
            case .deferred(startsPending: true) = coalescer.noteEvent(
                "u",
                token: 4,
                consumedAt: 250 * ms,
                now: 250 * ms
            )
        else {
            Issue.record("event inside the new window should wait")
            return
        }
        #expect(coalescer.due(now: 399 * ms).isEmpty)
        #expect(coalescer.due(now: 400 * ms).map(\.token) == [4])
        // Nothing pending: the user is forgotten once the window passes, and the next event publishes at once.
        #expect(coalescer.count == 1)
        #expect(coalescer.due(now: 600 * ms).isEmpty)
        #expect(coalescer.count == 0)
        guard case .publishNow = coalescer.noteEvent("u", token: 5, consumedAt: 700 * ms, now: 700 * ms) else {
            Issue.record("an idle user publishes at once")
            return
        }
    }

    @Test func anEventAfterTheWindowPublishesAtOnceEvenBeforeDueRuns() {
        var coalescer = RefreshCoalescer<Int, Int>(window: .milliseconds(100))
        _ = coalescer.noteEvent(7, token: 0, consumedAt: 0, now: 0)
        guard case .publishNow = coalescer.noteEvent(7, token: 1, consumedAt: 150 * Self.ms, now: 150 * Self.ms) else {
            Issue.record("outside the window: publish at once")
            return
        }
        // The stale deadline of the first publish yields nothing; the second one's deadline forgets the user.
        #expect(coalescer.due(now: 200 * Self.ms).isEmpty)
        #expect(coalescer.count == 1)
        #expect(coalescer.due(now: 250 * Self.ms).isEmpty)
        #expect(coalescer.count == 0)
    }

    @Test func zeroWindowPublishesEveryEvent() {
        var coalescer = RefreshCoalescer<Int, Int>(window: .zero)
        for token in 0..<5 {
            guard case .publishNow = coalescer.noteEvent(1, token: token, consumedAt: 10, now: 10) else {
                Issue.record("zero window publishes every event")
                return
            }
        }
    }

    @Test func drainAllReturnsEveryPendingRefresh() {
        var coalescer = RefreshCoalescer<String, Int>()
        for (index, user) in ["a", "b", "c"].enumerated() {
            _ = coalescer.noteEvent(user, token: index, consumedAt: 0, now: 0)
        }
        _ = coalescer.noteEvent("a", token: 10, consumedAt: 1, now: 1)
        _ = coalescer.noteEvent("c", token: 12, consumedAt: 2, now: 2)
        #expect(coalescer.pendingCount == 2)
        let drained = coalescer.drainAll()
        #expect(drained.map(\.user).sorted() == ["a", "c"])
        #expect(drained.map(\.token).sorted() == [10, 12])
        #expect(coalescer.count == 0)
        #expect(coalescer.nextDeadline == nil)
    }

    /// A simulated stream of many users: per user, publishes are at least a window apart, the last event of every
    /// user is covered by a publish at or after it, and memory returns to zero once the stream stops.
    @Test func streamInvariants() {
        let window: Int64 = 200 * Self.ms
        var coalescer = RefreshCoalescer<Int, Int>(window: .nanoseconds(window))
        var generator = SplitMix64(seed: 42)
        var publishTimes: [Int: [Int64]] = [:]
        var lastEvent: [Int: (time: Int64, token: Int)] = [:]
        var pendingFirstToken: [Int: Int] = [:]
        var now: Int64 = 0
        var peakCount = 0
        func record(_ refresh: RefreshCoalescer<Int, Int>.Refresh, at time: Int64) {
            publishTimes[refresh.user, default: []].append(time)
        }
        for token in 0..<20_000 {
            now += Int64(generator.next() % 200_000)  // up to 0.2 ms between events: 5,000+ events per second
            let user = Int(generator.next() % 500)
            lastEvent[user] = (now, token)
            switch coalescer.noteEvent(user, token: token, consumedAt: now, now: now) {
            case .publishNow(let refresh): record(refresh, at: now)
            case .deferred(let startsPending):
                if startsPending { pendingFirstToken[user] = token }
                #expect(startsPending == (pendingFirstToken[user] == token))
            }
            for refresh in coalescer.due(now: now) {
                #expect(refresh.token == pendingFirstToken[refresh.user])
                pendingFirstToken[refresh.user] = nil
                record(refresh, at: now)
            }
            peakCount = max(peakCount, coalescer.count)
        }
        // Let every window pass.
        for step in 1...3 {
            for refresh in coalescer.due(now: now + Int64(step) * window) {
                record(refresh, at: now + Int64(step) * window)
            }
        }
        #expect(coalescer.count == 0)
        #expect(peakCount <= 500)
        for (user, times) in publishTimes {
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(later - earlier >= window, "user \(user) published twice within a window")
            }
            let last = lastEvent[user]!
            // The last event leads to a publish at or after it (its own, or the trailing one that covers it).
            #expect(times.last! >= last.time)
        }
        #expect(Set(publishTimes.keys) == Set(lastEvent.keys))
    }
}
