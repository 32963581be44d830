import Clickstream
import Foundation
import Kafka
import Testing
import WarmstartTestSupport

/// Bad-input fuzzing end to end: a real `warmstartd` over the development broker fed 20,000 mutated messages
/// (``EventMutator``: raw bytes, keys wrong, too long, not UTF-8 or absent), produced with the Kafka layer's
/// producer. Every message must be processed exactly once, as a learned event or a dead letter with its reason and
/// source, without the daemon stopping.
@Suite(.serialized)
struct WarmstartdFuzzTests {
    static let messageCount = 20_000
    static let deadLetterTopic = "warmstart.dead-letter.fuzz"
    static let deadLetterPartitions: Int32 = 8
    /// The header that ties each produced message to the mutation it came from (the daemon ignores headers).
    static let indexHeader = "fuzz.index"

    @Test(.timeLimit(.minutes(2)))
    func mutatedMessagesAreEachLearnedOrDeadLetteredAndTheDaemonKeepsRunning() async throws {
        let cluster = try TestCluster()
        let group = "fuzz-e2e"
        // Most messages are dead-lettered, with headers: more than the development broker keeps in one partition
        // (5 MB), so the dead letters get a topic of their own with more partitions.
        try cluster.broker.createTopic(Self.deadLetterTopic, partitions: Int(Self.deadLetterPartitions))
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: ["topics.dead_letter=\(Self.deadLetterTopic)"])
        try await daemon.waitUntilReady()
        let pid = daemon.process.processIdentifier

        // Kafka's default message.max.bytes is 1 MB and the development broker keeps 5 MB per partition: the largest
        // messages are 100 KB here (10 MB in process), and all those over 16 KB add up to 3 MB at most.
        var mutator = EventMutator(
            seed: 0xE2E_F022,
            options: EventMutator.Options(
                largestMessage: 100 * 1024, largestMessageEvery: 40, bigMessageBudget: 3 * 1024 * 1024))
        var mutated: [MutatedMessage] = []
        mutated.reserveCapacity(Self.messageCount)
        for _ in 0..<Self.messageCount { mutated.append(mutator.next()) }
        try await cluster.produce(
            mutated.enumerated().map { index, message in
                KafkaProducerMessage(
                    topic: TestCluster.events, key: message.key, value: message.value,
                    headers: [KafkaHeader(key: Self.indexHeader, value: String(index))])
            })

        try await waitUntilFinished(daemon: daemon, cluster: cluster, group: group)
        #expect(daemon.process.isRunning && daemon.process.processIdentifier == pid, "the daemon never stopped")

        // What the daemon read, by position; each position's mutation by the index header.
        let consumed = try await cluster.readAll(TestCluster.events, partitions: TestCluster.eventPartitions)
        #expect(consumed.count == Self.messageCount)
        var byPosition: [Position: (message: KafkaMessage, index: Int)] = [:]
        for message in consumed {
            guard let index = message.header(Self.indexHeader).flatMap(Int.init), mutated.indices.contains(index)
            else {
                Issue.record(
                    "consumed a message without a valid index header at \(message.partition)@\(message.offset)")
                continue
            }
            byPosition[Position(message.partition, message.offset)] = (message, index)
        }

        // Dead letters: one per source position, carrying the original message, a known reason and the source.
        let deadLetters = try await cluster.readAll(Self.deadLetterTopic, partitions: Self.deadLetterPartitions)
        var deadLettered: [Position: FuzzOutcome] = [:]
        var reasons: [String: Int] = [:]
        var problems: [String] = []
        for letter in deadLetters {
            let reason = letter.header("warmstart.reason") ?? ""
            reasons[reason, default: 0] += 1
            guard let outcome = FuzzOutcome(reason: reason), outcome != .malformedRecord else {
                problems.append("unknown reason '\(reason)'")
                continue
            }
            guard letter.header("warmstart.source.topic") == TestCluster.events,
                let partition = letter.header("warmstart.source.partition").flatMap(Int32.init),
                let offset = letter.header("warmstart.source.offset").flatMap(Int64.init),
                let source = byPosition[Position(partition, offset)]
            else {
                problems.append("\(reason): bad source headers \(letter.headers.map(\.key))")
                continue
            }
            guard deadLettered.updateValue(outcome, forKey: Position(partition, offset)) == nil else {
                problems.append("\(partition)@\(offset) dead-lettered twice")
                continue
            }
            if letter.value != source.message.value || (letter.key ?? []) != (source.message.key ?? []) {
                problems.append("\(partition)@\(offset): the dead letter is not the original message")
            }
            if (letter.header("warmstart.error") ?? "").isEmpty
                || Int64(letter.header("warmstart.failed_at") ?? "") == nil
            {
                problems.append("\(partition)@\(offset): no explanation or failure time")
            }
        }
        #expect(problems.isEmpty, "\(problems.count) bad dead letters: \(problems.prefix(10))")

