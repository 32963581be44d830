import Clickstream
import Foundation
import Kafka
import Logging
import Synchronization
import Testing

/// Exactly-once state across crashes: one `warmstartd` is SIGKILLed at random moments and restarted; a second
/// one processes the same events without interruption. Afterwards both state directories hold bit-identical
/// learned state (`warmstart digest`), and every user's latest score was published by the crashed one.
///
/// Both run with `learning.deterministic: true` (partitions learned in fixed rounds, meta-updates and checkpoints
/// by event counts), over topics produced in full before they start (8 partitions: the mock keeps ~5 MB per
/// partition). The crashing one also holds at most ``memoryCap`` of the 3,000 users in memory, evicting the least
/// recently active to its store and reloading them on their next event, so eviction, reloads and the eviction
/// buffer are part of what must come out bit-identical; the reference holds every user.
@Suite("warmstartd: crash recovery (SIGKILL, restore, exactly-once state)", .serialized)
struct WarmstartdCrashRecoveryTests {
    static let totalEvents = 200_000
    static let partitions = 8
    static let kills = 10
    static let memoryCap = 500

    @Test(.timeLimit(.minutes(8)))
    func killedAndRestartedDaemonEndsWithTheStateOfAnUninterruptedRun() async throws {
        let logger = Logger(label: "crash-test") { _ in SwiftLogNoOpLogHandler() }
        let broker = try KafkaDevelopmentBroker(brokers: 1, logger: logger)
        defer { broker.shutdown() }
        for topic in ["crash.events", "reference.events"] { try broker.createTopic(topic, partitions: Self.partitions) }
        for topic in ["warmstart.model", "warmstart.dead-letter"] { try broker.createTopic(topic, partitions: 1) }
        for topic in ["crash.scores", "reference.scores"] { try broker.createTopic(topic, partitions: 4) }
        let bootstrap = broker.bootstrapServers
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // The stream, produced in full to both topics first (small messages: no side features).
        var configuration = SyntheticClickstream.Configuration()
        configuration.users = 3_000
        configuration.items = 300
        configuration.events = Self.totalEvents
        configuration.seed = 99
        var perUser: [String: Int] = [:]
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [bootstrap]), logger: logger)
        for var event in SyntheticClickstream(configuration) {
            event.userFeatures = [:]
            event.itemFeatures = [:]
            perUser[event.user, default: 0] += 1
            let value = Array(event.jsonLine().utf8)
            for topic in ["crash.events", "reference.events"] {
                try await producer.send(KafkaProducerMessage(topic: topic, key: Array(event.user.utf8), value: value))
            }
        }
        try await producer.flush(timeout: .seconds(60))
        await producer.shutdown(timeout: .seconds(5))

        func settings(_ name: String) -> [String] {
            [
                "topics.events=\(name).events", "topics.scores=\(name).scores",
                "state.directory=\(work.appendingPathComponent(name).path)",
                "learning.deterministic=true",
                "metaupdate.every_events=100", "state.checkpoint_events=2048",
                "logging.level=info",
                "state.max_users_in_memory=\(name == "crash" ? Self.memoryCap : 0)",
            ]
        }
        let scores = try TopicTail(topic: "crash.scores", bootstrapServers: [bootstrap], logger: logger)
        let reference = try DaemonProcess(bootstrap: bootstrap, groupID: "reference", settings: settings("reference"))
        var crashing = try DaemonProcess(bootstrap: bootstrap, groupID: "crash", settings: settings("crash"))

        // Kill at random moments once the (re)started daemon learns (its partitions are assigned only after the
        // killed member's session expired).
        var generator = SystemRandomNumberGenerator()
        var resumedFrom: [Int] = []
        for _ in 0..<Self.kills {
            try await poll("the crashing daemon learning again", timeout: .seconds(60)) {
                crashing.log.contains("msg=\"partitions assigned\" partitions=")
            }
            // Past at least one checkpoint of this process (so every restart resumes further), then a random moment.
            try await poll("a checkpoint of the crashing daemon", timeout: .seconds(120), every: .milliseconds(100)) {
                ((try? await crashing.metrics())?.sum("warmstart_checkpoints_total") ?? 0) >= 1
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_500, using: &generator)))
            resumedFrom.append(Self.resumeTotal(crashing.log))
            kill(crashing.process.processIdentifier, SIGKILL)
            crashing.process.waitUntilExit()
            crashing = try DaemonProcess(bootstrap: bootstrap, groupID: "crash", settings: settings("crash"))
        }
        // Restarts resumed from checkpoints, further and further into the stream.
        #expect(resumedFrom.first == 0)
        #expect(zip(resumedFrom, resumedFrom.dropFirst()).allSatisfy { $0 < $1 }, "resumed from \(resumedFrom)")

        // Both finish the stream; a graceful stop then writes the final checkpoint of each.
        for daemon in [crashing, reference] {
            let finished: Void? = try? await poll(
                "a daemon finished the stream", timeout: .seconds(180), every: .milliseconds(500)
            ) {
                guard let metrics = try? await daemon.metrics() else { return false }
                return Self.resumeTotal(daemon.log) + Int(metrics.sum("warmstart_events_processed_total"))
                    >= Self.totalEvents
            }
            if finished == nil {
                Issue.record("did not finish; log:\n\(daemon.log.suffix(3_000))")
                return
            }
        }
        // The crashing daemon's last process evicted and reloaded users, and kept to its cap.
        let capped = try await crashing.metrics()
        #expect(capped.sum("warmstart_users_evicted_total") > 0)
        #expect(capped.sum("warmstart_users_reloaded_total") > 0)
        #expect(capped.sum("warmstart_users_in_memory") <= Double(Self.memoryCap))
        #expect(try await reference.metrics().sum("warmstart_users_evicted_total") == 0)
        print(
            "crash test: last process evicted \(capped.sum("warmstart_users_evicted_total")), reloaded "
                + "\(capped.sum("warmstart_users_reloaded_total")), users in memory "
                + "\(capped.sum("warmstart_users_in_memory")) (cap \(Self.memoryCap))")
        for daemon in [crashing, reference] {
            let (status, _) = try await daemon.stop()
            #expect(status == 0, "\(daemon.log.suffix(2_000))")
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

    /// The events before the offsets the daemon's current process resumed from (its last "partitions assigned"
    /// line), summed over partitions.
    static func resumeTotal(_ log: String) -> Int {
        guard
            let line = log.split(separator: "\n").last(where: { $0.contains("msg=\"partitions assigned\" partitions=") }
            ),
            let range = line.range(of: "resume_from=")
        else { return 0 }
        return line[range.upperBound...].split(separator: "value: ").dropFirst()
            .compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
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
