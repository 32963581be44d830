import Foundation
import GRDB
import Testing

@testable import StateStore

/// The checkpoints `state-store-bench --crash-writer` writes (the same formulas as its `CrashWriter`).
private enum CrashWriterCheckpoint {
    static let users = 2000
    static let userBytes = 300
    static let modelBytes = 1 << 20

    static func userState(k: Int, user: Int) -> [UInt8] {
        (0..<userBytes).map { UInt8(truncatingIfNeeded: (k &* 31 &+ user &* 7 &+ $0) ^ ($0 >> 3)) }
    }

    static func model(k: Int) -> [UInt8] {
        (0..<modelBytes).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ k &* 101 &+ ($0 >> 11)) }
    }
}

/// The built `state-store-bench` executable, next to the test bundle.
private func benchExecutable() throws -> URL {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("state-store-bench")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw StateStoreError(
        code: .cannotOpen,
        message: "state-store-bench not found near \(bundleDirectory.path)",
        path: ""
    )
}

/// Collects a child's standard output from a pipe, thread-safely.
private final class OutputCollector: @unchecked Sendable {
    // Guarded by `lock`; written by the pipe's readability handler, read by the test.
    private let lock = NSLock()
    private var text = ""

    func append(_ data: Data) {
        lock.lock()
        text += String(decoding: data, as: UTF8.self)
        lock.unlock()
    }

    /// The highest `committed k` line so far.
    var lastCommitted: Int {
        lock.lock()
        defer { lock.unlock() }
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("committed ") ? Int(line.dropFirst("committed ".count)) : nil
        }.max() ?? 0
    }

    var all: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }
}

@Suite(.serialized) struct StateStoreCrashTests {
    /// A real child process writes checkpoints and is SIGKILLed at random moments (most land inside a
    /// transaction, since that is where it spends its time); after each kill the store holds exactly one whole
    /// checkpoint: the last one reported committed, or the next one if its commit finished before the signal.
    @Test(.timeLimit(.minutes(3))) func killedWriterLeavesLastCommittedCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        let executable = try benchExecutable()
        var generator = SystemRandomNumberGenerator()
        var previous = 0
        for round in 0..<6 {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--crash-writer", directory.path]
            let pipe = Pipe()
            let output = OutputCollector()
            pipe.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
            process.standardOutput = pipe
            try process.run()

            // Wait for a random number of commits, then a random extra delay, then kill.
            let commits = Int.random(in: 1...3, using: &generator)
            let deadline = ContinuousClock.now + .seconds(60)
            while output.lastCommitted < previous + commits, process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(process.isRunning, "writer exited early: \(output.all)")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...40, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil
            output.append(pipe.fileHandleForReading.readDataToEndOfFile())
            #expect(process.terminationReason == .uncaughtSignal)
            let reported = output.lastCommitted
            #expect(reported >= previous + commits, "round \(round)")

            let k = try withStore(directory.path) { store in try Self.expectWholeCheckpoint(store) }
            #expect(k == reported || k == reported + 1, "round \(round): store holds \(k), child reported \(reported)")
            previous = k
        }
    }

    /// Checks that the store holds one complete crash-writer checkpoint and returns its number.
    private static func expectWholeCheckpoint(_ store: StateStore) throws -> Int {
        let offsets = try store.offsets()
        let first = StateStore.Partition.events(0)
        let k = Int(offsets[first] ?? 0) / 1000
        #expect(offsets == [first: Int64(k) * 1000, .events(1): Int64(k) * 1000 + 1])
        let shared = try store.loadShared()
        #expect(shared.meta["k"] == (0..<8).map { UInt8(truncatingIfNeeded: k >> (8 * $0)) })
        #expect(shared.model == CrashWriterCheckpoint.model(k: k))
        var seen = 0
        var mismatches = 0
        try store.forEachUser(in: first) { user in
            guard let index = Int(user.id.dropFirst("user-".count)) else { return }
            if user.state != CrashWriterCheckpoint.userState(k: k, user: index) { mismatches += 1 }
            seen += 1
        }
        #expect(seen == CrashWriterCheckpoint.users)
        #expect(mismatches == 0)
        return k
    }

    /// The files as a crash would leave them in the middle of a large transaction (uncommitted pages already
    /// spilled into the write-ahead log) open as the last committed checkpoint.
    @Test func snapshotTakenMidTransactionOpensAsLastCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let stateDirectory = directory.appending("live")
        let users = markedUsers(tag: "committed", count: 500, size: 700, seed: 60)
        let store = try openStore(stateDirectory)
        try store.checkpoint(.init(users: [.events(0): users], meta: ["k": [1]], nextOffsets: [.events(0): 10]))

        // A second connection writes a large transaction with a tiny page cache, so it spills to the log.
        let crashed = directory.appending("crashed")
        try FileManager.default.createDirectory(atPath: crashed, withIntermediateDirectories: true)
        let writer = try DatabaseQueue(path: store.path)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = 10")
            try db.execute(sql: "BEGIN IMMEDIATE")
            for (index, user) in markedUsers(tag: "uncommitted", count: 3000, size: 700, seed: 61).enumerated() {
                try db.execute(
                    sql: "INSERT INTO user_state (partition_id, user_id, checksum, state) VALUES (1, ?, 0, ?)",
                    arguments: ["x\(index)", Data(user.state)]
                )
            }
            try db.execute(sql: "UPDATE partition_state SET next_offset = 999")
            // "Crash": copy the files as they are on disk now.
            for name in ["state.sqlite", "state.sqlite-wal"] {
                try FileManager.default.copyItem(
                    atPath: (stateDirectory as NSString).appendingPathComponent(name),
                    toPath: (crashed as NSString).appendingPathComponent(name)
                )
            }
            try db.execute(sql: "ROLLBACK")
        }
        try writer.close()
        // The crash left uncommitted user rows in the log.
        #expect(!occurrences(of: "uncommitted:user-", inFile: crashed + "/state.sqlite-wal").isEmpty)

        try withStore(crashed) { recovered throws in
            #expect(try recovered.offsets() == [.events(0): 10])
            #expect(try recovered.users(partition: .events(0)) == users.sorted { $0.id < $1.id })
            #expect(try recovered.loadShared().meta == ["k": [1]])
        }
        #expect(try store.offsets() == [.events(0): 10])
    }
}