        // Every message's outcome is one its mutation allows; the learned ones decode, and count per user.
        let decoder = EventDecoder(
            schema: EventSchema(allowedKinds: ["view", "click", "purchase", "rating"]))
        // Per user and partition: a user's messages without a key (or with another key) may land in several
        // partitions, and each partition's worker learns its own share of the user's events.
        var learnedPerUser: [String: [Int32: Int]] = [:]
        var violations: [String] = []
        var outcomes: [FuzzOutcome: Int] = [:]
        for (position, entry) in byPosition {
            let expected = mutated[entry.index]
            let outcome = deadLettered[position] ?? .learned
            outcomes[outcome, default: 0] += 1
            if !expected.allowed.contains(outcome) {
                violations.append(
                    "#\(entry.index) \(expected.mutation) (\(expected.detail)): \(outcome), "
                        + "expected \(expected.allowed)"
                )
            }
            if outcome == .learned {
                guard let event = try? decoder.decode(entry.message.value) else {
                    violations.append("#\(entry.index) was neither dead-lettered nor decodable")
                    continue
                }
                learnedPerUser[event.user, default: [:]][position.partition, default: 0] += 1
            }
        }
        #expect(violations.isEmpty, "\(violations.count) unexpected outcomes: \(violations.prefix(10))")
        #expect(outcomes[.learned, default: 0] > 0 && deadLettered.count > 0)

        // The metrics add up: every message processed once; dead letters counted per reason as published.
        let metrics = try await daemon.metrics()
        #expect(metrics.sum("warmstart_events_processed_total") == Double(Self.messageCount))
        #expect(metrics.sum("warmstart_dead_letters_total") == Double(deadLetters.count))
        for (reason, count) in reasons {
            #expect(metrics.sum("warmstart_dead_letters_total", ["reason": reason]) == Double(count), "\(reason)")
        }
        #expect(metrics.sum("warmstart_consumer_lag") == 0)

        // Every user with a learned event got scores, and for every partition that learned the user's events, a score
        // message covering all of them (the last event of a user in a partition always leads to a publish).
        let scores = try await cluster.readAll(TestCluster.scores, partitions: TestCluster.scorePartitions)
        var published: [String: Set<Int>] = [:]
        for message in scores {
            let score = try ScoreValue(decoding: message)
            published[score.user, default: []].insert(score.userEvents)
        }
        #expect(Set(published.keys) == Set(learnedPerUser.keys), "scores exactly for the users of learned events")
        var mismatches: [String] = []
        for (user, perPartition) in learnedPerUser {
            let counts = published[user, default: []]
            for (partition, count) in perPartition where !counts.contains(count) {
                mismatches.append("\(user.prefix(40)): no score covering its \(count) events of partition \(partition)")
            }
            if let most = counts.max(), most > perPartition.values.max() ?? 0 {
                mismatches.append("\(user.prefix(40)): a score covers \(most) events, more than were learned")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) users' scores miss events: \(mismatches.prefix(10))")

        print(
            "WarmstartdFuzzTests: \(Self.messageCount) messages, \(deadLetters.count) dead letters, "
                + "\(learnedPerUser.count) users scored; "
                + FuzzOutcome.allCases.compactMap { o in outcomes[o].map { "\(o)=\($0)" } }.joined(separator: " "))
        #expect(!daemon.log.contains("Fatal error"), "the daemon logged a crash")
        let stop = try await daemon.stop()
        #expect(stop.status == 0)
    }

    struct Position: Hashable {
        var partition: Int32
        var offset: Int64
        init(_ partition: Int32, _ offset: Int64) {
            self.partition = partition
            self.offset = offset
        }
    }

    /// Waits until the daemon processed every message, committed the end of every partition and reports no lag.
    private func waitUntilFinished(daemon: DaemonProcess, cluster: TestCluster, group: String) async throws {
        var processed = 0.0
        do {
            try await poll("\(Self.messageCount) messages processed", timeout: .seconds(30), every: .milliseconds(200))
            {
                processed = (try? await daemon.metrics())?.sum("warmstart_events_processed_total") ?? processed
                return processed >= Double(Self.messageCount) || !daemon.process.isRunning
            }
        } catch {
            throw TestFailure("\(error) (processed \(processed))\n\(daemon.log.suffix(2_000))")
        }
        guard daemon.process.isRunning else {
            throw TestFailure("warmstartd exited (\(daemon.process.terminationStatus)):\n\(daemon.log.suffix(4_000))")
        }
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        try await poll("committed offsets at the high watermarks", timeout: .seconds(10), every: .milliseconds(200)) {
            (try? await cluster.committedOffsets(groupID: group)) == high
        }
        try await poll("consumer lag zero", timeout: .seconds(10), every: .milliseconds(200)) {
            let metrics = try await daemon.metrics()
            return metrics.values("warmstart_consumer_lag").count == Int(TestCluster.eventPartitions)
                && metrics.sum("warmstart_consumer_lag") == 0
        }
    }
}
