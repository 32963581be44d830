import Clickstream
import Foundation
import Kafka
import Learning
import Testing
import WarmstartTestSupport

@testable import Pipeline

/// Bad-input fuzzing of the daemon's per-message path, in process: mutated event messages
/// (``EventMutator``) through ``EventPipeline/decode(_:decoder:)`` and, when they decode, through the learner's
/// per-event step, ``EventProcessor`` (the kind-label mapping of `input.kinds`, `Recommender.encode`,
/// `Recommender.learn` and the prequential tally) with the daemon's default configuration. Every message must end
/// exactly once as learned or dead-lettered, with the outcome its mutation calls for.
@Suite struct ProcessingFuzzTests {
    /// 100,000 messages hit every outcome and every mutation family's required outcomes with margin (the rarest
    /// required pair, oversize_message, came 685 times per 100,000); `scripts/soak-fuzz.sh` runs 1,000,000 in a
    /// release build through `WARMSTART_FUZZ_MESSAGES`.
    static let messageCount =
        ProcessInfo.processInfo.environment["WARMSTART_FUZZ_MESSAGES"].flatMap { Int($0) }
        ?? 100_000
    static let partitions = 4
    static let topic = "warmstart.events"

    /// Tallies of one run.
    struct Tally {
        var outcomes = [Int](repeating: 0, count: FuzzOutcome.allCases.count)
        var byMutation = [[Int]](
            repeating: [Int](repeating: 0, count: FuzzOutcome.allCases.count), count: Mutation.allCases.count)
        var violations: [String] = []
        var violationCount = 0

        mutating func record(_ outcome: FuzzOutcome, of message: MutatedMessage, index: Int) {
            outcomes[outcome.rawValue] += 1
            byMutation[message.mutation.rawValue][outcome.rawValue] += 1
            guard !message.allowed.contains(outcome) else { return }
            violationCount += 1
            if violations.count < 20 {
                let value = String(decoding: message.value.prefix(300), as: UTF8.self)
                let key = message.key.map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? "nil"
                violations.append(
                    "#\(index) \(message.mutation) (\(message.detail)): \(outcome), expected \(message.allowed); "
                        + "key \(key), \(message.value.count) bytes: \(value)")
            }
        }
    }

    /// What one worker saw.
    struct WorkerResult: Sendable {
        var outcomes: [Int]
        var byMutation: [[Int]]
        var violations: [String]
        var violationCount: Int
        var unknownReasons: Set<String>
        var badDeadLetters: [String]
        var countMismatches: [String]
        var learnedByModels: Int
    }

    @Test(.timeLimit(.minutes(3)))
    func everyMutatedMessageIsLearnedOrDeadLetteredWithTheExpectedReason() async throws {
        // Two workers, one per core, each with its own seed, models and tables (the daemon's learner is serial too),
        // on threads of their own: a minute of CPU work must not hold the cooperative pool.
        var all: [WorkerResult] = []
        try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for worker in 0..<Self.workers {
                group.addTask {
                    try await Self.onThread { try Self.run(worker: worker, messages: Self.messageCount / Self.workers) }
                }
            }
            for try await result in group { all.append(result) }
        }
        try #require(all.count == Self.workers)
        var outcomes = [Int](repeating: 0, count: FuzzOutcome.allCases.count)
        var byMutation = [[Int]](
            repeating: [Int](repeating: 0, count: FuzzOutcome.allCases.count), count: Mutation.allCases.count)
        for result in all {
            for k in outcomes.indices { outcomes[k] += result.outcomes[k] }
            for m in byMutation.indices {
                for k in outcomes.indices { byMutation[m][k] += result.byMutation[m][k] }
            }
        }
        let violations = all.flatMap(\.violations)
        let violationCount = all.reduce(0) { $0 + $1.violationCount }
        let unknownReasons = all.reduce(into: Set<String>()) { $0.formUnion($1.unknownReasons) }
        let badDeadLetters = all.flatMap(\.badDeadLetters)
        let countMismatches = all.flatMap(\.countMismatches)

