/// What warmstartd's operations endpoint says at one instant: `/metrics`, `/healthz` and `/readyz`.
struct DaemonSnapshot {
    var metrics: MetricsText
    var health: OperationsEndpoint.Response
    var readiness: OperationsEndpoint.Response
    var takenAt: ContinuousClock.Instant

    /// Reads the three endpoints.
    /// - Throws: ``AdminCommandError`` when the daemon cannot be reached or `/metrics` does not answer 200.
    static func take(from endpoint: OperationsEndpoint) throws(AdminCommandError) -> DaemonSnapshot {
        let metrics = try endpoint.get("/metrics")
        guard metrics.status == 200 else {
            throw AdminCommandError("\(endpoint)/metrics answered \(metrics.status): \(metrics.body)")
        }
        return DaemonSnapshot(
            metrics: MetricsText(parsing: metrics.body),
            health: try endpoint.get("/healthz"),
            readiness: try endpoint.get("/readyz"),
            takenAt: .now
        )
    }

    var isHealthy: Bool { health.status == 200 }
    var isReady: Bool { readiness.status == 200 }
}

/// The figures `status` and `top` show, from a snapshot and (for rates) the one before it.
struct DaemonView {
    struct Partition {
        var partition: String
        var consumed: Double
        var processed: Double
        var lag: Double?
        /// Events processed per second since the previous snapshot.
        var rate: Double?
    }

    struct Quality {
        /// `1-5`, `6-20`, `21+`, or `all`.
        var bucket: String
        var meta: Double?
        var control: Double?
        var metaTrials: Double
        var controlTrials: Double

        /// Relative HR@10 gain of the meta-learned arm over the control arm.
        var gain: Double? {
            guard let meta, let control, control > 0 else { return nil }
            return meta / control - 1
        }
    }

    static let qualityBuckets = ["1-5", "6-20", "21+"]

    let current: DaemonSnapshot
    let previous: DaemonSnapshot?

    init(_ current: DaemonSnapshot, previous: DaemonSnapshot? = nil) {
        self.current = current
        self.previous = previous
    }

    private var metrics: MetricsText { current.metrics }

    /// The value of `name` (summed over its series), 0 when absent.
    func total(_ name: String, _ labels: [String: String] = [:]) -> Double {
        metrics.sum(name, labels) ?? 0
    }

    /// Per second since the previous snapshot, for a counter; `nil` without one (or after a restart).
    func rate(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        guard let previous, let now = metrics.sum(name, labels) else { return nil }
        let before = previous.metrics.sum(name, labels) ?? 0
        let seconds = (current.takenAt - previous.takenAt).asSeconds
        guard seconds > 0, now >= before else { return nil }
        return (now - before) / seconds
    }

    /// Every partition this instance has counters or a lag for, in partition order.
    var partitions: [Partition] {
        var names = Set<String>()
        for name in ["warmstart_events_processed_total", "warmstart_consumer_lag"] {
            for sample in metrics.values(name) { if let p = sample.labels["partition"] { names.insert(p) } }
        }
        return names.sorted { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }.map { partition in
            let labels = ["partition": partition]
            return Partition(
                partition: partition,
                consumed: total("warmstart_events_consumed_total", labels),
                processed: total("warmstart_events_processed_total", labels),
                lag: metrics.sum("warmstart_consumer_lag", labels),
                rate: rate("warmstart_events_processed_total", labels))
        }
    }

    /// Dead letters by reason, the reasons with any first.
    var deadLetters: [(reason: String, count: Double)] {
        metrics.values("warmstart_dead_letters_total").compactMap { sample in
            sample.labels["reason"].map { ($0, sample.value) }
        }.sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
    }

    /// Live HR@10 since start per cold-start bucket and overall, meta against the control arm.
    var quality: [Quality] {
        (Self.qualityBuckets.map { [$0] } + [Self.qualityBuckets]).map { buckets in
            func arm(_ variant: String) -> (hitRate: Double?, trials: Double) {
                var hits = 0.0
                var trials = 0.0
                for bucket in buckets {
                    let labels = ["bucket": bucket, "variant": variant]
                    hits += total("warmstart_prequential_hits_total", labels)
                    trials += total("warmstart_prequential_hit_trials_total", labels)
                }
                return (trials > 0 ? hits / trials : nil, trials)
            }
            let meta = arm("meta")
            let control = arm("no_meta")
            return Quality(
                bucket: buckets.count == 1 ? buckets[0] : "all", meta: meta.hitRate, control: control.hitRate,
                metaTrials: meta.trials, controlTrials: control.trials)
        }
    }

    /// Event→publish latency quantile since start, in seconds.
    func latency(_ q: Double) -> Double? {
        histogramQuantile(q, metrics.histogram("warmstart_event_to_publish_seconds"))
    }

    /// Event→publish latency quantile over the score messages acknowledged since the previous snapshot.
    func recentLatency(_ q: Double) -> Double? {
        guard let previous else { return nil }
        let before = Dictionary(
            previous.metrics.histogram("warmstart_event_to_publish_seconds").map { ($0.upperBound, $0.count) },
            uniquingKeysWith: +)
        let delta = metrics.histogram("warmstart_event_to_publish_seconds").map {
            (upperBound: $0.upperBound, count: max(0, $0.count - (before[$0.upperBound] ?? 0)))
        }
        return histogramQuantile(q, delta)
    }

    /// The conditions `/readyz` reports missing, or the faults `/healthz` names, one per line.
    var problems: [String] {
        var lines: [String] = []
        if !current.isHealthy { lines += current.health.body.split(separator: "\n").map(String.init) }
        if !current.isReady { lines += current.readiness.body.split(separator: "\n").map(String.init) }
        return lines
    }
}
