import Foundation
import Learning
import Privacy

/// The daemon's private meta-update rounds (`privacy.dp.*`): the mechanism (``MetaPrivacy`` with noise from the key
/// file), the budget and what the model topic may say about it.
///
/// Each round is the Gaussian mechanism with noise multiplier z; a user contributes to at most
/// `max_participations` rounds (`learning.meta.max_participations`, kept in the user's state), so after r rounds
/// each user has spent at most the RDP of min(r, k) rounds (``RDPAccountant``), reported as ε at `delta`. A round
/// that would take ε past `max_epsilon` does not run: θ freezes.
struct PrivateMetaRounds: Sendable {
    let settings: DaemonConfiguration.DifferentialPrivacy
    let meta: MetaPrivacy

    init(settings: DaemonConfiguration.DifferentialPrivacy, secret: [UInt8]) {
        self.settings = settings
        meta = MetaPrivacy(
            clipNorm: settings.clipNorm, noiseMultiplier: settings.noiseMultiplier, denominator: settings.denominator,
            noise: KeyedGaussianNoise(secret: secret))
    }

    /// The rounds of `privacy`, `nil` when `privacy.dp.enabled` is off.
    /// - Throws: ``PipelineError/Code/invalidConfiguration`` when the key file is missing, unreadable or short.
    static func load(_ privacy: DaemonConfiguration.Privacy) throws(PipelineError) -> PrivateMetaRounds? {
        guard privacy.dp.enabled else { return nil }
        guard let path = privacy.keyFile, let data = FileManager.default.contents(atPath: path), data.count >= 32
        else {
            throw PipelineError(
                code: .invalidConfiguration,
                message: "privacy.key_file \(privacy.keyFile ?? "(unset)") must be a readable file of at least 32 "
                    + "secret bytes (e.g. head -c 32 /dev/urandom > key; systemd: LoadCredential=)")
        }
        return PrivateMetaRounds(settings: privacy.dp, secret: Array(data))
    }

    /// ε at `delta` after `rounds` rounds.
    func epsilon(afterRounds rounds: Int) -> Double {
        var accountant = RDPAccountant()
        accountant.composeGaussian(
            noiseMultiplier: settings.noiseMultiplier, count: min(rounds, settings.maxParticipations))
        return accountant.epsilon(delta: settings.delta).epsilon
    }

    /// Whether one more round after `rounds` stays within `max_epsilon`.
    func allowsRound(after rounds: Int) -> Bool { epsilon(afterRounds: rounds + 1) <= settings.maxEpsilon }

    /// What the model message says about the privacy of θ after `rounds` rounds.
    func report(afterRounds rounds: Int) -> ModelTopicPublisher.PrivacyReport {
        ModelTopicPublisher.PrivacyReport(
            epsilon: epsilon(afterRounds: rounds), delta: settings.delta, noiseMultiplier: settings.noiseMultiplier,
            clipNorm: settings.clipNorm, maxParticipations: settings.maxParticipations)
    }
}