        // Every message ended exactly once, as learned or as a dead letter with a known reason and its source.
        #expect(outcomes.reduce(0, +) == Self.messageCount)
        #expect(unknownReasons.isEmpty, "dead-letter reasons this test does not know: \(unknownReasons)")
        #expect(badDeadLetters.isEmpty, "\(badDeadLetters)")
        #expect(
            violationCount == 0,
            "\(violationCount) messages with an unexpected outcome:\n\(violations.joined(separator: "\n"))")

        // Learned means learned: the models' and every user's event counts add up to the learned messages.
        #expect(all.reduce(0) { $0 + $1.learnedByModels } == outcomes[FuzzOutcome.learned.rawValue])
        #expect(countMismatches.isEmpty, "\(countMismatches.prefix(10))")

        // Every outcome class occurred, and every mutation family produced what it must.
        for outcome in FuzzOutcome.allCases where outcome != .malformedRecord {
            #expect(outcomes[outcome.rawValue] > 0, "no message ended as \(outcome)")
        }
        #expect(outcomes[FuzzOutcome.malformedRecord.rawValue] == 0, "malformed_record is for file readers")
        for mutation in Mutation.allCases {
            let counts = byMutation[mutation.rawValue]
            #expect(counts.reduce(0, +) > 0, "\(mutation) never generated")
            for outcome in mutation.mustSee {
                #expect(counts[outcome.rawValue] > 0, "\(mutation) never led to \(outcome): \(Self.describe(counts))")
            }
        }
        print("ProcessingFuzzTests: \(Self.messageCount) messages: \(Self.describe(outcomes))")
        for mutation in Mutation.allCases {
            print("  \(mutation): \(Self.describe(byMutation[mutation.rawValue]))")
        }
    }

    static let workers = 2

    /// Runs `body` on a new thread and returns its result.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// One worker's share: `messages` mutated messages through decoding and learning.
    static func run(worker: Int, messages: Int) throws -> WorkerResult {
        let configuration = DaemonConfiguration()
        let decoder = EventDecoder(schema: configuration.input.eventSchema)
        let learning = try Daemon.learningConfiguration(for: configuration)
        let kindLabels = configuration.input.kinds.mapValues(\.label)
        let limits = configuration.input.limits
        var mutator = EventMutator(
            seed: 0xF022_2026 &+ UInt64(worker),
            options: EventMutator.Options(
                maxMessageBytes: limits.maxMessageBytes, maxIDBytes: limits.maxIDBytes,
                maxFeaturesPerSide: limits.maxFeaturesPerSide, maxValuesPerFeature: limits.maxValuesPerFeature,
                maxDepth: limits.maxDepth))
        var tally = Tally()
        var unknownReasons: Set<String> = []
        var badDeadLetters: [String] = []
        var nextOffset = [Int64](repeating: 0, count: partitions)
        var countMismatches: [String] = []
        var learnedByModels = 0
        var model = try Recommender(configuration: learning)
        var processor = EventProcessor(model: model, kindLabels: kindLabels)
        var tables: [UserTable] = []
        var learnedPerUser: [[String: Int]] = []

        for index in 0..<messages {
            if index % segment == 0 {
                // A fresh model per segment keeps the catalogue (which mutated item ids grow) and thus the cost of
                // learning one event bounded; the counts of the finished segment's model must add up first.
                if index > 0 {
                    learnedByModels += verify(model, tables, learnedPerUser, mismatches: &countMismatches)
                }
                model = try Recommender(configuration: learning)
                processor = EventProcessor(model: model, kindLabels: kindLabels)
                tables = (0..<partitions).map { _ in model.makeUserTable() }
                learnedPerUser = [[String: Int]](repeating: [:], count: partitions)
            }
            let mutated = mutator.next()
            let partition = Self.partition(of: mutated.key, index: index)
            let message = KafkaMessage(
                topic: topic, partition: Int32(worker * partitions + partition), offset: nextOffset[partition],
                key: mutated.key, value: mutated.value, timestamp: nil, headers: [])
            nextOffset[partition] += 1

            // A dead letter from decoding or from the learner's step.
            var deadLetter: DeadLetter?
            var outcome = FuzzOutcome.malformedRecord
            switch EventPipeline.decode(message, decoder: decoder) {
            case .failure(let decodingDeadLetter):
                deadLetter = decodingDeadLetter
            case .success(var event):
                let users = tables[partition]
                let before = users.eventCount(of: event.user)
                // No user is ever evicted here: every user is resident (or new).
                switch processor.learn(&event, from: message, users: users, makeResident: { _ in true }) {
                case .learned:
                    // A learned event counts once for its user.
                    if users.eventCount(of: event.user) == before + 1 {
                        outcome = .learned
                        learnedPerUser[partition][event.user, default: 0] += 1
                    }
                case .deadLetter(let processingDeadLetter):
                    deadLetter = processingDeadLetter
                case .unreadableUser:
                    break
                }
            }
            if let deadLetter {
                if let known = FuzzOutcome(reason: deadLetter.reason.rawValue) {
                    outcome = known
                } else {
                    unknownReasons.insert(deadLetter.reason.rawValue)
                }
                if badDeadLetters.count < 10,
                    let problem = check(deadLetter, of: message, headers: index % 64 == 0)
                {
                    badDeadLetters.append("worker \(worker) #\(index): \(problem)")
                }
            }
            tally.record(outcome, of: mutated, index: index)
        }
        learnedByModels += verify(model, tables, learnedPerUser, mismatches: &countMismatches)
        return WorkerResult(
            outcomes: tally.outcomes, byMutation: tally.byMutation, violations: tally.violations,
            violationCount: tally.violationCount, unknownReasons: unknownReasons, badDeadLetters: badDeadLetters,
            countMismatches: countMismatches, learnedByModels: learnedByModels)
    }

    // MARK: - Helpers

    /// Messages per model (see the loop).
    static let segment = 20_000

    /// Checks that a segment's model learned exactly what the test counted, and that it is still usable; returns
    /// how many events it learned.
    static func verify(
        _ model: Recommender, _ tables: [UserTable], _ learnedPerUser: [[String: Int]], mismatches: inout [String]
    ) -> Int {
        var learned = 0
        for partition in 0..<partitions {
            let table = tables[partition]
            if table.count != learnedPerUser[partition].count {
                mismatches.append("partition \(partition): \(table.count) users vs \(learnedPerUser[partition].count)")
            }
            for (user, count) in learnedPerUser[partition] {
                learned += count
                if table.eventCount(of: user) != count {
                    mismatches.append("\(user.prefix(40)): \(table.eventCount(of: user)) events vs \(count)")
                }
            }
            // Hostile input left the model usable: finite scores for the partition's busiest user.
            if let user = learnedPerUser[partition].max(by: { $0.value < $1.value })?.key {
                let top = model.topK(user: user, k: 10, users: table)
                if top.isEmpty || !top.allSatisfy({ $0.score.isFinite }) {
                    mismatches.append("scores of \(user.prefix(40)): \(top)")
                }
            }
        }
        if model.eventsLearned != learned {
            mismatches.append("the model learned \(model.eventsLearned) events, the test counted \(learned)")
        }
        return learned
    }

    /// Spreads messages over partitions by key (without a key: round robin), as a producer's partitioner does.
    static func partition(of key: [UInt8]?, index: Int) -> Int {
        guard let key else { return index % partitions }
        var hash: UInt32 = 2_166_136_261
        for byte in key.prefix(64) { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(partitions))
    }

    /// What is wrong with a dead letter, if anything: it must carry the original message, its source, a reason and
    /// an explanation (and, when `headers`, say so in the dead-letter message's headers).
    static func check(_ deadLetter: DeadLetter, of message: KafkaMessage, headers: Bool) -> String? {
        guard deadLetter.sourceTopic == message.topic, deadLetter.sourcePartition == message.partition,
            deadLetter.sourceOffset == message.offset
        else { return "source \(deadLetter.sourceTopic)[\(deadLetter.sourcePartition)]@\(deadLetter.sourceOffset)" }
        guard deadLetter.key == message.key, deadLetter.value == message.value else { return "not the original" }
        guard !deadLetter.error.isEmpty else { return "no explanation (\(deadLetter.reason))" }
        guard headers else { return nil }
        let produced = deadLetter.producerMessage(topic: "warmstart.dead-letter")
        let names = produced.headers.map(\.key)
        let expected = [
            DeadLetter.HeaderName.reason, DeadLetter.HeaderName.error, DeadLetter.HeaderName.sourceTopic,
            DeadLetter.HeaderName.sourcePartition, DeadLetter.HeaderName.sourceOffset, DeadLetter.HeaderName.failedAt,
        ]
        guard names == expected else { return "headers \(names)" }
        let reason = produced.headers[0].value.map { String(decoding: $0, as: UTF8.self) }
        guard reason == deadLetter.reason.rawValue else { return "reason header \(reason ?? "nil")" }
        guard (produced.headers[1].value?.count ?? 0) <= DeadLetter.maximumErrorBytes else { return "long error" }
        return nil
    }

    static func describe(_ counts: [Int]) -> String {
        FuzzOutcome.allCases.filter { counts[$0.rawValue] > 0 }.map { "\($0)=\(counts[$0.rawValue])" }
            .joined(separator: " ")
    }
}
