import Foundation
import GRDB
import Testing
import WarmstartTestSupport

@testable import StateStore

/// A store with two partitions of marked users, a model, meta blobs and offsets, closed on return.
private struct Fixture {
    let users = markedUsers(tag: "fixture", count: 400, size: 700, seed: 20)
    let model: [UInt8]
    let meta: [String: [UInt8]] = ["theta": Array(repeating: 7, count: 100)]
    let offsets: [StateStore.Partition: Int64] = [.events(0): 500, .events(1): 77]

    init() {
        var random = TestBytes(seed: 21)
        model = random.bytes(600_000)
    }

    var checkpoint: StateStore.Checkpoint {
        .init(users: [.events(0): users], model: model, meta: meta, nextOffsets: offsets)
    }

    func write(to directory: String) throws {
        _ = try withStore(directory) { try $0.checkpoint(checkpoint) }
        // Closing folded the write-ahead log into the database file.
        #expect(!FileManager.default.fileExists(atPath: directory + "/state.sqlite-wal"))
    }

    /// Expects `store` to hold exactly this fixture.
    func expectContents(of store: StateStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try store.offsets() == offsets, sourceLocation: sourceLocation)
        #expect(
            try store.users(partition: .events(0)) == users.sorted { $0.id < $1.id },
            sourceLocation: sourceLocation
        )
        #expect(try store.users(partition: .events(1)).isEmpty, sourceLocation: sourceLocation)
        #expect(try store.loadShared() == .init(model: model, meta: meta), sourceLocation: sourceLocation)
    }
}

private func rewrite(_ path: String, _ body: (inout Data) -> Void) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    body(&data)
    try data.write(to: URL(fileURLWithPath: path))
}

private func bigCheckpoint(seed: UInt64) -> StateStore.Checkpoint {
    var random = TestBytes(seed: seed)
    return .init(
        users: [.events(0): markedUsers(tag: "big\(seed)", count: 3000, size: 700, seed: seed)],
        model: random.bytes(600_000),
        meta: ["theta": [1, 2, 3]],
        nextOffsets: [.events(0): 9000, .events(1): 9001]
    )
}

@Suite struct StateStoreAtomicityTests {
    @Test func failedCheckpointLeavesPreviousIntactAndRetrySucceeds() throws {
        let directory = try TemporaryDirectory()
        let fixture = Fixture()
        try fixture.write(to: directory.path)
        let store = try openStore(directory.path)
        // Simulate a full disk: allow the file only a few more pages than it has.
        try store.withDatabaseForTesting { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 20)")
        }
        let big = bigCheckpoint(seed: 22)
        let error = expectStateStoreError(.full) { try store.checkpoint(big) }
        #expect(error?.message.contains(store.path) == true)
        #expect(error?.sqliteCode == 13)
        try fixture.expectContents(of: store)

        // The same store retries once there is room.
        try store.withDatabaseForTesting { try $0.execute(sql: "PRAGMA max_page_count = 1000000") }
        let stats = try store.checkpoint(big)
        #expect(stats.usersWritten == 3000)
        #expect(try store.offsets() == big.nextOffsets)
        #expect(try store.loadShared().model == big.model)
        // The big checkpoint's user-0...user-2999 replace the fixture's user-0...user-399.
        #expect(try store.userCount(partition: .events(0)) == 3000)
        #expect(try store.user(partition: .events(0), id: "user-5") == big.users[.events(0)]![5].state)
    }

    @Test func maximumSizeConfigurationFailsWithFullAndKeepsPrevious() throws {
        let directory = try TemporaryDirectory()
        let fixture = Fixture()
        try fixture.write(to: directory.path)
        let size = try FileManager.default.attributesOfItem(atPath: directory.appending("state.sqlite"))[.size] as! Int
        var configuration = StateStore.Configuration()
        configuration.maximumSize = size + 64 * 1024
        try withStore(directory.path, configuration: configuration) { store throws in
            expectStateStoreError(.full) { try store.checkpoint(bigCheckpoint(seed: 23)) }
            try fixture.expectContents(of: store)
        }
        try withStore(directory.path) { try fixture.expectContents(of: $0) }
    }
}

