import ArgumentParser
import Foundation
import Learning
import Privacy

/// `warmstart replay`'s user-level differential privacy of the meta-update (what `privacy.dp.*` does in the
/// daemon), for measuring what it costs.
struct PrivacyOptions: ParsableArguments {
    @Option(
        name: .customLong("dp-epsilon"),
        help:
            "Run the meta-update with user-level DP at this ε over the replay's rounds (the noise multiplier follows).")
    var epsilon: Double?

    @Option(name: .customLong("dp-noise-multiplier"), help: "DP noise multiplier z (instead of --dp-epsilon).")
    var noiseMultiplier: Double?

    @Option(
        name: .customLong("dp-clip-norm"), help: "DP: each user's contribution to a round is clipped to this L2 norm.")
    var clipNorm: Double = 0.1

    @Option(name: .customLong("dp-denominator"), help: "DP: the public denominator of a round's noisy sum.")
    var denominator: Double = 50

    @Option(name: .customLong("dp-max-participations"), help: "DP: each user contributes to at most this many rounds.")
    var maxParticipations: Int?

    @Option(name: .customLong("dp-delta"), help: "DP: the δ that ε is reported at.")
    var delta: Double = 1e-6

    @Option(
        name: .customLong("dp-key-file"),
        help: "DP: a file of at least 32 secret bytes the noise is drawn from (default: a fresh random key).")
    var keyFile: String?

    var isEnabled: Bool { epsilon != nil || noiseMultiplier != nil }

    /// The replay's privacy for `rounds` meta-update rounds, `nil` when no DP option is given (the participation
    /// cap goes to `meta.max_participations`).
    func privacy(rounds: Int) throws -> (meta: MetaPrivacy, epsilon: Double)? {
        guard isEnabled else { return nil }
        guard epsilon == nil || noiseMultiplier == nil else {
            throw ValidationError("give --dp-epsilon or --dp-noise-multiplier, not both")
        }
        guard clipNorm > 0, denominator > 0, delta > 0, delta < 1 else {
            throw ValidationError("--dp-clip-norm and --dp-denominator must be positive, --dp-delta in (0, 1)")
        }
        if let maxParticipations, maxParticipations < 1 {
            throw ValidationError("--dp-max-participations must be at least 1")
        }
        let spent = min(rounds, maxParticipations ?? rounds)
        let z: Double
        if let noiseMultiplier {
            guard noiseMultiplier > 0 else { throw ValidationError("--dp-noise-multiplier must be positive") }
            z = noiseMultiplier
        } else {
            guard let epsilon, epsilon > 0 else { throw ValidationError("--dp-epsilon must be positive") }
            z = Self.noiseMultiplier(forEpsilon: epsilon, rounds: spent, delta: delta)
        }
        let noise = KeyedGaussianNoise(secret: try secret())
        let meta = MetaPrivacy(clipNorm: clipNorm, noiseMultiplier: z, denominator: denominator, noise: noise)
        return (meta, Self.epsilon(z, spent, delta))
    }

    static func epsilon(_ z: Double, _ rounds: Int, _ delta: Double) -> Double {
        var accountant = RDPAccountant()
        accountant.composeGaussian(noiseMultiplier: z, count: rounds)
        return accountant.epsilon(delta: delta).epsilon
    }

    /// The smallest noise multiplier whose `rounds` rounds spend at most `epsilon` at `delta` (bisection on a
    /// logarithmic scale; ε falls as z grows).
    static func noiseMultiplier(forEpsilon epsilon: Double, rounds: Int, delta: Double) -> Double {
        guard rounds > 0 else { return 1 }
        var low = 1e-3
        var high = 1e4
        for _ in 0..<100 {
            let mid = (low * high).squareRoot()
            if Self.epsilon(mid, rounds, delta) > epsilon { low = mid } else { high = mid }
        }
        return high
    }

    private func secret() throws -> [UInt8] {
        guard let keyFile else {
            var generator = SystemRandomNumberGenerator()
            return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        guard let data = FileManager.default.contents(atPath: keyFile), data.count >= 32 else {
            throw ValidationError("--dp-key-file \(keyFile): cannot read 32 bytes")
        }
        return Array(data)
    }
}
