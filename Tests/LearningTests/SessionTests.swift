import Clickstream
import Foundation
import Testing

@testable import Learning

/// Session awareness of the ranking objective's kNN context (`ranking.sessions`).
@Suite struct SessionTests {
    /// A stream whose users come back after gaps both shorter and longer than a minute: the synthetic stream with
    /// its timestamps replaced by 7 s steps (users interleave, so a user's gaps vary from 7 s to minutes).
    func gappedEvents() -> [InteractionEvent] {
        syntheticEvents().enumerated().map { k, e in
            var e = e
            e.timestamp = 1_700_000_000_000 + Int64(k) * 7_000
            return e
        }
    }

    func learn(_ model: Recommender, _ table: UserTable, user: String, item: String, at timestamp: Int64) throws {
        let event = InteractionEvent(user: user, item: item, kind: "click", timestamp: timestamp)
        model.learn(try model.encode(event, users: table), users: table)
    }

    @Test func contextWeightsFollowTheUsersSessions() throws {
        var c = configuration(.ranking)
        c.ranking.window = 40  // two words of session-start bits, and the ring wraps below
        c.ranking.neighborContext = 40
        c.ranking.contextDecay = 0.9
        c.ranking.sessionGap = 60
        c.ranking.sessionContextWeight = 2
        c.ranking.sessionDecay = 0.5
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        #expect(model.layout.sessionFields == 2 + 2)
        let context = try #require(model.ranking).neighbours.context
        var stamps: [Int64] = []
        var t: Int64 = 1_700_000_000_000
        for k in 0..<45 {
            // Same timestamp, 30 s, 61 s and 10 min after the previous event, in turn.
            if k > 0 { t += [0, 30_000, 61_000, 600_000][k % 4] }
            stamps.append(t)
            try learn(model, table, user: "u", item: "i\(k % 13)", at: t)
            try learn(model, table, user: "other", item: "i\(k % 7)", at: t + 1)
        }
        let user = table.view(table.existingSlot(for: "u")!)
        let ring = user.ring
        let head = user.head
        let starts = (0..<45).map { $0 == 0 || stamps[$0] - stamps[$0 - 1] > 60_000 }
        for a in 0..<40 {
            let position = (head - 1 - a + 40) % 40
            #expect(ring[position] == model.catalogueIndex(of: "i\((44 - a) % 13)"))
            #expect(user.startsSession(at: position) == starts[44 - a])
        }
        let sum = context.fill(user: user, context: 40)
        var latest = true
        var factor: Float = 1
        var expectedSum: Float = 0
        for a in 0..<40 {
            let expected = Float(Double.pow(0.9, Double(a))) * (latest ? 2 : factor)
            #expect(abs(context.weights[a] - expected) <= 1e-6)
            expectedSum += expected
            if starts[44 - a] {
                latest = false
                factor *= 0.5
            }
        }
        #expect(abs(sum - expectedSum) <= 1e-4)
        // The newest event shares its timestamp with the one before, which came 10 min after its predecessor: the
        // latest session is those two items, and the one before them (61 s earlier) is a session of its own.
        #expect(!starts[44] && starts[43] && starts[42])
        #expect(context.weights[0] == 2 && abs(context.weights[1] - 1.8) <= 1e-6)
        #expect(abs(context.weights[2] - 0.81 * 0.5) <= 1e-6)
        #expect(abs(context.weights[3] - 0.729 * 0.25) <= 1e-6)
    }

    @Test func withoutSessionsTheContextIsPositionalAndTheSlotSmaller() throws {
        var on = configuration(.ranking)
        on.ranking.sessionContextWeight = 3
        var off = on
        off.ranking.sessions = false
        let a = try Recommender(configuration: on)
        let b = try Recommender(configuration: off)
        #expect(a.makeUserTable().fixedBytesPerUser == b.makeUserTable().fixedBytesPerUser + 12)
        let events = gappedEvents()
        var outputs: [[Double]] = []
        for model in [a, b] {
            let table = model.makeUserTable()
            var counter = 0
            outputs.append(try drive(model, table, events[...], interval: 100, counter: &counter))
            if model === b {
                let user = table.view(table.existingSlot(for: events[0].user)!)
                let context = try #require(model.ranking).neighbours.context
                let recent = model.configuration.ranking.neighborContext
                let sum = context.fill(user: user, context: recent)
                var expectedSum: Float = 0
                for k in 0..<recent {
                    #expect(context.weights[k] == context.positional[k])
                    expectedSum += context.positional[k]
                }
                #expect(sum == expectedSum)
            }
        }
        // The latest session's extra weight changes what is ranked.
        #expect(outputs[0] != outputs[1])
    }

    @Test func sessionStateSurvivesCheckpointsAndEviction() throws {
        var c = configuration(.ranking)
        c.ranking.sessionContextWeight = 3
        c.ranking.sessionDecay = 0.7
        let events = gappedEvents()
        let split = 1234
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<split], interval: 100, counter: &counter)
        let restored = try Recommender(restoring: try model.serialized())
        let restoredTable = restored.makeUserTable()
        try restoredTable.restore(from: table.serialized())
        var counterA = counter
        var counterB = counter
        var a: [Double] = []
        var b: [Double] = []
        for (k, event) in events[split...].enumerated() {
            // The restored twin also evicts and reloads the user before every third event.
            if k % 3 == 0, let bytes = restoredTable.evict(event.user) {
                try restoredTable.importUser(event.user, bytes: bytes)
            }
            a += try drive(model, table, events[(split + k)...(split + k)], interval: 100, counter: &counterA)
            b += try drive(
                restored, restoredTable, events[(split + k)...(split + k)], interval: 100, counter: &counterB)
        }
        #expect(a == b)
        #expect(try model.serialized() == restored.serialized())
        for user in table.users { #expect(table.exportUser(user) == restoredTable.exportUser(user)) }
    }

    @Test func sessionSettingsAreValidated() {
        for (key, value) in [
            ("ranking.session_gap", "-1"), ("ranking.session_context_weight", "0"), ("ranking.session_decay", "1.5"),
        ] {
            var c = LearningConfiguration()
            let error = #expect(throws: LearningError.self) {
                try c.apply(overrides: [(key, value)])
                try c.validate()
            }
            #expect(error?.key == key)
        }
    }
}
