import Clickstream
import Foundation
import Kafka
import Testing

/// Learned state lost while the daemon was down, detected at start by the real `warmstartd` against the in-process
/// development broker: the store's checkpoints are compared with the group's committed offsets, and a store
/// behind them (an older copy of the state directory, or a deleted write-ahead log) is refused, naming the
/// partitions and both offsets, and left byte for byte as it was, until the operator accepts the loss. A partition
/// with no checkpoint at all (a new state directory) is no loss. And a restart under the memory cap restores the
/// most recently active users.
@Suite(.serialized)
struct WarmstartdStateLossTests {
    static let settings = WarmstartdStoreFaultTests.settings
    static let before = WarmstartdStoreFaultTests.before

    // MARK: - An older copy of the store

    /// Two runs, the state file copied between them (a backup); put back, it is refused every time, with the store's
    /// files unchanged and the group's offsets untouched; `--accept-state-loss` then resumes from the copy's
    /// checkpoints and learns the second run's events again, each once.
    @Test(.timeLimit(.minutes(5)))
    func olderCopyOfTheStoreIsRefusedUntilTheLossIsAccepted() async throws {
        let cluster = try TestCluster()
        let group = "state-loss-copy"
        let work = try Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state").path
        let file = (state as NSString).appendingPathComponent("state.sqlite")
        let events = WarmstartdStoreFaultTests.stream(seed: 71)

        let early = try await Self.runAndStop(events[..<Self.before], state: state, cluster: cluster, group: group)
        // A clean stop folds the write-ahead log into the file: the file alone is a complete backup.
        #expect((FileManager.default.contents(atPath: file + "-wal")?.count ?? 0) == 0, "no log after a clean stop")
        let older = try Data(contentsOf: URL(fileURLWithPath: file))
        let late = try await Self.runAndStop(events[Self.before...], state: state, cluster: cluster, group: group)
        // The backup put back.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        try older.write(to: URL(fileURLWithPath: file))

        let found = Self.contents(file)
        for attempt in 1...2 {
            let log = try await Self.expectRefused(
                state: state, cluster: cluster, group: group, what: "start \(attempt)")
            for partition in late.keys.sorted() where early[partition]! < late[partition]! {
                let clause =
                    "partition \(partition): checkpoint at offset \(early[partition]!), "
                    + "committed \(late[partition]!)"
                #expect(log.contains(clause), "the log names \(clause)\n\(log)")
            }
            #expect(Self.contents(file) == found, "start \(attempt): the refused store's files are unchanged")
        }
        #expect(try await cluster.committedOffsets(groupID: group) == late, "the group's offsets are untouched")

        let accepted = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(state)"],
            arguments: ["--accept-state-loss"])
        try await accepted.waitUntilReady()
        try await Self.waitForAssignmentLog(accepted)
        #expect(accepted.log.contains("state.accept_loss: resuming from checkpoints behind"), "\(accepted.log)")
        #expect(Self.resumedFrom(accepted.log) == early, "resumed from the copy's checkpoints")
        try await Self.expectCaughtUp(accepted, to: late, cluster, group)
        let stop = try await accepted.stop()
        #expect(stop.status == 0, "\(accepted.log.suffix(2_000))")
    }

    // MARK: - A deleted write-ahead log

    /// The daemon is killed with its latest checkpoints in the write-ahead log, which is then deleted: SQLite falls
    /// back to the database file of the previous clean stop. The start is refused with both files as they were
    /// (no log appears); `state.accept_loss: true` starts. Then a new, empty state directory for the same group
    /// is no loss: it starts from the committed offsets and says so.
    @Test(.timeLimit(.minutes(5)))
    func deletedWriteAheadLogIsRefusedUntilTheLossIsAccepted() async throws {
        let cluster = try TestCluster()
        let group = "state-loss-wal"
        let work = try Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state").path
        let file = (state as NSString).appendingPathComponent("state.sqlite")
        let events = WarmstartdStoreFaultTests.stream(seed: 72)

        _ = try await Self.runAndStop(events[..<Self.before], state: state, cluster: cluster, group: group)
        let killed = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: Self.settings + ["state.directory=\(state)"])
        try await killed.waitUntilReady()
        let late = try await WarmstartdStoreFaultTests.streamUntilCommitted(
            events[Self.before...], daemon: killed, cluster: cluster, group: group)
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: file + "-wal"), "the kill left the write-ahead log")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }

        let found = Self.contents(file)
        let log = try await Self.expectRefused(state: state, cluster: cluster, group: group, what: "no log")
        #expect(
            late.contains { log.contains("committed \($0.value)") }, "the log names the committed offsets\n\(log)")
        #expect(Self.contents(file) == found, "the refused store's files are unchanged")
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"), "no write-ahead log was left behind")

        let accepted = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: Self.settings + ["state.directory=\(state)", "state.accept_loss=true"])
        try await accepted.waitUntilReady()
        try await Self.waitForAssignmentLog(accepted)
        #expect(Self.resumedFrom(accepted.log).values.reduce(0, +) < Int64(events.count), "resumed behind")
        try await Self.expectCaughtUp(accepted, to: late, cluster, group)
        #expect(try await accepted.stop().status == 0)

        // A partition with no checkpoint here at all: moved, or a new directory. Not a loss.
        let fresh = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: Self.settings + ["state.directory=\(work.appendingPathComponent("fresh").path)"])
        try await fresh.waitUntilReady()
        try await Self.waitForAssignmentLog(fresh)
        #expect(fresh.log.contains("partition has no checkpoint in this state directory"), "\(fresh.log)")
        #expect(Self.resumedFrom(fresh.log) == late, "started from the committed offsets")
        #expect(try await fresh.stop().status == 0)
    }

    // MARK: - Restore by recency

    /// A run without a cap learns 300 users, then the 30 users that sort last by id are active again. Restarted
    /// with `state.max_users_in_memory` 30, the daemon holds exactly those 30 (restored by recency; in id order
    /// they would have been the first 30): an event of each needs no reload, while an event of the user that
    /// sorts first does.
    @Test(.timeLimit(.minutes(4)))
    func restartUnderACapRestoresTheMostRecentlyActiveUsers() async throws {
        let cluster = try TestCluster()
        let group = "restore-recency"
        let work = try Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state").path
        let events = WarmstartdStoreFaultTests.stream(seed: 73)
        let users = Set(events.map(\.user)).sorted()
        let recent = Array(users.suffix(30))
        var last: [String: InteractionEvent] = [:]
        for event in events { last[event.user] = event }
        let end = events.map(\.timestamp).max()!
        func again(_ user: String, _ step: Int64) -> InteractionEvent {
            var event = last[user]!
            event.timestamp = end + step
            return event
        }

        let first = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: Self.settings + ["state.directory=\(state)", "state.max_users_in_memory=0"])
        try await first.waitUntilReady()
        _ = try await WarmstartdStoreFaultTests.streamUntilCommitted(
            events[...], daemon: first, cluster: cluster, group: group)
        _ = try await WarmstartdStoreFaultTests.streamUntilCommitted(
            recent.enumerated().map { again($1, Int64($0) + 1) }[...], daemon: first, cluster: cluster, group: group)
        #expect(try await first.stop().status == 0)

        let capped = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group,
            settings: Self.settings + ["state.directory=\(state)", "state.max_users_in_memory=30"])
        try await capped.waitUntilReady()
        #expect(try await capped.metrics().sum("warmstart_users_in_memory") == 30)
        try await cluster.produce(
            recent.enumerated().map { WarmstartdEndToEndTests.message(again($1, 100 + Int64($0))) })
        try await poll("the recent users' events learned", timeout: .seconds(60), every: .milliseconds(200)) {
            try await capped.metrics().sum("warmstart_events_processed_total") == Double(recent.count)
        }
        #expect(
            try await capped.metrics().sum("warmstart_users_reloaded_total") == 0,
            "the 30 most recently active users were in memory")
        try await cluster.produce([WarmstartdEndToEndTests.message(again(users[0], 200))])
        try await poll("the oldest user's event learned", timeout: .seconds(60), every: .milliseconds(200)) {
            try await capped.metrics().sum("warmstart_events_processed_total") == Double(recent.count + 1)
        }
        #expect(
            try await capped.metrics().sum("warmstart_users_reloaded_total") == 1,
            "\(users[0]), first by id, was left in the store")
        #expect(try await capped.stop().status == 0)
    }

    // MARK: - Support

    private static func workDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-loss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a daemon on `state` until `events` are committed, stops it, and returns the committed offsets.
    private static func runAndStop(
        _ events: ArraySlice<InteractionEvent>, state: String, cluster: TestCluster, group: String
    ) async throws -> [Int32: Int64] {
        let daemon = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: settings + ["state.directory=\(state)"])
        try await daemon.waitUntilReady()
        let committed = try await WarmstartdStoreFaultTests.streamUntilCommitted(
            events, daemon: daemon, cluster: cluster, group: group)
        let stop = try await daemon.stop()
        #expect(stop.status == 0, "\(daemon.log.suffix(2_000))")
        return committed
    }

    /// Starts a daemon on `state` and expects it to refuse the store: exit status 65 (EX_DATAERR, which the unit
    /// file keeps systemd from restarting into), never consuming, and a log
    /// that says state was lost, names the file and says how to rebuild or accept. Returns the log.
    private static func expectRefused(
        state: String, cluster: TestCluster, group: String, what: String
    ) async throws -> String {
        let refused = try DaemonProcess(
            bootstrap: cluster.bootstrap, groupID: group, settings: settings + ["state.directory=\(state)"])
        try await poll("warmstartd exits (\(what))", timeout: .seconds(90)) { !refused.process.isRunning }
        let log = refused.log
        #expect(refused.process.terminationStatus == 65, "\(what): exit status\n\(log.suffix(2_000))")
        #expect(log.contains("learned state was lost: the state store \(state)/state.sqlite is behind"), "\(log)")
        #expect(log.contains("--accept-state-loss") && log.contains("state.accept_loss: true"), "\(what): \(log)")
        #expect(log.contains("move the state directory \(state) aside"), "\(what): how to rebuild\n\(log)")
        #expect(!log.contains("resume_from="), "\(what): never consumed\n\(log)")
        return log
    }

    /// Polls until `daemon` has learned every event from where it resumed to `offsets` and committed them; expects
    /// each learned once.
    private static func expectCaughtUp(
        _ daemon: DaemonProcess, to offsets: [Int32: Int64], _ cluster: TestCluster, _ group: String
    ) async throws {
        let expected = Double(offsets.values.reduce(0, +) - resumedFrom(daemon.log).values.reduce(0, +))
        try await poll("caught up and committed", timeout: .seconds(60), every: .milliseconds(200)) {
            guard try await daemon.metrics().sum("warmstart_events_processed_total") >= expected else { return false }
            return try await cluster.committedOffsets(groupID: group) == offsets
        }
        #expect(try await daemon.metrics().sum("warmstart_events_processed_total") == expected, "each event once")
    }

    /// Where each partition resumed, from the daemon's "partitions assigned" lines (the latest per partition: the
    /// group may assign them in more than one rebalance).
    /// Readiness can come before the assignment's log line reaches the captured output: waits until every event
    /// partition's resume offset is in the log.
    static func waitForAssignmentLog(_ daemon: DaemonProcess) async throws {
        try await poll("the assignment's resume offsets in the log", timeout: .seconds(30), every: .milliseconds(100)) {
            resumedFrom(daemon.log).count == Int(TestCluster.eventPartitions)
        }
    }

    static func resumedFrom(_ log: String) -> [Int32: Int64] {
        var resumed: [Int32: Int64] = [:]
        for line in log.split(separator: "\n") where line.contains("msg=\"partitions assigned\" partitions=") {
            guard let range = line.range(of: "resume_from=") else { continue }
            for pair in line[range.upperBound...].split(separator: "(key: ").dropFirst() {
                let fields = pair.split(separator: ", value: ")
                guard fields.count == 2, let partition = Int32(fields[0]),
                    let offset = Int64(fields[1].prefix { $0.isNumber })
                else { continue }
                resumed[partition] = offset
            }
        }
        return resumed
    }

    /// The bytes of the store file and of its write-ahead log (`nil`: none).
    private static func contents(_ file: String) -> [Data?] {
        [file, file + "-wal"].map { FileManager.default.contents(atPath: $0) }
    }
}
