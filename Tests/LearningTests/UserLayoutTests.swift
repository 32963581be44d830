import Clickstream
import Testing

@testable import Learning

/// ``UserLayout`` and ``UserView``: where each part of a user's state sits in a ``UserTable`` slot.
@Suite struct UserLayoutTests {
    @Test func rankingSlotHoldsVectorOffsetsRingAndSessions() {
        var c = configuration(.ranking)
        c.features.maxPerEntity = 3
        c.ranking.window = 40
        c.meta.innerStepSizes = true
        let layout = UserLayout(configuration: c)
        // Vector, blend offsets, previous blend gradient.
        #expect(layout.floatStride == 8 + 4 + 4)
        #expect(layout.vectorOffset == 0 && layout.blendOffsetsOffset == 8 && layout.previousGradientOffset == 12)
        // Counters and features, the ring, two words of session bits and the last timestamp.
        #expect(layout.sessionFields == 2 + 2)
        #expect(layout.ringOffset == 4 + 3)
        #expect(layout.sessionStartsOffset == 7 + 40)
        #expect(layout.lastTimestampOffset == 47 + 2)
        #expect(layout.intStride == 7 + 40 + 4)

        c.ranking.sessions = false
        c.meta.innerStepSizes = false
        let plain = UserLayout(configuration: c)
        #expect(plain.floatStride == 8 + 4)
        #expect(plain.sessionFields == 0)
        #expect(plain.intStride == 7 + 40)
    }

    @Test func ratingSlotHoldsBiasVectorWindowAndBiasScale() {
        var c = configuration(.rating)
        c.rating.factors = 5
        c.rating.window = 3
        let layout = UserLayout(configuration: c)
        #expect(layout.floatStride == 1 + 5 + 3 + 1)
        #expect(layout.vectorOffset == 1)
        #expect(layout.windowRatingsOffset == 6)
        #expect(layout.biasScaleOffset == 9)
        #expect(layout.sessionFields == 0)
        #expect(layout.intStride == 4 + c.features.maxPerEntity + 3)
    }

    /// A view of a fresh slot in a table of `layout` (valid while the table lives).
    func freshUser(_ layout: UserLayout) -> (UserTable, UserView) {
        let table = UserTable(layout: layout, metaWidth: 1)
        return (table, table.view(table.slot(for: "u")))
    }

    @Test func pushRecentFillsTheRingAndMarksSessionStarts() {
        var c = configuration(.ranking)
        c.ranking.window = 3
        let layout = UserLayout(configuration: c)
        let (table, user) = freshUser(layout)
        // 1 s, 2 min and 1 s gaps; a 60 s session gap.
        let stamps: [Int64] = [1_000, 2_000, 122_000, 123_000]
        for (k, t) in stamps.enumerated() {
            user.pushRecent(Int32(10 + k), timestamp: t, sessionGap: 60_000)
            user.countEvent()
        }
        #expect(user.eventsSeen == 4)
        #expect(user.head == 1)
        #expect((0..<3).map { user.recent($0) } == [13, 12, 11])
        // The first event and the one after the 2-minute gap started sessions; the fourth overwrote the first.
        #expect((0..<3).map { user.startsSession(at: user.ringPosition(age: $0)) } == [false, true, false])
        let t = user.ints + layout.lastTimestampOffset
        #expect(Int64(UInt32(bitPattern: t[0])) | Int64(t[1]) << 32 == 123_000)
        withExtendedLifetime(table) {}
    }

    @Test func pushRatedKeepsItemsAndRatingsTogether() {
        var c = configuration(.rating)
        c.rating.window = 2
        let (table, user) = freshUser(UserLayout(configuration: c))
        for (k, rating) in [Float(0.25), 0.5, 0.75].enumerated() { user.pushRated(Int32(k), rating: rating) }
        #expect(user.head == 1)
        #expect(user.ring[0] == 2 && user.ring[1] == 1)
        #expect(user.windowRatings[0] == 0.75 && user.windowRatings[1] == 0.5)
        withExtendedLifetime(table) {}
    }

    @Test func viewReadsWhatTheModelLearned() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        let events = syntheticEvents()
        for event in events[..<300] { try model.learn(event, users: table) }
        let last = events[..<300].last { $0.user == events[0].user }!
        let user = table.view(try #require(table.existingSlot(for: events[0].user)))
        #expect(user.eventsSeen == table.eventCount(of: events[0].user))
        #expect(user.isInitialized && !user.isHoldout)
        #expect(model.itemIdentifier(user.recent(0)) == last.item)
        #expect(user.vector == user.floats && user.blendOffsets == user.floats + 8)
    }
}
