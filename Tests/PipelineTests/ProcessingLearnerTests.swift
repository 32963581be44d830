import Foundation
import Kafka
import Logging
import Testing

@testable import Pipeline

/// The ``Learner`` without a broker, through an ``InMemoryLearnerOutput``: what it sends for each message, and how
/// delivery reports gate commits (an event's offset is committed only once every message it caused was
/// acknowledged; refused and failed messages are sent again and hold commits back meanwhile).
@Suite struct ProcessingLearnerTests {
    /// Events of distinct users, so that each publishes its scores at once (a user's first event is never held
    /// back by the coalescing window).
    static func events(_ offsets: Range<Int64>, partition: Int32 = 0) -> [DecodedMessage] {
        offsets.map { LearnerHarness.event("user-\(partition)-\($0)", partition: partition, offset: $0) }
    }

    @Test func eachMessageEndsAsScoresOrADeadLetterOnTheOutput() async throws {
        let harness = try LearnerHarness.assigned([0])
        await harness.submit([
            LearnerHarness.event("u1", offset: 0),
            LearnerHarness.undecodable(offset: 1, reason: .keyMismatch),
            // `rating` is learned from the event's value: the learner's own step dead-letters it.
            LearnerHarness.event("u2", kind: "rating", offset: 2),
            LearnerHarness.event("u3", offset: 3),
        ])
        let output = harness.output
        #expect(output.scoredUsers == ["u1", "u3"])
        #expect(output.deadLetters.map(\.reason) == [.keyMismatch, .processingFailed])
        #expect(output.deadLetters.map(\.sourceOffset) == [1, 2])
        #expect(output.sent.compactMap { LearnerHarness.userEvents($0.message) } == [1, 1])
        #expect(harness.learner.inFlight == 4)
        output.acknowledgeAll()
        #expect(await harness.learner.committableOffsets() == [0: 4])
        #expect(harness.learner.inFlight == 0)
        #expect(
            LearnerHarness.sample(harness.metrics, #"warmstart_dead_letters_total{reason="processing_failed"}"#) == 1)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_scores_published_total") == 2)
    }

    @Test func commitsWaitForTheOldestUnacknowledgedEffect() async throws {
        let harness = try LearnerHarness()
        try harness.learner.assign([0], committed: [0: 10])
        #expect(await harness.learner.committableOffsets() == [0: 10])
        await harness.submit(Self.events(10..<15))
        let sent = harness.output.sent
        try #require(sent.count == 5)
        #expect(await harness.learner.committableOffsets() == [0: 10])
        #expect(harness.learner.outstandingEffects(of: [0]) == 5)

        // Acknowledgements out of order: the commit moves only past a prefix of acknowledged events.
        harness.output.acknowledge([sent[2].id, sent[3].id])
        #expect(await harness.learner.committableOffsets() == [0: 10])
        harness.output.acknowledge([sent[0].id])
        #expect(await harness.learner.committableOffsets() == [0: 11])
        harness.output.acknowledge([sent[1].id])
        #expect(await harness.learner.committableOffsets() == [0: 14])
        harness.output.acknowledge([sent[4].id])
        #expect(await harness.learner.committableOffsets() == [0: 15])
        #expect(harness.learner.outstandingEffects(of: [0]) == 0)
    }

    @Test func refusedMessagesAreResentAndHoldCommitsBack() async throws {
        let harness = try LearnerHarness.assigned([0])
        harness.output.isRefusing = true
        await harness.submit(Self.events(0..<3))
        #expect(harness.output.sent.isEmpty)
        #expect(harness.output.refusals == 3)
        #expect(harness.learner.inFlight == 3)
        #expect(await harness.learner.committableOffsets() == [0: 0])

        // Still refused: nothing lost, nothing sent.
        harness.learner.resendRefused()
        await harness.settle()
        #expect(harness.output.refusals == 6)
        #expect(harness.learner.inFlight == 3)

        harness.output.isRefusing = false
        harness.learner.resendRefused()
        await harness.settle()
        #expect(harness.output.scoredUsers == ["user-0-0", "user-0-1", "user-0-2"])
        #expect(await harness.learner.committableOffsets() == [0: 0])
        harness.output.acknowledgeAll()
        #expect(await harness.learner.committableOffsets() == [0: 3])
        #expect(harness.learner.inFlight == 0)
    }

    @Test func failedDeliveriesAreRetriedUntilAcknowledged() async throws {
        let harness = try LearnerHarness.assigned([0])
        await harness.submit([LearnerHarness.event("u1", offset: 0), LearnerHarness.undecodable(offset: 1)])
        let first = harness.output.sent
        try #require(first.count == 2)
        harness.output.fail(first[0].id)
        harness.output.fail(first[1].id)
        #expect(await harness.learner.committableOffsets() == [0: 0])
        #expect(harness.learner.inFlight == 2)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_publish_failures_total") == 2)

        harness.learner.resendRefused()
        await harness.settle()
        let again = Array(harness.output.sent.dropFirst(2))
        #expect(again.map(\.message.scoredUser) == ["u1", nil])
        #expect(harness.output.deadLetters.map(\.sourceOffset) == [1, 1])
        harness.output.acknowledgeAll()
        #expect(await harness.learner.committableOffsets() == [0: 2])
        #expect(harness.learner.inFlight == 0)
    }

    @Test func releaseCommitsWhatWasAcknowledgedAndForgetsTheRest() async throws {
        let harness = try LearnerHarness.assigned([0, 1])
        await harness.submit(Self.events(0..<3, partition: 0) + Self.events(0..<2, partition: 1))
        let sent = harness.output.sent
        try #require(sent.count == 5)
        harness.output.acknowledge([sent[0].id])
        await harness.settle()
        #expect(harness.learner.release([0]) == [0: 1])
        #expect(await harness.learner.assignedPartitions() == [1])
        // Partition 1's two messages stay in flight; partition 0's are forgotten (their events go to the next
        // owner again) and their late reports change nothing.
        #expect(harness.learner.inFlight == 2)
        harness.output.acknowledgeAll()
        #expect(await harness.learner.committableOffsets() == [1: 2])
        #expect(harness.learner.inFlight == 0)
    }

    @Test func messagesProcessedAlreadyAreSkipped() async throws {
        let harness = try LearnerHarness.assigned([0])
        await harness.submit(Self.events(0..<2))
        // A seek or a rebalance race delivers offsets 0 and 1 again.
        await harness.submit([
            LearnerHarness.event("again-0", offset: 0), LearnerHarness.event("again-1", offset: 1),
            LearnerHarness.event("new", offset: 2),
        ])
        #expect(harness.output.scoredUsers == ["user-0-0", "user-0-1", "new"])
        #expect(LearnerHarness.sample(harness.metrics, #"warmstart_events_processed_total{partition="0"}"#) == 3)
    }

    @Test func withDurableStateCommitsWaitForACheckpoint() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "test"))
        let harness = try LearnerHarness.assigned([0], keeper: keeper)
        await harness.submit(Self.events(0..<3))
        harness.output.acknowledgeAll()
        // Every effect acknowledged, but nothing durable yet.
        #expect(await harness.learner.committableOffsets() == [:])
        await harness.checkpointNow()
        #expect(await harness.learner.committableOffsets() == [0: 3])

        await harness.submit(Self.events(3..<5))
        harness.output.acknowledgeAll()
        #expect(await harness.learner.committableOffsets() == [0: 3])
        await harness.checkpointNow()
        #expect(await harness.learner.committableOffsets() == [0: 5])
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_checkpoints_total") == 2)
    }

    @Test func unacknowledgedScoresArePublishedAgainAfterARestore() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "test")
        do {
            let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: logger)
            let harness = try LearnerHarness(keeper: keeper)
            try harness.learner.assign([0], committed: [:])
            await harness.submit(Self.events(0..<3))
            try #require(harness.output.sent.count == 3)
            harness.output.acknowledge([harness.output.sent[1].id])
            await harness.settle()
            await harness.checkpointNow()
        }
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: logger)
        let harness = try LearnerHarness(keeper: keeper)
        #expect(try harness.learner.assign([0], committed: [:]) == [0: 3])
        #expect(Set(harness.output.scoredUsers) == ["user-0-0", "user-0-2"])
        #expect(harness.output.sent.compactMap { LearnerHarness.userEvents($0.message) } == [1, 1])
    }
}
