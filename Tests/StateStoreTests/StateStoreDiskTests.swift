import Foundation
import Testing
import WarmstartTestSupport

@testable import StateStore

/// A file system mounted for one test: a small tmpfs that really fills up, or a read-only bind mount that really
/// refuses writes (which `chmod` cannot simulate for root).
private final class TestMount {
    let path: String
    private let directory: TemporaryDirectory

    /// Whether this process may mount file systems (root with `CAP_SYS_ADMIN`); the tests below need it.
    static let isAvailable: Bool = {
        guard getuid() == 0, let probe = try? TestMount(tmpfsSizeKiB: 64) else { return false }
        probe.unmount()
        return true
    }()

    init(tmpfsSizeKiB: Int) throws {
        directory = try TemporaryDirectory()
        path = directory.appending("mnt")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run(["-t", "tmpfs", "-o", "size=\(tmpfsSizeKiB)k", "tmpfs", path])
    }

    init(readOnlyBindOf source: String) throws {
        directory = try TemporaryDirectory()
        path = directory.appending("mnt")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run(["--bind", source, path])
        do {
            try Self.run(["-o", "remount,bind,ro", path])
        } catch {
            unmount()
            throw error
        }
    }

    func remount(_ options: String) throws {
        try Self.run(["-o", "remount,\(options)", path])
    }

    func unmount() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        try? process.run()
        process.waitUntilExit()
    }

    deinit { unmount() }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StateStoreError(code: .cannotOpen, message: "mount \(arguments) failed", path: "")
        }
    }
}

private let smallState = StateStore.Checkpoint(
    users: [.events(0): markedUsers(tag: "small", count: 100, size: 700, seed: 70)],
    meta: ["theta": [1, 2, 3]],
    nextOffsets: [.events(0): 100]
)

private func expectSmallState(_ store: StateStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try store.offsets() == [.events(0): 100], sourceLocation: sourceLocation)
    #expect(try store.userCount(partition: .events(0)) == 100, sourceLocation: sourceLocation)
    #expect(try store.loadShared().meta == ["theta": [1, 2, 3]], sourceLocation: sourceLocation)
}

private func largeState() -> StateStore.Checkpoint {
    var random = TestBytes(seed: 71)
    return .init(
        users: [.events(0): markedUsers(tag: "large", count: 4000, size: 700, seed: 72)],
        model: random.bytes(3 << 20),
        nextOffsets: [.events(0): 5000]
    )
}

@Suite(.serialized, .enabled(if: TestMount.isAvailable, "needs root with permission to mount a tmpfs"))
struct StateStoreDiskTests {
    @Test func fullFileSystemFailsWithFullAndRetrySucceedsAfterGrowing() throws {
        let mount = try TestMount(tmpfsSizeKiB: 1024)
        let directory = mount.path + "/state"
        try withStore(directory) { store throws in
            try store.checkpoint(smallState)
            let large = largeState()
            let error = expectStateStoreError(.full) { try store.checkpoint(large) }
            #expect(error?.message.contains("full") == true)
            try expectSmallState(store)

            try mount.remount("size=64m")
            try store.checkpoint(large)
            #expect(try store.offsets() == [.events(0): 5000])
            #expect(try store.loadShared().model == large.model)
        }
        try withStore(directory) { store throws in
            #expect(try store.offsets() == [.events(0): 5000])
            #expect(try store.userCount(partition: .events(0)) == 4000)
        }
    }

    /// A read-only file system cannot be remounted under an open store (the kernel refuses while files are open
    /// for writing), so this covers a state directory that is read-only when the daemon starts: SQLite cannot
    /// create the WAL index there, and the store says so instead of running without durable state.
    @Test func readOnlyFileSystemIsRefusedAtOpen() throws {
        let source = try TemporaryDirectory()
        try withStore(source.path) { store throws in try store.checkpoint(smallState) }
        let mount = try TestMount(readOnlyBindOf: source.path)
        let error = expectStateStoreError(.cannotOpen) { _ = try openStore(mount.path) }
        #expect(error?.message.contains("writable") == true)
        mount.unmount()
        try withStore(source.path) { store throws in try expectSmallState(store) }
    }
}
