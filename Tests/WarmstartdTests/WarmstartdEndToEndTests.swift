import Clickstream
import Foundation
import Kafka
import Testing

/// `warmstartd` end to end, as real processes: an in-process development broker, the built `warmstartd`
/// executable as a child process, and Kafka clients in the test reading what it publishes and commits.
@Suite(.serialized)
struct WarmstartdEndToEndTests {
    // MARK: - Scores

    /// With every user in memory, and with `state.max_users_in_memory` at 40 of the 300 users: evicted users are
    /// reloaded (weights, window and interaction list) for their next event and their scores, so the outcome is the
    /// same. (Whether a user is evicted between two of their events depends on how the partitions' events
    /// interleave, so the stream ends with every user returning.)
    @Test(.timeLimit(.minutes(2)), arguments: [0, 40])
    func everyUserReceivesScoresReflectingTheirLatestEvent(memoryCap: Int) async throws {
        let cluster = try TestCluster()
        let group = "e2e-scores-\(memoryCap)"
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: ["state.max_users_in_memory=\(memoryCap)"])
        try await daemon.waitUntilReady()

        // Then every user comes back once, in user order, after everyone else's events: with the cap, most of them
        // were evicted by then (however the partitions' events interleave), so reloads are certain.
        var events = Array(SyntheticClickstream(.init(users: 300, items: 200, events: 5_000, seed: 7)))
        var firstEvents: [String: InteractionEvent] = [:]
        for event in events where firstEvents[event.user] == nil { firstEvents[event.user] = event }
        let end = events.map(\.timestamp).max()!
        for (k, user) in firstEvents.keys.sorted().enumerated() {
            var again = firstEvents[user]!
            again.timestamp = end + 1_000 * Int64(k + 1)
            events.append(again)
        }
        try await cluster.produce(events.map(Self.message))
        try await waitUntilFinished(daemon: daemon, cluster: cluster, group: group, events: events.count)

        let metrics = try await daemon.metrics()
        #expect(metrics.sum("warmstart_events_processed_total") == Double(events.count))
        #expect(metrics.sum("warmstart_dead_letters_total") == 0)
        #expect(metrics.sum("warmstart_consumer_lag") == 0)
        #expect(metrics.values("warmstart_consumer_lag").count == Int(TestCluster.eventPartitions))
        if memoryCap > 0 {
            #expect(metrics.sum("warmstart_users_in_memory") <= Double(memoryCap))
            #expect(metrics.sum("warmstart_users_evicted_total") > 0)
            #expect(metrics.sum("warmstart_users_reloaded_total") > 0)
        } else {
            #expect(metrics.sum("warmstart_users_in_memory") == 300)
        }

        let scores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        #expect(metrics.sum("warmstart_scores_published_total") == Double(scores.count))
        let latest = try Self.latestScores(scores)

        var eventCounts: [String: Int] = [:]
        var seen: [String: Set<String>] = [:]
        var repeats = 0
        for event in events {
            eventCounts[event.user, default: 0] += 1
            if seen[event.user, default: []].contains(event.item) { repeats += 1 }
            seen[event.user, default: []].insert(event.item)
        }
        // Live quality scores only what a served list could show: an event on an item the user had seen (seen
        // lists survive eviction and reload) is a repeat, counted and not scored.
        try await poll("live quality flushed", timeout: .seconds(10), every: .milliseconds(200)) {
            try await daemon.metrics().sum("warmstart_prequential_events_total") == Double(events.count)
        }
        let quality = try await daemon.metrics()
        #expect(repeats > 0)
        #expect(quality.sum("warmstart_prequential_repeats_total") == Double(repeats))
        #expect(quality.sum("warmstart_prequential_hit_trials_total") == Double(events.count - repeats))
        #expect(Set(latest.keys) == Set(eventCounts.keys), "every user who sent events, and only they, got scores")

