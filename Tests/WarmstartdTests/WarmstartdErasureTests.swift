import Clickstream
import Foundation
import Kafka
import Testing

/// Erasure end to end over the development broker: a `warmstartd` process learns a user with an item and a
/// feature value of their own, publishes their scores, and gets `warmstart forget` for them on `topics.erasure`.
/// Afterwards no byte of the state directory, of the daemon's log or of `/metrics` holds the id, the scores topic
/// has a tombstone after the user's last score message, and neither a restart nor a rebuild from the topic's start
/// (a new group, `state.sqlite` removed, the denylist kept) brings state or scores of the user back.
@Suite("warmstartd: erasure end to end", .serialized)
struct WarmstartdErasureTests {
    static let user = "erase-me-5f1c9e"
    static let erasureTopic = "warmstart.erasure"

    /// `count` events of the erased user (an item and a feature value nobody else has) from `start` on.
    static func userEvents(_ count: Int, start: Int) -> [KafkaProducerMessage] {
        (start..<start + count).map { index in
            let event = InteractionEvent(
                user: user, item: index % 2 == 0 ? "item-unique-7b2d" : "i\(index % 7)", kind: "click",
                timestamp: 1_700_000_000_000 + Int64(index), userFeatures: ["segment": ["segment-unique-93ae"]])
            return KafkaProducerMessage(topic: TestCluster.events, key: user, value: event.jsonLine())
        }
    }

    /// Background events of 40 other users.
    static func otherEvents(_ count: Int, seed: UInt64) -> [KafkaProducerMessage] {
        SyntheticClickstream(.init(users: 40, items: 80, events: count, seed: seed)).map {
            KafkaProducerMessage(topic: TestCluster.events, key: $0.user, value: $0.jsonLine())
        }
    }

    /// The names of the files of `directory` holding the id's bytes.
    static func filesHoldingTheID(_ directory: URL) throws -> [String] {
        let needle = Array(user.utf8)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().filter { name in
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
        }
    }

    /// The scores topic's messages keyed by the user, in offset order.
    static func userScores(_ tail: TopicTail) -> [KafkaMessage] {
        tail.messages.filter { $0.keyText == user }.sorted { $0.offset < $1.offset }
    }

    /// Asserts the daemon's `/metrics` and log hold no byte of the id.
    static func expectNoID(in daemon: DaemonProcess, _ stage: String) async throws {
        let metrics = try await daemon.get("/metrics")
        #expect(!metrics.body.contains(user), "/metrics \(stage)")
        #expect(!daemon.log.contains(user), "the log \(stage)")
    }

