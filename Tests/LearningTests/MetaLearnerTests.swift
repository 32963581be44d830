import Clickstream
import Foundation
import Testing

@testable import Learning

/// ``ThetaLayout`` and ``MetaLearner``: θ's layout, its initial values and the meta-update's optimizer.
@Suite struct MetaLearnerTests {
    @Test func thetaLayoutPerObjective() {
        var c = configuration(.ranking)
        let ranking = ThetaLayout(configuration: c)
        #expect(ranking.vectorOffset == 9 * 4 && ranking.vectorWidth == 8)
        #expect(ranking.width == 36 + 8 && ranking.stepSizeOffset == ranking.width && ranking.adamEnd == 36)
        c.meta.innerStepSizes = true
        let metaSGD = ThetaLayout(configuration: c)
        #expect(metaSGD.stepSizeOffset == 44 && metaSGD.width == 44 + 36)
        let rating = ThetaLayout(configuration: configuration(.rating))
        #expect(rating.vectorOffset == 0 && rating.vectorWidth == 1 + 8 && rating.width == 9 && rating.adamEnd == 0)
    }

    @Test func rankingThetaStartsFromTheInitialBlendAndADrawnVector() {
        var c = configuration(.ranking)
        c.meta.innerStepSizes = true
        c.ranking.initialBlend = [1, 2, 3, 4]
        let meta = MetaLearner(configuration: c, layout: ThetaLayout(configuration: c))
        let theta = meta.parameters
        for b in 0..<9 { #expect(Array(theta[(b * 4)..<(b * 4 + 4)]) == [1, 2, 3, 4]) }
        var generator = SplitMix64(seed: c.seed ^ 0x7468_6574_61)
        let vector = (0..<8).map { _ in generator.nextGaussian() * Float(c.ranking.initialScale) }
        #expect(Array(theta[36..<44]) == vector)
        #expect(theta[44...].allSatisfy { $0 == Float.log(Float(c.ranking.blendLearningRate)) })
        #expect(Array(meta.initialTheta.buffer) == theta)
        #expect(meta.userFeatureEmbeddings.count == c.features.buckets * 8)
    }

    func contribution(_ direction: [Float], features: [Int32] = []) -> MetaContribution {
        MetaContribution(user: "u", events: 1, direction: direction, features: features)
    }

    /// The blend rows take Adam (its first step is the learning rate times the gradient's sign), the vector part
    /// and the users' feature embeddings a plain step along the mean direction.
    @Test func updateStepsThetaAlongTheMeanContribution() throws {
        var c = configuration(.ranking)
        c.meta.learningRate = 0.1
        c.meta.vectorLearningRate = 0.5
        let layout = ThetaLayout(configuration: c)
        let meta = MetaLearner(configuration: c, layout: layout)
        let before = meta.parameters
        var a = [Float](repeating: 0, count: layout.width)
        var b = a
        a[0] = 2
        b[0] = 4
        a[1] = -1
        a[36] = 0.2
        b[36] = 0.6
        var generator = SplitMix64(seed: 1)
        meta.update([contribution(a, features: [3]), contribution(b)], generator: &generator)
        let after = meta.parameters
        #expect(abs(after[0] - before[0] - 0.1) < 1e-6)
        #expect(abs(after[1] - before[1] + 0.1) < 1e-6)
        #expect(after[2] == before[2])
        #expect(abs(after[36] - before[36] - 0.5 * 0.4) < 1e-6)
        #expect(meta.updates == 1)
        // User 1's feature row 3 moves with that user's vector part, over the two contributors.
        #expect(abs(meta.userFeatureEmbeddings[3 * 8] - 0.5 * 0.2 / 2) < 1e-7)
        #expect(meta.userFeatureEmbeddings[2 * 8] == 0)

        var w = BinaryWriter()
        meta.write(to: &w)
        let copy = MetaLearner(configuration: c, layout: layout)
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r)
        #expect(r.isAtEnd)
        #expect(copy.parameters == after && copy.updates == 1)
        #expect(Array(copy.moment2.buffer) == Array(meta.moment2.buffer))
        #expect(Array(copy.userFeatureEmbeddings.buffer) == Array(meta.userFeatureEmbeddings.buffer))
        var other = c
        other.ranking.factors = 4
        var wrong = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) {
            try MetaLearner(configuration: other, layout: ThetaLayout(configuration: other)).read(from: &wrong)
        }
    }

    @Test func stepSizesStayWithinTheirBounds() {
        var c = configuration(.ranking)
        c.meta.innerStepSizes = true
        c.meta.stepSizeLearningRate = 100
        let layout = ThetaLayout(configuration: c)
        let meta = MetaLearner(configuration: c, layout: layout)
        var up = [Float](repeating: 0, count: layout.width)
        for k in layout.stepSizeOffset..<layout.width { up[k] = k % 2 == 0 ? 1 : -1 }
        var generator = SplitMix64(seed: 1)
        for _ in 0..<5 { meta.update([contribution(up)], generator: &generator) }
        let steps = meta.parameters[layout.stepSizeOffset...]
        #expect(steps.contains(Float.log(Float(MetaLearner.maximumStepSize))))
        #expect(steps.contains(Float.log(Float(MetaLearner.minimumStepSize))))
    }

    @Test func nothingMovesWhenDisabledAndTheGeneratorIsNotDrawnFrom() {
        var c = configuration(.rating)
        let layout = ThetaLayout(configuration: c)
        let ones = [Float](repeating: 1, count: layout.width)
        var generator = SplitMix64(seed: 1)
        let start = generator
        let meta = MetaLearner(configuration: c, layout: layout)
        meta.update([contribution(ones), contribution(ones)], generator: &generator)
        #expect(meta.updates == 1 && generator == start)

        c.meta.enabled = false
        let frozen = MetaLearner(configuration: c, layout: layout)
        let before = frozen.parameters
        frozen.update([contribution(ones)], generator: &generator)
        frozen.privacy = MetaPrivacy(clipNorm: 1, noiseMultiplier: 1, denominator: 1, noise: CountingNoise())
        frozen.update([], generator: &generator)
        #expect(frozen.parameters == before && frozen.updates == 0)
    }
}
