import Clickstream
import Foundation
import Testing

@testable import Learning

/// ``MetaGuard`` and the fallback of meta-learning it triggers.
@Suite struct MetaGuardTests {
    func guardWith(meta: (hits: Int, trials: Int), control: (hits: Int, trials: Int), bucket: ColdStartBucket)
        -> MetaGuard
    {
        var g = MetaGuard(minimumTrials: 1_000, threshold: 3.5)
        for k in 0..<meta.trials { g.record(bucket: bucket, meta: true, hit: k < meta.hits) }
        for k in 0..<control.trials { g.record(bucket: bucket, meta: false, hit: k < control.hits) }
        return g
    }

    @Test func findsABucketWhereMetaLearningIsSignificantlyWorse() throws {
        // 20% vs 25% over 9,000 and 1,000 trials: z = −3.72.
        let worse = guardWith(meta: (1_800, 9_000), control: (250, 1_000), bucket: .upTo20)
        let finding = try #require(worse.verdict())
        #expect(finding.bucket == .upTo20 && abs(finding.z - -3.716) < 0.005)
        #expect(finding.description.contains("bucket 6-20"))
        // The same rates over fewer control trials are not significant; a better meta arm never is.
        #expect(guardWith(meta: (1_800, 9_000), control: (125, 500), bucket: .upTo20).verdict() == nil)
        #expect(guardWith(meta: (2_700, 9_000), control: (250, 1_000), bucket: .first5).verdict() == nil)
        // 20% vs 22%: z = −1.5, chance.
        #expect(guardWith(meta: (1_800, 9_000), control: (220, 1_000), bucket: .over20).verdict() == nil)
    }

    @Test func countsSurviveSerialization() throws {
        let g = guardWith(meta: (10, 40), control: (3, 20), bucket: .first5)
        var restored = MetaGuard(minimumTrials: 1_000, threshold: 3.5)
        try restored.restore(g.serialized())
        #expect(restored == g)
        var bytes = g.serialized()
        bytes[4] = 0xFF  // more hits than trials
        #expect(throws: LearningError.self) { try restored.restore(bytes) }
        #expect(throws: LearningError.self) { try restored.restore(Array(g.serialized().dropLast())) }
    }

    @Test func aReplayWhoseMetaLearningHurtsFallsBackToTheInitialTheta() throws {
        var c = configuration(.ranking)
        c.meta.holdoutShare = 0.3
        c.meta.learningRate = 20  // θ's blend rows thrown about: worse than never moving them
        c.meta.vectorLearningRate = 20
        c.meta.fallbackMinTrials = 150
        c.meta.interval = 50
        let events = Replay.timeOrdered(syntheticEvents(users: 200, items: 80, events: 6_000))
        var model: Recommender?
        let result = try Replay(configuration: c).run(events) { m, _ in model = m }
        let fallback = try #require(result.fallback)
        #expect(fallback.finding.z < -3.5 && fallback.afterEvents < events.count)
        let trained = try #require(model)
        #expect(trained.metaFallback)
        #expect(try trained.metaParameters == Recommender(configuration: c).metaParameters)
        #expect(result.metaUpdates < events.count / 50)

        // The same stream with a sound meta-update keeps meta-learning.
        c.meta.learningRate = 0.05
        c.meta.vectorLearningRate = 0.01
        let sound = try Replay(configuration: c).run(events)
        #expect(sound.fallback == nil && sound.metaGuard != nil)
        c.meta.fallback = false
        c.meta.learningRate = 20
        #expect(try Replay(configuration: c).run(events).fallback == nil)
    }
}
