import Clickstream
import Testing

@testable import Pipeline

@Suite struct OffsetsTrackerTests {
    @Test func nothingProcessedReportsTheStartOffset() {
        let tracker = PartitionOffsetTracker(partition: 0, startOffset: 42)
        #expect(tracker.committableOffset == 42)
        #expect(PartitionOffsetTracker(partition: 0).committableOffset == nil)
    }

    @Test func eventsWithoutEffectsCommitPastThemselves() {
        var tracker = PartitionOffsetTracker(partition: 3, startOffset: 10)
        for offset in Int64(10)..<20 {
            _ = tracker.processed(offset: offset)
        }
        #expect(tracker.committableOffset == 20)
        #expect(tracker.outstandingEffects == 0)
        #expect(tracker.trackedEvents <= 1)
    }

    @Test func anOutstandingEffectHoldsTheCommitAtItsOffset() {
        var tracker = PartitionOffsetTracker(partition: 0)
        _ = tracker.processed(offset: 0)
        let one = tracker.processed(offset: 1)
        tracker.addEffect(one)
        _ = tracker.processed(offset: 2)
        let three = tracker.processed(offset: 3)
        tracker.addEffect(three)
        _ = tracker.processed(offset: 4)
        #expect(tracker.committableOffset == 1)
        #expect(tracker.lowestOutstandingOffset == 1)

        // Acknowledging the later effect first does not move the commit past the earlier one.
        #expect(tracker.acknowledge(three) == .cleared)
        #expect(tracker.committableOffset == 1)
        #expect(tracker.acknowledge(one) == .cleared)
        #expect(tracker.committableOffset == 5)
        #expect(tracker.outstandingEffects == 0)
    }

    @Test func severalEffectsOfOneEventAllNeedAcknowledging() {
        var tracker = PartitionOffsetTracker(partition: 0)
        let token = tracker.processed(offset: 7)
        tracker.addEffect(token)
        tracker.addEffect(token)
        #expect(tracker.acknowledge(token) == .cleared)
        #expect(tracker.committableOffset == 7)
        #expect(tracker.acknowledge(token) == .cleared)
        #expect(tracker.committableOffset == 8)
        // A third report for the same token has nothing left to clear.
        #expect(tracker.acknowledge(token) == .stale)
    }

    /// Event A of user u at offset 5 and event B of u at offset 9 are coalesced into one publish: nothing from 5 on
    /// can be committed until the publish that covers both is acknowledged.
    @Test func coalescedPublishHoldsEveryOffsetItCovers() {
        var tracker = PartitionOffsetTracker(partition: 0, startOffset: 4)
        var coalescer = RefreshCoalescer<String, EffectToken>(window: .milliseconds(200))
        let ms: Int64 = 1_000_000
        // u's event at offset 4 publishes at once (leading edge) at t = 0 and is acknowledged.
        let earlier = tracker.processed(offset: 4)
        guard case .publishNow = coalescer.noteEvent("u", token: earlier, consumedAt: 0, now: 0) else {
            Issue.record("the first event of u should publish at once")
            return
        }
        tracker.addEffect(earlier)
        #expect(tracker.acknowledge(earlier) == .cleared)
        #expect(tracker.committableOffset == 5)

        // A (offset 5) falls inside u's window: it opens a pending refresh.
        let a = tracker.processed(offset: 5)
        guard
            case .deferred(startsPending: true) = coalescer.noteEvent("u", token: a, consumedAt: 10 * ms, now: 10 * ms)
        else {
            Issue.record("A should open a pending refresh")
            return
        }
        tracker.addEffect(a)
        for offset in Int64(6)...8 {
            _ = tracker.processed(offset: offset)  // other users' events without effects
        }
        let b = tracker.processed(offset: 9)
        guard
            case .deferred(startsPending: false) = coalescer.noteEvent("u", token: b, consumedAt: 20 * ms, now: 20 * ms)
        else {
            Issue.record("B should be covered by the pending refresh")
            return
        }
        #expect(tracker.committableOffset == 5)

        let refreshes = coalescer.due(now: 200 * ms)
        #expect(refreshes.count == 1)
        let refresh = refreshes[0]
        #expect(refresh.token == a)
        #expect(refresh.events == 2)
        #expect(refresh.earliestConsumedAt == 10 * ms)
        // In flight, not acknowledged: still held at 5.
        #expect(tracker.committableOffset == 5)
        #expect(tracker.acknowledge(refresh.token) == .cleared)
        #expect(tracker.committableOffset == 10)
    }

