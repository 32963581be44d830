import Testing

@testable import Pipeline

/// ``CheckpointSchedule``: when a checkpoint is due, and what a checkpoint asked for does.
@Suite struct StateCheckpointScheduleTests {
    static let second: Int64 = 1_000_000_000

    static func schedule(
        everyEvents: Int? = 3, interval: Duration? = .seconds(10), deterministic: Bool = false,
        metaUpdateEveryEvents: Int? = nil
    ) -> CheckpointSchedule {
        CheckpointSchedule(
            everyEvents: everyEvents, interval: interval, deterministic: deterministic,
            metaUpdateEveryEvents: metaUpdateEveryEvents, now: 100 * second)
    }

    @Test func dueAfterEveryEventsLearnedEvents() {
        var schedule = Self.schedule(everyEvents: 3)
        #expect(schedule.noteLearnedEvent() == false)
        #expect(schedule.noteLearnedEvent() == false)
        #expect(schedule.noteLearnedEvent() == true)
        #expect(schedule.isDueByEventCount)
        // Still due until a snapshot is taken (a skipped checkpoint is asked for again).
        #expect(schedule.noteLearnedEvent() == true)
        schedule.snapshotTaken(at: 101 * Self.second)
        #expect(!schedule.isDueByEventCount)
        #expect(schedule.eventsSinceCheckpoint == 0)
        #expect(schedule.noteLearnedEvent() == false)
    }

    @Test func withoutAnEventTriggerOnlyTimeCounts() {
        var schedule = Self.schedule(everyEvents: nil)
        for _ in 0..<1_000 { #expect(schedule.noteLearnedEvent() == false) }
        #expect(!schedule.isDueByEventCount)
        #expect(schedule.isDueByTime(now: 110 * Self.second))
    }

    @Test func dueByTimeOnlyWithSomethingLearnedSince() {
        var schedule = Self.schedule(everyEvents: nil, interval: .seconds(10))
        #expect(!schedule.isDueByTime(now: 200 * Self.second), "nothing learned: nothing to write")
        _ = schedule.noteLearnedEvent()
        #expect(!schedule.isDueByTime(now: 109 * Self.second))
        #expect(schedule.isDueByTime(now: 110 * Self.second))
        schedule.snapshotTaken(at: 110 * Self.second)
        #expect(!schedule.isDueByTime(now: 200 * Self.second))
    }

    @Test func aFailedWriteKeepsTheTimeTriggerArmed() {
        var schedule = Self.schedule(everyEvents: nil, interval: .seconds(10))
        _ = schedule.noteLearnedEvent()
        schedule.snapshotTaken(at: 110 * Self.second)
        schedule.writeFailed()
        #expect(!schedule.isDueByTime(now: 119 * Self.second))
        #expect(schedule.isDueByTime(now: 120 * Self.second), "the retry comes one interval later")
        // A failure does not add events: the count trigger is not armed by it.
        #expect(schedule.eventsSinceCheckpoint == 1)
    }

    @Test func oneWriteAtATime() {
        var schedule = Self.schedule()
        #expect(schedule.decide(synchronously: false, writeInFlight: true, metaUpdatePending: false) == .skip)
        #expect(
            schedule.decide(synchronously: true, writeInFlight: true, metaUpdatePending: false)
                == .take(synchronously: true, awaitingWriteInFlight: true))
        #expect(
            schedule.decide(synchronously: false, writeInFlight: false, metaUpdatePending: false)
                == .take(synchronously: false, awaitingWriteInFlight: false))
    }

    @Test func aDueCheckpointWaitsForTheNextMetaUpdate() {
        var schedule = Self.schedule(metaUpdateEveryEvents: 100)
        #expect(
            schedule.decide(synchronously: false, writeInFlight: false, metaUpdatePending: true)
                == .deferUntilMetaUpdate)
        #expect(schedule.isDeferred)
        // After the meta-update nothing is pending: the deferred checkpoint is taken.
        #expect(
            schedule.decide(synchronously: false, writeInFlight: false, metaUpdatePending: false)
                == .take(synchronously: false, awaitingWriteInFlight: false))
        #expect(!schedule.isDeferred)
        // One that cannot wait folds the pending contributions in instead.
        #expect(
            schedule.decide(synchronously: true, writeInFlight: false, metaUpdatePending: true)
                == .take(synchronously: true, awaitingWriteInFlight: false))
        #expect(!schedule.isDeferred)
    }

    @Test func withoutAnEventCadenceForMetaUpdatesNothingWaits() {
        var schedule = Self.schedule(metaUpdateEveryEvents: nil)
        #expect(
            schedule.decide(synchronously: false, writeInFlight: false, metaUpdatePending: true)
                == .take(synchronously: false, awaitingWriteInFlight: false))
        #expect(!schedule.isDeferred)
    }

    @Test func deterministicCheckpointsAreSynchronousAndCountedBetweenRounds() {
        var schedule = Self.schedule(
            everyEvents: 2, interval: .seconds(1), deterministic: true, metaUpdateEveryEvents: 100)
        #expect(schedule.noteLearnedEvent() == false)
        #expect(schedule.noteLearnedEvent() == false, "not per event: between rounds")
        #expect(schedule.isDueByEventCount)
        #expect(!schedule.isDueByTime(now: 1_000 * Self.second), "no time trigger")
        #expect(
            schedule.decide(synchronously: false, writeInFlight: true, metaUpdatePending: true)
                == .take(synchronously: true, awaitingWriteInFlight: true))
        #expect(!schedule.isDeferred)
    }
}
