import Clickstream
import Testing

@testable import Learning

/// Erasure in the user table: ``UserTable/remove(_:)`` leaves no copy of the id — not in the pending
/// meta-update contributions (resident or detached by an eviction), not in ``UserTable/serialized()`` — and the
/// other users' contributions are unchanged, in the same order.
@Suite struct UserTableRemovalTests {
    /// Synthetic events whose user ids are framed (`<u17>`), so that no id is part of another.
    static func events() -> [InteractionEvent] {
        syntheticEvents(users: 40, items: 60, events: 900, seed: 11).map { event in
            var event = event
            event.user = "<\(event.user)>"
            return event
        }
    }

    /// A table that learned `events` with no meta-update since: every user has a pending contribution.
    static func learned(_ model: Recommender, _ events: [InteractionEvent]) throws -> UserTable {
        let table = model.makeUserTable()
        for event in events { _ = model.learn(try model.encode(event, users: table), users: table) }
        return table
    }

    @Test func removingAUserTakesTheirPendingContributionOutOfThePoolAndTheSerializedTable() throws {
        let model = try Recommender(configuration: configuration(.ranking, interval: 1_000_000))
        let events = Self.events()
        let table = try Self.learned(model, events)
        let erased = events[events.count / 2].user
        let reference = model.makeUserTable()
        try reference.restore(from: table.serialized())
        #expect(table.serialized().contains(bytes: Array(erased.utf8)), "the id is there before")

        #expect(table.remove(erased))
        #expect(!table.serialized().contains(bytes: Array(erased.utf8)), "no copy of the id is serialized")
        let restored = model.makeUserTable()
        try restored.restore(from: table.serialized())
        #expect(!restored.contains(erased))
        #expect(restored.count == table.count)

        let expected = reference.drainContributions().filter { $0.user != erased }
        let drained = table.drainContributions()
        #expect(!drained.contains { $0.user == erased })
        #expect(drained.map(\.user) == expected.map(\.user), "the others' contributions, in the same order")
        #expect(drained.map(\.direction) == expected.map(\.direction))
        #expect(drained.map(\.events) == expected.map(\.events))
        #expect(table.drainChanges().removed == [erased])
    }

    @Test func removingAnEvictedUserDropsTheDetachedContribution() throws {
        let model = try Recommender(configuration: configuration(.ranking, interval: 1_000_000))
        let events = Self.events()
        let table = try Self.learned(model, events)
        let evicted = events[10].user
        let other = events[20].user
        #expect(table.evict(evicted) != nil)
        #expect(table.evict(other) != nil)
        #expect(table.serialized().contains(bytes: Array(evicted.utf8)), "the detached entry names the user")

        #expect(table.remove(evicted), "a detached contribution counts as held")
        #expect(!table.serialized().contains(bytes: Array(evicted.utf8)))
        let drained = table.drainContributions()
        #expect(!drained.contains { $0.user == evicted })
        #expect(drained.contains { $0.user == other }, "another evicted user's contribution stays")
        #expect(!table.remove(evicted))
    }

    @Test func learningContinuesAfterARemovalFollowingAMetaUpdate() throws {
        let model = try Recommender(configuration: configuration(.ranking, interval: 1_000_000))
        let events = Self.events()
        let table = try Self.learned(model, events)
        let erased = events[5].user
        // A meta-update empties the pool; its storage keeps the last window's ids until it is reused.
        _ = table.drainContributions()
        #expect(table.remove(erased))
        #expect(!table.serialized().contains(bytes: Array(erased.utf8)))
        // Learning continues normally after the removal.
        for event in events.prefix(50) where event.user != erased {
            _ = model.learn(try model.encode(event, users: table), users: table)
        }
        #expect(!table.drainContributions().isEmpty)
        #expect(!table.contains(erased))
    }
}

extension Array where Element == UInt8 {
    /// Whether `bytes` occurs in this array.
    func contains(bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= count else { return bytes.isEmpty }
        return (0...(count - bytes.count)).contains { start in
            self[start..<start + bytes.count].elementsEqual(bytes)
        }
    }
}
