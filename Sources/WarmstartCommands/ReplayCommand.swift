import ArgumentParser
import Clickstream
import Foundation
import Learning

/// `warmstart replay`: offline test-then-train evaluation of the learning core over an event file.
public struct ReplayCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay an event file test-then-train and report prequential quality and speed.",
        discussion: """
            Events are replayed in timestamp order (stable); each is scored before it is learned. Metrics are \
            reported overall and by cold-start bucket of the user's n-th event (1-5, 6-20, 21+): RMSE/MAE under \
            `rating`, full-catalogue HR@10/NDCG@10 over the items the user has not interacted with under `ranking`. \
            Every event is learned, but under `ranking` an event is scored only where a served list could have \
            shown its item: served lists leave out seen items, so an event on an item the user interacted with \
            before is a repeat, counted and not scored (`events`, `scored`, `repeats`). With \
            `--set scoring.exclude_seen=false` (served lists that may repeat seen items) every event is scored over \
            the whole catalogue. events_per_second covers the replay loop only, not file parsing.
            """
    )

    @Option(help: "The event file (for movielens: u.data or its directory).")
    var input: String

    @Option(help: "Input format: movielens, jsonl, csv or tsv (see --columns for files in other layouts).")
    var format: String = "movielens"

    @OptionGroup var delimited: DelimitedOptions

    @Option(help: "rating or ranking (default: the configuration's, ranking).")
    var objective: String?

    @Option(name: .customLong("rating-range"), help: "Rating scale MIN:MAX predictions are clipped to (default 1:5).")
    var ratingRange: String?

    @Option(help: "A JSON configuration file merged over the defaults.")
    var config: String?

    @Option(name: .customLong("set"), help: "Override a setting by dotted key, e.g. ranking.factors=48 (repeatable).")
    var overrides: [String] = []

    @Flag(name: .customLong("no-meta"), help: "Freeze θ at its initial value (ablation).")
    var noMeta = false

    @Option(help: "Random seed.")
    var seed: UInt64?

    @Option(help: "Write the JSON report here.")
    var report: String?

    @OptionGroup var privacyOptions: PrivacyOptions

    public init() {}

    public func run() throws {
        var configuration = try makeConfiguration()
        var (events, skipped) = try loadEvents()
        if configuration.objective == .rating {
            // Only events carrying a rating can be replayed under `rating` (clickstreams mix in views and clicks).
            let rated = events.filter { $0.value?.isFinite == true }
            skipped += events.count - rated.count
            events = rated
        }
        if configuration.objective == .ranking { try checkKinds(events, weights: configuration.kindWeights) }
        let rounds = configuration.meta.enabled ? events.count / max(configuration.meta.interval, 1) : 0
        let privacy = try privacyOptions.privacy(rounds: rounds)
        if privacy != nil, let cap = privacyOptions.maxParticipations { configuration.meta.maxParticipations = cap }
        let replay = Replay(configuration: configuration, excludeSeen: try excludeSeen(), privacy: privacy?.meta)
        let ordered = Replay.timeOrdered(events)
        var bytesPerUser = 0
        var fixedBytes = 0
        let result = try replay.run(ordered) { _, table in
            let users = table.users
            var total = 0
            for u in users { total += table.stateBytes(of: u) ?? 0 }
            bytesPerUser = users.isEmpty ? 0 : total / users.count
            fixedBytes = table.fixedBytesPerUser
        }
        print(summary(result, skipped: skipped, bytesPerUser: bytesPerUser, fixedBytes: fixedBytes))
        if let privacy { print(privacySummary(privacy.meta, epsilon: privacy.epsilon, result: result)) }
        if let report {
            var object = try reportObject(result, configuration: configuration)
            if let privacy { object["privacy"] = privacyReport(privacy.meta, epsilon: privacy.epsilon) }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: report))
        }
    }

    // MARK: - Configuration

    /// Every kind in the stream needs a weight: a kind the configuration does not weigh is refused, naming the key.
    func checkKinds(_ events: [InteractionEvent], weights: [String: Double]) throws {
        var unweighted: [String: Int] = [:]
        for e in events where weights[e.kind] == nil { unweighted[e.kind, default: 0] += 1 }
        guard let (kind, count) = unweighted.max(by: { $0.value < $1.value }) else { return }
        let all = unweighted.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        throw ValidationError(
            "\(count) events of kind '\(kind)' have no weight (kinds without one: \(all); weighted: "
                + weights.keys.sorted().joined(separator: ", ")
                + "): set --set kind_weights.\(kind)=W, or rename the kind with --kinds (e.g. --kinds \(kind)=view)")
    }

    /// The serving policy: `scoring.exclude_seen` among the `--set` overrides (a daemon key, not a learning one).
    func excludeSeen() throws -> Bool {
        var value = true
        for o in overrides where o.hasPrefix("scoring.exclude_seen=") {
            switch o.dropFirst("scoring.exclude_seen=".count) {
            case "true": value = true
            case "false": value = false
            default: throw ValidationError("--set scoring.exclude_seen expects true or false, not '\(o)'")
            }
        }
        return value
    }

    func makeConfiguration() throws -> LearningConfiguration {
        var configuration = LearningConfiguration()
        if let config {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: config))
            } catch {
                throw ValidationError("cannot read --config \(config): \(error.localizedDescription)")
            }
            try configuration.merge(json: data)
        }
        if let objective {
            guard let o = LearningConfiguration.Objective(rawValue: objective) else {
                throw ValidationError("--objective must be rating or ranking, not '\(objective)'")
            }
            configuration.objective = o
        }
        if let ratingRange {
            let parts = ratingRange.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let lo = Double(parts[0]), let hi = Double(parts[1]), lo.isFinite, hi.isFinite,
                hi > lo
            else { throw ValidationError("--rating-range must be MIN:MAX with MIN < MAX, not '\(ratingRange)'") }
            configuration.rating.minimum = lo
            configuration.rating.maximum = hi
        }
        if let seed { configuration.seed = seed }
        if noMeta { configuration.meta.enabled = false }
        var pairs: [(key: String, value: String)] = []
        for o in overrides where !o.hasPrefix("scoring.exclude_seen=") {
            guard let eq = o.firstIndex(of: "=") else {
                throw ValidationError("--set expects key=value, not '\(o)'")
            }
            pairs.append((String(o[..<eq]), String(o[o.index(after: eq)...])))
        }
        do {
            try configuration.apply(overrides: pairs)
            try configuration.validate()
        } catch let error as LearningError {
            throw ValidationError("configuration: \(error)")
        }
        return configuration
    }

    // MARK: - Input

    func loadEvents() throws -> (events: [InteractionEvent], skipped: Int) {
        switch format {
        case "movielens":
            var skipped = 0
            let events = try MovieLensReader(path: input).readAll { _, _ in skipped += 1 }
            return (events, skipped)
        default:
            guard let fileFormat = EventFileFormat(rawValue: format), fileFormat != .movielens else {
                throw ValidationError("--format must be movielens, jsonl, csv or tsv, not '\(format)'")
            }
            let layout = try delimited.layout(for: fileFormat)
            let reader = try EventFileReader(path: input, format: fileFormat, layout: layout)
            var events: [InteractionEvent] = []
            var skipped = 0
            while let record = try reader.next() {
                switch record.result {
                case .success(let e): events.append(e)
                case .failure(let error):
                    skipped += 1
                    if skipped <= 5 { Console.err("\(input):\(record.lineNumber): skipped: \(error)\n") }
                }
            }
            if skipped > 5 { Console.err("\(input): \(skipped) unreadable records skipped in all\n") }
            return (events, skipped)
        }
    }

    // MARK: - Output

    func reportObject(_ r: Replay.Result, configuration: LearningConfiguration) throws -> [String: Any] {
        func metrics(_ t: PrequentialEvaluator.Tally) -> [String: Any] {
            switch r.objective {
            case .rating: ["events": t.events, "scored": t.scored, "rmse": finite(t.rmse), "mae": finite(t.mae)]
            case .ranking:
                [
                    "events": t.events, "scored": t.scored, "repeats": t.repeats, "hr_at_10": finite(t.hitRate),
                    "ndcg_at_10": finite(t.ndcg),
                ]
            }
        }
        func section(_ e: PrequentialEvaluator) -> [String: Any] {
            var object = metrics(e.overall)
            var buckets: [String: Any] = [:]
            for b in ColdStartBucket.allCases { buckets[b.description] = metrics(e.tally(b)) }
            object["buckets"] = buckets
            return object
        }
        var object: [String: Any] = [
            "objective": r.objective.rawValue,
            "events": r.events,
            "users": r.users,
            "items": r.items,
            "seconds": r.seconds,
            "events_per_second": r.eventsPerSecond,
        ]
        for (k, v) in section(r.evaluator) where k != "events" { object[k] = v }
        if let served = r.served { object["served"] = section(served) }
        if let x = r.exact {
            object["exact_merge"] = [
                "queries": x.queries, "scored": x.scored, "neighbours": x.neighbours, "full_scans": x.fullScans,
                "scored_per_query": x.scoredPerQuery, "merge_seconds": x.seconds,
                "settle_seconds": x.settleSeconds, "positions_shifted": x.shifted,
            ]
        }
        object["exclude_seen"] = r.excludeSeen
        if r.metaGuard != nil {
            object["meta_fallback"] =
                r.fallback.map { ["after_events": $0.afterEvents, "finding": $0.finding.description] as [String: Any] }
                ?? NSNull()
        }
        object["config"] = try JSONSerialization.jsonObject(with: configuration.jsonData())
        return object
    }

    /// JSON has no NaN: an empty bucket reports `null`.
    private func finite(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

    func summary(_ r: Replay.Result, skipped: Int, bytesPerUser: Int, fixedBytes: Int) -> String {
        func f(_ x: Double) -> String { x.isFinite ? String(format: "%.4f", x) : "-" }
        var lines: [String] = []
        lines.append(
            "replay \(r.objective.rawValue): \(r.events) events, \(r.users) users, \(r.items) items"
                + (skipped > 0 ? " (\(skipped) records skipped: unreadable, or without a rating under rating)" : ""))
        lines.append(
            String(
                format: "  %.3f s, %.0f events/s (replay loop), %d meta-updates", r.seconds, r.eventsPerSecond,
                r.metaUpdates))
        lines.append("  state: \(fixedBytes) bytes per user fixed, \(bytesPerUser) bytes per user on average")
        let header = r.objective == .rating ? "RMSE     MAE" : "HR@10    NDCG@10"
        lines.append("  bucket   events   scored  repeats   \(header)")
        func row(_ name: String, _ t: PrequentialEvaluator.Tally) -> String {
            let a = r.objective == .rating ? f(t.rmse) : f(t.hitRate)
            let b = r.objective == .rating ? f(t.mae) : f(t.ndcg)
            return "  " + name.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(t.events).leftPadded(8) + String(t.scored).leftPadded(9) + String(t.repeats).leftPadded(9)
                + "   " + a + "   " + b
        }
        lines.append(row("all", r.evaluator.overall))
        for b in ColdStartBucket.allCases { lines.append(row(b.description, r.evaluator.tally(b))) }
        if let guardCounts = r.metaGuard {
            let arms = ColdStartBucket.allCases.map { b in
                let (meta, control) = guardCounts.arms(b)
                return "\(b) \(f(meta.hitRate)) / \(f(control.hitRate)) (\(control.trials) control events)"
            }
            lines.append("  live control arm, HR@10 meta / control: " + arms.joined(separator: ", "))
            if let fallback = r.fallback {
                lines.append("  meta-learning fell back after \(fallback.afterEvents) events: \(fallback.finding)")
            } else {
                lines.append(
                    "  no fallback of meta-learning (no bucket where it was significantly worse, or meta.fallback off)")
            }
        }
        if let served = r.served {
            if let x = r.exact {
                lines.append(
                    String(
                        format: "  served from the exact top 10 (ranking.retrieval: exact): %.1f items scored per query"
                            + " (%.1f neighbours), %d queries, %.1f µs per query (%.1f settling the orders, %.0f"
                            + " positions shifted), %d full scans", x.scoredPerQuery,
                        x.queries > 0 ? Double(x.neighbours) / Double(x.queries) : 0, x.queries,
                        x.queries > 0 ? x.seconds / Double(x.queries) * 1e6 : 0,
                        x.queries > 0 ? x.settleSeconds / Double(x.queries) * 1e6 : 0,
                        x.queries > 0 ? Double(x.shifted) / Double(x.queries) : 0, x.fullScans))
            } else {
                lines.append("  served from the candidates (ranking.retrieval: candidates):")
            }
            lines.append(row("all", served.overall))
            for b in ColdStartBucket.allCases { lines.append(row(b.description, served.tally(b))) }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String {
        count >= n ? self : String(repeating: " ", count: n - count) + self
    }
}

extension ReplayCommand {
    func privacySummary(_ privacy: MetaPrivacy, epsilon: Double, result: Replay.Result) -> String {
        let cap = privacyOptions.maxParticipations.map { "at most \($0) rounds per user" } ?? "no participation cap"
        return String(
            format:
                "  privacy: ε %.3f at δ %g over %d rounds (%@), noise multiplier %.4f, clip norm %g, denominator %g",
            epsilon, privacyOptions.delta, result.metaUpdates, cap, privacy.noiseMultiplier, privacy.clipNorm,
            privacy.denominator)
    }

    func privacyReport(_ privacy: MetaPrivacy, epsilon: Double) -> [String: Any] {
        [
            "epsilon": epsilon, "delta": privacyOptions.delta, "noise_multiplier": privacy.noiseMultiplier,
            "clip_norm": privacy.clipNorm, "denominator": privacy.denominator,
            "max_participations": privacyOptions.maxParticipations as Any,
        ]
    }
}
