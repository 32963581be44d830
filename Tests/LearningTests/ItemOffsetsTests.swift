import Testing

@testable import Learning

/// ``ItemOffsets``: per-item score offsets, a row for cold-start users and one for everyone else.
@Suite struct ItemOffsetsTests {
    func offsets(rate: Double, items: Int = 4) -> ItemOffsets {
        var c = configuration(.ranking)
        c.ranking.itemOffsetLearningRate = rate
        c.ranking.coldEvents = 5
        let offsets = ItemOffsets(configuration: c)
        for _ in 0..<items { offsets.appendItem() }
        return offsets
    }

    @Test func usersGetTheRowOfTheirStage() {
        let o = offsets(rate: 0.1)
        #expect(o.row(eventsSeen: 0) == o.cold.base && o.row(eventsSeen: 4) == o.cold.base)
        #expect(o.row(eventsSeen: 5) == o.settled.base)
        #expect(offsets(rate: 0).row(eventsSeen: 9) == nil)
    }

    @Test func headStepMovesEachEntrysItemAgainstItsCoefficient() {
        let o = offsets(rate: 0.5)
        let entries: [Int32] = [0, 2, 1]
        let coefficients: [Float] = [0.25, 0.5, -0.75]
        // Candidate entries 0, 1, 2 stand for items 3, 0 and 2.
        let items: [Int32] = [3, 0, 2]
        o.applyHeadStep(o.settled.base, entries: entries, coefficients: coefficients, count: 3, items: items)
        #expect(Array(o.settled.buffer) == [-0.5 * -0.75, 0, -0.5 * 0.5, -0.5 * 0.25])
        o.applyHeadStep(o.cold.base, entries: entries, coefficients: coefficients, count: 2, items: nil)
        #expect(Array(o.cold.buffer) == [-0.125, 0, -0.25, 0])
    }

    @Test func offsetsRoundTripThroughBytes() throws {
        let o = offsets(rate: 0.5)
        o.cold[1] = 0.5
        o.settled[3] = -2
        var w = BinaryWriter()
        o.write(to: &w)
        let copy = offsets(rate: 0.5)
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r, items: 4)
        #expect(Array(copy.cold.buffer) == Array(o.cold.buffer))
        #expect(Array(copy.settled.buffer) == Array(o.settled.buffer))
        var wrong = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) { try offsets(rate: 0.5).read(from: &wrong, items: 3) }
    }
}
