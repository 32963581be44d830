/// The text `status` prints and `top` refreshes, from a ``DaemonView``.
struct DaemonReport {
    let view: DaemonView
    let endpoint: OperationsEndpoint

    /// Health, readiness and one line each for state durability, model, memory, output and latency.
    var summary: String {
        let v = view
        var lines: [(String, String)] = []
        lines.append(("health", v.current.isHealthy ? "ok" : "FAILING (/healthz \(v.current.health.status))"))
        lines.append(("readiness", v.current.isReady ? "ready" : "NOT READY (/readyz \(v.current.readiness.status))"))
        let durable = v.total("warmstart_state_durable") >= 1
        lines.append(
            (
                "state",
                (durable ? "durable" : "NOT DURABLE (the last checkpoint failed; nothing more is committed)")
                    + "; \(Formatting.count(v.total("warmstart_checkpoints_total"))) checkpoints, "
                    + "\(Formatting.count(v.total("warmstart_checkpoint_failures_total"))) failed, last took "
                    + "\(Formatting.seconds(v.total("warmstart_checkpoint_seconds"))); "
                    + "\(Formatting.count(v.total("warmstart_commits_total"))) commits, "
                    + "\(Formatting.count(v.total("warmstart_commit_failures_total"))) failed"
            ))
        lines.append(
            (
                "model",
                "version \(Formatting.count(v.total("warmstart_model_version"))), "
                    + "\(Formatting.bytes(v.total("warmstart_model_bytes"))) of shared parameters"
            ))
        lines.append(
            (
                "memory",
                "\(Formatting.bytes(v.current.metrics.sum("process_resident_memory_bytes"))) resident; "
                    + "\(Formatting.count(v.total("warmstart_users_in_memory"))) users in memory, "
                    + "\(Formatting.count(v.total("warmstart_users_evicted_total"))) evicted, "
                    + "\(Formatting.count(v.total("warmstart_users_reloaded_total"))) reloaded"
            ))
        let paused = v.total("warmstart_backpressure_paused") >= 1
        lines.append(
            (
                "output",
                "\(Formatting.count(v.total("warmstart_scores_published_total"))) score messages"
                    + (v.previous == nil ? "" : " (\(Formatting.rate(v.rate("warmstart_scores_published_total")))/s)")
                    + ", \(Formatting.count(v.total("warmstart_publish_failures_total"))) failed; in flight "
                    + "\(Formatting.count(v.total("warmstart_publish_in_flight"))) of "
                    + "\(Formatting.count(v.total("warmstart_publish_in_flight_limit")))"
                    + (paused ? ", CONSUMPTION PAUSED (backpressure)" : "")
            ))
        var latency =
            "p50 \(Formatting.seconds(v.latency(0.5))), p99 \(Formatting.seconds(v.latency(0.99))) since start"
        if v.previous != nil {
            latency +=
                v.recentLatency(0.99).map { "; p99 \(Formatting.seconds($0)) since the last reading" }
                ?? "; no score message acknowledged since the last reading"
        }
        lines.append(("latency", "event→publish " + latency))
        var text = "warmstartd at \(endpoint)\n"
        for (key, value) in lines {
            text += "  " + key.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + value + "\n"
        }
        for problem in v.problems { text += "  ! \(problem)\n" }
        return text
    }

    /// One row per partition, and the totals.
    var partitions: String {
        let partitions = view.partitions
        guard !partitions.isEmpty else { return "partitions: none assigned\n" }
        var rows = partitions.map { p in
            [
                p.partition, Formatting.count(p.consumed), Formatting.count(p.processed),
                Formatting.optionalCount(p.lag),
                Formatting.rate(p.rate),
            ]
        }
        let lag = partitions.compactMap(\.lag)
        rows.append([
            "total", Formatting.count(partitions.reduce(0) { $0 + $1.consumed }),
            Formatting.count(partitions.reduce(0) { $0 + $1.processed }),
            lag.isEmpty ? "-" : Formatting.count(lag.reduce(0, +)),
            Formatting.rate(view.rate("warmstart_events_processed_total")),
        ])
        return "partitions\n"
            + Formatting.table(["partition", "consumed", "processed", "lag", "events/s"], rows)
    }

    /// Dead letters in total and by reason.
    var deadLetters: String {
        let reasons = view.deadLetters.filter { $0.count > 0 }
        let total = reasons.reduce(0) { $0 + $1.count }
        let detail = reasons.map { "\($0.reason) \(Formatting.count($0.count))" }.joined(separator: ", ")
        return "dead letters: \(Formatting.count(total))" + (detail.isEmpty ? "" : " (\(detail))") + "\n"
    }

    /// HR@10 by bucket for the meta-learned arm and the control arm.
    var quality: String {
        let rows = view.quality.map { q in
            [
                q.bucket, Formatting.ratio(q.meta), Formatting.ratio(q.control), Formatting.percentChange(q.gain),
                "\(Formatting.count(q.metaTrials)) / \(Formatting.count(q.controlTrials))",
            ]
        }
        return "live HR@10 (prequential, since start; no_meta is the held-out control arm)\n"
            + Formatting.table(["user events", "meta", "no_meta", "gain", "scored (meta / no_meta)"], rows)
    }

    /// Everything, as `status` prints it.
    var full: String {
        [summary, partitions, deadLetters, quality].joined(separator: "\n")
    }
}
