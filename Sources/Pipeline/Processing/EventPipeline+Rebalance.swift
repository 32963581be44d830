import Dispatch
import Kafka
import Logging

/// Rebalances: taking over assigned partitions (their state restored first) and finishing revoked or lost ones.
extension EventPipeline {
    /// Runs on the consumer's poll thread, before partitions move: revoked partitions are finished (pending
    /// refreshes published and acknowledged, up to `timeout`) and their offsets committed.
    static func rebalance(
        _ event: KafkaRebalanceEvent, learner: Learner, erasureTopic: String?, timeout: Duration,
        shutdownDeadline: ShutdownDeadline, readiness: Readiness, notifier: SystemdNotifier, failure: FailureRecord,
        logger: Logger
    ) {
        // The events topic's partitions, and the erasure topic's (same numbers under the range assignment).
        let erasurePartitions = event.partitions.filter { $0.topic == erasureTopic }.map(\.partition)
        let eventPartitions = event.partitions.filter { $0.topic != erasureTopic }
        let partitions = eventPartitions.map(\.partition)
        switch event.kind {
        case .assigned:
            let allCommitted = (try? event.committedOffsets()) ?? [:]
            let committed = Dictionary(
                uniqueKeysWithValues: allCommitted.filter { $0.key.topic != erasureTopic }.map {
                    ($0.key.partition, $0.value)
                })
            let starts: [Int32: Int64]
            do {
                starts = try learner.assign(partitions, committed: committed)
            } catch {
                // Without its state a partition cannot be processed exactly once: stop, do not guess.
                logger.critical("cannot restore assigned partitions; stopping", metadata: ["error": "\(error)"])
                failure.record(error)
                readiness.set(.stateReady, false)
                return
            }
            if let topic = eventPartitions.first?.topic {
                event.start(at: Self.topicPartitions(starts, topic: topic))
            }
            if let erasureTopic, !erasurePartitions.isEmpty {
                let erasureCommitted = Dictionary(
                    uniqueKeysWithValues: allCommitted.filter { $0.key.topic == erasureTopic }.map {
                        ($0.key.partition, $0.value)
                    })
                let erasureStarts = learner.assignErasures(erasurePartitions, committed: erasureCommitted)
                event.start(at: Self.topicPartitions(erasureStarts, topic: erasureTopic))
                let unmatched = Set(erasurePartitions).subtracting(partitions)
                if !unmatched.isEmpty {
                    logger.error(
                        Logger.Message(
                            stringLiteral: "erasure partitions assigned without the events partitions of the same "
                                + "numbers: their requests cannot reach the users' state (partition.assignment."
                                + "strategy must be range, and both topics equally partitioned)"),
                        metadata: ["partitions": "\(unmatched.sorted())"])
                }
            }
            readiness.set(.joinedGroup, true)
            readiness.set(.stateReady, true)
            readiness.set(.kafkaReachable, true)
            try? notifier.notify(.ready)
            // Where processing resumes: the group's committed offsets (none: the beginning, auto.offset.reset).
            let resumeFrom = starts.sorted { $0.key < $1.key }
            logger.info(
                "partitions assigned",
                metadata: ["partitions": "\(partitions.sorted())", "resume_from": "\(resumeFrom)"]
            )
        case .revoked, .lost:
            // Lost (session timed out, fenced): no longer a member until the next assignment.
            if event.kind == .lost { readiness.set(.joinedGroup, false) }
            learner.flushRefreshes(of: partitions)
            let deadline = min(ContinuousClock.now + timeout, shutdownDeadline.deadline ?? .now + timeout)
            while learner.outstandingEffects(of: partitions) > 0, ContinuousClock.now < deadline {
                learner.resendRefused()
                usleepMilliseconds(5)
            }
            learner.checkpointNow(reason: "revocation")
            let final = learner.release(partitions)
            let finalErasures = learner.releaseErasures(erasurePartitions)
            var offsets = topicPartitions(finalErasures, topic: erasureTopic ?? "")
            if let topic = eventPartitions.first?.topic {
                offsets.merge(topicPartitions(final, topic: topic)) { a, _ in a }
            }
            if event.kind == .revoked, !offsets.isEmpty {
                do {
                    try event.commit(offsets)
                } catch {
                    logger.error("commit on revocation failed", metadata: ["error": "\(error)"])
                }
            }
            logger.info(
                "partitions \(event.kind == .lost ? "lost" : "revoked")",
                metadata: ["partitions": "\(partitions.sorted())", "committed": "\(offsetList(final))"]
            )
        }
    }
}

/// Sleeps the calling (non-cooperative) thread: only for the consumer's poll thread inside a rebalance.
private func usleepMilliseconds(_ milliseconds: Int) {
    let semaphore = DispatchSemaphore(value: 0)
    _ = semaphore.wait(timeout: .now() + .milliseconds(milliseconds))
}
