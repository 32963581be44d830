import Testing

@testable import Learning

/// ``CooccurrenceNeighbours``: co-occurrence counts along users' sequences and the neighbour scores of a context.
@Suite struct CooccurrenceNeighboursTests {
    /// Neighbours over `items` items and a user whose recent items are `recent` (oldest first).
    /// (The view is valid while the table lives: a test keeps it with `withExtendedLifetime`.)
    func setUp(
        _ adjust: (inout LearningConfiguration) -> Void = { _ in }, items: Int = 5, recent: [Int32]
    ) -> (CooccurrenceNeighbours, UserTable, UserView) {
        var c = configuration(.ranking)
        c.ranking.sessions = false
        adjust(&c)
        let neighbours = CooccurrenceNeighbours(configuration: c, sessions: false)
        for k in 0..<items { neighbours.appendItem(itemCount: k + 1) }
        let table = UserTable(layout: UserLayout(configuration: c), metaWidth: 1)
        let user = table.view(table.slot(for: "u"))
        for item in recent {
            user.pushRecent(item, timestamp: 0, sessionGap: 0)
            user.countEvent()
        }
        return (neighbours, table, user)
    }

    @Test func anItemCooccursWithTheUsersRecentItemsByDistance() {
        let (neighbours, table, user) = setUp(recent: [0, 1, 2])
        neighbours.learn(3, weight: 2, user: user, length: 3, repeated: false)
        let t = neighbours.table
        #expect(t.weight(2, 3) == 2)
        #expect(t.weight(1, 3) == 2 * Float(0.95))
        #expect(t.weight(0, 3) == 2 * (Float(0.95) * Float(0.95)))
        // The reverse direction, at `reverse_weight` (1).
        #expect(t.weight(3, 2) == 2 && t.weight(3, 0) == t.weight(0, 3))
        // A repeat counts nothing again; the window bounds the pairs.
        neighbours.learn(3, weight: 2, user: user, length: 3, repeated: true)
        #expect(t.weight(2, 3) == 2)
        neighbours.learn(4, weight: 1, user: user, length: 2, repeated: false)
        #expect(t.weight(1, 4) == Float(0.95) && t.weight(0, 4) == 0)
        withExtendedLifetime(table) {}
    }

    @Test func withAHalfLifeIncrementsGrowInsteadOfDecayingEveryWeight() {
        let (neighbours, table, user) = setUp({ $0.ranking.cooccurrenceHalfLife = 2 }, recent: [0])
        neighbours.learn(1, weight: 1, user: user, length: 1, repeated: false)
        neighbours.learn(2, weight: 1, user: user, length: 1, repeated: false)
        neighbours.learn(2, weight: 1, user: user, length: 1, repeated: false)
        let t = neighbours.table
        // Relative to the latest increment, the first pair has decayed by two events of a half-life of two.
        #expect(abs(t.weight(0, 1) / neighbours.scale - 0.5) < 1e-6)
        #expect(abs(t.weight(0, 2) / neighbours.scale - (1 + Float(0.5).squareRoot())) < 1e-5)
        withExtendedLifetime(table) {}
    }

    @Test func countsNormaliseAndDampTheScores() {
        let (neighbours, _, _) = setUp(recent: [])
        neighbours.noteCount(1, count: 3)
        #expect(neighbours.rowNorm[1] == 0.5 && neighbours.damp[1] == 0.5)
        #expect(neighbours.rowNorm[0] == 1 && neighbours.damp[0] == 1)
    }

    /// `score_i = Σ_a w_a / (Σ w · scale) · rowNorm_{j_a} · c(j_a, i) · damp_i` over the recent items `j_a`, and the
    /// candidate variant collects exactly the items it touches.
    @Test func neighbourScoresFollowTheContextWeights() {
        let (neighbours, table, user) = setUp(items: 6, recent: [0, 1, 2])
        for (j, i, w) in [(0, 3, 1.0), (1, 3, 2.0), (2, 4, 1.5), (1, 5, 0.5)] as [(Int32, Int32, Float)] {
            neighbours.table.add(j, i, w)
        }
        neighbours.noteCount(1, count: 8)
        neighbours.noteCount(3, count: 3)
        var scores = [Float](repeating: 0, count: 6)
        _ = neighbours.accumulate(user: user, recent: 3, into: &scores, candidates: nil)
        let w = neighbours.context.positional
        let total = w[0] + w[1] + w[2]
        func part(age: Int, _ j: Int32, _ i: Int) -> Float {
            w[age] / total * neighbours.rowNorm[Int(j)] * neighbours.table.weight(j, Int32(i)) * neighbours.damp[i]
        }
        #expect(abs(scores[3] - (part(age: 2, 0, 3) + part(age: 1, 1, 3))) < 1e-6)
        #expect(abs(scores[4] - part(age: 0, 2, 4)) < 1e-6)
        #expect(abs(scores[5] - part(age: 1, 1, 5)) < 1e-6)
        #expect(scores[0] == 0 && scores[1] == 0 && scores[2] == 0)

        let candidates = CandidateSet()
        candidates.begin(catalogue: 6)
        var gathered = [Float](repeating: 0, count: 6)
        let count = neighbours.accumulate(user: user, recent: 3, into: &gathered, candidates: candidates)
        #expect(gathered == scores)
        #expect(Set((0..<count).map { candidates.items[$0] }) == [3, 4, 5])
        #expect((0..<6).map { candidates.isCandidate(Int32($0)) } == [false, false, false, true, true, true])
        #expect(neighbours.accumulate(user: nil, recent: 3, into: &gathered, candidates: nil) == 0)
        withExtendedLifetime(table) {}
    }

    @Test func neighboursRoundTripThroughBytes() throws {
        let (neighbours, table, user) = setUp({ $0.ranking.cooccurrenceHalfLife = 5 }, recent: [0, 1])
        neighbours.learn(2, weight: 1, user: user, length: 2, repeated: false)
        neighbours.noteCount(2, count: 1)
        withExtendedLifetime(table) {}
        var w = BinaryWriter()
        neighbours.write(to: &w)
        let (copy, _, _) = setUp({ $0.ranking.cooccurrenceHalfLife = 5 }, recent: [])
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r, items: 5)
        #expect(r.isAtEnd)
        #expect(copy.scale == neighbours.scale)
        #expect(Array(copy.rowNorm.buffer) == Array(neighbours.rowNorm.buffer))
        #expect(Array(copy.damp.buffer) == Array(neighbours.damp.buffer))
        #expect(copy.table.weight(1, 2) == neighbours.table.weight(1, 2) && copy.table.weight(1, 2) > 0)
        let (other, _, _) = setUp(items: 4, recent: [])
        var again = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) { try other.read(from: &again, items: 4) }
    }
}
