import Clickstream
import Testing

@testable import Learning

/// ``Factorisation``: item vectors and biases, scored as `b_i + p·q_i`, learned by BPR.
@Suite struct FactorisationTests {
    func factorisation(_ adjust: (inout LearningConfiguration) -> Void = { _ in }) -> Factorisation {
        var c = configuration(.ranking)
        c.ranking.factors = 3
        adjust(&c)
        return Factorisation(configuration: c)
    }

    @Test func newItemsDrawTheirVectorsFromTheGenerator() {
        let f = factorisation { $0.ranking.initialScale = 0.5 }
        var generator = SplitMix64(seed: 4)
        var reference = generator
        f.appendItem(generator: &generator)
        f.appendItem(generator: &generator)
        #expect(Array(f.vectors.buffer) == (0..<6).map { _ in reference.nextGaussian() * 0.5 })
        #expect(Array(f.biases.buffer) == [0, 0])
        #expect(generator == reference)
    }

    @Test func scoresAreBiasPlusDotProduct() {
        let f = factorisation()
        var generator = SplitMix64(seed: 1)
        for _ in 0..<4 { f.appendItem(generator: &generator) }
        for i in 0..<4 { f.biases[i] = Float(i) * 0.5 }
        let p: [Float] = [0.3, -1.2, 0.7]
        var out = [Float](repeating: 0, count: 4)
        let sum = f.fillScores(user: p, count: 4, into: &out)
        for i in 0..<4 {
            let expected = f.biases[i] + (0..<3).reduce(Float(0)) { $0 + p[$1] * f.vectors[i * 3 + $1] }
            #expect(abs(out[i] - expected) < 1e-6)
            #expect(f.score(user: p, item: i) == out[i])
        }
        #expect(sum == out.reduce(0, +))
    }

    /// One BPR pair moves every parameter by minus its step size times the pair loss's gradient (central
    /// differences of ``Kernels/bprLoss(p:qPositive:qNegative:bPositive:bNegative:factors:weight:)``).
    @Test func bprStepDescendsThePairLoss() throws {
        let f = factorisation {
            $0.ranking.negatives = 1
            $0.ranking.regularization = 0
            $0.ranking.learningRate = 0.1
            $0.ranking.biasLearningRate = 0.2
            $0.ranking.userLearningRate = 0.3
        }
        var generator = SplitMix64(seed: 12)
        for _ in 0..<2 { f.appendItem(generator: &generator) }
        f.biases[0] = 0.4
        f.biases[1] = -0.1
        var probe = generator
        let negative = probe.next(below: 2)
        let positive = 1 - negative
        var p: [Float] = [0.5, -0.4, 0.9]
        let q = Array(f.vectors.buffer)
        let b = Array(f.biases.buffer)
        let weight: Float = 1.5
        // Parameters: p, q⁺, q⁻, b⁺, b⁻.
        var x = p + Array(q[(positive * 3)..<(positive * 3 + 3)]) + Array(q[(negative * 3)..<(negative * 3 + 3)])
        x += [b[positive], b[negative]]
        func loss(_ v: [Float]) -> Double {
            v.withUnsafeBufferPointer { v in
                Double(
                    Kernels.bprLoss(
                        p: v.baseAddress!, qPositive: v.baseAddress! + 3, qNegative: v.baseAddress! + 6,
                        bPositive: v[9], bNegative: v[10], factors: 3, weight: weight))
            }
        }
        f.learnPair(user: &p, positive: Int32(positive), catalogue: 2, weight: weight, generator: &generator)
        #expect(generator == probe)
        let moved =
            zip(p, x[0..<3]).map { $0 - $1 }
            + (0..<3).map { f.vectors[positive * 3 + $0] - q[positive * 3 + $0] }
            + (0..<3).map { f.vectors[negative * 3 + $0] - q[negative * 3 + $0] }
            + [f.biases[positive] - b[positive], f.biases[negative] - b[negative]]
        let rates: [Float] = [0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2]
        for k in 0..<11 {
            var up = x
            up[k] += 1e-3
            var down = x
            down[k] -= 1e-3
            let gradient = (loss(up) - loss(down)) / 2e-3
            #expect(abs(Double(moved[k]) + Double(rates[k]) * gradient) < 1e-4, "parameter \(k)")
        }
        #expect(moved.contains { $0 != 0 })
    }

    @Test func innerStepsMoveOnlyTheUserVector() {
        var c = configuration(.ranking)
        c.ranking.factors = 3
        c.ranking.innerSteps = 5
        let f = Factorisation(configuration: c)
        var generator = SplitMix64(seed: 3)
        for _ in 0..<6 { f.appendItem(generator: &generator) }
        let table = UserTable(layout: UserLayout(configuration: c), metaWidth: 1)
        let user = table.view(table.slot(for: "u"))
        for item: Int32 in [1, 4] {
            user.pushRecent(item, timestamp: 0, sessionGap: 0)
            user.countEvent()
        }
        user.vector[0] = 0.5
        let vectors = Array(f.vectors.buffer)
        let before = Array(UnsafeBufferPointer(start: user.vector, count: 3))
        f.innerSteps(user: user, length: 2, catalogue: 6, generator: &generator)
        #expect(Array(f.vectors.buffer) == vectors)
        #expect(Array(UnsafeBufferPointer(start: user.vector, count: 3)) != before)
        withExtendedLifetime(table) {}
    }

    @Test func withoutAHeadRateTheHeadLeavesTheFactorisationAlone() {
        let f = factorisation { $0.ranking.headLearningRate = 0 }
        var generator = SplitMix64(seed: 3)
        f.appendItem(generator: &generator)
        var p: [Float] = [1, 1, 1]
        let entries: [Int32] = [0]
        let coefficients: [Float] = [-1]
        #expect(
            f.applyHeadStep(
                entries: entries, coefficients: coefficients, count: 1, items: nil, user: &p,
                factorScale: 1) == nil)
        #expect(p == [1, 1, 1])
    }

    @Test func factorisationRoundTripsThroughBytes() throws {
        let f = factorisation()
        var generator = SplitMix64(seed: 8)
        for _ in 0..<3 { f.appendItem(generator: &generator) }
        f.biases[2] = 0.25
        var w = BinaryWriter()
        f.write(to: &w)
        let copy = factorisation()
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r, items: 3)
        #expect(Array(copy.vectors.buffer) == Array(f.vectors.buffer))
        #expect(Array(copy.biases.buffer) == Array(f.biases.buffer))
        var wrong = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) { try factorisation().read(from: &wrong, items: 2) }
    }
}
