import Learning
import Prometheus
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every Prometheus metric of `warmstartd`, in one place, backed by a registry the daemon owns.
///
/// The registry is not bootstrapped into swift-metrics' global `MetricsSystem`: each ``DaemonMetrics`` has its
/// own, so tests can run side by side. `/metrics` serves ``exposition()``.
///
/// Hot paths hold on to the metric objects (``PartitionMetrics`` per partition worker, the shared counters below)
/// instead of looking label sets up: updating a counter or gauge is one relaxed atomic operation. Prequential
/// quality is accumulated without any synchronisation in a ``PrequentialTally`` and flushed here in bulk.
///
/// Metric names (other tools rely on them; never rename one):
/// - `warmstart_events_consumed_total{partition}`, `warmstart_events_processed_total{partition}`,
///   `warmstart_consumer_lag{partition}`
/// - `warmstart_dead_letters_total{reason}`
/// - `warmstart_scores_published_total`, `warmstart_publish_failures_total`,
///   `warmstart_event_to_publish_seconds` (histogram)
/// - `warmstart_model_version`, `warmstart_meta_updates_total`, `warmstart_users_in_memory`,
///   `warmstart_users_evicted_total`, `warmstart_users_reloaded_total`, `warmstart_users_evicted_unsaved`,
///   `warmstart_model_bytes`
/// - `warmstart_checkpoints_total`, `warmstart_checkpoint_failures_total`, `warmstart_state_durable`
/// - `warmstart_erasures_total`, `warmstart_erasures_pending`, `warmstart_erased_events_skipped_total`
/// - `warmstart_ready`: what `/readyz` answers, as 1 or 0, so alerts need not probe the endpoint
/// - `warmstart_commits_total`, `warmstart_commit_failures_total`, `warmstart_backpressure_paused`,
///   `warmstart_backpressure_pauses_total`, `warmstart_publish_in_flight`, `warmstart_publish_in_flight_max`,
///   `warmstart_publish_in_flight_limit`, `warmstart_meta_fallback`, `warmstart_dp_epsilon`
/// - `warmstart_prequential_events_total{bucket,variant}`, `warmstart_prequential_hr_at_10{bucket,variant}`,
///   `warmstart_prequential_rmse{bucket,variant}`, `warmstart_prequential_logloss{bucket,variant}`, and the sums
///   behind them as counters (`…_hit_trials_total`, `…_hits_total`, `…_rated_events_total`,
///   `…_squared_error_sum`, `…_logloss_events_total`, `…_logloss_sum`) so that windowed rates can be computed
///   with PromQL. The gauges are cumulative since start.
public final class DaemonMetrics: Sendable {
    // Over the ~25 stored properties guide on purpose: one handle per metric, each documented with its name, so
    // that hot paths update a metric with one atomic operation; grouping them would add indirection, not clarity.

    /// The registry every metric is registered in.
    public let registry: PrometheusCollectorRegistry

