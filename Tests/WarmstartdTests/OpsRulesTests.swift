import Foundation
import Testing

/// `ops/prometheus/warmstart.rules.yml` checked and unit-tested by Prometheus's own `promtool`.
@Suite(.timeLimit(.minutes(5)))
struct OpsRulesTests {
    static let directory = repositoryRoot.appendingPathComponent("ops/prometheus")

    @Test func promtoolAcceptsTheRules() async throws {
        let (status, output) = try await Promtool.run(["check", "rules", "warmstart.rules.yml"], in: Self.directory)
        #expect(status == 0, "promtool check rules:\n\(output)")
        #expect(output.contains("SUCCESS"), "\(output)")
    }

    @Test func promtoolUnitTestsPass() async throws {
        let (status, output) = try await Promtool.run(
            ["test", "rules", "warmstart.rules.test.yml"], in: Self.directory)
        #expect(status == 0, "promtool test rules:\n\(output)")
        #expect(output.contains("SUCCESS"), "\(output)")
    }

    /// Every alert is exercised by the unit tests, and each one both where it fires and where it must not.
    @Test func everyAlertHasFiringAndQuietCases() throws {
        let rules = try String(
            contentsOf: Self.directory.appendingPathComponent("warmstart.rules.yml"), encoding: .utf8)
        let tests = try String(
            contentsOf: Self.directory.appendingPathComponent("warmstart.rules.test.yml"), encoding: .utf8)
        let alerts = rules.components(separatedBy: "\n").compactMap { line in
            line.range(of: "- alert:").map { line[$0.upperBound...].trimmingCharacters(in: .whitespaces) }
        }
        #expect(alerts.count >= 11)
        for required in [
            "WarmstartConsumerLagGrowing", "WarmstartNotProcessing", "WarmstartDeadLetterRateHigh",
            "WarmstartStateNotDurable", "WarmstartCheckpointFailures", "WarmstartNotReady",
            "WarmstartPublishLatencyHigh", "WarmstartMetaLearningLosing", "WarmstartModelVersionStuck",
            "WarmstartMemoryNearBudget",
        ] {
            #expect(alerts.contains(required), "missing alert \(required)")
        }
        // Test cases, split on alertname: what follows each until the next one.
        let cases = tests.components(separatedBy: "alertname: ").dropFirst()
        for alert in alerts {
            let own = cases.filter { $0.hasPrefix(alert + "\n") }
            #expect(own.contains { $0.contains("exp_labels:") }, "no test case where \(alert) fires")
            #expect(own.contains { $0.contains("exp_alerts: []") }, "no test case where \(alert) stays quiet")
        }
    }

    @Test func extractsMetricNamesFromPromQL() {
        #expect(
            PromQLNames.metrics(
                in: #"histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{job=~"$job"}[$__rate_interval])))"#)
                == ["a_bucket"])
        #expect(
            PromQLNames.metrics(in: "x:y:rate5m / on () group_left () b_total > 0.9 and on (job) up == 0")
                == ["x:y:rate5m", "b_total", "up"])
        #expect(PromQLNames.metrics(in: #"vector(4294967296)"#).isEmpty)
        #expect(
            PromQLNames.metrics(in: #"changes(m[30m]) == 0 and sum by (i) (increase(n[1e3s])) > 1e3"#) == ["m", "n"])
    }
}
