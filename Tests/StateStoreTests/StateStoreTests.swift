import Foundation
import GRDB
import Testing
import WarmstartTestSupport

@testable import StateStore

@Suite struct ChecksumTests {
    /// Reference values from the `xxhash` Python package 4.1.0 (`xxhash.xxh64(data, seed).intdigest()`).
    @Test func matchesReferenceXXH64() {
        let long = Array("0123456789abcdef0123456789abcdef0123456789".utf8)
        let cycle = (0..<3).flatMap { _ in (0...255).map(UInt8.init) }
        let seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let cases: [([UInt8], UInt64, UInt64)] = [
            ([], 0xEF46_DB37_51D8_E999, 0xC434_9FC9_3C01_0000),
            (Array("a".utf8), 0xD24E_C4F1_A98C_6E5B, 0x9A7C_6D2E_A455_68C9),
            (Array("abc".utf8), 0x44BC_2CF5_AD77_0999, 0x2ED0_F59D_6B43_AC8B),
            (long, 0xA761_90C3_ACF0_8A1C, 0x3862_7FEA_513E_A7A4),
            (cycle, 0x8E03_C838_C596_036F, 0x919E_1C78_9D52_2E91),
        ]
        for (bytes, unseeded, seeded) in cases {
            bytes.withUnsafeBytes { buffer in
                #expect(Checksum.xxh64(buffer) == unseeded, "length \(bytes.count)")
                #expect(Checksum.xxh64(buffer, seed: seed) == seeded, "length \(bytes.count), seeded")
            }
        }
    }
}

@Suite struct StateStoreRoundTripTests {
    @Test func emptyStoreIsCreatedAndReopened() throws {
        let directory = try TemporaryDirectory()
        let stateDirectory = directory.appending("state/nested")
        try withStore(stateDirectory) { store throws in
            #expect(try store.offsets().isEmpty)
            #expect(try store.loadShared() == StateStore.SharedState())
            #expect(try store.users(partition: .events(0)).isEmpty)
            #expect(try store.user(partition: .events(0), id: "nobody") == nil)
        }
        #expect(
            FileManager.default.fileExists(atPath: (stateDirectory as NSString).appendingPathComponent("state.sqlite"))
        )
        try withStore(stateDirectory) { store throws in
            #expect(try store.partitions().isEmpty)
        }
    }

    @Test func checkpointRoundTripsThroughReopen() throws {
        let directory = try TemporaryDirectory()
        var random = TestBytes(seed: 1)
        let model = random.bytes(1_000_003)
        let usersA = markedUsers(tag: "a", count: 300, size: 700, seed: 2)
        let usersB = markedUsers(tag: "b", count: 5, size: 0, seed: 3) + [.init(id: "ünïcødé 👤", state: [1, 2, 3])]
        let checkpoint = StateStore.Checkpoint(
            users: [.events(0): usersA, .events(3): usersB],
            model: model,
            meta: ["theta": random.bytes(4096), "empty": []],
            nextOffsets: [.events(0): 1234, .events(3): 0, .events(7): 99]
        )
        let stats = try withStore(directory.path) { try $0.checkpoint(checkpoint) }
        #expect(stats.usersWritten == 306)
        #expect(stats.chunksWritten == 4)
        #expect(stats.chunksSkipped == 0)
        #expect(stats.metaWritten == 2)
        let userBytes = (usersA + usersB).reduce(0) { $0 + $1.state.count }
        #expect(stats.bytesWritten == userBytes + model.count + 4096)

        try withStore(directory.path) { store throws in
            #expect(try store.offsets() == [.events(0): 1234, .events(3): 0, .events(7): 99])
            #expect(try store.users(partition: .events(0)) == usersA.sorted { $0.id < $1.id })
            #expect(try store.users(partition: .events(3)) == usersB.sorted { $0.id < $1.id })
            #expect(try store.users(partition: .events(7)).isEmpty)
            #expect(try store.userCount(partition: .events(0)) == 300)
            #expect(try store.user(partition: .events(0), id: "user-17") == usersA[17].state)
            #expect(try store.user(partition: .events(3), id: "ünïcødé 👤") == [1, 2, 3])
            #expect(try store.user(partition: .events(3), id: "user-17") == nil)
            let shared = try store.loadShared()
            #expect(shared.model == model)
            #expect(shared.meta == checkpoint.meta)
            #expect(try store.partitions() == [.events(0), .events(3), .events(7)])

            // A later checkpoint replaces users and offsets, removes meta, and leaves the rest.
            let replaced = StateStore.UserRecord(id: "user-1", state: [9, 9, 9])
            try store.checkpoint(
                .init(
                    users: [.events(0): [replaced]],
                    removedMeta: ["empty"],
                    nextOffsets: [.events(0): 2000]
                )
            )
            #expect(try store.user(partition: .events(0), id: "user-1") == [9, 9, 9])
            #expect(try store.user(partition: .events(0), id: "user-2") == usersA[2].state)
            #expect(try store.offsets()[.events(0)] == 2000)
            #expect(try store.offsets()[.events(7)] == 99)
            #expect(try store.loadShared().meta.keys.sorted() == ["theta"])
            #expect(try store.loadShared().model == model)
        }
    }

    @Test func removalsApplyBeforeUpsertsAndPartitionsCanBeRemoved() throws {
        let directory = try TemporaryDirectory()
        try withStore(directory.path) { store throws in
            let users = markedUsers(tag: "p", count: 10, size: 64, seed: 4)
            try store.checkpoint(.init(users: [.events(1): users, .events(2): users], nextOffsets: [.events(1): 10]))
            let stats = try store.checkpoint(
                .init(
                    users: [.events(1): [.init(id: "user-0", state: [7])]],
                    removedUsers: [.events(1): ["user-0", "user-1", "not-there"]]
                )
            )
            #expect(stats.usersRemoved == 2)
            #expect(try store.user(partition: .events(1), id: "user-0") == [7])
            #expect(try store.user(partition: .events(1), id: "user-1") == nil)
            #expect(try store.removeUser(partition: .events(1), id: "user-2"))
            #expect(try !store.removeUser(partition: .events(1), id: "user-2"))

            #expect(try store.removePartition(.events(1)) == 8)
            #expect(try store.users(partition: .events(1)).isEmpty)
            #expect(try store.offsets()[.events(1)] == nil)
            #expect(try store.userCount(partition: .events(2)) == 10)
            #expect(try store.removePartition(.events(5)) == 0)
            // Erasing from an unknown partition neither fails nor creates it.
            #expect(try !store.removeUser(partition: .events(6), id: "user-0"))
            #expect(try store.partitions() == [.events(2)])
        }
    }

    @Test func invalidConfigurationIsRejected() throws {
        let directory = try TemporaryDirectory()
        var configuration = StateStore.Configuration()
        configuration.modelChunkSize = 0
        let error = expectStateStoreError(.invalidArgument) { _ = try openStore(directory.path, configuration) }
        #expect(error?.message.contains("modelChunkSize") == true)
        configuration = StateStore.Configuration()
        configuration.maximumSize = -1
        expectStateStoreError(.invalidArgument) { _ = try openStore(directory.path, configuration) }
    }

    @Test func negativeOffsetIsRejected() throws {
        let directory = try TemporaryDirectory()
        try withStore(directory.path) { store throws in
            expectStateStoreError(.invalidArgument) {
                try store.checkpoint(
                    .init(users: [.events(0): [.init(id: "u", state: [1])]], nextOffsets: [.events(0): -1])
                )
            }
            #expect(try store.user(partition: .events(0), id: "u") == nil)
        }
    }
}

