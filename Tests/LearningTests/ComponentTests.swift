import Clickstream
import Foundation
import Testing

@testable import Learning

/// The optional parts of the model: Meta-SGD inner step sizes, feature-conditioned cold-start popularity,
/// stage-conditioned popularity, and the rating objective's per-user scale of item biases.
@Suite struct ComponentTests {
    /// Ranking configuration with every optional component switched on.
    func rankingWithOptions() -> LearningConfiguration {
        var c = configuration(.ranking)
        c.meta.innerStepSizes = true
        c.meta.stepSizeLearningRate = 0.05
        c.ranking.coldFeatures = true
        return c
    }

    @Test func optionalRankingComponentsSerializeAndContinueBitExactly() throws {
        let events = syntheticEvents()
        let split = 1234
        let model = try Recommender(configuration: rankingWithOptions())
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<split], interval: 100, counter: &counter)
        let modelBytes = try model.serialized()
        let tableBytes = table.serialized()

        let restored = try Recommender(restoring: modelBytes)
        let restoredTable = restored.makeUserTable()
        try restoredTable.restore(from: tableBytes)
        #expect(try restored.serialized() == modelBytes)

        var counterA = counter
        var counterB = counter
        let a = try drive(model, table, events[split...], interval: 100, counter: &counterA)
        let b = try drive(restored, restoredTable, events[split...], interval: 100, counter: &counterB)
        #expect(a == b)
        #expect(try model.serialized() == restored.serialized())
        #expect(table.serialized() == restoredTable.serialized())
    }

    @Test func metaSGDLearnsBoundedStepSizesOnlyWithMeta() throws {
        let events = syntheticEvents()
        let c = rankingWithOptions()
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[...], interval: 100, counter: &counter)
        let start = Float.log(Float(c.ranking.blendLearningRate))
        let steps = Array(model.metaParameters[model.meta.layout.stepSizeOffset...])
        #expect(steps.count == RankingModelLayout.buckets * RankingModelLayout.components)
        #expect(steps.contains { $0 != start })
        let low = Float.log(Float(MetaLearner.minimumStepSize))
        let high = Float.log(Float(MetaLearner.maximumStepSize))
        #expect(steps.allSatisfy { $0 >= low && $0 <= high })

        var frozen = c
        frozen.meta.enabled = false
        let still = try Recommender(configuration: frozen)
        let stillTable = still.makeUserTable()
        counter = 0
        _ = try drive(still, stillTable, events[...], interval: 100, counter: &counter)
        #expect(still.metaParameters[still.meta.layout.stepSizeOffset...].allSatisfy { $0 == start })
    }

    /// A ranking model scored by its fourth component alone (cold-start or stage popularity): no meta-updates and no
    /// per-user blend steps.
    func fourthComponentOnly(_ adjust: (inout LearningConfiguration) -> Void) throws -> (Recommender, UserTable) {
        var c = configuration(.ranking)
        c.meta.enabled = false
        c.ranking.blendLearningRate = 0
        c.ranking.initialBlend = [0, 0, 0, 1]
        adjust(&c)
        let model = try Recommender(configuration: c)
        return (model, model.makeUserTable())
    }

    @Test func coldStartPopularityFollowsTheUsersFeatures() throws {
        // Students start with item A, retirees with item B (B more popular overall); then a new user of each group.
        func trained(coldFeatures: Bool) throws -> (Recommender, UserTable) {
            let (model, table) = try fourthComponentOnly {
                $0.ranking.coldFeatures = coldFeatures
                $0.ranking.coldFeaturePrior = 1
            }
            var t: Int64 = 0
            for u in 0..<50 {
                let group = u < 20 ? "student" : "retired"
                for item in [u < 20 ? "A" : "B", "filler\(u)"] {
                    t += 1
                    try model.learn(
                        InteractionEvent(
                            user: "u\(u)", item: item, kind: "click", timestamp: t,
                            userFeatures: ["occupation": [group]]),
                        users: table)
                }
            }
            for group in ["student", "retired"] {
                _ = try model.encode(
                    InteractionEvent(
                        user: "new-\(group)", item: "A", kind: "click", timestamp: t + 1,
                        userFeatures: ["occupation": [group]]),
                    users: table)
            }
            return (model, table)
        }
        let (model, table) = try trained(coldFeatures: true)
        for (group, expected) in [("student", "A"), ("retired", "B")] {
            let scores = model.score(user: "new-\(group)", items: ["A", "B"], users: table).map { $0! }
            let best = scores[0] > scores[1] ? "A" : "B"
            #expect(best == expected, "\(group): \(scores)")
        }
        // Without the option the same new student gets plain cold-start popularity, where B leads.
        let (plain, plainTable) = try trained(coldFeatures: false)
        let scores = plain.score(user: "new-student", items: ["A", "B"], users: plainTable).map { $0! }
        #expect(scores[1] > scores[0])
    }

    @Test func stagePopularityFollowsTheUsersStage() throws {
        // New users start with item A; once past the cold start (5 events) they turn to item B.
        func model(stages: Bool) throws -> (Recommender, UserTable) {
            let (model, table) = try fourthComponentOnly { $0.ranking.stagePopularity = stages }
            var t: Int64 = 0
            for u in 0..<30 {
                for k in 0..<8 {
                    t += 1
                    let item = k == 0 ? "A" : k == 6 ? "B" : "filler\(u)-\(k)"
                    try model.learn(
                        InteractionEvent(user: "u\(u)", item: item, kind: "click", timestamp: t), users: table)
                }
            }
            // A probe user with six events (past the cold start, in the first stage after it), none of A or B.
            for k in 0..<6 {
                t += 1
                try model.learn(
                    InteractionEvent(user: "probe", item: "probe-\(k)", kind: "click", timestamp: t), users: table)
            }
            _ = try model.encode(
                InteractionEvent(user: "new", item: "A", kind: "click", timestamp: t + 1), users: table)
            return (model, table)
        }
        let (staged, stagedTable) = try model(stages: true)
        let stages = try #require(staged.ranking).popularity
        #expect(stages.stage(eventsSeen: 4) == 0)
        #expect(stages.stage(eventsSeen: 5) == 1)
        #expect(stages.stage(eventsSeen: 20) == 2)
        #expect(stages.stage(eventsSeen: 1000) == 4)
        let probe = staged.score(user: "probe", items: ["A", "B"], users: stagedTable).map { $0! }
        #expect(probe[1] > probe[0], "\(probe)")
        // A new user still gets the cold-start popularity, where A leads.
        let new = staged.score(user: "new", items: ["A", "B"], users: stagedTable).map { $0! }
        #expect(new[0] > new[1], "\(new)")
        // Without stages the probe blends the cold-start popularity too.
        let (plain, plainTable) = try model(stages: false)
        #expect(try #require(plain.ranking).popularity.stage(eventsSeen: 1000) == 0)
        let plainProbe = plain.score(user: "probe", items: ["A", "B"], users: plainTable).map { $0! }
        #expect(plainProbe[0] > plainProbe[1], "\(plainProbe)")
    }

    @Test func stageSettingsAreValidated() throws {
        for (key, value) in [
            ("ranking.stage_edges", "5,20"), ("ranking.stage_edges", "20,20"), ("ranking.stage_half_lives", "100,100"),
            ("ranking.stage_half_lives", "0,1,1,1"),
        ] {
            var c = LearningConfiguration()
            try c.apply(overrides: [(key, value)])
            #expect(throws: LearningError.self) { try c.validate() }
            do {
                try c.validate()
            } catch let error as LearningError {
                #expect(error.key == key)
            }
        }
        var c = LearningConfiguration()
        try c.apply(overrides: [("ranking.stage_edges", ""), ("ranking.stage_half_lives", "500")])
        try c.validate()
        #expect(c.ranking.stageEdges.isEmpty)
    }

    /// A stream where items have clear consensus qualities, then one user who exaggerates them and one who
    /// flattens them: the user's scale of item biases moves above and below 1.
    @Test func biasScaleFollowsTheUsersSensitivity() throws {
        var c = configuration(.rating)
        c.features.userFeatures = false
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        let quality: [Double] = [1.5, 2.5, 3.5, 4.5]
        var t: Int64 = 0
        for round in 0..<60 {
            for (i, q) in quality.enumerated() {
                t += 1
                try model.learn(
                    InteractionEvent(
                        user: "crowd\(round)", item: "i\(i)", kind: "rating", value: q, timestamp: t),
                    users: table)
            }
        }
        for _ in 0..<10 {
            for (i, q) in quality.enumerated() {
                t += 1
                let exaggerated = min(max(3 + 2 * (q - 3), 1), 5)
                try model.learn(
                    InteractionEvent(user: "fan", item: "i\(i)", kind: "rating", value: exaggerated, timestamp: t),
                    users: table)
                try model.learn(
                    InteractionEvent(user: "flat", item: "i\(i)", kind: "rating", value: 3, timestamp: t),
                    users: table)
            }
        }
        func scale(_ user: String) -> Float {
            1 + table.view(table.existingSlot(for: user)!).biasScale
        }
        #expect(scale("fan") > 1.2)
        #expect(scale("flat") < 0.8)

        // With a zero step size every user keeps scale 1.
        c.rating.biasScaleLearningRate = 0
        let fixed = try Recommender(configuration: c)
        let fixedTable = fixed.makeUserTable()
        for u in ["fan", "flat"] {
            for (i, q) in quality.enumerated() {
                try fixed.learn(
                    InteractionEvent(user: u, item: "i\(i)", kind: "rating", value: u == "fan" ? q : 3, timestamp: 1),
                    users: fixedTable)
            }
            #expect(fixedTable.view(fixedTable.existingSlot(for: u)!).biasScale == 0)
        }
    }
}