@Suite struct StateStoreCorruptionTests {
    @Test func truncatedFileIsRefused() throws {
        for keptFraction in [0.5, 0.9] {
            let directory = try TemporaryDirectory()
            try Fixture().write(to: directory.path)
            let path = directory.appending("state.sqlite")
            try rewrite(path) { $0 = $0.prefix(Int(Double($0.count) * keptFraction)) }
            let error = expectStateStoreError(.corrupt) { _ = try openStore(directory.path) }
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("move the state directory") == true)
        }
    }

    @Test func emptyOrHeaderOnlyFileIsRefused() throws {
        for length in [0, 60, 4096] {
            let directory = try TemporaryDirectory()
            try Fixture().write(to: directory.path)
            try rewrite(directory.appending("state.sqlite")) { $0 = $0.prefix(length) }
            expectStateStoreError(.corrupt) { _ = try openStore(directory.path) }
        }
    }

    @Test func flippedByteInUserBlobIsDetected() throws {
        let directory = try TemporaryDirectory()
        let fixture = Fixture()
        try fixture.write(to: directory.path)
        let path = directory.appending("state.sqlite")
        let hits = occurrences(of: "fixture:user-42:", inFile: path)
        #expect(hits.count == 1)
        try rewrite(path) { $0[hits[0] + 100] ^= 0x01 }

        // Full verification refuses the store at open.
        let error = expectStateStoreError(.corrupt) { _ = try openStore(directory.path) }
        #expect(error?.message.contains("user-42") == true)

        // Verifying only the shared state at open, the damaged user is refused when it is loaded.
        var configuration = StateStore.Configuration()
        configuration.verification = .shared
        try withStore(directory.path, configuration: configuration) { store throws in
            expectStateStoreError(.corrupt) { _ = try store.user(partition: .events(0), id: "user-42") }
            expectStateStoreError(.corrupt) { _ = try store.users(partition: .events(0)) }
            #expect(try store.user(partition: .events(0), id: "user-43") == fixture.users[43].state)
        }
    }

    @Test func flippedByteInModelChunkIsDetected() throws {
        let directory = try TemporaryDirectory()
        let fixture = Fixture()
        try fixture.write(to: directory.path)
        let path = directory.appending("state.sqlite")
        let needle = Data(fixture.model[300_000..<300_032])
        var position: Int?
        try rewrite(path) { data in
            position = data.range(of: needle).map { $0.lowerBound - data.startIndex }
            if let position { data[data.startIndex + position + 8] ^= 0x80 }
        }
        #expect(position != nil)
        for verification in [StateStore.Configuration.Verification.full, .shared] {
            var configuration = StateStore.Configuration()
            configuration.verification = verification
            let error = expectStateStoreError(.corrupt) {
                _ = try openStore(directory.path, configuration)
            }
            #expect(error?.message.contains("model") == true)
        }
    }

    @Test func foreignAndGarbageFilesAreRefused() throws {
        let foreign = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: foreign.appending("state.sqlite"))
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        let error = expectStateStoreError(.corrupt) { _ = try openStore(foreign.path) }
        #expect(error?.message.contains("not a Warmstart state store") == true)

        let garbage = try TemporaryDirectory()
        var random = TestBytes(seed: 30)
        try Data(random.bytes(16_384)).write(to: URL(fileURLWithPath: garbage.appending("state.sqlite")))
        expectStateStoreError(.corrupt) { _ = try openStore(garbage.path) }
    }

    @Test func orphanedWriteAheadLogIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.appending("state.sqlite-wal")))
        let error = expectStateStoreError(.corrupt) { _ = try openStore(directory.path) }
        #expect(error?.message.contains("write-ahead log") == true)
    }

    @Test func newerSchemaVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Fixture().write(to: directory.path)
        let queue = try DatabaseQueue(path: directory.appending("state.sqlite"))
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        try queue.close()
        expectStateStoreError(.incompatibleVersion) { _ = try openStore(directory.path) }
    }
}

