import Clickstream
import Dispatch
import Kafka
import Learning
import Logging
import StateStore

// MARK: - Meta-update and the model topic

extension Learner {

    /// Folds what every partition's inner loops learned into the shared initialization, in partition order (so the
    /// result does not depend on timing), and publishes the new initialization to the model topic.
    func metaUpdate() {
        dispatchPrecondition(condition: .onQueue(queue))
        eventsSinceMetaUpdate = 0
        checkMetaLearning()
        var contributions: [MetaContribution] = []
        for partition in partitions.sorted {
            contributions += partitions[partition]!.users.drainContributions()
        }
        if let rounds = settings.privateRounds {
            privateMetaUpdate(contributions, rounds: rounds)
        } else if !contributions.isEmpty {
            model.metaUpdate(contributions)
            metrics.metaUpdates.increment()
            metrics.modelVersion.record(model.metaUpdates)
            modelTopic.noteMetaUpdate()
            modelTopic.publishIfDue(now: PipelineClock.now(), model: model, output: deliveries.output)
        }
        if checkpoints?.schedule.isDeferred == true {
            checkpoint(reason: "after a meta-update", synchronously: false)
        }
    }

    /// One private round (also without contributions), unless it would spend more than `privacy.dp.max_epsilon`:
    /// then θ stays frozen and the contributions are dropped. θ is released once the checkpoint holding the round
    /// is durable (``checkpoint(reason:synchronously:)``); without a state store, at once.
    private func privateMetaUpdate(_ contributions: [MetaContribution], rounds: PrivateMetaRounds) {
        guard model.configuration.meta.enabled, !model.metaFallback else { return }
        guard rounds.allowsRound(after: model.metaUpdates) else {
            if !privacyBudgetSpent {
                privacyBudgetSpent = true
                logger.warning(
                    "the privacy budget is spent: θ stays frozen (privacy.dp.max_epsilon)",
                    metadata: [
                        "epsilon": "\(rounds.epsilon(afterRounds: model.metaUpdates))",
                        "rounds": "\(model.metaUpdates)",
                    ])
            }
            return
        }
        model.metaUpdate(contributions)
        metrics.metaUpdates.increment()
        metrics.modelVersion.record(model.metaUpdates)
        metrics.dpEpsilon.set(rounds.epsilon(afterRounds: model.metaUpdates))
        modelTopic.noteMetaUpdate()
        if keeper == nil {
            modelTopic.release(
                ModelTopicPublisher.message(model, privacy: rounds.report(afterRounds: model.metaUpdates)),
                now: PipelineClock.now(), output: deliveries.output)
        }
    }

    /// Falls back to the initial θ for good when the live control arm shows meta-learning hurting on this stream
    /// (``MetaGuard``, `learning.meta.fallback`): `warmstart_meta_fallback` becomes 1 and a log line says why.
    private func checkMetaLearning() {
        guard model.configuration.meta.fallback, !model.metaFallback, let finding = processor.metaGuard?.verdict()
        else { return }
        model.metaFallback = true
        metrics.metaFallback.record(1)
        logger.warning(
            "meta-learning hurts on this stream: falling back to the initial θ (what --no-meta serves) for good",
            metadata: ["finding": "\(finding)", "meta_updates": "\(model.metaUpdates)"])
    }

    /// Restores the live check of meta-learning from the last checkpoint, and falls back at once if it says so.
    func restoreMetaGuard() {
        guard let keeper, processor.metaGuard != nil else { return }
        do {
            if let counts = try keeper.metaGuardCounts() { try processor.metaGuard?.restore(counts) }
        } catch {
            logger.warning(
                "cannot read the meta guard's counts from the state store: the live check of meta-learning starts over",
                metadata: ["error": "\(error)"])
        }
        checkMetaLearning()
    }

    /// Publishes θ now if a meta-update happened since the last publish (at shutdown).
    func publishLatestModel() {
        queue.sync { modelTopic.publishLatest(now: PipelineClock.now(), model: model, output: deliveries.output) }
    }
}
