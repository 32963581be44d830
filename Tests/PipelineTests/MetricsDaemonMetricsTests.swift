import Clickstream
import Learning
import Prometheus
import Testing

@testable import Pipeline

@Suite struct MetricsDaemonMetricsTests {
    /// The exposition's sample lines (no `#` comments), as `name{labels} value`.
    static func samples(_ metrics: DaemonMetrics) -> [String] {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") }
    }

    static func value(_ metrics: DaemonMetrics, _ series: String) -> Double? {
        for line in samples(metrics) where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func requiredNamesAreExposed() {
        let metrics = DaemonMetrics()
        let partition = metrics.partition(2)
        partition.eventsConsumed.increment(by: 3)
        partition.eventsProcessed.increment(by: 2)
        partition.consumerLag.record(17)
        metrics.deadLetter(.oversizeKey).increment()
        metrics.deadLetter(DeadLetterReason(.malformedJSON)).increment(by: 2)
        metrics.scoresPublished.increment()
        metrics.observeEventToPublish(nanoseconds: 150_000_000)
        metrics.modelVersion.record(4)
        metrics.usersInMemory.record(1_000)
        metrics.backpressurePaused.record(1)

        #expect(Self.value(metrics, #"warmstart_events_consumed_total{partition="2"}"#) == 3)
        #expect(Self.value(metrics, #"warmstart_events_processed_total{partition="2"}"#) == 2)
        #expect(Self.value(metrics, #"warmstart_consumer_lag{partition="2"}"#) == 17)
        #expect(Self.value(metrics, #"warmstart_dead_letters_total{reason="oversize_key"}"#) == 1)
        #expect(Self.value(metrics, #"warmstart_dead_letters_total{reason="malformed_json"}"#) == 2)
        #expect(Self.value(metrics, #"warmstart_dead_letters_total{reason="unknown_kind"}"#) == 0)
        #expect(Self.value(metrics, "warmstart_scores_published_total") == 1)
        #expect(Self.value(metrics, "warmstart_publish_failures_total") == 0)
        #expect(Self.value(metrics, "warmstart_model_version") == 4)
        #expect(Self.value(metrics, "warmstart_users_in_memory") == 1_000)
        #expect(Self.value(metrics, "warmstart_backpressure_paused") == 1)
        #expect(Self.value(metrics, "warmstart_meta_updates_total") == 0)
        #expect(Self.value(metrics, "warmstart_commits_total") == 0)
        #expect(Self.value(metrics, "warmstart_commit_failures_total") == 0)
        #expect(Self.value(metrics, "warmstart_event_to_publish_seconds_count") == 1)
        #expect(Self.value(metrics, #"warmstart_event_to_publish_seconds_bucket{le="0.1"}"#) == 0)
        #expect(Self.value(metrics, #"warmstart_event_to_publish_seconds_bucket{le="0.15"}"#) == 1)
        #expect(Self.value(metrics, #"warmstart_event_to_publish_seconds_bucket{le="+Inf"}"#) == 1)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("# TYPE warmstart_event_to_publish_seconds histogram"))
        #expect(text.contains("# TYPE warmstart_consumer_lag gauge"))
        #expect(text.contains("# TYPE warmstart_events_processed_total counter"))
    }

    @Test func eachDaemonHasItsOwnRegistryAndPartitionsAreCached() {
        let a = DaemonMetrics()
        let b = DaemonMetrics()
        a.scoresPublished.increment()
        #expect(Self.value(a, "warmstart_scores_published_total") == 1)
        #expect(Self.value(b, "warmstart_scores_published_total") == 0)
        #expect(a.partition(0).eventsConsumed === a.partition(0).eventsConsumed)

        a.partition(5).consumerLag.record(9)
        a.partition(5).eventsConsumed.increment()
        a.removePartition(5)
        #expect(Self.value(a, #"warmstart_consumer_lag{partition="5"}"#) == nil)
        #expect(Self.value(a, #"warmstart_events_consumed_total{partition="5"}"#) == 1)
        // Reassigned: a fresh lag gauge, the same counter.
        a.partition(5).consumerLag.record(3)
        #expect(Self.value(a, #"warmstart_consumer_lag{partition="5"}"#) == 3)
        #expect(a.partition(5).eventsConsumed === a.partition(5).eventsConsumed)
    }

    @Test func coldStartBuckets() {
        #expect(ColdStartBucket(userEventNumber: 1) == .first5)
        #expect(ColdStartBucket(userEventNumber: 5) == .first5)
        #expect(ColdStartBucket(userEventNumber: 6) == .upTo20)
        #expect(ColdStartBucket(userEventNumber: 20) == .upTo20)
        #expect(ColdStartBucket(userEventNumber: 21) == .over20)
        #expect(ColdStartBucket.allCases.map(\.label) == ["1-5", "6-20", "21+"])
        #expect(PrequentialVariant.allCases.map(\.label) == ["meta", "no_meta"])
    }

    @Test func prequentialTallyFlushesIntoCountersAndCumulativeGauges() {
        let metrics = DaemonMetrics()
        var tally = PrequentialTally()
        tally.record(bucket: .first5, variant: .meta, hit: true, squaredError: 1)
        tally.record(bucket: .first5, variant: .meta, hit: false, squaredError: 9)
        tally.record(bucket: .first5, variant: .noMeta, hit: false, logLoss: 0.5)
        tally.record(bucket: .over20, variant: .meta, hit: nil, squaredError: .nan, logLoss: 0.25)
        #expect(tally.eventCount == 4)
        #expect(tally[.first5, .meta].hitRate == 0.5)
        metrics.flush(&tally)
        #expect(tally.eventCount == 0)
        #expect(tally[.first5, .meta].events == 0)

        let meta15 = #"{bucket="1-5",variant="meta"}"#
        #expect(Self.value(metrics, "warmstart_prequential_events_total" + meta15) == 2)
        #expect(Self.value(metrics, "warmstart_prequential_hr_at_10" + meta15) == 0.5)
        #expect(Self.value(metrics, "warmstart_prequential_rmse" + meta15) == (10.0 / 2).squareRoot())
        #expect(Self.value(metrics, "warmstart_prequential_hits_total" + meta15) == 1)
        #expect(Self.value(metrics, "warmstart_prequential_squared_error_sum" + meta15) == 10)
        let noMeta15 = #"{bucket="1-5",variant="no_meta"}"#
        #expect(Self.value(metrics, "warmstart_prequential_hr_at_10" + noMeta15) == 0)
        #expect(Self.value(metrics, "warmstart_prequential_logloss" + noMeta15) == 0.5)
        let meta21 = #"{bucket="21+",variant="meta"}"#
        #expect(Self.value(metrics, "warmstart_prequential_events_total" + meta21) == 1)
        #expect(Self.value(metrics, "warmstart_prequential_hit_trials_total" + meta21) == 0)
        #expect(Self.value(metrics, "warmstart_prequential_rated_events_total" + meta21) == 0)

        // A second flush (another partition's tally) is merged: the gauges are cumulative.
        var other = PrequentialTally()
        other.record(bucket: .first5, variant: .meta, hit: true, squaredError: 2)
        other.record(bucket: .first5, variant: .meta, hit: true)
        // A repeat (an item the user had seen) is counted, not scored: HR@10 is unchanged.
        other.record(bucket: .first5, variant: .meta, hit: nil, isRepeat: true)
        metrics.flush(&other)
        #expect(Self.value(metrics, "warmstart_prequential_events_total" + meta15) == 5)
        #expect(Self.value(metrics, "warmstart_prequential_repeats_total" + meta15) == 1)
        #expect(Self.value(metrics, "warmstart_prequential_hit_trials_total" + meta15) == 4)
        #expect(Self.value(metrics, "warmstart_prequential_hr_at_10" + meta15) == 0.75)
        #expect(Self.value(metrics, "warmstart_prequential_rmse" + meta15) == (12.0 / 3).squareRoot())
        #expect(metrics.prequentialTotals[.first5, .meta].hits == 3)
    }

    @Test func concurrentFlushesLoseNothing() async {
        let metrics = DaemonMetrics()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var tally = PrequentialTally()
                    let partition = metrics.partition(Int32(worker))
                    for index in 0..<10_000 {
                        tally.record(
                            bucket: ColdStartBucket(userEventNumber: index % 30 + 1),
                            variant: index.isMultiple(of: 2) ? .meta : .noMeta,
                            hit: index.isMultiple(of: 4)
                        )
                        partition.eventsProcessed.increment()
                        if tally.eventCount == 1_000 { metrics.flush(&tally) }
                    }
                    metrics.flush(&tally)
                }
            }
        }
        var events = 0
        for bucket in ColdStartBucket.allCases {
            for variant in PrequentialVariant.allCases {
                events += metrics.prequentialTotals[bucket, variant].events
            }
        }
        #expect(events == 40_000)
        let total = Self.samples(metrics).filter { $0.hasPrefix("warmstart_prequential_events_total{") }
            .compactMap { Double($0.split(separator: " ").last!) }.reduce(0, +)
        #expect(total == 40_000)
        #expect(Self.value(metrics, #"warmstart_events_processed_total{partition="3"}"#) == 10_000)
    }
}
