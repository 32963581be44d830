import Foundation
import Learning
import Logging
import Testing

@testable import Pipeline

/// The daemon's private meta-update rounds (`privacy.dp.*`): rounds on the clock also without events, ε reported,
/// θ frozen at the budget, and released only once durable with the privacy spent instead of the event count.
@Suite struct ProcessingPrivateMetaRoundsTests {
    static func rounds(maxEpsilon: Double = 8) -> PrivateMetaRounds {
        var dp = DaemonConfiguration.DifferentialPrivacy()
        dp.enabled = true
        dp.noiseMultiplier = 2
        dp.maxParticipations = 10
        dp.maxEpsilon = maxEpsilon
        return PrivateMetaRounds(settings: dp, secret: [UInt8](repeating: 9, count: 32))
    }

    static func models(_ output: InMemoryLearnerOutput) -> [String] {
        output.sent.compactMap { sent in
            if case .model(let value) = sent.message { return String(decoding: value, as: UTF8.self) }
            return nil
        }
    }

    func tick(_ harness: LearnerHarness, times: Int) async {
        for _ in 0..<times {
            harness.learner.tick(metaUpdateDue: true)
            await harness.settle()
        }
    }

    @Test func roundsRunOnTheClockWithoutEventsAndSpendTheBudgetUpToItsCap() async throws {
        // ε of 1, 2 and 3 rounds at z = 2, δ = 1e-6; allow two.
        let budget = Self.rounds().epsilon(afterRounds: 2)
        #expect(Self.rounds().epsilon(afterRounds: 1) < budget && budget < Self.rounds().epsilon(afterRounds: 3))
        let harness = try LearnerHarness.assigned(
            [0], adjust: { $0.privateRounds = Self.rounds(maxEpsilon: budget) },
            learning: { $0.meta.maxParticipations = 10 })
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_dp_epsilon") == 0)
        await tick(harness, times: 1)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_model_version") == 1)
        let first = try #require(LearnerHarness.sample(harness.metrics, "warmstart_dp_epsilon"))
        #expect(abs(first - Self.rounds().epsilon(afterRounds: 1)) < 1e-9)
        await tick(harness, times: 4)
        // Frozen after the second round: the third would pass privacy.dp.max_epsilon.
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_model_version") == 2)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_dp_epsilon")! <= budget + 1e-12)
        // Without a state store each round is released at once, with the privacy spent and no event count.
        let released = Self.models(harness.output)
        #expect(released.count == 2)
        #expect(released.allSatisfy { $0.contains(#""privacy":{"epsilon":"#) && !$0.contains("events_learned") })
        #expect(released[1].contains(#""max_participations":10"#))
    }

    @Test func withAStateStoreThetaIsReleasedOnlyOnceItsRoundIsDurable() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "t"))
        // Checkpoints only when the test takes them (a slow machine would reach state.checkpoint_ms first).
        let harness = try LearnerHarness.assigned(
            [0], keeper: keeper,
            adjust: {
                $0.privateRounds = Self.rounds()
                $0.checkpointInterval = nil
                $0.checkpointEveryEvents = nil
            },
            learning: { $0.meta.maxParticipations = 10 })
        await harness.submit((0..<20).map { LearnerHarness.event("u\($0 % 4)", item: "i\($0)", offset: Int64($0)) })
        await tick(harness, times: 2)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_model_version") == 2)
        #expect(Self.models(harness.output).isEmpty)
        await harness.checkpointNow()
        let released = Self.models(harness.output)
        #expect(released.count == 1 && released[0].hasPrefix(#"{"model_version":2,"privacy":"#))
        // Nothing new: the next checkpoint releases nothing more.
        await harness.checkpointNow()
        #expect(Self.models(harness.output).count == 1)
    }

    @Test func configurationRequiresAKeyFileAndRoundsOnTheClock() async throws {
        func issues(_ overrides: [String: String]) async throws -> [String] {
            do {
                _ = try await DaemonConfiguration.load(
                    configurationFile: nil, environment: [:], overrides: overrides.map { "\($0.key)=\($0.value)" })
                return []
            } catch let error as PipelineError {
                return error.configurationIssues.map(\.key)
            }
        }
        let missing = try await issues(["privacy.dp.enabled": "true"]).sorted()
        #expect(missing == ["metaupdate.every_events", "privacy.key_file"])
        let valid = try await issues([
            "privacy.dp.enabled": "true", "privacy.key_file": "/k", "metaupdate.every_events": "0",
        ])
        #expect(valid.isEmpty)
        let bad = try await issues(["privacy.dp.clip_norm": "0", "privacy.dp.delta": "2"]).sorted()
        #expect(bad == ["privacy.dp.clip_norm", "privacy.dp.delta"])
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var privacy = DaemonConfiguration.Privacy()
        privacy.dp.enabled = true
        privacy.keyFile = directory + "/key"
        #expect(throws: PipelineError.self) { try PrivateMetaRounds.load(privacy) }
        _ = FileManager.default.createFile(atPath: directory + "/key", contents: Data(count: 16))
        #expect(throws: PipelineError.self) { try PrivateMetaRounds.load(privacy) }
        _ = FileManager.default.createFile(atPath: directory + "/key", contents: Data(count: 32))
        #expect(try PrivateMetaRounds.load(privacy) != nil)
    }
}
