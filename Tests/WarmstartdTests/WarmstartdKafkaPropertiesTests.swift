import Clickstream
import Foundation
import Kafka
import Testing

/// `kafka.properties.*` reach only the clients they apply to, as a real `warmstartd` process logs it.
@Suite(.serialized)
struct WarmstartdKafkaPropertiesTests {
    /// Consumer-only and producer-only librdkafka properties given through `kafka.properties` (the test daemon
    /// always gets `session.timeout.ms=6000`): librdkafka logs no "is a consumer property and will be ignored"
    /// (nor the producer counterpart) for any of the daemon's clients, and the daemon works.
    @Test(.timeLimit(.minutes(1)))
    func consumerAndProducerPropertiesCauseNoLibrdkafkaWarnings() async throws {
        let cluster = try TestCluster()
        let group = "e2e-properties"
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: [
                "kafka.properties.session.timeout.ms=6000",
                "kafka.properties.heartbeat.interval.ms=1000",
                "kafka.properties.fetch.wait.max.ms=50",
                "kafka.properties.linger.ms=2",
                "kafka.properties.acks=all",
                "kafka.properties.socket.timeout.ms=20000",
                "kafka.producer_properties.compression.type=lz4",
                "kafka.consumer_properties.client.rack=test-rack",
                // Control: a deprecated property, which librdkafka does warn about (to every client), so the
                // absence of "will be ignored" below is not just librdkafka's warnings missing from the log.
                "kafka.properties.topic.metadata.refresh.fast.cnt=5",
            ])
        try await daemon.waitUntilReady()
        let events = Array(SyntheticClickstream(.init(users: 30, items: 50, events: 300, seed: 31)))
        try await cluster.produce(events.map(WarmstartdEndToEndTests.message))
        try await poll("events processed and published", timeout: .seconds(20), every: .milliseconds(100)) {
            let metrics = try await daemon.metrics()
            return metrics.sum("warmstart_events_processed_total") == Double(events.count)
                && metrics.sum("warmstart_scores_published_total") > 0
        }
        #expect((try await daemon.stop()).status == 0)

        let log = daemon.log
        let ignored = log.split(separator: "\n").filter { $0.contains("will be ignored") }
        #expect(ignored.isEmpty, "librdkafka ignored properties:\n\(ignored.joined(separator: "\n"))")
        let control = log.split(separator: "\n").filter {
            $0.contains("topic.metadata.refresh.fast.cnt is deprecated") && $0.contains("CONFWARN")
        }
        #expect(control.count == 3, "librdkafka's configuration warnings reach the log, once per client:\n\(log)")
    }
}