    /// An erasure topic partitioned unlike the events topic would send a request to another partition number than
    /// the user's events: the daemon stops, naming both topics.
    @Test(.timeLimit(.minutes(2)))
    func anErasureTopicWithAnotherPartitionCountStopsTheDaemon() async throws {
        let cluster = try TestCluster()
        try cluster.broker.createTopic(Self.erasureTopic, partitions: 2)
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: "erasure-mismatch", settings: ["topics.erasure=\(Self.erasureTopic)"]
        )
        try await poll("warmstartd exited", timeout: .seconds(60)) { !daemon.process.isRunning }
        #expect(daemon.process.terminationStatus != 0)
        #expect(daemon.log.contains("has 2 partitions and topics.events"), "\(daemon.log)")
    }

    @Test(.timeLimit(.minutes(8)))
    func anErasedUserLeavesNoTraceAndStaysErasedAcrossARestartAndARebuild() async throws {
        let cluster = try TestCluster()
        try cluster.broker.createTopic(Self.erasureTopic, partitions: Int(TestCluster.eventPartitions))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-erasure-\(UUID().uuidString)")
        let state = work.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let settings = [
            "topics.erasure=\(Self.erasureTopic)", "state.directory=\(state.path)", "state.checkpoint_ms=500",
        ]
        let tail = try TopicTail(
            topic: TestCluster.scores, bootstrapServers: cluster.broker.bootstrapServerList, logger: cluster.logger)
        defer { Task { await tail.stop() } }

        // 1. Learned, scored and stored.
        var daemon = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: "erasure", settings: settings)
        try await daemon.waitUntilReady()
        let first = Self.otherEvents(600, seed: 3) + Self.userEvents(8, start: 0)
        try await cluster.produce(first)
        try await poll("the user's scores published", timeout: .seconds(60)) { !Self.userScores(tail).isEmpty }
        try await poll("the user stored", timeout: .seconds(30)) { try !Self.filesHoldingTheID(state).isEmpty }

        // 2. Erased through `warmstart forget`.
        let forget = try await ChildProcess.run(
            try Executables.url("warmstart"),
            ["forget", "--bootstrap", cluster.bootstrap, "--user", Self.user, "--topic", Self.erasureTopic])
        #expect(forget.status == 0, "warmstart forget: \(forget.stderr)")
        try await poll("the erasure complete", timeout: .seconds(30)) {
            (try? await daemon.metrics())?.sum("warmstart_erasures_total") == 1
        }
        #expect(try await daemon.metrics().sum("warmstart_erasures_pending") == 0)
        #expect(try Self.filesHoldingTheID(state) == [], "no byte of the state directory holds the id")
        try await poll("the tombstone read", timeout: .seconds(30)) { Self.userScores(tail).last?.isTombstone == true }
        let afterErasure = Self.userScores(tail)
        let tombstone = try #require(afterErasure.firstIndex { $0.isTombstone })
        #expect(afterErasure[..<tombstone].allSatisfy { !$0.isTombstone && !$0.value.isEmpty })
        #expect(tombstone > 0, "the tombstone follows the user's score messages")
        try await Self.expectNoID(in: daemon, "after the erasure")
        #expect(daemon.log.contains("erased a user"))

        // 3. Events of the user after the request are skipped, not dead-lettered.
        try await cluster.produce(Self.userEvents(3, start: 8) + Self.otherEvents(100, seed: 4))
        try await poll("the user's later events skipped", timeout: .seconds(30)) {
            (try? await daemon.metrics())?.sum("warmstart_erased_events_skipped_total") == 3
        }
        #expect(try await daemon.metrics().sum("warmstart_dead_letters_total") == 0)
        try await Self.expectNoID(in: daemon, "after later events")
        #expect(try await daemon.stop().status == 0)
        #expect(!daemon.log.contains(Self.user), "the log, to the end")
        #expect(try Self.filesHoldingTheID(state) == [])

        // 4. A restart with the same state directory: the request is committed, the user stays erased.
        daemon = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: "erasure", settings: settings)
        try await daemon.waitUntilReady()
        try await cluster.produce(Self.userEvents(2, start: 11) + Self.otherEvents(100, seed: 5))
        try await poll("the user's events skipped after the restart", timeout: .seconds(30)) {
            (try? await daemon.metrics())?.sum("warmstart_erased_events_skipped_total") == 2
        }
        #expect(try await daemon.metrics().sum("warmstart_erasures_total") == 0, "the request was not read again")
        try await Self.expectNoID(in: daemon, "after the restart")
        #expect(try await daemon.stop().status == 0)
        #expect(try Self.filesHoldingTheID(state) == [])

        // 5. A rebuild from the topic's start: a new group, the store removed, the denylist kept.
        for name in ["state.sqlite", "state.sqlite-wal", "state.sqlite-shm"] {
            try? FileManager.default.removeItem(at: state.appendingPathComponent(name))
        }
        let total = Double(first.count + 103 + 102)
        daemon = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: "erasure-rebuild", settings: settings)
        try await daemon.waitUntilReady()
        try await poll("the whole topic learned again", timeout: .seconds(90), every: .milliseconds(250)) {
            (try? await daemon.metrics())?.sum("warmstart_events_processed_total") == total
        }
        #expect(try await daemon.metrics().sum("warmstart_erased_events_skipped_total") == 13)
        // The request is read again from the erasure topic's start (no checkpoint here): erased again, tombstoned.
        try await poll("the request applied again", timeout: .seconds(30)) {
            (try? await daemon.metrics())?.sum("warmstart_erasures_total") == 1
        }
        try await Task.sleep(for: .seconds(1))
        let final = Self.userScores(tail)
        #expect(final[tombstone...].allSatisfy { $0.isTombstone }, "no score of the user after the erasure")
        try await Self.expectNoID(in: daemon, "after the rebuild")
        #expect(try await daemon.stop().status == 0)
        #expect(try Self.filesHoldingTheID(state) == [])
    }
}
