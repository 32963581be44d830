import Clickstream
import Foundation
import Testing

@testable import Learning

/// Standard normal draws from a generator seeded by the round (the daemon's source is keyed; see PrivacyTests).
struct CountingNoise: GaussianNoiseSource {
    func fill(_ values: inout [Float], round: UInt64) {
        var generator = SplitMix64(seed: 0x6E6F_6973_65 ^ round)
        for k in values.indices { values[k] = generator.nextGaussian() }
    }
}

/// ``MetaPrivacy``: one user's whole contribution clipped to C, every coordinate noised with z·C, the sums over a
/// public denominator, the noise a function of the round.
@Suite struct MetaPrivacyTests {
    /// Ranking, 8 factors, user features on: θ is 36 blend entries + 8 vector entries; 64 embedding rows of 8.
    func setting() -> (LearningConfiguration, ThetaLayout) {
        var c = configuration(.ranking)
        c.features.userFeatures = true
        c.features.buckets = 64
        return (c, ThetaLayout(configuration: c))
    }

    func user(_ name: String, norm: Double, features: [Int32], layout: ThetaLayout, seed: UInt64) -> MetaContribution {
        var generator = SplitMix64(seed: seed)
        var direction = (0..<layout.width).map { _ in generator.nextGaussian() }
        let c = MetaContribution(user: name, events: 1, direction: direction, features: features)
        let rows = MetaPrivacy.featureRows(of: c, buckets: 64)
        let scale = Float(norm / MetaPrivacy.norm(of: c, layout: layout, rows: rows))
        for k in direction.indices { direction[k] *= scale }
        return MetaContribution(user: name, events: 1, direction: direction, features: features)
    }

    /// The L2 norm of a noiseless sum: its direction and every embedding row.
    func norm(_ sum: PrivateMetaSum) -> Double {
        var squared = 0.0
        for v in sum.direction + sum.embeddings { squared += Double(v) * Double(v) }
        return squared.squareRoot()
    }

    func difference(_ a: PrivateMetaSum, _ b: PrivateMetaSum) -> Double {
        let x = a.direction + a.embeddings
        let y = b.direction + b.embeddings
        var squared = 0.0
        for k in x.indices {
            let d = Double(x[k]) - Double(y[k])
            squared += d * d
        }
        return squared.squareRoot()
    }

    @Test("a user's whole contribution (direction and feature rows) is clipped to C, from C/10 to 1000·C")
    func clipping() {
        let (_, layout) = setting()
        let privacy = MetaPrivacy(clipNorm: 0.5, noiseMultiplier: 0, denominator: 1, noise: CountingNoise())
        for (i, factor) in [0.1, 0.5, 0.99, 1, 1.01, 2, 10, 100, 1000].enumerated() {
            // Two slots hashing to one row move it twice: the norm counts that.
            for features: [Int32] in [[], [3], [3, 17, 40], [5, 5, -1]] {
                let c = user("u", norm: 0.5 * factor, features: features, layout: layout, seed: UInt64(i))
                let sum = privacy.noisySum([c], layout: layout, embeddingBuckets: 64, round: 0)
                #expect(abs(norm(sum) - 0.5 * min(factor, 1)) <= 1e-5, "factor \(factor) features \(features)")
            }
        }
    }

    @Test("adding one user, whatever their contribution, moves the noiseless sum by at most C")
    func sensitivity() {
        let (_, layout) = setting()
        let privacy = MetaPrivacy(clipNorm: 2, noiseMultiplier: 0, denominator: 1, noise: CountingNoise())
        let others = (0..<20).map {
            user("u\($0)", norm: Double($0 % 5) + 0.3, features: [Int32($0 % 64), 7], layout: layout, seed: UInt64($0))
        }
        let base = privacy.noisySum(others, layout: layout, embeddingBuckets: 64, round: 0)
        for (i, magnitude) in [0.01, 1, 2, 50, 10_000].enumerated() {
            let extra = user("new", norm: magnitude, features: [7, 8, 9, 9], layout: layout, seed: 100 + UInt64(i))
            let with = privacy.noisySum(others + [extra], layout: layout, embeddingBuckets: 64, round: 0)
            #expect(difference(with, base) <= 2 + 1e-4, "magnitude \(magnitude)")
        }
    }

    @Test("one user's contributions in a round are merged before clipping (weighted by events)")
    func mergedPerUser() {
        let (_, layout) = setting()
        let a = MetaContribution(
            user: "u", events: 1, direction: [Float](repeating: 3, count: layout.width), features: [1])
        let b = MetaContribution(
            user: "u", events: 3, direction: [Float](repeating: -1, count: layout.width), features: [1])
        let merged = MetaPrivacy.merged([a, b])
        #expect(merged.count == 1 && merged[0].events == 4 && merged[0].direction.allSatisfy { $0 == 0 })
        let privacy = MetaPrivacy(clipNorm: 1, noiseMultiplier: 0, denominator: 1, noise: CountingNoise())
        // Two large contributions of one user still count as one: C, not 2C.
        let big = user("u", norm: 10, features: [2], layout: layout, seed: 1)
        let sum = privacy.noisySum([big, big], layout: layout, embeddingBuckets: 64, round: 0)
        #expect(abs(norm(sum) - 1) <= 1e-5 && sum.users == 1)
    }

