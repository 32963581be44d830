import Clickstream
import Foundation
import Kafka
import Logging
import Synchronization
import Testing

/// Exactly-once state across crashes: one `warmstartd` is SIGKILLed at random moments and restarted while a
/// stream is fed; a second one processes the same events without interruption. Afterwards both state
/// directories hold bit-identical learned state (`warmstart digest`), and every user's latest score was published
/// by the crashed one.
///
/// One partition per events topic: the order in which a daemon learns events from several partitions depends on
/// fetch timing, so bit-identical state across runs needs one partition (a deterministic interleaving of
/// partitions is not built yet). Meta-updates and checkpoints are triggered by event counts only, and a checkpoint
/// falls on a meta-update, as exactly-once state requires.
@Suite("warmstartd: crash recovery (SIGKILL, restore, exactly-once state)", .serialized)
struct WarmstartdCrashRecoveryTests {
    static let totalEvents = 200_000
    static let kills = 10

    @Test(.timeLimit(.minutes(6)))
    func killedAndRestartedDaemonEndsWithTheStateOfAnUninterruptedRun() async throws {
        let logger = Logger(label: "crash-test") { _ in SwiftLogNoOpLogHandler() }
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: logger)
        defer { broker.shutdown() }
        for topic in ["crash.events", "reference.events", "warmstart.model", "warmstart.dead-letter"] {
            try broker.createTopic(topic, partitions: 1)
        }
        for topic in ["crash.scores", "reference.scores"] { try broker.createTopic(topic, partitions: 4) }
        let bootstrap = broker.bootstrapServers
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        func settings(_ name: String) -> [String] {
            [
                "topics.events=\(name).events", "topics.scores=\(name).scores",
                "state.directory=\(work.appendingPathComponent(name).path)",
                // Count-based triggers only; a checkpoint every 20 meta-updates.
                "metaupdate.every_events=100", "metaupdate.every_ms=0",
                "state.checkpoint_events=2000", "state.checkpoint_ms=0",
                "logging.level=info",
            ]
        }
        let reference = try DaemonProcess(bootstrap: bootstrap, groupID: "reference", settings: settings("reference"))
        var crashing = try DaemonProcess(bootstrap: bootstrap, groupID: "crash", settings: settings("crash"))
        let scores = try TopicTail(topic: "crash.scores", bootstrapServers: [bootstrap], logger: logger)

        // The stream: small messages (no side features), so the mock's ~5 MB per partition holds well over the
        // events a restarted daemon has to read again.
        var configuration = SyntheticClickstream.Configuration()
        configuration.users = 3_000
        configuration.items = 300
        configuration.events = Self.totalEvents
        configuration.seed = 99
        var perUser: [String: Int] = [:]
        var messages: [(key: [UInt8], value: [UInt8])] = []
        messages.reserveCapacity(Self.totalEvents)
        for var event in SyntheticClickstream(configuration) {
            event.userFeatures = [:]
            event.itemFeatures = [:]
            perUser[event.user, default: 0] += 1
            messages.append((Array(event.user.utf8), Array(event.jsonLine().utf8)))
        }

        // Feed both topics at a steady rate while the crashing daemon is killed and restarted.
        let fed = Atomic<Int>(0)
        let feeder = Task {
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(bootstrapServers: [bootstrap]), logger: logger)
            let rate = 1_500.0
            let start = ContinuousClock.now
            for (index, message) in messages.enumerated() {
                for topic in ["crash.events", "reference.events"] {
                    try await producer.send(KafkaProducerMessage(topic: topic, key: message.key, value: message.value))
                }
                fed.store(index + 1, ordering: .relaxed)
                if index % 250 == 0 {
                    let due = start + .seconds(Double(index) / rate)
                    if due > .now { try await Task.sleep(until: due) }
                }
            }
            try await producer.flush(timeout: .seconds(30))
            await producer.shutdown(timeout: .seconds(5))
        }

        // Kill at random moments once the restarted daemon learns again (its partition is assigned only after the
        // killed member's session expires).
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var restoredFrom: [Int64] = []
        while kills < Self.kills {
            try await poll("the crashing daemon learning again", timeout: .seconds(60)) {
                crashing.log.contains("msg=\"partitions assigned\" partitions=")
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...2_500, using: &generator)))
            if let resume = crashing.log.range(of: "resume_from=\"[(key: 0, value: ") {
                restoredFrom.append(Int64(crashing.log[resume.upperBound...].prefix { $0.isNumber }) ?? -1)
            }
            kill(crashing.process.processIdentifier, SIGKILL)
            crashing.process.waitUntilExit()
            kills += 1
            crashing = try DaemonProcess(bootstrap: bootstrap, groupID: "crash", settings: settings("crash"))
        }
        try await feeder.value
        #expect(fed.load(ordering: .relaxed) == Self.totalEvents)
        // Restarts resumed from checkpoints, not from the beginning (the first run had none).
        #expect(restoredFrom.filter { $0 > 0 }.count >= Self.kills / 2, "restored from \(restoredFrom)")

        // Both catch up (the restored offset plus what this process learned reaches the end); then a graceful
        // stop writes the final checkpoint of each.
        for daemon in [crashing, reference] {
            let caughtUp = try? await poll("a daemon caught up", timeout: .seconds(120), every: .milliseconds(500)) {
                guard let metrics = try? await daemon.metrics() else { return false }
                var restored = 0
                if let resume = daemon.log.range(of: "resume_from=\"[(key: 0, value: ", options: .backwards) {
                    restored = Int(daemon.log[resume.upperBound...].prefix { $0.isNumber }) ?? 0
                }
                return restored + Int(metrics.sum("warmstart_events_processed_total")) >= Self.totalEvents
            }
            if caughtUp == nil {
                let metrics = (try? await daemon.get("/metrics").body) ?? ""
                Issue.record(
                    "did not catch up; metrics:\n\(metrics.split(separator: "\n").filter { $0.hasPrefix("warmstart_events") || $0.hasPrefix("warmstart_consumer_lag") || $0.hasPrefix("warmstart_check") }.joined(separator: "\n"))\nlog:\n\(daemon.log.suffix(3_000))")
                return
            }
        }
        for daemon in [crashing, reference] {
            let (status, _) = try await daemon.stop()
            #expect(status == 0, "\(daemon.log.suffix(2_000))")
            #expect(daemon.log.contains("committed=0:\(Self.totalEvents)"), "\(daemon.log.suffix(2_000))")
        }

        let crashDigest = try digest(work.appendingPathComponent("crash").path)
        let referenceDigest = try digest(work.appendingPathComponent("reference").path)
        #expect(crashDigest.count == 64)
        #expect(crashDigest == referenceDigest)

        // Every user's latest scores were published: a score message covering all of the user's events.
        try await poll("every user's latest score", timeout: .seconds(30), every: .milliseconds(500)) {
            var latest: [String: Int] = [:]
            for message in scores.messages {
                guard let object = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
                    let user = object["user"] as? String, let events = object["user_events"] as? Int
                else { continue }
                latest[user] = max(latest[user] ?? 0, events)
            }
            return perUser.allSatisfy { latest[$0.key] == $0.value }
        }
        await scores.stop()
    }

    /// `warmstart digest --state DIR`, run as the real tool.
    private func digest(_ directory: String) throws -> String {
        let process = Process()
        process.executableURL = try Executables.url("warmstart")
        process.arguments = ["digest", "--state", directory]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("warmstart digest failed for \(directory)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
