import Foundation
import Learning

extension DaemonConfiguration {
    /// `privacy.*`: erasure, the secret key and user-level differential privacy of the meta-update.
    public struct Privacy: Sendable, Hashable {
        /// `privacy.erasure_retention_days`: how long an erased user's events are skipped after the request (a
        /// denylist entry keyed by a pseudonym, HMAC-SHA256 of the id under the key in `<state.directory>/
        /// erasure.key`). It should be at least the events topic's retention, so that no event of the user is left
        /// in the topic to be learned again once the entry expires.
        public var erasureRetention: Duration = .seconds(30 * 86_400)
        /// `privacy.key_file`: a file of at least 32 secret bytes (systemd: `LoadCredential=`); the private
        /// meta-update's noise is drawn from it (never from `learning.seed`). Needed with ``DifferentialPrivacy``.
        public var keyFile: String? = nil
        /// `privacy.dp.*`.
        public var dp = DifferentialPrivacy()
        public init() {}
    }

    /// `privacy.dp.*`: the Gaussian mechanism on the users' clipped contributions to each meta-update round
    /// (``MetaPrivacy``), rounds on the fixed `metaupdate.every_ms` clock (also when no user contributed), each user
    /// in at most `max_participations` rounds, ε reported at `delta` (`warmstart_dp_epsilon`) and θ frozen before
    /// a round would take it past `max_epsilon`.
    public struct DifferentialPrivacy: Sendable, Hashable {
        public var enabled = false
        /// C: each user's whole contribution to a round is clipped to this L2 norm.
        public var clipNorm = 0.1
        /// z: the noise's standard deviation over C.
        public var noiseMultiplier = 1.0
        /// What a round's noisy sum is divided by: about the users expected per round (public, not counted).
        public var denominator = 100.0
        /// Each user contributes to at most this many rounds (persisted with the user's state).
        public var maxParticipations = 10
        public var delta = 1e-6
        /// θ stops moving before a round would spend more than this ε.
        public var maxEpsilon = 8.0
        public init() {}
    }
}

extension Resolver {
    mutating func readPrivacy(
        into privacy: inout DaemonConfiguration.Privacy, metaUpdate: DaemonConfiguration.MetaUpdate
    ) {
        let keyFile = string("privacy.key_file", default: privacy.keyFile ?? "") { _ in nil }
        privacy.keyFile = keyFile.isEmpty ? nil : keyFile
        var dp = privacy.dp
        dp.enabled = bool("privacy.dp.enabled", default: dp.enabled)
        dp.clipNorm = double("privacy.dp.clip_norm", default: dp.clipNorm, above: 0)
        dp.noiseMultiplier = double("privacy.dp.noise_multiplier", default: dp.noiseMultiplier, above: 0)
        dp.denominator = double("privacy.dp.denominator", default: dp.denominator, above: 0)
        dp.maxParticipations = int("privacy.dp.max_participations", default: dp.maxParticipations, range: 1...1_000_000)
        dp.delta = double("privacy.dp.delta", default: dp.delta, above: 0)
        if dp.delta >= 1 { issue("privacy.dp.delta", "must be below 1, got \(dp.delta)") }
        dp.maxEpsilon = double("privacy.dp.max_epsilon", default: dp.maxEpsilon, above: 0)
        privacy.dp = dp
        guard dp.enabled else { return }
        if privacy.keyFile == nil {
            issue("privacy.key_file", "privacy.dp.enabled needs a key file of at least 32 secret bytes")
        }
        if metaUpdate.everyEvents != nil {
            issue(
                "metaupdate.every_events",
                "must be 0 with privacy.dp.enabled: private rounds run on the metaupdate.every_ms clock only")
        }
        if metaUpdate.interval == nil {
            issue("metaupdate.every_ms", "must be set with privacy.dp.enabled: private rounds run on its clock")
        }
    }
}
