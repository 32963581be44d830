import Kafka
import Logging
import Testing

@testable import Pipeline

/// ``DeliveryTracker``: no message handed to it is lost — refused and failed ones are sent again — and each
/// acknowledgement hands back the effect to clear.
@Suite struct OutputDeliveryTrackerTests {
    static func tracker() -> (DeliveryTracker, InMemoryLearnerOutput, DaemonMetrics) {
        let metrics = DaemonMetrics()
        let tracker = DeliveryTracker(metrics: metrics, logger: Logger(label: "test"))
        let output = InMemoryLearnerOutput()
        tracker.output = output
        return (tracker, output, metrics)
    }

    /// Tokens of events at `offsets` of `partition`.
    static func tokens(partition: Int32 = 0, _ offsets: [Int64]) -> [EffectToken] {
        var tracker = PartitionOffsetTracker(partition: partition)
        return offsets.map { tracker.processed(offset: $0) }
    }

    static func score(_ user: String, _ token: EffectToken?, partition: Int32 = 0) -> DeliveryTracker.Entry {
        DeliveryTracker.Entry(
            token: token, partition: partition, message: .score(user: user, value: Array("{}".utf8)),
            earliestConsumedAt: 0)
    }

    static func acknowledged(_ id: KafkaProducerMessageID) -> KafkaDeliveryReport {
        KafkaDeliveryReport(id: id, topic: "scores", status: .acknowledged(partition: 0, offset: 0))
    }

    @Test func anAcknowledgementHandsTheEffectBack() throws {
        let (tracker, output, metrics) = Self.tracker()
        let tokens = Self.tokens([7, 8])
        tracker.send(Self.score("a", tokens[0]))
        tracker.send(Self.score("b", tokens[1]))
        #expect(tracker.inFlight == 2)
        let sent = output.sent
        try #require(sent.count == 2)
        #expect(tracker.delivered(Self.acknowledged(sent[1].id), acknowledgedAt: 1) == tokens[1])
        #expect(tracker.inFlight == 1)
        #expect(tracker.delivered(Self.acknowledged(sent[1].id), acknowledgedAt: 1) == nil, "reported once")
        #expect(tracker.delivered(Self.acknowledged(sent[0].id), acknowledgedAt: 1) == tokens[0])
        #expect(tracker.inFlight == 0)
        #expect(LearnerHarness.sample(metrics, "warmstart_scores_published_total") == 2)
    }

    @Test func aRepublishIsNoEffect() throws {
        let (tracker, output, _) = Self.tracker()
        tracker.send(Self.score("a", nil))
        try #require(output.sent.count == 1)
        #expect(tracker.delivered(Self.acknowledged(output.sent[0].id), acknowledgedAt: 1) == nil)
        #expect(tracker.inFlight == 0)
    }

    @Test func refusedMessagesWaitForTheNextResend() {
        let (tracker, output, _) = Self.tracker()
        output.isRefusing = true
        let tokens = Self.tokens([0, 1])
        tracker.send(Self.score("a", tokens[0]))
        tracker.send(Self.score("b", tokens[1]))
        #expect(output.sent.isEmpty)
        #expect(tracker.inFlight == 2)
        tracker.resendRefused()
        #expect(output.refusals == 4)
        #expect(tracker.inFlight == 2)
        output.isRefusing = false
        tracker.resendRefused()
        #expect(output.scoredUsers == ["a", "b"], "in their order")
        #expect(tracker.inFlight == 2)
        tracker.resendRefused()
        #expect(output.sent.count == 2, "nothing is sent twice")
    }

    @Test func aFailedDeliveryIsRetriedAndStaysOutstanding() throws {
        let (tracker, output, metrics) = Self.tracker()
        let token = Self.tokens([3])[0]
        tracker.send(Self.score("a", token))
        try #require(output.sent.count == 1)
        let failure = KafkaDeliveryReport(
            id: output.sent[0].id, topic: "scores", status: .failed(KafkaError(code: .messageTimedOut, message: "x")))
        #expect(tracker.delivered(failure, acknowledgedAt: 1) == nil)
        #expect(tracker.inFlight == 1)
        #expect(tracker.unacknowledgedScoreUsers() == [0: ["a"]])
        tracker.resendRefused()
        try #require(output.scoredUsers == ["a", "a"])
        #expect(tracker.delivered(Self.acknowledged(output.sent[1].id), acknowledgedAt: 1) == token)
        #expect(LearnerHarness.sample(metrics, "warmstart_publish_failures_total") == 1)
        #expect(LearnerHarness.sample(metrics, "warmstart_scores_published_total") == 1)
    }

    @Test func releasedPartitionsAreForgotten() throws {
        let (tracker, output, _) = Self.tracker()
        tracker.send(Self.score("a", Self.tokens(partition: 0, [0])[0]))
        tracker.send(Self.score("b", Self.tokens(partition: 1, [0])[0], partition: 1))
        output.isRefusing = true
        tracker.send(Self.score("c", Self.tokens(partition: 1, [1])[0], partition: 1))
        tracker.send(Self.score("d", Self.tokens(partition: 2, [0])[0], partition: 2))
        #expect(tracker.unacknowledgedScoreUsers() == [0: ["a"], 1: ["b", "c"], 2: ["d"]])
        tracker.release([1])
        try #require(output.sent.count == 2)
        #expect(tracker.inFlight == 2)
        #expect(tracker.unacknowledgedScoreUsers() == [0: ["a"], 2: ["d"]])
        #expect(tracker.delivered(Self.acknowledged(output.sent[1].id), acknowledgedAt: 1) == nil)
    }

    @Test func deadLettersAreEffectsButNoScores() throws {
        let (tracker, output, metrics) = Self.tracker()
        let token = Self.tokens([0])[0]
        let message = KafkaMessage(
            topic: "events", partition: 0, offset: 0, key: nil, value: [], timestamp: nil, headers: [])
        let deadLetter = DeadLetter(source: message, reason: .oversizeKey, error: "x", failedAt: 0)
        tracker.send(
            DeliveryTracker.Entry(token: token, partition: 0, message: .deadLetter(deadLetter), earliestConsumedAt: 0))
        #expect(tracker.unacknowledgedScoreUsers() == [:])
        try #require(output.sent.count == 1)
        #expect(tracker.delivered(Self.acknowledged(output.sent[0].id), acknowledgedAt: 1) == token)
        #expect(LearnerHarness.sample(metrics, "warmstart_scores_published_total") == 0)
    }
}
