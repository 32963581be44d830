import Foundation
import GRDB
import Synchronization
import Testing

@testable import StateStore

/// Reloading an evicted user (`user(partition:id:)`) reads on the store's own read-only connection: while a
/// checkpoint's transaction is open on the writer, it answers at once with the last committed state.
@Suite struct StateStoreReaderTests {
    @Test func userReloadReadsTheLastCheckpointWhileAWriteIsUnderWay() async throws {
        let directory = try TemporaryDirectory()
        let store = try openStore(directory.path)
        let before = Array(repeating: UInt8(1), count: 700)
        try store.checkpoint(
            .init(users: [.events(0): [.init(id: "u1", state: before)]], nextOffsets: [.events(0): 10]))

        // A writer holds an open transaction (an uncommitted new state of u1) for three seconds, on a thread of its
        // own.
        let inTransaction = Atomic<Bool>(false)
        let writer = Task.detached {
            try store.withDatabaseForTesting { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "UPDATE user_state SET state = zeroblob(700) WHERE user_id = 'u1'")
                    inTransaction.store(true, ordering: .releasing)
                    Thread.sleep(forTimeInterval: 3)
                    return .rollback
                }
            }
        }
        while !inTransaction.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }

        let started = ContinuousClock.now
        let read = try store.user(partition: .events(0), id: "u1")
        let took = ContinuousClock.now - started
        #expect(read == before, "the last committed state, not the open transaction's")
        #expect(took < .seconds(2), "the read waited \(took) for the writer")
        #expect(try store.user(partition: .events(0), id: "nobody") == nil)
        try await writer.value
    }
}
