import Testing

@testable import Pipeline

/// `topics.erasure` (off while empty, a valid topic name different from the others) and
/// `privacy.erasure_retention_days`.
@Suite struct ConfigurationErasureTests {
    private let noFile = ["CONFIGURATION_DIRECTORY": "/nonexistent-warmstart-config-dir"]

    @Test func erasureIsOffByDefaultAndReadFromItsKeys() async throws {
        let defaults = try await DaemonConfiguration.load(environment: noFile).configuration
        #expect(defaults.topics.erasure.isEmpty)
        #expect(defaults.privacy.erasureRetention == .seconds(30 * 86_400))
        let set = try await DaemonConfiguration.load(
            environment: noFile,
            overrides: ["topics.erasure=warmstart.erasure", "privacy.erasure_retention_days=7"]
        ).configuration
        #expect(set.topics.erasure == "warmstart.erasure")
        #expect(set.privacy.erasureRetention == .seconds(7 * 86_400))
    }

    @Test func anErasureTopicSharedWithAnotherOrOutOfRangeRetentionIsRefused() async {
        let issues = await expectIssues(
            environment: noFile,
            overrides: ["topics.erasure=warmstart.events", "privacy.erasure_retention_days=0"])
        #expect(issues.contains { $0.key == "topics.erasure" && $0.problem.contains("must differ from topics.events") })
        #expect(issues.contains { $0.key == "privacy.erasure_retention_days" })
        let invalid = await expectIssues(environment: noFile, overrides: ["topics.erasure=no spaces"])
        #expect(invalid.map(\.key) == ["topics.erasure"])
    }

    @Test func anAssignmentStrategyOtherThanRangeIsRefusedWithAnErasureTopic() throws {
        var configuration = DaemonConfiguration(environment: [:])
        configuration.kafka.consumerProperties["partition.assignment.strategy"] = "cooperative-sticky"
        #expect(throws: Never.self) { try EventPipeline.checkErasureAssignment(configuration) }
        configuration.topics.erasure = "warmstart.erasure"
        #expect(throws: PipelineError.self) { try EventPipeline.checkErasureAssignment(configuration) }
        configuration.kafka.consumerProperties["partition.assignment.strategy"] = "range,roundrobin"
        #expect(throws: Never.self) { try EventPipeline.checkErasureAssignment(configuration) }
    }
}
