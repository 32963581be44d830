import ArgumentParser
import Testing

@testable import WarmstartCommands

@Suite struct PrivacyOptionsTests {
    @Test func theNoiseMultiplierForATargetEpsilonSpendsIt() {
        // dp-accounting: z = 5 over 10 rounds at δ = 1e-6 is ε = 3.1311.
        let z = PrivacyOptions.noiseMultiplier(forEpsilon: 3.131089774915035, rounds: 10, delta: 1e-6)
        #expect(abs(z - 5) <= 1e-6)
        for (epsilon, rounds) in [(1.0, 1000), (3.0, 55), (8.0, 10)] {
            let z = PrivacyOptions.noiseMultiplier(forEpsilon: epsilon, rounds: rounds, delta: 1e-6)
            #expect(abs(PrivacyOptions.epsilon(z, rounds, 1e-6) - epsilon) <= 1e-6 * epsilon)
        }
    }

    @Test func replayRefusesContradictoryPrivacyOptions() throws {
        let both = try PrivacyOptions.parse(["--dp-epsilon", "1", "--dp-noise-multiplier", "2"])
        #expect(throws: ValidationError.self) { try both.privacy(rounds: 10) }
        let capZero = try PrivacyOptions.parse(["--dp-epsilon", "1", "--dp-max-participations", "0"])
        #expect(throws: ValidationError.self) { try capZero.privacy(rounds: 10) }
        #expect(try PrivacyOptions.parse([]).privacy(rounds: 10) == nil)
        let capped = try PrivacyOptions.parse(["--dp-epsilon", "2", "--dp-max-participations", "5"])
        let privacy = try #require(try capped.privacy(rounds: 1000))
        #expect(abs(privacy.epsilon - 2) <= 1e-6 && capped.maxParticipations == 5)
    }
}