@Suite struct StateStoreErasureTests {
    @Test func erasedUsersBytesAreGoneFromTheFiles() throws {
        let directory = try TemporaryDirectory()
        let users = markedUsers(tag: "erase", count: 200, size: 700, seed: 40)
        let files = ["state.sqlite", "state.sqlite-wal"].map(directory.appending)
        func found(_ needle: String) -> Bool { files.contains { !occurrences(of: needle, inFile: $0).isEmpty } }

        try withStore(directory.path) { store throws in
            try store.checkpoint(.init(users: [.events(0): users], nextOffsets: [.events(0): 1]))
            // A second version of user-3, so two copies have to disappear.
            var updated = users[3]
            updated.state.replaceSubrange(0..<13, with: Array("erase:user-3+".utf8))
            try store.checkpoint(.init(users: [.events(0): [updated]]))
            #expect(found("erase:user-3:"))
            #expect(found("erase:user-3+"))
            #expect(found("erase:user-4:"))

            try store.checkpoint(.init(removedUsers: [.events(0): ["user-3"]], nextOffsets: [.events(0): 2]))
            #expect(try store.removeUser(partition: .events(0), id: "user-4"))
            // Gone while the store is open (the log was truncated) ...
            #expect(!found("erase:user-3:"))
            #expect(!found("erase:user-3+"))
            #expect(!found("erase:user-4:"))
            #expect(found("erase:user-5:"))
            #expect(try store.user(partition: .events(0), id: "user-3") == nil)
        }
        // ... and after closing.
        #expect(!found("erase:user-3:"))
        #expect(!found("erase:user-3+"))
        #expect(!found("erase:user-4:"))
        #expect(found("erase:user-5:"))
        try withStore(directory.path) { store throws in
            #expect(try store.userCount(partition: .events(0)) == 198)
        }
    }
}

@Suite struct StateStoreAccessTests {
    @Test func readOnlyStoreReadsAndRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        let fixture = Fixture()
        try fixture.write(to: directory.path)
        var configuration = StateStore.Configuration()
        configuration.accessMode = .readOnly
        try withStore(directory.path, configuration: configuration) { store throws in
            try fixture.expectContents(of: store)
            let error = expectStateStoreError(.readOnly) { try store.checkpoint(bigCheckpoint(seed: 50)) }
            #expect(error?.message.contains("read-only") == true)
            expectStateStoreError(.readOnly) { try store.removeUser(partition: .events(0), id: "user-1") }
            try fixture.expectContents(of: store)
        }
        try withStore(directory.path) { try fixture.expectContents(of: $0) }
    }

    @Test func readOnlyOpenOfMissingStoreFails() throws {
        let directory = try TemporaryDirectory()
        var configuration = StateStore.Configuration()
        configuration.accessMode = .readOnly
        expectStateStoreError(.cannotOpen) {
            _ = try openStore(directory.appending("missing"), configuration)
        }
        expectStateStoreError(.cannotOpen) { _ = try openStore(directory.path, configuration) }
        #expect(!FileManager.default.fileExists(atPath: directory.appending("state.sqlite")))
    }

    @Test func unusablePathsFailWithCannotOpen() throws {
        let directory = try TemporaryDirectory()
        let file = directory.appending("a-file")
        try Data([0]).write(to: URL(fileURLWithPath: file))
        expectStateStoreError(.cannotOpen) { _ = try openStore(file) }
        expectStateStoreError(.cannotOpen) { _ = try openStore(file + "/below") }

        let withDirectoryAsFile = directory.appending("store")
        try FileManager.default.createDirectory(
            atPath: withDirectoryAsFile + "/state.sqlite",
            withIntermediateDirectories: true
        )
        let error = expectStateStoreError(.cannotOpen) { _ = try openStore(withDirectoryAsFile) }
        #expect(error?.sqliteCode != nil)
    }

    @Test func sqliteResultCodesMapToStoreCodes() {
        let cases: [(ResultCode, StateStoreError.Code)] = [
            (.SQLITE_FULL, .full),
            (.SQLITE_IOERR_WRITE, .io),
            (.SQLITE_IOERR_FSYNC, .io),
            (.SQLITE_READONLY, .readOnly),
            (.SQLITE_READONLY_DBMOVED, .readOnly),
            (.SQLITE_CANTOPEN, .cannotOpen),
            (.SQLITE_CORRUPT, .corrupt),
            (.SQLITE_NOTADB, .corrupt),
            (.SQLITE_BUSY, .busy),
            (.SQLITE_CONSTRAINT, .sqlite),
        ]
        for (resultCode, expected) in cases {
            let error = StateStore.mapped(
                DatabaseError(resultCode: resultCode, message: "from SQLite"),
                path: "/var/lib/warmstart/state.sqlite",
                directory: "/var/lib/warmstart",
                operation: "writing a checkpoint"
            )
            #expect(error.code == expected, "\(resultCode)")
            #expect(error.sqliteCode == resultCode.rawValue)
            #expect(error.message.contains("/var/lib/warmstart/state.sqlite"))
            #expect(error.message.contains("from SQLite"))
        }
    }
}
