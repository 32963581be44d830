import Learning
import Testing

@Suite struct ConfigurationValidationTests {
    @Test func everyBadValueIsReportedAtOnce() throws {
        var c = LearningConfiguration()
        c.ranking.factors = 0
        c.meta.learningRate = -1
        c.rating.window = 0
        c.kindWeights["view"] = -2
        #expect(
            c.problems().map { $0.key ?? "" }.sorted() == [
                "kind_weights.view", "meta.learning_rate", "ranking.factors", "rating.window",
            ])
        do {
            try c.validate()
            Issue.record("expected the configuration to be refused")
        } catch let error as LearningError {
            #expect(error.issues.count == 4)
            #expect(error.code == .invalidConfiguration)
            #expect(error.key == "meta.learning_rate", "the first problem in check order leads")
            for key in ["ranking.factors", "meta.learning_rate", "rating.window", "kind_weights.view"] {
                #expect(error.description.contains(key), "\(error)")
            }
        }
    }

    @Test func oneBadValueIsThatErrorAlone() {
        var c = LearningConfiguration()
        c.ranking.factors = 0
        do {
            try c.validate()
            Issue.record("expected the configuration to be refused")
        } catch let error as LearningError {
            #expect(error.key == "ranking.factors")
            #expect(error.issues.isEmpty)
            #expect(error.message == "must be in 1…1024")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(LearningConfiguration().problems().isEmpty)
    }

    @Test func everyBadOverrideIsReportedAtOnce() {
        var c = LearningConfiguration()
        do {
            try c.apply(overrides: [
                ("ranking.factors", "many"), ("ranking.window", "8"), ("ranking.no_such_key", "1"),
                ("meta.enabled", "perhaps"),
            ])
            Issue.record("expected the overrides to be refused")
        } catch let error as LearningError {
            #expect(error.issues.map { $0.key ?? "" } == ["ranking.factors", "ranking.no_such_key", "meta.enabled"])
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(
            c.ranking.window == LearningConfiguration().ranking.window, "a refused set of overrides changes nothing")
    }
}