    @Test func failedDeliveryKeepsTheEffectOutstandingAndAsksForARetry() {
        var tracker = PartitionOffsetTracker(partition: 1)
        let token = tracker.processed(offset: 100)
        tracker.addEffect(token)
        _ = tracker.processed(offset: 101)
        #expect(tracker.failed(token) == .retry)
        #expect(tracker.failed(token) == .retry)
        #expect(tracker.failedDeliveries == 2)
        #expect(tracker.committableOffset == 100)
        #expect(tracker.outstandingEffects == 1)
        #expect(tracker.acknowledge(token) == .cleared)
        #expect(tracker.committableOffset == 102)
        // Once cleared, a late failure report is stale.
        #expect(tracker.failed(token) == .stale)
    }

    @Test func finishReturnsTheFinalOffsetAndIgnoresLateReports() {
        var trackers = OffsetTracker()
        trackers.assign(0, startOffset: 0)
        trackers.assign(1, startOffset: 50)
        let a = trackers.processed(partition: 0, offset: 0)
        trackers.addEffect(a)
        _ = trackers.processed(partition: 0, offset: 1)
        let b = trackers.processed(partition: 1, offset: 50)
        trackers.addEffect(b)
        #expect(trackers.committableOffsets == [0: 0, 1: 50])

        #expect(trackers.finish(0) == 0)
        #expect(trackers.assignedPartitions == [1])
        #expect(trackers.acknowledge(a) == .stale)
        #expect(trackers.failed(a) == .stale)
        #expect(trackers.finish(0) == nil)

        // Reassigned: a token of the earlier assignment, at an offset the new one also processes, is stale.
        trackers.assign(0, startOffset: 0)
        let again = trackers.processed(partition: 0, offset: 0)
        trackers.addEffect(again)
        #expect(trackers.acknowledge(a) == .stale)
        #expect(trackers.committableOffsets[0] == 0)
        #expect(trackers.acknowledge(again) == .cleared)
        #expect(trackers.committableOffsets[0] == 1)
        #expect(trackers.acknowledge(b) == .cleared)
        #expect(trackers.finish(1) == 51)
    }

    @Test func gapsInOffsetsAreFine() {
        var tracker = PartitionOffsetTracker(partition: 0)
        let first = tracker.processed(offset: 10)
        tracker.addEffect(first)
        _ = tracker.processed(offset: 15)
        let later = tracker.processed(offset: 1_000)
        tracker.addEffect(later)
        tracker.acknowledge(first)
        #expect(tracker.committableOffset == 1_000)
        tracker.acknowledge(later)
        #expect(tracker.committableOffset == 1_001)
    }

    @Test func effectsCanBeAddedToTheNewestEventAfterEarlierOnesCleared() {
        var tracker = PartitionOffsetTracker(partition: 0)
        let a = tracker.processed(offset: 0)
        tracker.addEffect(a)
        #expect(tracker.acknowledge(a) == .cleared)
        // The dead letter of the same event is registered after the first effect was already acknowledged.
        tracker.addEffect(a)
        #expect(tracker.committableOffset == 0)
        #expect(tracker.acknowledge(a) == .cleared)
        #expect(tracker.committableOffset == 1)
    }

    /// A randomized model check: after every step, the committable offset equals the brute-force answer, and the
    /// ring holds no more than the span from the oldest outstanding event to the newest.
    @Test func matchesABruteForceModel() {
        var generator = SplitMix64(seed: 0x5EED)
        var tracker = PartitionOffsetTracker(partition: 0, startOffset: 0)
        var outstanding: [(token: EffectToken, effects: Int, index: Int)] = []
        var processedCount = 0
        var lastOffset: Int64?
        var offset: Int64 = 0
        for _ in 0..<5_000 {
            if generator.next() % 3 != 0 || outstanding.isEmpty {
                offset += 1 + Int64(generator.next() % 3)
                let token = tracker.processed(offset: offset)
                processedCount += 1
                lastOffset = offset
                let effects = Int(generator.next() % 4) == 0 ? 1 + Int(generator.next() % 2) : 0
                for _ in 0..<effects { tracker.addEffect(token) }
                if effects > 0 { outstanding.append((token, effects, processedCount - 1)) }
            } else {
                let index = Int(generator.next() % UInt64(outstanding.count))
                if generator.next() % 5 == 0 {
                    #expect(tracker.failed(outstanding[index].token) == .retry)
                } else {
                    #expect(tracker.acknowledge(outstanding[index].token) == .cleared)
                    outstanding[index].effects -= 1
                    if outstanding[index].effects == 0 { outstanding.remove(at: index) }
                }
            }
            let expected = outstanding.map(\.token.offset).min() ?? (lastOffset.map { $0 + 1 } ?? 0)
            #expect(tracker.committableOffset == expected)
            #expect(tracker.outstandingEffects == outstanding.reduce(0) { $0 + $1.effects })
            if let oldest = outstanding.map(\.index).min() {
                #expect(tracker.trackedEvents <= processedCount - oldest)
            } else {
                #expect(tracker.trackedEvents <= 1)
            }
        }
    }
}