@Suite struct IncrementalModelTests {
    static let megabyte = 1 << 20

    @Test func onlyChangedChunksAreWritten() throws {
        let directory = try TemporaryDirectory()
        let chunkSize = 256 * 1024
        var random = TestBytes(seed: 10)
        var model = random.bytes(20 * Self.megabyte)
        let chunkCount = model.count / chunkSize  // 80, exactly
        try withStore(directory.path) { store throws in
            let first = try store.checkpoint(.init(model: model))
            #expect(first.chunksWritten == chunkCount)
            #expect(first.chunksSkipped == 0)
            #expect(first.bytesWritten == model.count)

            let unchanged = try store.checkpoint(.init(model: model))
            #expect(unchanged.chunksWritten == 0)
            #expect(unchanged.chunksSkipped == chunkCount)
            #expect(unchanged.bytesWritten == 0)

            // Change 1% of the bytes: a contiguous run straddling a chunk boundary, and nothing else.
            let changedBytes = model.count / 100
            let start = 37 * chunkSize - 1000
            for index in start..<start + changedBytes { model[index] ^= 0x5A }
            let touched = Set((start..<start + changedBytes).map { $0 / chunkSize })
            #expect(touched == [36, 37])
            let incremental = try store.checkpoint(.init(model: model))
            #expect(incremental.chunksWritten == touched.count)
            #expect(incremental.chunksSkipped == chunkCount - touched.count)
            #expect(incremental.bytesWritten == touched.count * chunkSize)
            #expect(try store.loadShared().model == model)

            // One flipped byte rewrites exactly one chunk.
            model[79 * chunkSize + 5] ^= 1
            let single = try store.checkpoint(.init(model: model))
            #expect(single.chunksWritten == 1)
            #expect(single.chunksSkipped == chunkCount - 1)
        }
        try withStore(directory.path) { store throws in
            #expect(try store.loadShared().model == model)
        }
    }

    @Test func modelCanGrowAndShrink() throws {
        let directory = try TemporaryDirectory()
        var random = TestBytes(seed: 11)
        var configuration = StateStore.Configuration()
        configuration.modelChunkSize = 1000
        let base = random.bytes(10_500)
        try withStore(directory.path, configuration: configuration) { store throws in
            try store.checkpoint(.init(model: base))
            let grown = base + random.bytes(2_000)
            let growth = try store.checkpoint(.init(model: grown))
            // Chunks 0..<10 unchanged; the partial chunk 10 and new chunks 11, 12 written.
            #expect(growth.chunksSkipped == 10)
            #expect(growth.chunksWritten == 3)
            #expect(try store.loadShared().model == grown)

            let shrunk = Array(grown.prefix(2_500))
            let shrink = try store.checkpoint(.init(model: shrunk))
            #expect(shrink.chunksSkipped == 2)
            #expect(shrink.chunksWritten == 1)
            #expect(try store.loadShared().model == shrunk)

            try store.checkpoint(.init(model: []))
            #expect(try store.loadShared().model == [])
            let count = try store.withDatabaseForTesting {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM model_chunk")
            }
            #expect(count == 0)
        }
        // A different chunk size on reopen rewrites the model once and reads back the same bytes.
        configuration.modelChunkSize = 4096
        try withStore(directory.path, configuration: configuration) { store throws in
            #expect(try store.loadShared().model == [])
            let stats = try store.checkpoint(.init(model: base))
            #expect(stats.chunksWritten == 3)
            #expect(try store.loadShared().model == base)
        }
    }
}