    /// `warmstart_scores_published_total`: score messages acknowledged by the broker.
    public let scoresPublished: Counter
    /// `warmstart_publish_failures_total`: output messages (scores, dead letters, model) whose delivery failed.
    public let publishFailures: Counter
    /// `warmstart_event_to_publish_seconds`: from consuming the oldest event a score message covers to the
    /// acknowledgement of that message.
    public let eventToPublish: DurationHistogram
    /// `warmstart_model_version`: meta-updates applied to the shared initialization.
    public let modelVersion: Gauge
    /// `warmstart_meta_updates_total`: meta-updates run.
    public let metaUpdates: Counter
    /// `warmstart_users_in_memory`: users whose adapted state is held in memory.
    public let usersInMemory: Gauge
    /// `warmstart_model_bytes`: memory of the shared model's parameters and statistics (item factors and biases,
    /// feature embeddings, co-occurrence rows; bounded by the catalogue and `learning.ranking.max_neighbors`, not by
    /// users or events), updated at every checkpoint.
    public let modelBytes: Gauge
    /// `warmstart_users_evicted_total`: users evicted from memory to the state store (`state.max_users_in_memory`).
    public let usersEvicted: Counter
    /// `warmstart_users_reloaded_total`: evicted users brought back into memory on their next event.
    public let usersReloaded: Counter
    /// `warmstart_users_evicted_unsaved`: evicted users whose newest state waits, serialized in memory, for the
    /// next checkpoint.
    public let usersEvictedUnsaved: Gauge
    /// `warmstart_erasures_total`: erasure requests completed (user gone from memory and the store, the write-ahead
    /// log truncated, the tombstone acknowledged).
    public let erasures: Counter
    /// `warmstart_erasures_pending`: erasure requests read and not completed yet.
    public let erasuresPending: Gauge
    /// `warmstart_erased_events_skipped_total`: events not learned because their user was erased.
    public let erasedEventsSkipped: Counter
    /// `warmstart_commits_total`: successful offset commits.
    public let commits: Counter
    /// `warmstart_commit_failures_total`: failed offset commits.
    public let commitFailures: Counter
    /// `warmstart_checkpoints_total`: durable checkpoints of the learned state and offsets.
    public let checkpoints: Counter
    /// `warmstart_checkpoint_failures_total`: checkpoints that could not be written (nothing is committed past the
    /// last durable one until one succeeds).
    public let checkpointFailures: Counter
    /// `warmstart_state_durable`: 1 while the last checkpoint succeeded (or none has been tried yet: the state
    /// restored at start is durable), 0 after a failed one. While it is 0 nothing more is committed and
    /// `/healthz` fails.
    public let stateDurable: Gauge
    /// `warmstart_ready`: 1 while `/readyz` answers 200 (every ``Readiness`` condition holds), else 0; refreshed on
    /// every scrape of `/metrics`.
    public let ready: Gauge
    /// `warmstart_checkpoint_seconds`: the last checkpoint, snapshot and write.
    public let checkpointSeconds: Gauge
    /// `warmstart_checkpoint_pause_seconds`: how long the last checkpoint held up event processing (the snapshot
    /// on the learner's queue; the write runs beside it).
    public let checkpointPauseSeconds: Gauge
    /// `warmstart_backpressure_paused`: 1 while consumption is paused because publishing fell behind, else 0.
    public let backpressurePaused: Gauge
    /// `warmstart_backpressure_pauses_total`: times consumption was paused because publishing fell behind.
    public let backpressurePauses: Counter
    /// `warmstart_publish_in_flight`: output messages (scores, dead letters) handed to the producer and not
    /// acknowledged yet, plus those waiting to be resent; sampled by the consume loop. Bounded by
    /// `publish.max_in_flight` (plus the refreshes still held back by coalescing windows).
    public let publishInFlight: Gauge
    /// `warmstart_publish_in_flight_max`: the largest ``publishInFlight`` sampled since start.
    public let publishInFlightMax: Gauge
    /// `warmstart_publish_in_flight_limit`: `publish.max_in_flight`, for dashboards and alerts.
    public let publishInFlightLimit: Gauge
    /// `warmstart_meta_fallback`: 1 once the live control arm showed meta-learning hurting on this stream and the
    /// model fell back to the initial θ for good (`learning.meta.fallback`), else 0.
    public let metaFallback: Gauge
    /// `warmstart_dp_epsilon`: with `privacy.dp.enabled`, the ε (at `privacy.dp.delta`) that the meta-update's
    /// rounds so far have spent per user.
    public let dpEpsilon: Gauge

    /// `process_resident_memory_bytes`: resident set size, refreshed by ``updateProcessMetrics()`` (on every
    /// scrape of `/metrics`). With `warmstart_users_in_memory` it gives the memory per user.
    public let residentMemory: Gauge
    /// `process_cpu_seconds`: user + system CPU time of the process, refreshed by ``updateProcessMetrics()``.
    public let cpuSeconds: Gauge

