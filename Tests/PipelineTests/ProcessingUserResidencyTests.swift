import Foundation
import Logging
import Testing

@testable import Pipeline

/// ``UserResidency`` through the ``Learner``: above `state.max_users_in_memory` the least recently active users
/// leave memory, and come back with their state on their next event — from the eviction buffer before a
/// checkpoint, from the store after one.
@Suite struct ProcessingUserResidencyTests {
    static let cap = 20

    /// A learner with durable state in `directory` and a cap of ``cap`` users; every event publishes its user's
    /// scores at once (no coalescing window), so each score message shows the user's event count after it.
    static func harness(directory: String, cap: Int? = cap) throws -> LearnerHarness {
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "test"))
        return try LearnerHarness(keeper: keeper) {
            $0.maxUsersInMemory = cap
            $0.coalesceWindow = .zero
        }
    }

    static func value(_ harness: LearnerHarness, _ series: String) -> Int {
        Int(LearnerHarness.sample(harness.metrics, series) ?? -1)
    }

    @Test func theLeastRecentlyActiveUsersAreEvictedAndReloadedWithTheirState() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let harness = try Self.harness(directory: directory)
        try harness.learner.assign([0], committed: [:])

        // 60 users, one event each, in one chunk: the cap is enforced after it, down to 95% of the cap.
        await harness.submit((0..<60).map { LearnerHarness.event("u\($0)", offset: Int64($0)) })
        let kept = Self.cap - Self.cap / 20
        #expect(Self.value(harness, "warmstart_users_in_memory") == kept)
        #expect(Self.value(harness, "warmstart_users_evicted_total") == 60 - kept)
        // Evicted since the last checkpoint: only the eviction buffer holds their state.
        #expect(Self.value(harness, "warmstart_users_evicted_unsaved") == 60 - kept)
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 0)

        // The most recent users stayed: their next event needs no reload.
        await harness.submit([LearnerHarness.event("u59", item: "item-2", offset: 60)])
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 0)

        // The oldest user comes back from the eviction buffer with its one event learned before.
        await harness.submit([LearnerHarness.event("u0", item: "item-2", offset: 61)])
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 1)
        #expect(Self.value(harness, "warmstart_users_evicted_unsaved") == 60 - kept - 1)

        // After a checkpoint the evicted users' state is in the store, and a reload reads it there.
        await harness.checkpointNow()
        #expect(Self.value(harness, "warmstart_users_evicted_unsaved") == 0)
        await harness.submit([LearnerHarness.event("u1", item: "item-2", offset: 62)])
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 2)

        let userEvents = Dictionary(
            harness.output.sent.compactMap { sent in
                sent.message.scoredUser.map { ($0, LearnerHarness.userEvents(sent.message) ?? -1) }
            },
            uniquingKeysWith: { _, last in last })
        #expect(userEvents["u59"] == 2)
        #expect(userEvents["u0"] == 2)
        #expect(userEvents["u1"] == 2)
        #expect(Self.value(harness, "warmstart_users_in_memory") <= Self.cap)
    }

    @Test func withoutACapEveryUserStays() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let harness = try Self.harness(directory: directory, cap: nil)
        try harness.learner.assign([0], committed: [:])
        await harness.submit((0..<60).map { LearnerHarness.event("u\($0)", offset: Int64($0)) })
        // Without a cap the gauge follows on the next tick.
        harness.learner.tick(metaUpdateDue: false)
        await harness.settle()
        #expect(Self.value(harness, "warmstart_users_in_memory") == 60)
        #expect(Self.value(harness, "warmstart_users_evicted_total") == 0)
    }

    @Test func aRestoreUnderTheCapLoadsTheMostRecentUsersAndReloadsTheOthers() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let harness = try Self.harness(directory: directory)
            try harness.learner.assign([0], committed: [:])
            await harness.submit((0..<60).map { LearnerHarness.event("u\($0)", offset: Int64($0)) })
            harness.output.acknowledgeAll()
            await harness.checkpointNow()
        }
        let harness = try Self.harness(directory: directory)
        #expect(try harness.learner.assign([0], committed: [:]) == [0: 60])
        #expect(Self.value(harness, "warmstart_users_in_memory") == Self.cap)
        // The users in memory at the checkpoint (u41…u59) were the most recent; the evicted ones were stored with
        // the clock of the snapshot before (all alike), and one of them fills the cap.
        await harness.submit([LearnerHarness.event("u59", item: "item-2", offset: 60)])
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 0, "restored: no reload")
        // A user not restored is read from the store on its next event, not treated as new.
        await harness.submit((0..<41).map { LearnerHarness.event("u\($0)", item: "item-2", offset: 61 + Int64($0)) })
        #expect(Self.value(harness, "warmstart_users_reloaded_total") == 40)
        let userEvents = harness.output.sent.map { LearnerHarness.userEvents($0.message) }
        #expect(userEvents.count == 42)
        #expect(userEvents.allSatisfy { $0 == 2 }, "\(userEvents)")
    }
}