        // The items the model certainly knew when it scored each user's last event: those of every event before it
        // in its partition (other partitions' events may or may not have been learned by then).
        var knownAtLastEvent: [String: Set<String>] = [:]
        let consumed = try await cluster.readAll(TestCluster.events, partitions: TestCluster.eventPartitions)
        for partition in 0..<TestCluster.eventPartitions {
            var known: Set<String> = []
            for message in consumed where message.partition == partition {
                let event = try EventDecoder().decode(message.value)
                known.insert(event.item)
                knownAtLastEvent[event.user] = known
            }
        }
        for (user, count) in eventCounts {
            guard let score = latest[user] else { continue }
            #expect(score.userEvents == count, "user \(user): last score covers \(score.userEvents) of \(count)")
            if !knownAtLastEvent[user, default: []].subtracting(seen[user, default: []]).isEmpty {
                #expect(!score.items.isEmpty, "user \(user) got no items though unseen items were known")
            }
            #expect(score.items.count <= 10)
            let recommendedSeen = score.items.map(\.item).filter { seen[user, default: []].contains($0) }
            #expect(recommendedSeen.isEmpty, "user \(user) was recommended seen items \(recommendedSeen)")
            #expect(score.items.map(\.score) == score.items.map(\.score).sorted(by: >), "items best first")
        }
        let stop = try await daemon.stop()
        #expect(stop.status == 0)
    }

    // MARK: - Dead letters

    @Test(.timeLimit(.minutes(2)))
    func badMessagesAreDeadLetteredAndNoValidEventIsLost() async throws {
        let cluster = try TestCluster()
        let group = "e2e-dead-letters"
        let daemon = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group)
        try await daemon.waitUntilReady()

        let valid = Array(SyntheticClickstream(.init(users: 40, items: 100, events: 600, seed: 11)))
        let bad = Self.badMessages()
        var messages: [KafkaProducerMessage] = []
        var badIndex = 0
        for (index, event) in valid.enumerated() {
            messages.append(Self.message(event))
            if index % 40 == 20, badIndex < bad.count {
                messages.append(bad[badIndex].message)
                badIndex += 1
            }
        }
        messages += bad[badIndex...].map(\.message)
        try await cluster.produce(messages)
        try await waitUntilFinished(daemon: daemon, cluster: cluster, group: group, events: messages.count)

        // Where each bad message landed in the events topic, identified by its (unique) value.
        let consumed = try await cluster.readAll(TestCluster.events, partitions: TestCluster.eventPartitions)
        var source: [[UInt8]: (partition: Int32, offset: Int64)] = [:]
        for message in consumed { source[message.value] = (message.partition, message.offset) }

        let deadLetters = try await cluster.readAll(TestCluster.deadLetter, partitions: 1)
        #expect(deadLetters.count == bad.count)
        var lettersByValue: [[UInt8]: KafkaMessage] = [:]
        for letter in deadLetters { lettersByValue[letter.value] = letter }
        for expected in bad {
            guard let letter = lettersByValue[expected.message.value] else {
                Issue.record("no dead letter for \(expected.name)")
                continue
            }
            #expect(letter.header("warmstart.reason") == expected.reason, "\(expected.name)")
            #expect(letter.key == expected.message.key, "\(expected.name): the original key")
            #expect(letter.header("warmstart.source.topic") == TestCluster.events)
            let origin = source[expected.message.value]
            #expect(origin != nil)
            #expect(letter.header("warmstart.source.partition") == origin.map { String($0.partition) })
            #expect(letter.header("warmstart.source.offset") == origin.map { String($0.offset) })
            #expect(!(letter.header("warmstart.error") ?? "").isEmpty, "\(expected.name): an explanation")
            #expect(Int64(letter.header("warmstart.failed_at") ?? "") != nil)
        }

        let metrics = try await daemon.metrics()
        #expect(metrics.sum("warmstart_events_processed_total") == Double(messages.count))
        #expect(metrics.sum("warmstart_dead_letters_total") == Double(bad.count))
        for (reason, count) in Dictionary(grouping: bad, by: \.reason).mapValues(\.count) {
            #expect(metrics.sum("warmstart_dead_letters_total", ["reason": reason]) == Double(count), "\(reason)")
        }

        let latest = try Self.latestScores(
            try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions))
        let counts = Dictionary(grouping: valid, by: \.user).mapValues(\.count)
        #expect(Set(latest.keys) == Set(counts.keys), "scores only for users of valid events")
        for (user, count) in counts {
            #expect(latest[user]?.userEvents == count, "user \(user): every valid event learned")
        }
        let stop = try await daemon.stop()
        #expect(stop.status == 0)
    }

    // MARK: - Shutdown and restart

    @Test(.timeLimit(.minutes(2)))
    func sigtermMidStreamCommitsWhatWasProcessedAndRestartResumesThere() async throws {
        let cluster = try TestCluster()
        let group = "e2e-restart"
        let shutdownTimeout = Duration.seconds(5)
        let settings = ["shutdown.timeout_ms=\(shutdownTimeout.components.seconds * 1000)"]
        let events = Array(SyntheticClickstream(.init(users: 500, items: 200, events: 20_000, seed: 13)))

        // Run 1: the stream is still being produced when SIGTERM arrives.
        let first = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group, settings: settings)
        try await first.waitUntilReady()
        let producing = Task {
            for chunk in stride(from: 0, to: events.count, by: 1_000) {
                try await cluster.produce(events[chunk..<min(chunk + 1_000, events.count)].map(Self.message))
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        try await poll("run 1 processed 2,000 events", timeout: .seconds(60)) {
            (try? await first.metrics())?.sum("warmstart_events_processed_total") ?? 0 >= 2_000
        }
        let stop = try await first.stop(timeout: shutdownTimeout + .seconds(10))
        #expect(stop.status == 0, "exit status after SIGTERM")
        #expect(stop.took < shutdownTimeout + .seconds(1), "exit took \(stop.took)")
        try await producing.value
        let log = first.log
        #expect(log.contains("stopped"), "the daemon logged its orderly stop")

        let committed = try await cluster.committedOffsets(groupID: group)
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        let consumed = try await cluster.readAll(TestCluster.events, partitions: TestCluster.eventPartitions)
        #expect(consumed.count == events.count)
        for partition in 0..<TestCluster.eventPartitions {
            #expect((0...high[partition, default: 0]).contains(committed[partition, default: -1]), "p\(partition)")
        }
        let committedEvents = committed.values.reduce(0) { $0 + max(0, $1) }
        #expect(committedEvents >= 2_000, "run 1 committed \(committedEvents) events")
        #expect(committedEvents < Int64(events.count), "SIGTERM came mid-stream")

        // Committed == processed: every event below the committed offsets, and none above, is reflected in the
        // user's last score of run 1 (run 1 started with no learned state, so user_events counts exactly those).
        let below = consumed.filter { $0.offset < committed[$0.partition, default: 0] }
        let expectedCounts = Dictionary(grouping: below, by: { $0.keyText ?? "" }).mapValues(\.count)
        let runOneScores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        let runOneEnd = try await cluster.highWatermarks(TestCluster.scores, partitions: TestCluster.scorePartitions)
        let runOneLatest = try Self.latestScores(runOneScores)
        #expect(Set(runOneLatest.keys) == Set(expectedCounts.keys), "scores exactly for users with committed events")
        var mismatches: [String] = []
        for (user, count) in expectedCounts where runOneLatest[user]?.userEvents != count {
            mismatches.append("\(user): \(runOneLatest[user]?.userEvents ?? 0) vs \(count) committed")
        }
        #expect(mismatches.isEmpty, "score user_events vs committed events: \(mismatches.prefix(10))")

        // Run 2 resumes from the committed offsets and processes exactly the rest.
        let second = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group, settings: settings)
        try await second.waitUntilReady()
        try await waitUntilFinished(
            daemon: second, cluster: cluster, group: group, events: events.count - Int(committedEvents))
        let metrics = try await second.metrics()
        #expect(metrics.sum("warmstart_events_processed_total") == Double(Int64(events.count) - committedEvents))
        let runTwoScores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        let runTwoUsers = Set(
            try runTwoScores.filter { $0.offset >= runOneEnd[$0.partition, default: 0] }.map {
                try ScoreValue(decoding: $0).user
            })
        let above = Set(consumed.filter { $0.offset >= committed[$0.partition, default: 0] }.compactMap(\.keyText))
        #expect(runTwoUsers == above, "run 2 published scores exactly for the users of the remaining events")
        let secondStop = try await second.stop()
        #expect(secondStop.status == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func sigtermExitsWithinTheShutdownTimeoutWhenTheBrokerIsDown() async throws {
        let cluster = try TestCluster()
        let shutdownTimeout = Duration.seconds(3)
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: "e2e-broker-down",
            settings: ["shutdown.timeout_ms=\(shutdownTimeout.components.seconds * 1000)"])
        try await daemon.waitUntilReady()
        let events = Array(SyntheticClickstream(.init(users: 100, items: 100, events: 2_000, seed: 19)))
        try await cluster.produce(events.map(Self.message))
        try await poll("some events processed", timeout: .seconds(30)) {
            (try? await daemon.metrics())?.sum("warmstart_events_processed_total") ?? 0 > 0
        }
        // Nothing can be published, committed or left cleanly now; the daemon must still exit in time.
        try cluster.broker.setBrokerDown(1)
        let stop = try await daemon.stop(timeout: shutdownTimeout + .seconds(10))
        #expect(stop.took < shutdownTimeout + .seconds(2), "exit took \(stop.took)")
        #expect(stop.status == 0, "exit status \(stop.status)")
        #expect(daemon.log.contains("stopped without a final commit"), "the daemon said why it did not commit")
    }

    // MARK: - Rebalance

    @Test(.timeLimit(.minutes(2)))
    func aSecondInstanceTakesOverPartitionsAndEveryUserStillGetsTheirLatestScores() async throws {
        let cluster = try TestCluster()
        let group = "e2e-rebalance"
        let events = Array(SyntheticClickstream(.init(users: 400, items: 200, events: 12_000, seed: 17)))

        // Frequent heartbeats, so that instance 1 learns of the rebalance and rejoins well within the development
        // broker's join window (else it declares instance 1's partitions lost instead of revoking them).
        let settings = ["kafka.properties.heartbeat.interval.ms=500"]
        let first = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group, settings: settings)
        try await first.waitUntilReady()
        let producing = Task {
            for chunk in stride(from: 0, to: events.count, by: 1_000) {
                try await cluster.produce(events[chunk..<min(chunk + 1_000, events.count)].map(Self.message))
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        try await poll("instance 1 processed 2,000 events", timeout: .seconds(60)) {
            (try? await first.metrics())?.sum("warmstart_events_processed_total") ?? 0 >= 2_000
        }
        let second = try DaemonProcess(bootstrap: cluster.bootstrap, groupID: group, settings: settings)
        try await second.waitUntilReady()
        try await producing.value

        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        try await poll("committed offsets at the high watermarks", timeout: .seconds(60), every: .milliseconds(200)) {
            (try? await cluster.committedOffsets(groupID: group)) == high
        }

        // Where the final owner of each partition resumed: the group's committed offset at its last assignment, in
        // either instance. Instance 1 commits on revocation; when the development broker declares its partitions
        // lost instead (it does when a rejoin is slow), the last periodic commit counts, and the new owner
        // reprocesses from there: at least once.
        var assignments: [(time: Substring, instance: Int, partitions: [Int32], resume: [Int32: Int64])] = []
        for (instance, log) in [first.log, second.log].enumerated() {
            for line in log.split(separator: "\n") where line.contains(#"msg="partitions assigned" partitions="#) {
                guard let resume = line.range(of: "resume_from=") else { continue }
                let time = line.split(separator: " ").first ?? ""
                let partitions = line[..<resume.lowerBound].matches(of: /(\d+)[,\]]/).map { Int32($0.1)! }
                var offsets: [Int32: Int64] = [:]
                for match in line[resume.upperBound...].matches(of: /\(key: (\d+), value: (\d+)\)/) {
                    offsets[Int32(match.1)!] = Int64(match.2)!
                }
                assignments.append((time, instance, partitions, offsets))
            }
        }
        var handover: [Int32: Int64] = [:]
        for assignment in assignments.sorted(by: { $0.time < $1.time }) {
            for partition in assignment.partitions {
                handover[partition] = assignment.resume[partition] ?? 0
            }
        }
        #expect(assignments.contains { $0.instance == 1 && !$0.partitions.isEmpty }, "instance 2 took over partitions")
        #expect(first.log.contains("partitions revoked") || first.log.contains("partitions lost"))

        // Every user's last score reflects their last event: counted from the start of the stream when their
        // partition was never reassigned, else from where its final owner resumed (a new assignment starts from the
        // shared initialization until per-user state is persisted) — or from the start once it is.
        let consumed = try await cluster.readAll(TestCluster.events, partitions: TestCluster.eventPartitions)
        var total: [String: Int] = [:]
        var sinceHandover: [String: Int] = [:]
        for message in consumed {
            guard let user = message.keyText else { continue }
            total[user, default: 0] += 1
            if let offset = handover[message.partition], message.offset >= offset {
                sinceHandover[user, default: 0] += 1
            }
        }
        let latest = try Self.latestScores(
            try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions))
        #expect(Set(latest.keys) == Set(total.keys))
        var mismatches: [String] = []
        for (user, count) in total {
            let observed = latest[user]?.userEvents
            if observed != count, observed != sinceHandover[user] {
                mismatches.append("\(user): \(observed ?? 0) vs \(count) (\(sinceHandover[user] ?? 0) since handover)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) users' last scores miss events: \(mismatches.prefix(10))")
        #expect((try await second.stop()).status == 0)
        #expect((try await first.stop()).status == 0)
    }

    // MARK: - systemd notify and health

    @Test(.timeLimit(.minutes(1)))
    func notifiesSystemdAndAnswersHealthAndReadiness() async throws {
        let cluster = try TestCluster()
        let socket = try NotifySocket()
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: "e2e-notify",
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "1000000"])

        // Before the group is joined (the first JoinGroup takes seconds): alive, not ready, nothing notified.
        let port = try await daemon.httpPort()
        let health = try await HTTPResponse.fetch(port: port, path: "/healthz")
        #expect(health.status == 200)
        var received: [String] = socket.receiveAvailable().flatMap { $0 }
        let earlyReady = try await HTTPResponse.fetch(port: port, path: "/readyz")
        if !received.contains("READY=1") {
            #expect(earlyReady.status == 503, "not ready before READY=1: \(earlyReady.body)")
            #expect(earlyReady.body.contains("joined_group"))
        }

        try await poll("READY=1", timeout: .seconds(30)) {
            received += socket.receiveAvailable().flatMap { $0 }
            return received.contains("READY=1")
        }
        #expect(try await HTTPResponse.fetch(port: port, path: "/readyz").status == 200)
        #expect(try await HTTPResponse.fetch(port: port, path: "/healthz").status == 200)
        try await poll("WATCHDOG=1", timeout: .seconds(5)) {
            received += socket.receiveAvailable().flatMap { $0 }
            return received.contains("WATCHDOG=1")
        }
        #expect(!received.contains("STOPPING=1"))

        let stop = try await daemon.stop()
        #expect(stop.status == 0)
        received += socket.receiveAvailable().flatMap { $0 }
        #expect(received.contains("STOPPING=1"))
        let readyIndex = received.firstIndex(of: "READY=1")
        let stoppingIndex = received.firstIndex(of: "STOPPING=1")
        if let readyIndex, let stoppingIndex {
            #expect(readyIndex < stoppingIndex)
        }
    }

    // MARK: - Helpers

    /// Waits until the daemon processed `events` messages (in this run), its lag is zero and the group committed the
    /// end of every events partition (a commit needs every effect acknowledged, so every pending refresh was
    /// published).
    private func waitUntilFinished(daemon: DaemonProcess, cluster: TestCluster, group: String, events: Int) async throws
    {
        var processed = 0.0
        do {
            try await poll("\(events) events processed", timeout: .seconds(60), every: .milliseconds(200)) {
                processed = (try? await daemon.metrics())?.sum("warmstart_events_processed_total") ?? processed
                return processed >= Double(events)
            }
        } catch {
            throw TestFailure("\(error) (processed \(processed))")
        }
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        var committed: [Int32: Int64] = [:]
        do {
            try await poll("committed offsets at the high watermarks", timeout: .seconds(10), every: .milliseconds(200))
            {
                committed = (try? await cluster.committedOffsets(groupID: group)) ?? committed
                return committed == high
            }
        } catch {
            let sortedCommitted = committed.sorted { $0.key < $1.key }
            throw TestFailure("\(error): committed \(sortedCommitted), high \(high.sorted { $0.key < $1.key })")
        }
        try await poll("consumer lag zero", timeout: .seconds(10), every: .milliseconds(200)) {
            let metrics = try await daemon.metrics()
            return metrics.values("warmstart_consumer_lag").count == Int(TestCluster.eventPartitions)
                && metrics.sum("warmstart_consumer_lag") == 0
        }
    }

    static func message(_ event: InteractionEvent) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: TestCluster.events, key: event.user, value: event.jsonLine())
    }

    /// The last score message of every user, validated against `config/score.schema.json`.
    static func latestScores(_ messages: [KafkaMessage]) throws -> [String: ScoreValue] {
        var latest: [String: ScoreValue] = [:]
        for message in messages {
            let score = try ScoreValue(decoding: message)
            latest[score.user] = score
        }
        return latest
    }

    /// One malformed message and the reason it must be dead-lettered with.
    struct BadMessage {
        var name: String
        var reason: String
        var message: KafkaProducerMessage

        init(_ name: String, _ reason: String, key: [UInt8]?, value: [UInt8]) {
            self.name = name
            self.reason = reason
            message = KafkaProducerMessage(topic: TestCluster.events, key: key, value: value)
        }

        init(_ name: String, _ reason: String, key: String?, value: String) {
            self.init(name, reason, key: key.map { Array($0.utf8) }, value: Array(value.utf8))
        }
    }

    static func badMessages() -> [BadMessage] {
        let longID = String(repeating: "x", count: 300)
        let padding = String(repeating: "p", count: 70_000)
        var invalidUTF8 = Array(#"{"user":"bad-utf8","item":"i1","kind":"view","ts":1704067200000,"x":""#.utf8)
        invalidUTF8 += [0xFF, 0xFE, 0x22, 0x7D]
        return [
            BadMessage("truncated JSON", "malformed_json", key: "bad-json", value: #"{"user":"bad-json","item":"#),
            BadMessage("not JSON", "malformed_json", key: nil, value: "hello, world"),
            BadMessage(
                "missing user", "missing_field", key: nil, value: #"{"item":"i1","kind":"view","ts":1704067200000}"#),
            BadMessage(
                "missing item", "missing_field", key: "bad-missing-item",
                value: #"{"user":"bad-missing-item","kind":"view","ts":1704067200000}"#),
            BadMessage(
                "item is a boolean", "wrong_type", key: "bad-type",
                value: #"{"user":"bad-type","item":true,"kind":"view","ts":1704067200000}"#),
            BadMessage(
                "value is a string", "wrong_type", key: "bad-type-2",
                value: #"{"user":"bad-type-2","item":"i1","kind":"rating","value":"five","ts":1704067200000}"#),
            BadMessage(
                "huge exponent", "non_finite", key: "bad-exponent",
                value: #"{"user":"bad-exponent","item":"i1","kind":"rating","value":1e999,"ts":1704067200000}"#),
            BadMessage(
                "oversize user id", "oversize", key: nil,
                value: #"{"user":"\#(longID)","item":"i1","kind":"view","ts":1704067200000}"#),
            BadMessage(
                "oversize key", "oversize_key", key: longID,
                value: #"{"user":"\#(longID)-k","item":"i1","kind":"view","ts":1704067200000}"#),
            BadMessage(
                "oversize message", "oversize_message", key: "bad-big",
                value: #"{"user":"bad-big","item":"i1","kind":"view","ts":1704067200000,"pad":"\#(padding)"}"#),
            BadMessage(
                "unknown kind", "unknown_kind", key: "bad-kind",
                value: #"{"user":"bad-kind","item":"i1","kind":"teleport","ts":1704067200000}"#),
            BadMessage("invalid UTF-8", "invalid_utf8", key: Array("bad-utf8".utf8), value: invalidUTF8),
            BadMessage(
                "invalid UTF-8 key", "invalid_key_utf8", key: [0xC3, 0x28],
                value: Array(#"{"user":"bad-key-utf8","item":"i1","kind":"view","ts":1704067200000}"#.utf8)),
            BadMessage(
                "key mismatch", "key_mismatch", key: "someone-else",
                value: #"{"user":"bad-mismatch","item":"i1","kind":"view","ts":1704067200000}"#),
            BadMessage(
                "rating without value", "processing_failed", key: "bad-rating",
                value: #"{"user":"bad-rating","item":"i1","kind":"rating","ts":1704067200000}"#),
            BadMessage(
                "bad timestamp", "bad_timestamp", key: "bad-ts",
                value: #"{"user":"bad-ts","item":"i1","kind":"view","ts":"yesterday"}"#),
        ]
    }
}

/// A score message, checked against `config/score.schema.json` while decoding: the required members with their
/// JSON types (a number where a number is required, an integer where an integer is) and their bounds.
struct ScoreValue: Decodable {
    struct Item: Decodable {
        var item: String
        var score: Double
    }

    var user: String
    var items: [Item]
    var modelVersion: Int
    var userEvents: Int
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case user, items
        case modelVersion = "model_version"
        case userEvents = "user_events"
        case updatedAt = "updated_at"
    }

    init(decoding message: KafkaMessage) throws {
        self = try JSONDecoder().decode(ScoreValue.self, from: Data(message.value))
        let text = String(decoding: message.value, as: UTF8.self)
        guard !user.isEmpty, items.allSatisfy({ !$0.item.isEmpty }), modelVersion >= 0, userEvents >= 1,
            updatedAt >= 0
        else {
            throw TestFailure("score out of the schema's bounds: \(text)")
        }
        guard message.keyText == user else { throw TestFailure("score key \(message.keyText ?? "nil") for \(text)") }
    }
}
