import Foundation
import Testing

@testable import Privacy

@Suite("RDP accountant of the Gaussian mechanism")
struct RDPAccountantTests {
    @Test("ε matches Google's dp-accounting to 1e-6 relative", arguments: rdpFixtures)
    func matchesDPAccounting(_ fixture: RDPFixture) {
        var accountant = fixture.integerOrders ? RDPAccountant(orders: (2...64).map { Double($0) }) : RDPAccountant()
        for (noiseMultiplier, rounds) in fixture.rounds {
            accountant.composeGaussian(noiseMultiplier: noiseMultiplier, count: rounds)
        }
        let epsilon = accountant.epsilon(delta: fixture.delta).epsilon
        #expect(abs(epsilon - fixture.epsilon) <= 1e-6 * max(abs(fixture.epsilon), 1e-12), "\(epsilon)")
    }

    @Test("the issue's example: z = 5, 10 rounds, δ = 1e-6 gives ε = 3.1311")
    func issueExample() {
        var accountant = RDPAccountant()
        accountant.composeGaussian(noiseMultiplier: 5, count: 10)
        #expect((accountant.epsilon(delta: 1e-6).epsilon * 10_000).rounded() == 31_311)
    }

    @Test("composing round by round equals composing the count at once, and a restored accountant continues")
    func compositionAndRestore() {
        var stepwise = RDPAccountant()
        for _ in 0..<25 { stepwise.composeGaussian(noiseMultiplier: 3) }
        stepwise.composeGaussian(noiseMultiplier: 0.9, count: 4)
        var atOnce = RDPAccountant()
        atOnce.composeGaussian(noiseMultiplier: 0.9, count: 4)
        atOnce.composeGaussian(noiseMultiplier: 3, count: 25)
        let a = stepwise.epsilon(delta: 1e-6).epsilon
        let b = atOnce.epsilon(delta: 1e-6).epsilon
        #expect(abs(a - b) <= 1e-12 * a)
        let restored = RDPAccountant(rounds: stepwise.rounds)
        #expect(restored.rounds == [3: 25, 0.9: 4])
        #expect(abs(restored.epsilon(delta: 1e-6).epsilon - a) <= 1e-12 * a)
    }

    @Test("more rounds or less noise never lowers ε; nothing spent is ε = 0; no noise is ε = ∞")
    func monotoneAndEdges() {
        #expect(RDPAccountant().epsilon(delta: 1e-6).epsilon == 0)
        #expect(RDPAccountant().epsilon(delta: 0).epsilon == 0)
        var previous = 0.0
        var accountant = RDPAccountant()
        for _ in 0..<200 {
            accountant.composeGaussian(noiseMultiplier: 2)
            let epsilon = accountant.epsilon(delta: 1e-5).epsilon
            #expect(epsilon >= previous)
            previous = epsilon
        }
        for z in stride(from: 10.0, to: 0.3, by: -0.7) {
            var noisier = RDPAccountant()
            noisier.composeGaussian(noiseMultiplier: z, count: 10)
            var lessNoisy = RDPAccountant()
            lessNoisy.composeGaussian(noiseMultiplier: z * 0.9, count: 10)
            #expect(lessNoisy.epsilon(delta: 1e-6).epsilon >= noisier.epsilon(delta: 1e-6).epsilon)
        }
        var noNoise = RDPAccountant()
        noNoise.composeGaussian(noiseMultiplier: 0)
        #expect(noNoise.epsilon(delta: 1e-6).epsilon == .infinity)
        #expect(accountant.epsilon(delta: 0).epsilon == .infinity)
    }
}
