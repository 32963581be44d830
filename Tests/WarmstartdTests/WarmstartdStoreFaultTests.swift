import Clickstream
import Foundation
import Kafka
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Faults of the state store under the real `warmstartd` process, against the in-process development broker: the
/// state directory fills up, or turns read-only, while events stream in; and a damaged store file at start.
///
/// While checkpoints fail, the daemon keeps running and processing, counts the failures, answers `/healthz` 503
/// naming the state store (and drops `/readyz`), sets `warmstart_state_durable` to 0, retries even when no event
/// arrives, and never commits past the last durable checkpoint. The directories are real file systems mounted for
/// the test (root only; skipped otherwise): a small tmpfs that really fills up, and an ext4 image on a loop device
/// that the kernel turns read-only (`errors=remount-ro`), as it does on a disk error.
@Suite(.serialized)
struct WarmstartdStoreFaultTests {
    /// Events before the fault (all checkpointed and committed) and during it.
    static let before = 1_500
    static let during = 1_500
    /// Checkpoints, meta-updates and their retries once a second.
    static let settings = ["state.checkpoint_ms=1000", "metaupdate.every_ms=1000"]

    // MARK: - Disk full

    /// The state directory, a 32 MiB tmpfs, fills up (a filler file takes the rest) once the daemon has committed
    /// the first half of the stream; the second half comes while no checkpoint can be written. Then the filler is
    /// removed: the next retry succeeds and everything recovers without a restart. Meanwhile the systemd watchdog
    /// keeps being fed: a restart would not free space.
    @Test(
        .timeLimit(.minutes(2)),
        .enabled(if: StateMount.tmpfsAvailable, "needs root with permission to mount a tmpfs (CAP_SYS_ADMIN)"))
    func stateDirectoryFillsUpMidStreamThenRecovers() async throws {
        let mount = try StateMount(tmpfsSizeKiB: 32 * 1024)
        defer { mount.unmount() }
        let cluster = try TestCluster()
        let group = "store-full"
        let events = Self.stream(seed: 61)
        let systemd = try NotifySocket()
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(mount.state)"],
            environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "1000000"])
        try await daemon.waitUntilReady()

        let durable = try await Self.streamUntilCommitted(
            events[..<Self.before], daemon: daemon, cluster: cluster, group: group)
        try mount.fill()
        _ = systemd.receiveAvailable()
        try await Self.expectCommitsHeldWhileCheckpointsFail(
            events: events, durable: durable, daemon: daemon, cluster: cluster, group: group, path: mount.state)
        // Pings every half `WATCHDOG_USEC` all through the fault (which lasted over two retry intervals).
        let pings = systemd.receiveAvailable().flatMap { $0 }.filter { $0 == "WATCHDOG=1" }.count
        #expect(pings >= 3, "\(pings) watchdog pings while checkpoints failed")

        // Space again: the next retry succeeds, health comes back, commits reach the end, nothing is processed twice.
        try mount.unfill()
        let freed = ContinuousClock.now
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        try await poll("healthy, committed to the end", timeout: .seconds(20), every: .milliseconds(200)) {
            guard try await daemon.get("/healthz").status == 200, try await daemon.get("/readyz").status == 200,
                try await daemon.metrics().sum("warmstart_state_durable") == 1
            else { return false }
            return try await cluster.committedOffsets(groupID: group) == high
        }
        let metrics = try await daemon.metrics()
        print(
            "[store-fault] disk full: \(metrics.sum("warmstart_checkpoint_failures_total")) checkpoint failures, "
                + "\(pings) watchdog pings during the fault; healthy and committed \(ContinuousClock.now - freed) "
                + "after freeing space")
        #expect(metrics.sum("warmstart_events_processed_total") == Double(events.count), "each event processed once")
        #expect(metrics.sum("warmstart_consumer_lag") == 0)
        let stop = try await daemon.stop()
        #expect(stop.status == 0, "exit status \(stop.status)\n\(daemon.log.suffix(2_000))")
        #expect(try await cluster.committedOffsets(groupID: group) == high)
        // The store that lived through the fault opens and verifies (every checksum).
        #expect(try Self.digest(mount.state).count == 64)
    }

    // MARK: - Read-only file system

    /// The kernel refuses to remount a file system read-only while files on it are open for writing, so a state
    /// directory turns read-only under a running daemon the way it does in production: ext4 hits an error and,
    /// with `errors=remount-ro`, makes itself read-only. That is final until it is unmounted (and checked), so
    /// "writable again" means what an operator does: stop warmstartd, repair and remount, start it again. The
    /// restarted daemon resumes from the last durable checkpoint, which is where the commits were held.
    @Test(
        .timeLimit(.minutes(2)),
        .enabled(
            if: StateMount.ext4LoopAvailable,
            "needs root, loop devices, mkfs.ext4/e2fsck and ext4's trigger_fs_error to turn a file system read-only"))
    func stateDirectoryTurnsReadOnlyMidStreamThenRestartsFromTheDurableCheckpoint() async throws {
        let mount = try StateMount(ext4ImageSizeKiB: 32 * 1024)
        defer { mount.unmount() }
        let cluster = try TestCluster()
        let group = "store-read-only"
        let events = Self.stream(seed: 62)
        let first = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(mount.state)"])
        try await first.waitUntilReady()

        let durable = try await Self.streamUntilCommitted(
            events[..<Self.before], daemon: first, cluster: cluster, group: group)
        try mount.triggerReadOnly()
        try await Self.expectCommitsHeldWhileCheckpointsFail(
            events: events, durable: durable, daemon: first, cluster: cluster, group: group, path: mount.state)
        // SIGTERM with the directory still read-only: the final checkpoint fails too, so nothing more is committed.
        let stop = try await first.stop()
        #expect(stop.status == 0, "exit status \(stop.status)\n\(first.log.suffix(2_000))")
        let committedAfterStop = try await cluster.committedOffsets(groupID: group)
        #expect(
            committedAfterStop == durable,
            "no commit past the durable checkpoint: \(committedAfterStop) vs \(durable)\n\(first.log.suffix(3_000))")

        try mount.repairAndRemount()
        let second = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(mount.state)"])
        try await second.waitUntilReady()
        // It resumed exactly where the last durable checkpoint (and the commits) stood, and learns the rest once.
        #expect(
            WarmstartdCrashRecoveryTests.resumeTotal(second.log) == Self.before,
            "resumed from \(WarmstartdCrashRecoveryTests.resumeTotal(second.log)) events")
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        try await poll("run 2 committed to the end", timeout: .seconds(30), every: .milliseconds(200)) {
            guard try await second.metrics().sum("warmstart_events_processed_total") >= Double(Self.during) else {
                return false
            }
            return try await cluster.committedOffsets(groupID: group) == high
        }
        let metrics = try await second.metrics()
        #expect(metrics.sum("warmstart_events_processed_total") == Double(Self.during), "the rest, each once")
        #expect(metrics.sum("warmstart_checkpoint_failures_total") == 0)
        #expect(try await second.get("/healthz").status == 200)
        let secondStop = try await second.stop()
        #expect(secondStop.status == 0, "exit status \(secondStop.status)\n\(second.log.suffix(2_000))")
        #expect(try Self.digest(mount.state).count == 64)
    }

    // MARK: - Damaged store at start

    /// A store damaged while the daemon was down (garbage over every page's header; or the file cut in half) is
    /// refused at start: the daemon exits non-zero within seconds, names the file and says how to rebuild, does not
    /// join the group, and leaves the file and its write-ahead log byte for byte as it found them.
    @Test(.timeLimit(.minutes(2)))
    func damagedStoreIsRefusedAtStartWithHowToRebuild() async throws {
        let cluster = try TestCluster()
        let group = "store-damaged"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let clean = work.appendingPathComponent("clean").path

        // A clean run leaves a good store. Many users, in four rounds of checkpoints: the write-ahead log passes
        // SQLite's auto-checkpoint size (1,000 pages), so its pages are folded into the file itself, where damage
        // is not masked by newer copies in the log (measured: a 2 MB file beside a 4.4 MB log after 9,000 events).
        let events = Array(SyntheticClickstream(.init(users: 8_000, items: 150, events: 12_000, seed: 63)))
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(clean)"])
        try await daemon.waitUntilReady()
        var high: [Int32: Int64] = [:]
        for round in 0..<4 {
            high = try await Self.streamUntilCommitted(
                events[round * 3_000..<(round + 1) * 3_000], daemon: daemon, cluster: cluster, group: group)
        }
        let stop = try await daemon.stop()
        #expect(stop.status == 0)
        let file = (clean as NSString).appendingPathComponent("state.sqlite")
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        // The write-ahead log, if the stop left one, goes along: damage hits the store as it lies on disk.
        let writeAheadLog = try? Data(contentsOf: URL(fileURLWithPath: file + "-wal"))

        #expect(original.count > 1 << 20, "the checkpoints were folded into the file: \(original.count) bytes")
        let pageSize = Int(original[16]) << 8 | Int(original[17])
        var garbled = original
        for page in stride(from: pageSize, to: garbled.count, by: pageSize) {
            for index in 0..<min(32, garbled.count - page) {
                garbled[page + index] = UInt8((page / pageSize * 131 + index * 7) & 0xFF)
            }
        }
        let damages: [(name: String, bytes: Data)] = [
            ("garbage over every page header", garbled),
            ("truncated to half", original.prefix(original.count / 2 / 512 * 512)),
        ]
        for damage in damages {
            let directory = work.appendingPathComponent(damage.name.replacingOccurrences(of: " ", with: "-")).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = (directory as NSString).appendingPathComponent("state.sqlite")
            try damage.bytes.write(to: URL(fileURLWithPath: path))
            try writeAheadLog?.write(to: URL(fileURLWithPath: path + "-wal"))
            let found = [path, path + "-wal"].map { FileManager.default.contents(atPath: $0) }

            // Refused every time: a failed start neither repairs nor replaces the store.
            for attempt in 1...2 {
                let what = "\(damage.name), start \(attempt)"
                let broken = try DaemonProcess(
                    bootstrap: cluster.bootstrap, groupID: group,
                    settings: Self.settings + ["state.directory=\(directory)"])
                try await poll("warmstartd exits (\(what))", timeout: .seconds(20)) { !broken.process.isRunning }
                let took = ContinuousClock.now - broken.startedAt
                let log = broken.log
                #expect(broken.process.terminationStatus == 1, "\(what): exit status")
                #expect(took < .seconds(10), "\(what): exited after \(took)")
                #expect(log.contains(path), "\(what): the log names the file\n\(log)")
                #expect(log.contains("corrupt"), "\(what): the log says the store is corrupt\n\(log)")
                #expect(
                    log.contains("move the state directory \(directory) aside"),
                    "\(what): the log says how to rebuild\n\(log)")
                #expect(!log.contains("partitions assigned"), "\(what): never consumed\n\(log)")
                #expect(
                    [path, path + "-wal"].map { FileManager.default.contents(atPath: $0) } == found,
                    "\(what): the store's files (database and write-ahead log) keep every byte")
                if attempt == 1 {
                    let line = log.split(separator: "\n").first { $0.contains("level=critical") } ?? ""
                    print(
                        "[store-fault] \(what): exit \(broken.process.terminationStatus) after \(took): "
                            + line.prefix(300))
                }
            }
        }
        #expect(try await cluster.committedOffsets(groupID: group) == high, "the group's offsets are untouched")
    }

    // MARK: - Scenario

    /// 3,000 events by 300 users over the four partitions.
    static func stream(seed: UInt64) -> [InteractionEvent] {
        Array(SyntheticClickstream(.init(users: 300, items: 150, events: before + during, seed: seed)))
    }

    /// Produces `events`, waits until the daemon processed them and committed the end of every partition (so a
    /// checkpoint covering them is durable), and returns those offsets.
    static func streamUntilCommitted(
        _ events: ArraySlice<InteractionEvent>, daemon: DaemonProcess, cluster: TestCluster, group: String
    ) async throws -> [Int32: Int64] {
        try await cluster.produce(events.map(WarmstartdEndToEndTests.message))
        let high = try await cluster.highWatermarks(TestCluster.events, partitions: TestCluster.eventPartitions)
        var committed: [Int32: Int64] = [:]
        do {
            try await poll("the stream so far committed", timeout: .seconds(30), every: .milliseconds(200)) {
                committed = (try? await cluster.committedOffsets(groupID: group)) ?? committed
                return committed == high
            }
        } catch {
            throw TestFailure("\(error): committed \(committed), high \(high)\n\(daemon.log.suffix(2_000))")
        }
        #expect(try await daemon.metrics().sum("warmstart_state_durable") == 1)
        return high
    }

    /// With the fault in place: the rest of the stream is processed (lag zero) but no checkpoint succeeds, the
    /// failures are counted, logged and retried — also once no event arrives any more — `/healthz` and `/readyz`
    /// answer 503 naming the state store, `warmstart_state_durable` is 0, and the committed offsets stay at
    /// `durable`, the last durable checkpoint.
    static func expectCommitsHeldWhileCheckpointsFail(
        events: [InteractionEvent], durable: [Int32: Int64], daemon: DaemonProcess, cluster: TestCluster,
        group: String, path: String
    ) async throws {
        let succeeded = try await daemon.metrics().sum("warmstart_checkpoints_total")
        try await cluster.produce(events[before...].map(WarmstartdEndToEndTests.message))
        var metrics = PrometheusText("")
        try await poll("the rest processed and a checkpoint failed", timeout: .seconds(30), every: .milliseconds(200)) {
            metrics = try await daemon.metrics()
            return metrics.sum("warmstart_events_processed_total") == Double(events.count)
                && metrics.sum("warmstart_consumer_lag") == 0
                && metrics.sum("warmstart_checkpoint_failures_total") >= 1
        }
        // No event arrives from here on: the retries are the time trigger's.
        let failures = metrics.sum("warmstart_checkpoint_failures_total")
        var committedDuringFault: [[Int32: Int64]] = []
        try await poll("two more failed retries without new events", timeout: .seconds(20), every: .milliseconds(250)) {
            committedDuringFault.append(try await cluster.committedOffsets(groupID: group))
            return try await daemon.metrics().sum("warmstart_checkpoint_failures_total") >= failures + 2
        }
        metrics = try await daemon.metrics()
        #expect(metrics.sum("warmstart_checkpoints_total") == succeeded, "no checkpoint succeeded during the fault")
        #expect(metrics.sum("warmstart_state_durable") == 0)
        #expect(
            committedDuringFault.allSatisfy { $0 == durable }, "commits held at \(durable): \(committedDuringFault)")
        let health = try await daemon.get("/healthz")
        #expect(health.status == 503)
        #expect(health.body.contains("state_durable") && health.body.contains(path), "/healthz: \(health.body)")
        let ready = try await daemon.get("/readyz")
        #expect(ready.status == 503 && ready.body.contains("state_ready"), "/readyz: \(ready.body)")
        #expect(
            daemon.log.contains("checkpoint failed: offsets are not committed past the last durable checkpoint"),
            "the failure is logged")
        #expect(daemon.process.isRunning)
    }

    /// `warmstart digest --state DIR`: opens the store read-only and verifies every checksum.
    static func digest(_ directory: String) throws -> String {
        let output = try StateMount.run(Executables.url("warmstart").path, ["digest", "--state", directory])
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

// MARK: - Mounts

/// A file system mounted for one test under a temporary directory; `state` is the daemon's state directory on it.
private final class StateMount {
    let root: URL
    let mountPoint: String
    let state: String
    /// The ext4 image, for a loop-mounted file system.
    private let image: String?
    private var mounted = false

    var filler: String { (mountPoint as NSString).appendingPathComponent("filler") }

    /// Whether this process may mount a tmpfs (root with `CAP_SYS_ADMIN`).
    static let tmpfsAvailable: Bool = {
        guard getuid() == 0, let probe = try? StateMount(tmpfsSizeKiB: 64) else { return false }
        probe.unmount()
        return true
    }()

    /// Whether this process may mount an ext4 image on a loop device, and the kernel can be told to fail it.
    static let ext4LoopAvailable: Bool = {
        guard getuid() == 0, let probe = try? StateMount(ext4ImageSizeKiB: 4 * 1024) else { return false }
        defer { probe.unmount() }
        return (try? probe.errorTrigger()) != nil
    }()

    /// A tmpfs of `tmpfsSizeKiB`.
    init(tmpfsSizeKiB: Int) throws {
        (root, mountPoint, state) = try Self.makeDirectories()
        image = nil
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(tmpfsSizeKiB)k", "tmpfs", mountPoint])
        mounted = true
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    }

    /// An ext4 file system without a journal in an image file on a loop device, mounted `errors=remount-ro`.
    init(ext4ImageSizeKiB: Int) throws {
        (root, mountPoint, state) = try Self.makeDirectories()
        let image = root.appendingPathComponent("state.ext4").path
        self.image = image
        guard FileManager.default.createFile(atPath: image, contents: nil) else { throw TestFailure("create \(image)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
        try handle.truncate(atOffset: UInt64(ext4ImageSizeKiB) * 1024)
        try handle.close()
        try Self.run(Self.tool("mkfs.ext4"), ["-q", "-F", "-O", "^has_journal", image])
        try mount()
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    }

    private static func makeDirectories() throws -> (URL, String, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-mount-\(UUID().uuidString)")
        let mountPoint = root.appendingPathComponent("mnt").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        return (root, mountPoint, (mountPoint as NSString).appendingPathComponent("state"))
    }

    private func mount() throws {
        guard let image else { return }
        try Self.run("/bin/mount", ["-t", "ext4", "-o", "loop,errors=remount-ro", image, mountPoint])
        mounted = true
    }

    deinit { unmount() }

    func unmount() {
        if mounted {
            // Lazily when a test failed with its daemon still running on it (the daemon is killed right after).
            if (try? Self.run("/bin/umount", [mountPoint])) == nil {
                _ = try? Self.run("/bin/umount", ["-l", mountPoint])
            }
            mounted = false
        }
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: Faults

    /// Fills the file system: a filler file takes every free block.
    func fill() throws {
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw TestFailure("open \(filler): errno \(errno)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        while true {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == ENOSPC else { throw TestFailure("filling \(filler): errno \(errno)") }
                return
            }
        }
    }

    /// Removes the filler file.
    func unfill() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    /// The device's `trigger_fs_error` in sysfs: writing to it makes ext4 report an error.
    private func errorTrigger() throws -> String {
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        guard
            let line = mounts.split(separator: "\n").first(where: {
                $0.split(separator: " ").dropFirst().first.map(String.init) == mountPoint
            }),
            let source = line.split(separator: " ").first
        else { throw TestFailure("\(mountPoint) is not in /proc/self/mounts") }
        let trigger = "/sys/fs/ext4/\((String(source) as NSString).lastPathComponent)/trigger_fs_error"
        guard FileManager.default.fileExists(atPath: trigger) else { throw TestFailure("no \(trigger)") }
        return trigger
    }

    /// Makes ext4 hit an error, upon which (`errors=remount-ro`) the kernel turns the file system read-only
    /// under the open files.
    func triggerReadOnly() throws {
        try Data("warmstart store fault test".utf8).write(to: URL(fileURLWithPath: try errorTrigger()))
        let probe = (mountPoint as NSString).appendingPathComponent("probe")
        guard !FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw TestFailure("\(mountPoint) is still writable after the error")
        }
    }

    /// Unmounts, checks the file system (clearing the error) and mounts it writable again.
    func repairAndRemount() throws {
        try Self.run("/bin/umount", [mountPoint])
        mounted = false
        guard let image else { return }
        // e2fsck: 0 no errors, 1 errors corrected.
        try Self.run(Self.tool("e2fsck"), ["-f", "-y", image], acceptedStatuses: [0, 1])
        try mount()
    }

    // MARK: Processes

    private static func tool(_ name: String) -> String {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return name
    }

    /// Runs a command and returns its standard output; throws with its standard error when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], acceptedStatuses: Set<Int32> = [0]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard acceptedStatuses.contains(process.terminationStatus) else {
            throw TestFailure(
                "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: err, as: UTF8.self))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
