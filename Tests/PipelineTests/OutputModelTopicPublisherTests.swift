import Foundation
import Learning
import Testing

@testable import Pipeline

/// ``ModelTopicPublisher``: the latest θ, at most once per ``ModelTopicPublisher/publishInterval``.
@Suite struct OutputModelTopicPublisherTests {
    static let interval = ModelTopicPublisher.publishInterval

    static func models(_ output: InMemoryLearnerOutput) -> [[String: Any]] {
        output.sent.compactMap { sent in
            guard case .model(let value) = sent.message else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]
        }
    }

    @Test func atMostOneMessagePerIntervalAndOnlyAfterAMetaUpdate() throws {
        let model = try Recommender(configuration: LearningConfiguration())
        let output = InMemoryLearnerOutput()
        var publisher = ModelTopicPublisher()
        let start = 10 * Self.interval
        publisher.publishIfDue(now: start, model: model, output: output)
        #expect(output.sent.isEmpty, "no meta-update yet")

        publisher.noteMetaUpdate()
        publisher.publishIfDue(now: start, model: model, output: output)
        #expect(Self.models(output).count == 1)
        #expect(!publisher.isPending)

        publisher.noteMetaUpdate()
        publisher.publishIfDue(now: start + Self.interval - 1, model: model, output: output)
        #expect(Self.models(output).count == 1, "within the interval")
        #expect(publisher.isPending)
        publisher.publishIfDue(now: start + Self.interval, model: model, output: output)
        #expect(Self.models(output).count == 2)

        // At shutdown the latest θ goes out regardless of the interval, once.
        publisher.noteMetaUpdate()
        publisher.publishLatest(now: start + Self.interval + 1, model: model, output: output)
        publisher.publishLatest(now: start + Self.interval + 2, model: model, output: output)
        #expect(Self.models(output).count == 3)
    }

    @Test func theMessageCarriesTheModelAndTheta() throws {
        let model = try Recommender(configuration: LearningConfiguration())
        let output = InMemoryLearnerOutput()
        var publisher = ModelTopicPublisher()
        publisher.noteMetaUpdate()
        publisher.publishLatest(now: 1, model: model, output: output)
        let message = try #require(Self.models(output).first)
        #expect(message["model_version"] as? Int == model.metaUpdates)
        #expect(message["events_learned"] as? Int == model.eventsLearned)
        #expect(message["objective"] as? String == "\(model.configuration.objective)")
        #expect((message["theta"] as? [Any])?.count == model.metaParameters.count)
        #expect(message["updated_at"] is Int)
    }

    @Test func aLostModelMessageIsNotRetried() throws {
        let model = try Recommender(configuration: LearningConfiguration())
        let output = InMemoryLearnerOutput()
        output.isRefusing = true
        var publisher = ModelTopicPublisher()
        publisher.noteMetaUpdate()
        publisher.publishLatest(now: 1, model: model, output: output)
        #expect(output.refusals == 1)
        #expect(!publisher.isPending, "the next meta-update publishes a newer θ anyway")
    }
}
