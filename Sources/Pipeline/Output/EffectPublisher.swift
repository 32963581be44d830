import Learning
import Logging

/// Publishing the effects of events: a user's score message after a (coalesced) refresh, and the dead letter of a
/// message that could not be learned.
///
/// Each message is registered as an effect of its event in the ``CommitGate`` (so the event's offset is not
/// committed before the message is acknowledged) and handed to the ``DeliveryTracker``, which sends it through the
/// ``LearnerOutput`` and keeps it until it is acknowledged.
///
/// Runs on the ``Learner``'s queue: scoring reads the model and the user's state after the last learned event.
struct EffectPublisher {
    let model: Recommender
    /// `scoring.top_k`.
    let topK: Int
    /// `scoring.exclude_seen`.
    let excludeSeen: Bool
    let deliveries: DeliveryTracker
    let commits: CommitGate
    let metrics: DaemonMetrics
    let logger: Logger

    /// Publishes the scores of `refresh.user` (in memory in `users`).
    ///
    /// - Parameter effectRegistered: Whether the publish is already an effect of `refresh.token` — true for a
    ///   coalesced refresh (registered when it started pending), false for a leading-edge publish.
    func publish(
        _ refresh: RefreshCoalescer<String, EffectToken>.Refresh, users: UserTable, effectRegistered: Bool
    ) {
        let value: [UInt8]
        do {
            value = try scoreMessage(for: refresh.user, users: users)
        } catch {
            logger.error("cannot encode scores", metadata: ["user": "\(refresh.user)", "error": "\(error)"])
            // Nothing will be published for it: clear the registered effect so the partition's commit moves on.
            if effectRegistered { commits.acknowledge(refresh.token) }
            return
        }
        // One effect per message: a coalesced refresh registered its effect when it started pending.
        if !effectRegistered { commits.addEffect(refresh.token) }
        deliveries.send(
            DeliveryTracker.Entry(
                token: refresh.token, partition: refresh.token.partition,
                message: .score(user: refresh.user, value: value), earliestConsumedAt: refresh.earliestConsumedAt))
    }

    /// Publishes `user`'s scores again, as no event's effect (after a restore: the checkpoint recorded them as not
    /// acknowledged).
    func republish(_ user: String, users: UserTable, partition: Int32) {
        guard users.contains(user), let value = try? scoreMessage(for: user, users: users) else { return }
        deliveries.send(
            DeliveryTracker.Entry(
                token: nil, partition: partition, message: .score(user: user, value: value), earliestConsumedAt: 0))
    }

    /// Sends `deadLetter` as the effect of `token`'s event, counts it and logs it.
    func sendDeadLetter(_ deadLetter: DeadLetter, token: EffectToken) {
        metrics.deadLetter(deadLetter.reason).increment()
        logger.warning(
            "dead-lettered a message",
            metadata: [
                "reason": "\(deadLetter.reason)", "error": "\(deadLetter.error)",
                "source": "\(deadLetter.sourceTopic)[\(deadLetter.sourcePartition)]@\(deadLetter.sourceOffset)",
            ]
        )
        commits.addEffect(token)
        deliveries.send(
            DeliveryTracker.Entry(
                token: token, partition: token.partition, message: .deadLetter(deadLetter), earliestConsumedAt: 0))
    }

    /// The user's score message: top-K with the user's current weights.
    private func scoreMessage(for user: String, users: UserTable) throws -> [UInt8] {
        let top = model.topK(user: user, k: topK, excludingSeen: excludeSeen, users: users)
        let score = ScoreMessage(
            user: user,
            items: top.map { ScoredItem(item: $0.item, score: Double($0.score)) },
            modelVersion: model.metaUpdates,
            userEvents: users.eventCount(of: user),
            updatedAt: PipelineClock.epochMilliseconds()
        )
        // A fresh array per message: the producer message keeps it while in flight, so a reused scratch buffer
        // would be copied on the next write anyway.
        return try score.encoded()
    }
}
