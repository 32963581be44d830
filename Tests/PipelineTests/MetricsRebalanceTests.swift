import Testing

@testable import Pipeline

/// Per-partition metrics across rebalances: a partition revoked and assigned again to the same instance.
@Suite struct MetricsRebalanceTests {
    static func value(_ metrics: DaemonMetrics, _ series: String) -> Double? {
        MetricsDaemonMetricsTests.value(metrics, series)
    }

    /// Prometheus counters are monotonic: `warmstart_events_processed_total{partition}` and
    /// `warmstart_events_consumed_total{partition}` never go backwards in `/metrics` when their partition is
    /// revoked and assigned again, whichever handle (the revoked worker's or the new one's) is incremented. The lag
    /// gauge disappears on revocation and comes back fresh.
    @Test func perPartitionCountersNeverGoBackwardsAcrossRevocationAndReassignment() {
        let metrics = DaemonMetrics()
        let processed = #"warmstart_events_processed_total{partition="3"}"#
        let consumed = #"warmstart_events_consumed_total{partition="3"}"#
        let lag = #"warmstart_consumer_lag{partition="3"}"#
        var observed: [Double] = []
        var handles: [PartitionMetrics] = []
        var expected: Double = 0

        for cycle in 1...5 {
            // Assigned (again): the learner asks for the partition's metrics.
            let partition = metrics.partition(3)
            handles.append(partition)
            partition.eventsConsumed.increment(by: 100 * cycle)
            partition.eventsProcessed.increment(by: 100 * cycle)
            partition.consumerLag.record(7 * cycle)
            expected += Double(100 * cycle)
            #expect(Self.value(metrics, lag) == Double(7 * cycle))
            observed.append(Self.value(metrics, processed) ?? -1)

            // Revoked.
            metrics.removePartition(3)
            #expect(Self.value(metrics, lag) == nil, "cycle \(cycle): the lag gauge is gone after revocation")
            #expect(Self.value(metrics, processed) == expected, "cycle \(cycle): the counter stays")
            #expect(Self.value(metrics, consumed) == expected)
            observed.append(Self.value(metrics, processed) ?? -1)

            // A batch of the revoked partition still finishing on the learner's queue counts on the old handle.
            handles[0].eventsProcessed.increment()
            handles[0].eventsConsumed.increment()
            expected += 1
            observed.append(Self.value(metrics, processed) ?? -1)
            // ... and its stale lag update does not resurrect the removed gauge.
            handles[0].consumerLag.record(999)
            #expect(Self.value(metrics, lag) == nil)
        }
        #expect(observed == observed.sorted(), "processed over time: \(observed)")
        #expect(Self.value(metrics, processed) == expected)
        #expect(Self.value(metrics, consumed) == expected)
        // Every assignment got the same counter objects: the registry hands out the existing series.
        #expect(handles.allSatisfy { $0.eventsProcessed === handles[0].eventsProcessed })
        #expect(handles.allSatisfy { $0.eventsConsumed === handles[0].eventsConsumed })
        // The lag gauge of each assignment is a new one.
        #expect(handles[1].consumerLag !== handles[0].consumerLag)

        // Assigned once more: the new lag gauge shows, the stale handle's value does not.
        metrics.partition(3).consumerLag.record(4)
        #expect(Self.value(metrics, lag) == 4)
        // Other partitions are untouched by all this.
        metrics.partition(1).eventsProcessed.increment(by: 2)
        metrics.removePartition(1)
        #expect(Self.value(metrics, #"warmstart_events_processed_total{partition="1"}"#) == 2)
        #expect(Self.value(metrics, processed) == expected)
    }

    @Test func publishInFlightKeepsItsMaximum() {
        let metrics = DaemonMetrics()
        #expect(Self.value(metrics, "warmstart_publish_in_flight") == 0)
        #expect(Self.value(metrics, "warmstart_publish_in_flight_max") == 0)
        #expect(Self.value(metrics, "warmstart_backpressure_pauses_total") == 0)
        for sample in [3, 40, 12, 0, 25] {
            metrics.recordPublishInFlight(sample)
        }
        #expect(Self.value(metrics, "warmstart_publish_in_flight") == 25)
        #expect(Self.value(metrics, "warmstart_publish_in_flight_max") == 40)
        metrics.publishInFlightLimit.record(64)
        #expect(Self.value(metrics, "warmstart_publish_in_flight_limit") == 64)
    }
}