    /// Buckets of `warmstart_event_to_publish_seconds`: 1 ms to 10 s, dense around the 200 ms coalescing window.
    public static let eventToPublishBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(150), .milliseconds(200), .milliseconds(225),
        .milliseconds(250), .milliseconds(300), .milliseconds(400), .milliseconds(500), .milliseconds(750),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    private let deadLetterCounters: [DeadLetterReason: Counter]
    private let partitions = Mutex<[Int32: PartitionMetrics]>([:])
    private let publishInFlightMaxValue = Atomic<Int>(0)
    private let prequential: PrequentialMetrics
    private let totalsBox = Mutex<PrequentialTally>(PrequentialTally())

    /// Creates every metric in `registry`.
    ///
    /// - Parameter registry: Where the metrics live; one per daemon (or per test).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        scoresPublished = registry.warmstartCounter("scores_published", help: "Score messages acknowledged by Kafka.")
        publishFailures = registry.warmstartCounter("publish_failures", help: "Output messages whose delivery failed.")
        eventToPublish = registry.makeDurationHistogram(
            descriptor: .warmstart(
                "event_to_publish",
                unit: "seconds",
                help: "Time from consuming the oldest event a score message covers to its acknowledgement."
            ),
            buckets: Self.eventToPublishBuckets
        )
        modelVersion = registry.warmstartGauge(
            "model_version", help: "Meta-updates applied to the shared initialization.")
        metaUpdates = registry.warmstartCounter("meta_updates", help: "Meta-updates of the shared initialization.")
        usersInMemory = registry.warmstartGauge("users_in_memory", help: "Users whose adapted state is in memory.")
        modelBytes = registry.warmstartGauge(
            "model_bytes", help: "Memory of the shared model's parameters and statistics, in bytes.")
        usersEvicted = registry.warmstartCounter("users_evicted", help: "Users evicted from memory to the state store.")
        usersReloaded = registry.warmstartCounter(
            "users_reloaded", help: "Evicted users reloaded into memory on their next event.")
        usersEvictedUnsaved = registry.warmstartGauge(
            "users_evicted_unsaved", help: "Evicted users whose newest state awaits the next checkpoint.")
        erasures = registry.warmstartCounter("erasures", help: "Erasure requests completed.")
        erasuresPending = registry.warmstartGauge(
            "erasures_pending", help: "Erasure requests not completed yet.", initial: 0)
        erasedEventsSkipped = registry.warmstartCounter(
            "erased_events_skipped", help: "Events not learned because their user was erased.")
        commits = registry.warmstartCounter("commits", help: "Successful consumer offset commits.")
        commitFailures = registry.warmstartCounter("commit_failures", help: "Failed consumer offset commits.")
        checkpoints = registry.warmstartCounter("checkpoints", help: "Durable checkpoints of state and offsets.")
        checkpointFailures = registry.warmstartCounter("checkpoint_failures", help: "Checkpoints that failed to write.")
        stateDurable = registry.warmstartGauge(
            "state_durable", help: "1 while the last checkpoint succeeded, 0 after a failed one.", initial: 1)
        ready = registry.warmstartGauge(
            "ready", help: "1 while /readyz answers 200 (every condition holds), else 0.", initial: 0)
        checkpointSeconds = registry.warmstartGauge(
            "checkpoint_seconds", help: "The last checkpoint: snapshot and write.")
        checkpointPauseSeconds = registry.warmstartGauge(
            "checkpoint_pause_seconds", help: "How long the last checkpoint paused event processing.")
        backpressurePaused = registry.warmstartGauge(
            "backpressure_paused", help: "1 while consumption is paused because publishing fell behind.", initial: 0)
        backpressurePauses = registry.warmstartCounter(
            "backpressure_pauses", help: "Times consumption was paused because publishing fell behind.")
        publishInFlight = registry.warmstartGauge(
            "publish_in_flight", help: "Output messages sent or waiting to be resent, not acknowledged yet.", initial: 0
        )
        publishInFlightMax = registry.warmstartGauge(
            "publish_in_flight_max", help: "The largest warmstart_publish_in_flight sampled since start.", initial: 0)
        publishInFlightLimit = registry.warmstartGauge(
            "publish_in_flight_limit",
            help: "publish.max_in_flight: consumption pauses when output in flight reaches it.")
        metaFallback = registry.warmstartGauge(
            "meta_fallback", help: "1 once meta-learning was measured to hurt and fell back to the initial θ.",
            initial: 0)
        dpEpsilon = registry.warmstartGauge(
            "dp_epsilon", help: "The epsilon the private meta-update rounds have spent per user (privacy.dp.delta).")
        residentMemory = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "process",
                metricName: "resident_memory",
                unitName: "bytes",
                helpText: "Resident memory size in bytes."
            )
        )
        cpuSeconds = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "process",
                metricName: "cpu",
                unitName: "seconds",
                helpText: "User and system CPU time spent, in seconds."
            )
        )
        var deadLetters: [DeadLetterReason: Counter] = [:]
        for reason in DeadLetterReason.allKnown {
            deadLetters[reason] = registry.makeCounter(
                descriptor: .warmstart("dead_letters", unit: "total", help: "Messages sent to the dead-letter topic."),
                labels: [("reason", reason.rawValue)]
            )
        }
        deadLetterCounters = deadLetters
        prequential = PrequentialMetrics(registry: registry)
    }

    // MARK: - Per partition

    /// The metrics of `partition`, created on first use and cached: call it once per assignment and keep the
    /// result in the partition's worker.
    public func partition(_ partition: Int32) -> PartitionMetrics {
        partitions.withLock { cache in
            if let metrics = cache[partition] { return metrics }
            let metrics = PartitionMetrics(partition: partition, registry: registry)
            cache[partition] = metrics
            return metrics
        }
    }

    /// Forgets a revoked partition: its lag gauge is removed from `/metrics` (lag of a partition this instance no
    /// longer reads would be stale); its counters stay, as counters must.
    public func removePartition(_ partition: Int32) {
        let removed = partitions.withLock { $0.removeValue(forKey: partition) }
        if let removed {
            registry.unregisterGauge(removed.consumerLag)
        }
    }

    // MARK: - Backpressure

    /// Records a sample of the output messages in flight: ``publishInFlight`` and its running maximum.
    ///
    /// Called from one task (the consume loop), so the read-modify-write of the maximum does not race.
    public func recordPublishInFlight(_ count: Int) {
        publishInFlight.record(count)
        if count > publishInFlightMaxValue.load(ordering: .relaxed) {
            publishInFlightMaxValue.store(count, ordering: .relaxed)
            publishInFlightMax.record(count)
        }
    }

    // MARK: - Dead letters

    /// `warmstart_dead_letters_total{reason}` for `reason`.
    public func deadLetter(_ reason: DeadLetterReason) -> Counter {
        if let counter = deadLetterCounters[reason] { return counter }
        // Every reason the pipeline can produce is in `allKnown`; this keeps an unexpected one countable.
        return registry.makeCounter(
            descriptor: .warmstart("dead_letters", unit: "total", help: "Messages sent to the dead-letter topic."),
            labels: [("reason", reason.rawValue)]
        )
    }

    // MARK: - Latency

    /// Records an event→publish latency given in nanoseconds (``PipelineClock/now()`` differences).
    public func observeEventToPublish(nanoseconds: Int64) {
        eventToPublish.record(.nanoseconds(max(0, nanoseconds)))
    }

    // MARK: - Prequential quality

    /// Adds `tally` to the totals, updates the prequential counters and gauges, and resets `tally`.
    ///
    /// Takes one short lock; call it every N events or milliseconds, not per event.
    public func flush(_ tally: inout PrequentialTally) {
        guard tally.eventCount > 0 else { return }
        let prequential = self.prequential
        totalsBox.withLock { totals in
            totals.merge(tally)
            // Under the lock, so that concurrent flushes cannot leave an older total in a gauge; it is only a
            // few dozen relaxed atomic operations.
            prequential.update(delta: tally, totals: totals)
        }
        tally.reset()
    }

    /// The prequential totals since start (what the gauges show).
    public var prequentialTotals: PrequentialTally {
        totalsBox.withLock { $0 }
    }

    // MARK: - Process

    /// Refreshes ``residentMemory`` (from `/proc/self/statm` on Linux; the peak resident size elsewhere) and
    /// ``cpuSeconds`` (`getrusage`).
    public func updateProcessMetrics() {
        var usage = rusage()
        #if canImport(Glibc)
            let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
            let who = RUSAGE_SELF
        #endif
        if getrusage(who, &usage) == 0 {
            let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            cpuSeconds.set(to: user + system)
        }
        if let pages = Self.residentPages() {
            residentMemory.set(to: Double(pages) * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
    }

    /// The second field of `/proc/self/statm`: resident pages.
    private static func residentPages() -> Int? {
        #if os(Linux)
            let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Int? in
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                guard count > 0 else { return nil }
                let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
                guard fields.count >= 2 else { return nil }
                return Int(String(decoding: fields[1], as: UTF8.self))
            }
        #else
            return nil
        #endif
    }

    // MARK: - Exposition

    /// Every metric in the Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// The metrics of one partition; hold on to it in the partition's worker.
public struct PartitionMetrics: Sendable {
    /// The partition.
    public let partition: Int32
    /// `warmstart_events_consumed_total{partition}`: messages read from the events topic.
    public let eventsConsumed: Counter
    /// `warmstart_events_processed_total{partition}`: events fully processed (learned from or dead-lettered).
    public let eventsProcessed: Counter
    /// `warmstart_consumer_lag{partition}`: messages behind the partition's high watermark.
    public let consumerLag: Gauge

    init(partition: Int32, registry: PrometheusCollectorRegistry) {
        self.partition = partition
        let labels = [("partition", String(partition))]
        eventsConsumed = registry.makeCounter(
            descriptor: .warmstart("events_consumed", unit: "total", help: "Messages read from the events topic."),
            labels: labels
        )
        eventsProcessed = registry.makeCounter(
            descriptor: .warmstart(
                "events_processed",
                unit: "total",
                help: "Events fully processed: learned from, or dead-lettered."
            ),
            labels: labels
        )
        consumerLag = registry.makeGauge(
            descriptor: .warmstart("consumer_lag", unit: "", help: "Messages behind the partition's high watermark."),
            labels: labels
        )
    }
}

// MARK: - Prequential metrics

/// The prequential counters and gauges of every (bucket, variant) cell.
private struct PrequentialMetrics: Sendable {
    struct CellMetrics: Sendable {
        let events: Counter
        let repeats: Counter
        let hitTrials: Counter
        let hits: Counter
        let ratedEvents: Counter
        let squaredErrorSum: Counter
        let logLossEvents: Counter
        let logLossSum: Counter
        let hitRate: Gauge
        let rootMeanSquaredError: Gauge
        let logLoss: Gauge
    }

    /// Indexed like ``PrequentialTally``'s cells.
    let cells: [CellMetrics]

    init(registry: PrometheusCollectorRegistry) {
        var cells: [CellMetrics] = []
        for bucket in ColdStartBucket.allCases {
            for variant in PrequentialVariant.allCases {
                precondition(cells.count == PrequentialTally.index(bucket, variant))
                let labels = [("bucket", bucket.label), ("variant", variant.label)]
                func counter(_ name: String, _ unit: String, _ help: String) -> Counter {
                    registry.makeCounter(descriptor: .warmstart(name, unit: unit, help: help), labels: labels)
                }
                func gauge(_ name: String, _ help: String) -> Gauge {
                    registry.makeGauge(descriptor: .warmstart(name, unit: "", help: help), labels: labels)
                }
                cells.append(
                    CellMetrics(
                        events: counter("prequential_events", "total", "Events evaluated before learning."),
                        repeats: counter(
                            "prequential_repeats", "total",
                            "Events on an item the user had seen, not scored: served lists leave seen items out."),
                        hitTrials: counter(
                            "prequential_hit_trials", "total", "Events scored for HR@10 (repeats are not)."),
                        hits: counter("prequential_hits", "total", "Events whose item was in the top 10."),
                        ratedEvents: counter("prequential_rated_events", "total", "Rated events evaluated."),
                        squaredErrorSum: counter(
                            "prequential_squared_error",
                            "sum",
                            "Sum of squared rating errors."
                        ),
                        logLossEvents: counter("prequential_logloss_events", "total", "Implicit events evaluated."),
                        logLossSum: counter("prequential_logloss", "sum", "Sum of log-losses of implicit events."),
                        hitRate: gauge("prequential_hr_at_10", "HR@10 before learning each event, since start."),
                        rootMeanSquaredError: gauge("prequential_rmse", "Rating RMSE before learning, since start."),
                        logLoss: gauge("prequential_logloss", "Mean log-loss before learning, since start.")
                    )
                )
            }
        }
        self.cells = cells
    }

    func update(delta: PrequentialTally, totals: PrequentialTally) {
        for bucket in ColdStartBucket.allCases {
            for variant in PrequentialVariant.allCases {
                let metrics = cells[PrequentialTally.index(bucket, variant)]
                let change = delta[bucket, variant]
                guard change.events > 0 else { continue }
                let total = totals[bucket, variant]
                metrics.events.increment(by: Int64(change.events))
                metrics.repeats.increment(by: Int64(change.repeats))
                metrics.hitTrials.increment(by: Int64(change.hitTrials))
                metrics.hits.increment(by: Int64(change.hits))
                metrics.ratedEvents.increment(by: Int64(change.squaredErrorCount))
                metrics.squaredErrorSum.increment(by: change.squaredErrorSum)
                metrics.logLossEvents.increment(by: Int64(change.logLossCount))
                metrics.logLossSum.increment(by: change.logLossSum)
                if let value = total.hitRate { metrics.hitRate.set(value) }
                if let value = total.rootMeanSquaredError { metrics.rootMeanSquaredError.set(value) }
                if let value = total.meanLogLoss { metrics.logLoss.set(value) }
            }
        }
    }
}

extension MetricNameDescriptor {
    /// `warmstart_<name>_<unit>`.
    fileprivate static func warmstart(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "warmstart", metricName: name, unitName: unit, helpText: help)
    }
}

extension PrometheusCollectorRegistry {
    /// `warmstart_<name>_total`.
    fileprivate func warmstartCounter(_ name: String, help: String) -> Counter {
        makeCounter(descriptor: .warmstart(name, unit: "total", help: help))
    }

    /// `warmstart_<name>`, set to `initial` when given (a gauge otherwise appears only once first set).
    fileprivate func warmstartGauge(_ name: String, help: String, initial: Int? = nil) -> Gauge {
        let gauge = makeGauge(descriptor: .warmstart(name, unit: "", help: help))
        if let initial { gauge.record(initial) }
        return gauge
    }
}

extension Gauge {
    /// Sets the gauge to an integer count (users, a version, a 0/1 flag): `Int` is what the pipeline counts in,
    /// and an integer literal would otherwise be ambiguous between `record(_: Int64)` and `record(_: Double)`.
    public func record(_ value: Int) {
        set(to: Double(value))
    }
}

extension Counter {
    /// Adds an integer count: `Int` is what the pipeline counts in, and an integer literal would otherwise be
    /// ambiguous between `increment(by: Int64)` and `increment(by: Double)`.
    public func increment(by amount: Int) {
        increment(by: Int64(amount))
    }
}
