import Foundation
import Testing

/// `ops/grafana/warmstart.json` and the rules query only what a running `warmstartd` exports.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct OpsDashboardTests {
    static let dashboardURL = repositoryRoot.appendingPathComponent("ops/grafana/warmstart.json")
    static let rulesURL = repositoryRoot.appendingPathComponent("ops/prometheus/warmstart.rules.yml")
    /// Series Prometheus adds to every target itself; the rules use `up` for WarmstartDown.
    static let synthesizedByPrometheus: Set<String> = ["up"]

    static func dashboardExpressions() throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: dashboardURL))
        return PromQLNames.expressions(inDashboard: object)
    }

    @Test func everyQueriedMetricIsExportedByARunningDaemon() async throws {
        let fed = try await FedDaemon.start(group: "ops-dashboard")
        let exported = try await fed.daemon.metrics().samples.map(\.name)
        let exportedNames = Set(exported)
        #expect(exportedNames.contains("warmstart_event_to_publish_seconds_bucket"), "events flowed: \(exportedNames)")

        let rules = try String(contentsOf: Self.rulesURL, encoding: .utf8)
        let recorded = PromQLNames.recordedNames(inRulesFile: rules)
        #expect(recorded.count >= 8)
        var queried: [String: Set<String>] = [:]
        for expression in try Self.dashboardExpressions() {
            for name in PromQLNames.metrics(in: expression) { queried[name, default: []].insert("dashboard") }
        }
        for expression in PromQLNames.expressions(inRulesFile: rules) {
            for name in PromQLNames.metrics(in: expression) where !recorded.contains(name) {
                queried[name, default: []].insert("rules")
            }
        }
        #expect(queried.count >= 25, "\(queried.keys.sorted())")
        for (name, sources) in queried.sorted(by: { $0.key < $1.key }) {
            #expect(
                exportedNames.contains(name) || Self.synthesizedByPrometheus.contains(name),
                "\(sources.sorted()) query \(name), which warmstartd does not export")
        }
        _ = try await fed.daemon.stop()
    }

    /// The panels the issue asks for are there, and every query is PromQL that Prometheus accepts (promtool checks
    /// them as recording rules, with Grafana's variables replaced by values).
    @Test func theDashboardCoversTheOperatorsQuestionsInValidPromQL() async throws {
        let expressions = try Self.dashboardExpressions()
        let all = expressions.joined(separator: "\n")
        for required in [
            "warmstart_events_processed_total", "warmstart_consumer_lag", "warmstart_event_to_publish_seconds_bucket",
            "warmstart_dead_letters_total", "warmstart_prequential_hits_total",
            "warmstart_prequential_hit_trials_total", "process_resident_memory_bytes", "warmstart_users_in_memory",
            "warmstart_checkpoints_total", "warmstart_model_version",
        ] {
            #expect(all.contains(required), "the dashboard does not query \(required)")
        }
        #expect(expressions.contains { $0.contains("by (partition)") && $0.contains("warmstart_consumer_lag") })
        #expect(expressions.contains { $0.contains("by (reason)") })
        #expect(expressions.contains { $0.contains("by (bucket, variant)") && $0.contains("prequential_hits") })
        #expect(expressions.contains { $0.contains("histogram_quantile(0.99") })

        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, expression) in expressions.enumerated() {
            var promql = expression
            for (variable, value) in [
                ("$__rate_interval", "5m"), ("$quality_window", "1h"), ("$job", ".*"), ("$instance", ".*"),
            ] {
                promql = promql.replacingOccurrences(of: variable, with: value)
            }
            // A single-quoted YAML scalar: no escapes but a doubled quote.
            let quoted = promql.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ")
            rules += "      - record: dashboard:query_\(index)\n        expr: '\(quoted)'\n"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ws-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try rules.write(to: directory.appendingPathComponent("dashboard.rules.yml"), atomically: true, encoding: .utf8)
        let (status, output) = try await Promtool.run(["check", "rules", "dashboard.rules.yml"], in: directory)
        #expect(status == 0, "dashboard queries rejected by promtool:\n\(output)")
    }
}
