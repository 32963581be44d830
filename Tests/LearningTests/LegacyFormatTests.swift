import Clickstream
import Foundation
import Testing

@testable import Learning

/// States written before the model was laid out by component (format 4) still restore and continue
/// bit-identically, and are written again as format 5.
@Suite struct LegacyFormatTests {
    static func fixture(_ name: String) -> LegacyFormatFixture {
        switch name {
        case "ranking": .ranking
        case "candidates": .candidates
        default: .rating
        }
    }

    static func bytes(_ base64: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data())
    }

    /// The format version in a state's header.
    static func version(_ bytes: [UInt8]) -> UInt32 {
        bytes[4..<8].reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A restored score against the one the old code computed: exact in a debug build, where the fixture was
    /// made; an optimised build may sum dot products in another order (``Kernels/dot(_:_:_:)`` allows it).
    func expectSame(
        _ value: Float?, _ bits: UInt32?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let value, let bits else {
            #expect(value == nil && bits == nil, "\(what)", sourceLocation: sourceLocation)
            return
        }
        let expected = Float(bitPattern: bits)
        #if DEBUG
            #expect(value.bitPattern == bits, "\(what): \(value) vs \(expected)", sourceLocation: sourceLocation)
        #else
            #expect(abs(value - expected) <= 1e-3 * max(1, abs(expected)), "\(what)", sourceLocation: sourceLocation)
        #endif
    }

    func expectTop(
        _ model: Recommender, _ table: UserTable, _ expected: [(String, [(String, UInt32)])],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (user, top) in expected {
            let actual = model.topK(user: user, k: 5, users: table)
            #if DEBUG
                #expect(actual.map(\.item) == top.map(\.0), "\(user)", sourceLocation: sourceLocation)
            #endif
            for (a, e) in zip(actual, top) {
                expectSame(a.score, e.1, "\(user) \(e.0)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: ["ranking", "candidates", "rating"])
    func format4StateRestoresAndContinuesBitIdentically(name: String) throws {
        let fixture = Self.fixture(name)
        let state = Self.bytes(fixture.model)
        #expect(Self.version(state) == 4)
        let model = try Recommender(restoring: state)
        let table = model.makeUserTable()
        try table.restore(from: Self.bytes(fixture.table))

        expectTop(model, table, fixture.topBefore)
        let scores = model.score(user: fixture.topBefore[0].0, items: fixture.probeItems, users: table)
        for (k, (score, bits)) in zip(scores, fixture.scoresBefore).enumerated() {
            expectSame(score, bits, "score \(k)")
        }

        var counter = 360
        var ranks: [Int?] = []
        var predictions: [Double] = []
        var served: [Int?] = []
        for event in fixture.events {
            let e = try model.encode(event, users: table)
            if model.configuration.objective == .rating {
                predictions.append(model.predictRating(e, users: table))
                model.learn(e, users: table)
            } else {
                ranks.append(model.learn(e, users: table))
                served.append(model.lastServedRank)
            }
            counter += 1
            if counter % 50 == 0 { model.metaUpdate(table.drainContributions()) }
        }
        #if DEBUG
            #expect(ranks == fixture.ranks)
            #expect(served == fixture.served)
            #expect(predictions.map(\.bitPattern) == fixture.predictions)
        #else
            #expect(ranks.count == fixture.ranks.count && predictions.count == fixture.predictions.count)
        #endif
        expectTop(model, table, fixture.topAfter)
        #expect(model.metaUpdates == fixture.metaUpdates)

        // Written again, the state is format 5 and restores to itself.
        let again = try model.serialized()
        #expect(Self.version(again) == Recommender.formatVersion)
        #expect(try Recommender(restoring: again).serialized() == again)
    }

    /// A format-4 state is checked as it is read: truncated or with trailing bytes it is refused.
    @Test(arguments: ["ranking", "rating"])
    func damagedFormat4StateIsRefused(name: String) {
        let state = Self.bytes(Self.fixture(name).model)
        for damaged in [Array(state.dropLast(9)), Array(state.prefix(state.count / 2)), state + [0]] {
            #expect(throws: LearningError.self) { _ = try Recommender(restoring: damaged) }
        }
    }
}
