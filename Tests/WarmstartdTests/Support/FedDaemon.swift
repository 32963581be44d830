import Clickstream
import Foundation
import Kafka

/// A `warmstartd` process over a development broker that has processed a small synthetic stream (and one
/// malformed message), with every metric populated: what the ops-kit tests read.
struct FedDaemon {
    let cluster: TestCluster
    let daemon: DaemonProcess
    let events: [InteractionEvent]
    let port: Int

    /// Dead-lettered on purpose, so that `warmstart_dead_letters_total` has a non-zero reason.
    static let malformed = KafkaProducerMessage(topic: TestCluster.events, key: "u-bad", value: #"{"user": "u-bad", "#)

    static func start(group: String, events count: Int = 2_000) async throws -> FedDaemon {
        let cluster = try TestCluster()
        let daemon = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group)
        try await daemon.waitUntilReady()
        let events = Array(SyntheticClickstream(.init(users: 60, items: 120, events: count, seed: 17)))
        let messages = events.map {
            KafkaProducerMessage(topic: TestCluster.events, key: $0.user, value: $0.jsonLine())
        }
        try await cluster.produce(messages + [malformed])
        let total = Double(events.count + 1)
        var processed = 0.0
        try await poll("\(events.count + 1) events processed", timeout: .seconds(120), every: .milliseconds(250)) {
            processed = (try? await daemon.metrics())?.sum("warmstart_events_processed_total") ?? processed
            return processed >= total
        }
        // Live quality is flushed in batches, and the state store follows every state.checkpoint_ms.
        try await poll("live quality flushed", timeout: .seconds(30), every: .milliseconds(250)) {
            (try? await daemon.metrics())?.sum("warmstart_prequential_events_total") == Double(events.count)
        }
        return FedDaemon(cluster: cluster, daemon: daemon, events: events, port: try await daemon.httpPort())
    }

    var address: String { "127.0.0.1:\(port)" }

    var stateDirectory: URL { daemon.directory.appendingPathComponent("state") }
}
