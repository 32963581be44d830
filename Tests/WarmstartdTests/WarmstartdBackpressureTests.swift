import Clickstream
import Foundation
import Kafka
import Testing

/// Backpressure as real processes: `warmstartd` against a two-broker development cluster whose scores broker is
/// slowed down while the events broker is not.
@Suite(.serialized)
struct WarmstartdBackpressureTests {
    /// One scrape of what backpressure is about.
    struct Sample {
        var paused: Double
        var inFlight: Double
        var consumed: Double
        var processed: Double
        var lag: Double

        init(_ metrics: PrometheusText) {
            paused = metrics.sum("warmstart_backpressure_paused")
            inFlight = metrics.sum("warmstart_publish_in_flight")
            consumed = metrics.sum("warmstart_events_consumed_total")
            processed = metrics.sum("warmstart_events_processed_total")
            lag = metrics.sum("warmstart_consumer_lag")
        }
    }

    /// With publishing slowed (every response of the scores broker 400 ms late) the daemon keeps its output in
    /// flight within `publish.max_in_flight` and pauses consumption, leaving the events in Kafka (lag grows)
    /// instead of in memory; once the delay is removed it resumes and processes every event: each user's last
    /// score reflects all of their events.
    @Test(.timeLimit(.minutes(1)))
    func slowPublishingPausesConsumptionWithinTheBoundThenEverythingIsProcessed() async throws {
        let group = "e2e-backpressure"
        let cluster = try TwoBrokerCluster(group: group)
        let limit = 40
        // Coalescing off: every event is one score message, so the bound is exact (a window would hold back
        // one refresh per user outside it).
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: ["publish.max_in_flight=\(limit)", "scoring.coalesce_ms=0"])
        try await daemon.waitUntilReady()
        #expect((try await daemon.metrics()).sum("warmstart_publish_in_flight_limit") == Double(limit))

        try cluster.slowScores(by: .milliseconds(400))
        let events = Array(SyntheticClickstream(.init(users: 200, items: 150, events: 3_000, seed: 29)))
        try await cluster.produce(events.map(WarmstartdEndToEndTests.message))

        // Slow phase: scrape /metrics for 4 s.
        var samples: [Sample] = []
        let slowUntil = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < slowUntil {
            samples.append(Sample(try await daemon.metrics()))
            try await Task.sleep(for: .milliseconds(40))
        }
        let slow = try await daemon.metrics()
        let slowProcessed = slow.sum("warmstart_events_processed_total")
        #expect(samples.contains { $0.paused == 1 }, "consumption was paused")
        #expect(slow.sum("warmstart_backpressure_pauses_total") >= 1)
        let maxInFlight = samples.map(\.inFlight).max() ?? 0
        #expect(maxInFlight <= Double(limit), "in flight \(maxInFlight) > \(limit)")
        #expect(slow.sum("warmstart_publish_in_flight_max") <= Double(limit))
        #expect(slow.sum("warmstart_publish_in_flight_max") >= Double(limit / 2), "publishing did fall behind")
        // Consumed and not processed yet: at most what fits under the bound (a scrape reads the two counters one
        // after the other, so a batch may land in between).
        let backlog = samples.map { $0.consumed - $0.processed }.max() ?? 0
        #expect(backlog <= Double(2 * limit), "consumed but unprocessed \(backlog)")
        // The events waited in Kafka: most of them were still unconsumed during the slow phase.
        #expect(slowProcessed < Double(events.count) / 2, "processed \(slowProcessed) while publishing was slow")
        #expect(samples.contains { $0.lag > Double(events.count) / 2 }, "max lag \(samples.map(\.lag).max() ?? 0)")
        #expect(slow.sum("warmstart_publish_failures_total") == 0)

        // The delay removed: consumption resumes and every event is processed and published.
        try cluster.slowScores(by: .zero)
        var metrics = slow
        try await poll("every event processed and published", timeout: .seconds(30), every: .milliseconds(100)) {
            metrics = try await daemon.metrics()
            return metrics.sum("warmstart_events_processed_total") == Double(events.count)
                && metrics.sum("warmstart_scores_published_total") == Double(events.count)
                && metrics.sum("warmstart_publish_in_flight") == 0
        }
        #expect(metrics.sum("warmstart_backpressure_paused") == 0, "consumption resumed")
        #expect(metrics.sum("warmstart_publish_in_flight_max") <= Double(limit))
        #expect(metrics.sum("warmstart_dead_letters_total") == 0)
        #expect(metrics.sum("warmstart_events_consumed_total") == Double(events.count))

        let scores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        #expect(scores.count == events.count, "one score message per event (coalescing off)")
        let latest = try WarmstartdEndToEndTests.latestScores(scores)
        let counts = Dictionary(grouping: events, by: \.user).mapValues(\.count)
        #expect(Set(latest.keys) == Set(counts.keys))
        var missing: [String] = []
        for (user, count) in counts where latest[user]?.userEvents != count {
            missing.append("\(user): \(latest[user]?.userEvents ?? 0) of \(count)")
        }
        #expect(missing.isEmpty, "last scores missing events: \(missing.prefix(10))")
        #expect((try await daemon.stop()).status == 0)
    }
}
