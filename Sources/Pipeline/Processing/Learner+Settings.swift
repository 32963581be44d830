extension Learner {
    /// The learner's settings: the part of the daemon's configuration it acts on (a value type; see
    /// ``init(configuration:deterministic:)``).
    struct Settings: Sendable {
        var topK: Int
        var excludeSeen: Bool
        var coalesceWindow: Duration
        var metaUpdateEveryEvents: Int?
        var kindLabels: [String: DaemonConfiguration.KindMapping.Label]
        /// A checkpoint after this many learned events, and/or this much time (with a ``StateKeeper``).
        var checkpointEveryEvents: Int? = nil
        var checkpointInterval: Duration? = nil
        /// `learning.deterministic`: partitions are learned in rounds of ``OwnedPartitions/roundQuantum`` events
        /// each, in partition order; time-based meta-updates and checkpoints are off.
        var deterministic = false
        /// `state.max_users_in_memory` (with a ``StateKeeper``): beyond it the least recently active users are
        /// evicted to the store and reloaded on their next event.
        var maxUsersInMemory: Int? = nil
        /// `state.accept_loss`: resume from checkpoints behind the group's committed offsets (see
        /// ``StateLossCheck``) instead of refusing them.
        var acceptStateLoss = false
        /// `privacy.dp.*`: private meta-update rounds on the clock, θ released only once durable.
        var privateRounds: PrivateMetaRounds? = nil
    }
}

extension Learner.Settings {
    /// The learner's part of `configuration`: `scoring.*`, `metaupdate.every_events`, `input.kinds`, `state.*`.
    ///
    /// - Parameter deterministic: `learning.deterministic`.
    init(configuration: DaemonConfiguration, deterministic: Bool) {
        self.init(
            topK: configuration.scoring.topK,
            excludeSeen: configuration.scoring.excludeSeen,
            coalesceWindow: configuration.scoring.coalesceWindow,
            metaUpdateEveryEvents: configuration.metaUpdate.everyEvents,
            kindLabels: configuration.input.kinds.mapValues(\.label),
            checkpointEveryEvents: configuration.state.checkpointEveryEvents,
            checkpointInterval: configuration.state.checkpointInterval,
            deterministic: deterministic,
            maxUsersInMemory: configuration.state.maxUsersInMemory,
            acceptStateLoss: configuration.state.acceptLoss
        )
    }
}
