import Clickstream
import Foundation
import Learning
import Logging
import Testing

@testable import Pipeline

/// The daemon's live check of meta-learning (``MetaGuard``): a stream on which meta-learning hurts makes the
/// learner fall back to the initial θ, says so in a metric and a log line, and a restart keeps the verdict.
@Suite struct ProcessingMetaFallbackTests {
    /// Learning settings under which meta-learning hurts: θ's blend rows thrown about by huge meta steps.
    static func harmful(_ c: inout LearningConfiguration) {
        c.meta.holdoutShare = 0.3
        c.meta.learningRate = 20
        c.meta.vectorLearningRate = 20
        c.meta.fallbackMinTrials = 150
    }

    static func stream() -> [DecodedMessage] {
        var c = SyntheticClickstream.Configuration()
        c.users = 200
        c.items = 80
        c.events = 6_000
        c.clusters = 4
        c.seed = 7
        c.includeFeatures = false
        return SyntheticClickstream(c).enumerated().map { offset, e in
            let message = LearnerHarness.event(e.user, item: e.item, kind: "click", offset: Int64(offset))
            return message
        }
    }

    @Test func aStreamOnWhichMetaLearningHurtsFallsBackAndARestartKeepsIt() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "t"))
            let harness = try LearnerHarness.assigned(
                [0], keeper: keeper, adjust: { $0.metaUpdateEveryEvents = 50 }, learning: Self.harmful)
            #expect(LearnerHarness.sample(harness.metrics, "warmstart_meta_fallback") == 0)
            let messages = Self.stream()
            for start in stride(from: 0, to: messages.count, by: 500) {
                await harness.submit(Array(messages[start..<min(start + 500, messages.count)]))
            }
            #expect(LearnerHarness.sample(harness.metrics, "warmstart_meta_fallback") == 1)
            harness.output.acknowledgeAll()
            await harness.checkpointNow()
        }
        // A restart reads the counts back and falls back at once.
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "t"))
        // The counts stored are those of the verdict (after the fallback both arms serve the initial θ).
        var stored = MetaGuard(minimumTrials: 150, threshold: 3.5)
        try stored.restore(try #require(try keeper.metaGuardCounts()))
        #expect(stored.verdict() != nil)
        let restarted = try LearnerHarness(
            keeper: keeper, adjust: { $0.metaUpdateEveryEvents = 50 }, learning: Self.harmful)
        #expect(LearnerHarness.sample(restarted.metrics, "warmstart_meta_fallback") == 1)
    }

    @Test func soundMetaLearningIsKept() async throws {
        let harness = try LearnerHarness.assigned(
            [0], adjust: { $0.metaUpdateEveryEvents = 50 },
            learning: {
                $0.meta.holdoutShare = 0.3
                $0.meta.fallbackMinTrials = 150
            })
        let messages = Self.stream()
        for start in stride(from: 0, to: messages.count, by: 500) {
            await harness.submit(Array(messages[start..<min(start + 500, messages.count)]))
        }
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_meta_fallback") == 0)
    }
}
