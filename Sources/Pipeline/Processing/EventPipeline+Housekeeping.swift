import Kafka
import Logging

/// Housekeeping: the timers beside consumption — due refreshes, time-based meta-updates, retries, commits, lag.
extension EventPipeline {
    static func housekeeping(
        configuration: DaemonConfiguration,
        learner: Learner,
        consumer: KafkaConsumer,
        metrics: DaemonMetrics,
        heartbeat: LoopHeartbeat,
        logger: Logger
    ) async throws {
        // Deferred refreshes go out on the first tick after their window: a fine tick keeps event→publish latency
        // within the window plus a few milliseconds.
        let tick = min(Duration.milliseconds(20), max(.milliseconds(2), configuration.scoring.coalesceWindow / 20))
        let topic = configuration.topics.events
        let erasureTopic = configuration.topics.erasure
        var lastMetaUpdate = ContinuousClock.now
        var lastCommit = ContinuousClock.now
        var lastCommitted: [KafkaTopicPartition: Int64] = [:]
        while !Task.isCancelled {
            try await Task.sleep(for: tick)
            let now = ContinuousClock.now
            var metaDue = false
            if let interval = configuration.metaUpdate.interval, now - lastMetaUpdate >= interval {
                metaDue = true
                lastMetaUpdate = now
            }
            learner.resendRefused()
            learner.tick(metaUpdateDue: metaDue)
            if now - lastCommit >= .seconds(1) {
                lastCommit = now
                var committable = topicPartitions(await learner.committableOffsets(), topic: topic)
                if !erasureTopic.isEmpty {
                    committable.merge(
                        topicPartitions(await learner.committableErasureOffsets(), topic: erasureTopic)
                    ) { a, _ in a }
                }
                committable = committable.filter { lastCommitted[$0.key] != $0.value }
                if !committable.isEmpty {
                    do {
                        try await consumer.commit(committable)
                        metrics.commits.increment()
                        lastCommitted.merge(committable) { _, new in new }
                    } catch {
                        metrics.commitFailures.increment()
                        logger.warning("commit failed; will retry", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Sets `warmstart_consumer_lag` of every assigned partition once a second: its high watermark minus the next
    /// offset to process (the low watermark before the first event, as `auto.offset.reset` is `earliest`).
    static func monitorLag(admin: KafkaAdminClient, topic: String, learner: Learner) async throws {
        while !Task.isCancelled {
            var watermarks: [Int32: KafkaWatermarks] = [:]
            for partition in await learner.assignedPartitions() {
                let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
                if let marks = try? await admin.watermarks(for: topicPartition, timeout: .seconds(1)) {
                    watermarks[partition] = marks
                }
            }
            learner.recordLag(watermarks)
            try await Task.sleep(for: .seconds(1))
        }
    }
}
