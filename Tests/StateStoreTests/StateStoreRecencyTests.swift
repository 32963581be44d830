import Foundation
import GRDB
import Testing

@testable import StateStore

/// Activity stamps stored with the users (schema version 2), the restore of the most recently active users, and
/// version 1 stores, which stay readable and are migrated by their first checkpoint only.
@Suite struct StateStoreRecencyTests {
    /// Users of two partitions with stamps; a restore of 4 takes the 4 newest over both partitions and hands them
    /// over in partition and user-id order, each with its stamp.
    @Test func mostRecentUsersAreChosenOverAllPartitionsTogether() throws {
        let directory = try TemporaryDirectory()
        let stamps: [(StateStore.Partition, String, UInt64)] = [
            (.events(0), "a", 5), (.events(0), "b", 90), (.events(0), "c", 12), (.events(0), "d", 70),
            (.events(1), "e", 80), (.events(1), "f", 1), (.events(1), "g", 60), (.events(1), "h", 3),
        ]
        try withStore(directory.path) { store in
            var checkpoint = StateStore.Checkpoint()
            for (partition, id, stamp) in stamps {
                checkpoint.users[partition, default: []].append(
                    StateStore.UserRecord(id: id, state: Array("state of \(id)".utf8), lastActive: stamp))
            }
            try store.checkpoint(checkpoint)
        }
        let store = try openStore(directory.path)
        var restored: [(StateStore.Partition, StateStore.UserRecord)] = []
        try store.forEachMostRecentUser(in: [.events(0), .events(1), .events(7)], limit: 4) {
            restored.append(($0, $1))
        }
        #expect(restored.map { "\($0.0.partition)/\($0.1.id)" } == ["0/b", "0/d", "1/e", "1/g"])
        #expect(restored.map(\.1.lastActive) == [90, 70, 80, 60])
        #expect(restored.allSatisfy { $0.1.state == Array("state of \($0.1.id)".utf8) })
        // A stamp survives a rewrite of the user and is replaced by the new one.
        try store.checkpoint(
            StateStore.Checkpoint(users: [.events(1): [StateStore.UserRecord(id: "f", state: [1], lastActive: 99)]]))
        restored = []
        try store.forEachMostRecentUser(in: [.events(0), .events(1)], limit: 1) { restored.append(($0, $1)) }
        #expect(restored.map(\.1.id) == ["f"])
        #expect(try store.users(partition: .events(0)).map(\.lastActive) == [5, 90, 12, 70])
        #expect(
            try store.userCounts(in: [.events(0), .events(1), .events(7)]) == [
                .events(0): 4, .events(1): 4, .events(7): 0,
            ])
    }

    /// A store written before activity stamps (schema version 1) opens, reads and restores (its users all equally
    /// old: partition and id order) without a single byte of it changing; its first checkpoint migrates it.
    @Test func versionOneStoreIsReadUnchangedAndMigratedByItsFirstCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending(StateStore.fileName)
        try withStore(directory.path) { store in
            try store.checkpoint(
                StateStore.Checkpoint(
                    users: [.events(0): markedUsers(tag: "v1", count: 5, size: 64, seed: 3)],
                    nextOffsets: [.events(0): 42]))
            // What a version 1 build wrote: no last_active column.
            try store.withDatabaseForTesting { db in
                try db.execute(sql: "ALTER TABLE user_state DROP COLUMN last_active; PRAGMA user_version = 1")
            }
        }
        let before = try fileHashes(path)
        try withStore(directory.path) { store throws in
            #expect(try store.offsets() == [.events(0): 42])
            #expect(try store.users(partition: .events(0)).map(\.id) == (0..<5).map { "user-\($0)" })
            var restored: [String] = []
            try store.forEachMostRecentUser(in: [.events(0)], limit: 2) { restored.append($1.id) }
            #expect(restored == ["user-0", "user-1"])
        }
        #expect(try fileHashes(path) == before, "opening and reading a version 1 store does not write to it")

        try withStore(directory.path) { store in
            let user = StateStore.UserRecord(id: "user-4", state: [7], lastActive: 3)
            try store.checkpoint(StateStore.Checkpoint(users: [.events(0): [user]]))
            var restored: [String] = []
            try store.forEachMostRecentUser(in: [.events(0)], limit: 1) { restored.append($1.id) }
            #expect(restored == ["user-4"])
        }
        let version = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == Schema.version)
    }

    /// A store refused after it was opened — it fails verification, or its caller leaves it as found — is closed
    /// without folding its write-ahead log: the database file and the log keep every byte. A store that was used
    /// still folds the log at close.
    @Test func refusedStoreIsClosedWithItsFilesAsFound() throws {
        let directory = try TemporaryDirectory()
        let live = directory.appending("live")
        let store = try openStore(live)
        try store.checkpoint(
            StateStore.Checkpoint(
                users: [.events(0): markedUsers(tag: "wal", count: 20, size: 256, seed: 4)],
                nextOffsets: [.events(0): 7]))
        // Copies of the files with the checkpoint in the write-ahead log (the live store keeps it open).
        func copy(to name: String) throws -> String {
            let target = directory.appending(name)
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for suffix in ["", "-wal"] {
                try FileManager.default.copyItem(
                    atPath: (live as NSString).appendingPathComponent(StateStore.fileName + suffix),
                    toPath: (target as NSString).appendingPathComponent(StateStore.fileName + suffix))
            }
            return (target as NSString).appendingPathComponent(StateStore.fileName)
        }
        let refused = try copy(to: "refused")
        let used = try copy(to: "used")
        // A user's checksum damaged by a committed write: copies taken now fail verification.
        try store.withDatabaseForTesting { db in
            try db.execute(sql: "UPDATE user_state SET checksum = checksum + 1 WHERE user_id = 'user-3'")
        }
        let damaged = try copy(to: "damaged")

        let refusedBefore = try fileHashes(refused)
        #expect(refusedBefore.wal != nil, "the copy has a write-ahead log")
        do {
            let opened = try openStore((refused as NSString).deletingLastPathComponent)
            #expect(try opened.offsets() == [.events(0): 7])
            opened.leaveFilesAsFound()
        }
        #expect(try fileHashes(refused) == refusedBefore)

        let damagedBefore = try fileHashes(damaged)
        expectStateStoreError(.corrupt) { _ = try openStore((damaged as NSString).deletingLastPathComponent) }
        #expect(try fileHashes(damaged) == damagedBefore)

        let usedBefore = try fileHashes(used)
        try withStore((used as NSString).deletingLastPathComponent) { store throws in
            #expect(try store.offsets() == [.events(0): 7])
        }
        let usedAfter = try fileHashes(used)
        #expect(usedAfter.wal == nil, "a used store folds its write-ahead log at close")
        #expect(usedAfter.database != usedBefore.database)
    }

    /// XXH64 of the database file and of its write-ahead log (`nil`: no log).
    private func fileHashes(_ path: String) throws -> FileHashes {
        func hash(_ file: String) -> UInt64? {
            FileManager.default.contents(atPath: file).map { data in data.withUnsafeBytes { Checksum.xxh64($0) } }
        }
        return FileHashes(database: hash(path), wal: hash(path + "-wal"))
    }

    private struct FileHashes: Equatable {
        var database: UInt64?
        var wal: UInt64?
    }
}