    @Test(
        "every coordinate gets N(0, (z·C)²) noise, embedding rows no user touched too; the same round, the same noise")
    func noiseCalibration() {
        let (_, layout) = setting()
        let privacy = MetaPrivacy(clipNorm: 0.25, noiseMultiplier: 4, denominator: 1, noise: CountingNoise())
        var statistic = 0.0
        var coordinates = 0
        var untouchedRowsNoised = true
        for round in 0..<40 {
            let sum = privacy.noisySum([], layout: layout, embeddingBuckets: 64, round: UInt64(round))
            #expect(sum.direction.count == layout.width && sum.embeddings.count == 64 * 8)
            for v in sum.direction + sum.embeddings {
                let x = Double(v) / (4 * 0.25)
                statistic += x * x
                coordinates += 1
            }
            untouchedRowsNoised = untouchedRowsNoised && sum.embeddings.allSatisfy { $0 != 0 }
        }
        // Σ x² of n standard normals is χ²(n): mean n, standard deviation √(2n); 5 deviations either way.
        let n = Double(coordinates)
        #expect(abs(statistic - n) <= 5 * (2 * n).squareRoot(), "χ² \(statistic) over \(coordinates)")
        #expect(untouchedRowsNoised)
        let again = privacy.noisySum([], layout: layout, embeddingBuckets: 64, round: 7)
        let same = privacy.noisySum([], layout: layout, embeddingBuckets: 64, round: 7)
        let other = privacy.noisySum([], layout: layout, embeddingBuckets: 64, round: 8)
        #expect(again.direction == same.direction && again.embeddings == same.embeddings)
        #expect(again.direction != other.direction)
    }

    @Test("with privacy a round runs without contributions, moves every embedding row and never draws the generator")
    func emptyRoundsRun() {
        let (c, layout) = setting()
        let meta = MetaLearner(configuration: c, layout: layout)
        meta.privacy = MetaPrivacy(clipNorm: 1, noiseMultiplier: 1, denominator: 100, noise: CountingNoise())
        let before = meta.parameters
        let embeddings = Array(meta.userFeatureEmbeddings.buffer)
        var generator = SplitMix64(seed: 9)
        let start = generator
        meta.update([], generator: &generator)
        #expect(meta.updates == 1 && generator == start)
        #expect(zip(meta.parameters, before).allSatisfy { $0 != $1 })
        #expect(zip(meta.userFeatureEmbeddings.buffer, embeddings).allSatisfy { $0 != $1 })
    }

    @Test("the denominator is public: θ moves by the noiseless sum over it, not over the number of users")
    func publicDenominator() {
        var (c, layout) = setting()
        c.meta.vectorLearningRate = 1
        let meta = MetaLearner(configuration: c, layout: layout)
        meta.privacy = MetaPrivacy(clipNorm: 100, noiseMultiplier: 0, denominator: 10, noise: CountingNoise())
        var direction = [Float](repeating: 0, count: layout.width)
        direction[layout.vectorOffset] = 1
        let before = meta.parameters
        var generator = SplitMix64(seed: 1)
        meta.update(
            [
                MetaContribution(user: "a", events: 1, direction: direction, features: []),
                MetaContribution(user: "b", events: 1, direction: direction, features: []),
            ], generator: &generator)
        #expect(abs(meta.parameters[layout.vectorOffset] - before[layout.vectorOffset] - 0.2) <= 1e-6)
    }

    @Test("a private replay caps each user's rounds and still runs every round")
    func privateReplayCapsParticipations() throws {
        var c = configuration(.ranking)
        c.meta.interval = 50
        let events = Replay.timeOrdered(syntheticEvents())
        let plain = try Replay(configuration: c).run(events)
        c.meta.maxParticipations = 2
        let meta = MetaPrivacy(clipNorm: 0.1, noiseMultiplier: 1, denominator: 10, noise: CountingNoise())
        var rounds: [Int] = []
        let capped = try Replay(configuration: c, privacy: meta).run(events) { _, table in
            rounds = table.users.compactMap { table.participations(of: $0) }
        }
        #expect(capped.metaUpdates == plain.metaUpdates && capped.metaUpdates == events.count / 50)
        #expect(rounds.count == capped.users && rounds.allSatisfy { $0 <= 2 } && rounds.contains(2))
    }

    @Test("the participation count is the user's state: it survives export and import (eviction, restarts)")
    func participationsTravelWithTheUser() throws {
        var c = configuration(.ranking)
        c.meta.maxParticipations = 1
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        let e = InteractionEvent(user: "u", item: "i1", kind: "view", timestamp: 1)
        try model.learn(e, users: table)
        #expect(table.participations(of: "u") == 1)
        let contributions = table.drainContributions()
        #expect(contributions.count == 1)
        let bytes = try #require(table.exportUser("u"))
        let other = model.makeUserTable()
        try other.importUser("u", bytes: bytes)
        // At the cap: the next round's events are learned, contribute nothing.
        try model.learn(InteractionEvent(user: "u", item: "i2", kind: "view", timestamp: 2), users: other)
        #expect(other.participations(of: "u") == 1 && other.drainContributions().isEmpty)
        #expect(model.makeUserTable().participations(of: "u") == nil)
        c.meta.maxParticipations = 0
        #expect(try Recommender(configuration: c).makeUserTable().layout.participationFields == 0)
    }
}
