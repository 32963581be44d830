import Foundation
import Testing

@testable import Learning

/// ``DecayedPopularity`` (one row of decayed counts) and ``PopularityComponents`` (the rows the blend uses).
@Suite struct PopularityTests {
    func row(halfLife: Double, items: Int, pool: Int? = nil) -> DecayedPopularity {
        let row = DecayedPopularity(halfLife: halfLife, pool: pool)
        for _ in 0..<items { row.appendItem() }
        return row
    }

    /// A count relative to one event now (`count / scale`) halves every half-life of the row's events.
    @Test func countsDecayWithTheHalfLife() {
        let popularity = row(halfLife: 10, items: 3)
        popularity.add(2, at: 0)
        for _ in 0..<10 { popularity.add(1, at: 1) }
        #expect(abs(popularity.counts[0] / popularity.scale - 1) < 1e-5)
        // Item 1: Σ_{k<10} 2^(−k/10).
        let expected = (0..<10).reduce(0.0) { $0 + pow(2, -Double($1) / 10) }
        #expect(abs(Double(popularity.counts[1] / popularity.scale) - expected) < 1e-4)
        #expect(popularity.maximum == popularity.counts[1])
        #expect(popularity.inverseMaximum == 1 / popularity.counts[1])
        #expect(popularity.counts[2] == 0)
        #expect(row(halfLife: 10, items: 2).inverseMaximum == 0)
    }

    /// Past 1e30 the scale is renormalised: the row is divided by it and the factor returned; relative counts go on
    /// as if nothing happened (exactly here: the growth is 16, a power of two).
    @Test func renormalisationKeepsRelativeCounts() {
        let popularity = row(halfLife: 0.25, items: 2)
        popularity.add(1, at: 0)
        var factor: Float? = nil
        var steps = 0
        var before: Float = 0
        while factor == nil {
            before = popularity.counts[0] / popularity.scale
            factor = popularity.add(1, at: 1)
            steps += 1
        }
        // 16^25 > 1e30 at the 25th event.
        #expect(steps == 24)
        #expect(factor == Float(sign: .plus, exponent: -100, significand: 1))
        #expect(popularity.scale == 1)
        #expect(popularity.counts[0] / popularity.scale == before / 16)
        #expect(popularity.maximum == popularity.counts[1])
        #expect(popularity.add(1, at: 0) == nil)
    }

    @Test func poolHoldsTheMostPopularItems() {
        let popularity = row(halfLife: 1000, items: 6, pool: 2)
        for (item, times) in [(0, 1), (3, 4), (5, 2), (1, 3)] {
            for _ in 0..<times { popularity.add(1, at: item) }
        }
        #expect(popularity.pool?.members == [1, 3])
        popularity.rebuildPool()
        #expect(popularity.pool?.members == [1, 3])
        #expect(row(halfLife: 10, items: 1).pool == nil)
    }

    @Test func rowRoundTripsThroughBytes() throws {
        let popularity = row(halfLife: 7, items: 4)
        for item in [0, 2, 2, 3] { popularity.add(1.5, at: item) }
        var w = BinaryWriter()
        popularity.write(to: &w)
        let copy = row(halfLife: 7, items: 0)
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r, items: 4)
        #expect(r.isAtEnd)
        #expect(Array(copy.counts.buffer) == Array(popularity.counts.buffer))
        #expect(copy.scale == popularity.scale && copy.maximum == popularity.maximum)
        var short = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) { try row(halfLife: 7, items: 0).read(from: &short, items: 5) }
    }

    @Test func eventsCountInTheRowsOfTheUsersStage() throws {
        var c = configuration(.ranking)
        c.ranking.coldEvents = 5
        c.ranking.stageEdges = [20]
        c.ranking.stageHalfLives = [100, 100]
        let popularity = PopularityComponents(configuration: c, candidates: false)
        for k in 0..<3 { popularity.appendItem(itemCount: k + 1) }
        #expect(popularity.stages.count == 2)
        #expect([0, 4, 5, 19, 20, 500].map { popularity.stage(eventsSeen: $0) } == [0, 0, 1, 1, 2, 2])
        #expect(popularity.row(stage: 0) === popularity.cold && popularity.row(stage: 2) === popularity.stages[1])
        let features = [Int32](repeating: -1, count: c.features.maxPerEntity)
        for (n, item) in [(0, 0), (7, 1), (30, 2)] {
            popularity.record(
                1, item: Int32(item), eventsSeen: n, stage: popularity.stage(eventsSeen: n),
                userFeatures: features)
        }
        #expect((0..<3).allSatisfy { popularity.global.counts[$0] > 0 })
        #expect(popularity.cold.counts[0] > 0 && popularity.cold.counts[1] == 0 && popularity.cold.counts[2] == 0)
        #expect(popularity.stages[0].counts[1] > 0 && popularity.stages[0].counts[2] == 0)
        #expect(popularity.stages[1].counts[2] > 0 && popularity.stages[1].counts[0] == 0)

        var w = BinaryWriter()
        popularity.write(to: &w)
        let copy = PopularityComponents(configuration: c, candidates: false)
        for k in 0..<3 { copy.appendItem(itemCount: k + 1) }
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r, items: 3)
        #expect(r.isAtEnd)
        #expect(zip(copy.rows, popularity.rows).allSatisfy { Array($0.counts.buffer) == Array($1.counts.buffer) })
        c.ranking.stagePopularity = false
        var other = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) {
            try PopularityComponents(configuration: c, candidates: false).read(from: &other, items: 3)
        }
    }
}
