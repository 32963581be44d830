import Clickstream
import Foundation
import Testing

/// `warmstart inspect`, `status` and `top` as real processes against a real `warmstartd` and broker.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AdminCommandsTests {
    // MARK: - status

    @Test func statusSummarizesARunningDaemon() async throws {
        let fed = try await FedDaemon.start(group: "admin-status")
        let result = try await ChildProcess.warmstart(["status", "--http", fed.address, "--window", "1"])
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        let text = result.stdout
        #expect(text.contains("warmstartd at \(fed.address)"))
        #expect(text.contains("health     ok"))
        #expect(text.contains("readiness  ready"))
        #expect(text.contains("state      durable;"))
        #expect(text.contains("dead letters: 1 (malformed_json 1)"), "\(text)")
        // One row per partition, and the total of everything processed (the malformed message included).
        let rows = text.split(separator: "\n").map { $0.split(separator: " ") }
        for partition in 0..<TestCluster.eventPartitions {
            #expect(rows.contains { $0.first == "\(partition)" && $0.count == 5 }, "partition \(partition): \(text)")
        }
        let total = try #require(rows.first { $0.first == "total" }, "\(text)")
        #expect(total[2] == grouped(fed.events.count + 1), "processed: \(text)")
        #expect(total[3] == "0", "lag: \(text)")
        for bucket in ["1-5", "6-20", "21+", "all"] {
            #expect(rows.contains { $0.first.map(String.init) == bucket && $0.count >= 6 }, "quality \(bucket)")
        }
        _ = try await fed.daemon.stop()

        let gone = try await ChildProcess.warmstart(["status", "--http", fed.address, "--window", "0"])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("cannot connect to warmstartd at \(fed.address)"), "\(gone.stderr)")
        let topGone = try await ChildProcess.warmstart(["top", "--http", fed.address, "--once", "--interval", "0.1"])
        #expect(topGone.status == 1, "a bounded top whose last reading failed says so")
        #expect(topGone.stdout.contains("cannot connect to warmstartd"), "\(topGone.stdout)")
    }

    /// A daemon that cannot reach Kafka answers, but is not ready: `status` says why and exits 2.
    @Test func statusExitsTwoWhenTheDaemonIsNotReady() async throws {
        let daemon = try DaemonProcess(bootstrap: "127.0.0.1:1", groupID: "admin-unready")
        let port = try await daemon.httpPort()
        let result = try await ChildProcess.warmstart(["status", "--http", "127.0.0.1:\(port)", "--window", "0"])
        #expect(result.status == 2, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("NOT READY"), "\(result.stdout)")
        #expect(result.stdout.contains("! not ready: missing joined_group"), "\(result.stdout)")
        _ = try await daemon.stop()
    }

    // MARK: - top

    @Test func topPrintsFramesWithoutATerminalAndRedrawsOnOne() async throws {
        let fed = try await FedDaemon.start(group: "admin-top")
        let result = try await ChildProcess.warmstart([
            "top", "--http", fed.address, "--iterations", "2", "--interval", "0.5",
        ])
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        let frames = result.stdout.components(separatedBy: "warmstartd \(fed.address) - healthy, ready, durable")
        #expect(frames.count == 3, "two frames: \(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}["), "no escape codes when stdout is not a terminal")
        for frame in frames.dropFirst() {
            #expect(frame.contains("events/s"))
            #expect(frame.contains("live HR@10"))
            #expect(frame.contains(grouped(fed.events.count + 1)), "processed total in \(frame)")
        }

        // On a terminal (script(1) gives it a pseudo-terminal) each frame clears the screen and starts at the top.
        let script = try ChildProcess.findExecutable("script")
        let command = [
            try Executables.url("warmstart").path, "top", "--http", fed.address, "--once", "--interval", "0.3",
        ]
        let onTerminal = try await ChildProcess.run(script, ["-qec", command.joined(separator: " "), "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.stderr)\n\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("\u{1B}[H\u{1B}[2Jwarmstartd \(fed.address)"), "\(onTerminal.stdout)")
        _ = try await fed.daemon.stop()
    }

    // MARK: - inspect

    @Test func inspectShowsAUserOnARunningAndOnAStoppedDaemonWithoutWriting() async throws {
        let fed = try await FedDaemon.start(group: "admin-inspect")
        var history: [String: [String]] = [:]
        for event in fed.events { history[event.user, default: []].append(event.item) }
        let (user, items) = try #require(history.max { $0.value.count < $1.value.count })
        let state = fed.stateDirectory.path

        // Running: the store shows the last checkpoint (every 2 s in these tests), so wait for it to hold every event.
        var running = ChildProcess.Result(status: -1, stdout: "", stderr: "")
        try await poll("inspect sees all \(items.count) events of \(user)", timeout: .seconds(60), every: .seconds(1)) {
            running = try await ChildProcess.warmstart(["inspect", "--state", state, "--user", user])
            return running.status == 0 && running.stdout.contains("events    \(items.count) learned")
        }
        try Self.check(running.stdout, user: user, items: items)
        #expect(try await fed.daemon.get("/healthz").status == 200, "the daemon is undisturbed")

        let stop = try await fed.daemon.stop()
        #expect(stop.status == 0)
        let file = fed.stateDirectory.appendingPathComponent("state.sqlite")
        let before = try Data(contentsOf: file)
        let stopped = try await ChildProcess.warmstart(["inspect", "--state", state, "--user", user, "--top", "5"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        try Self.check(stopped.stdout, user: user, items: items, top: 5)
        #expect(try Data(contentsOf: file) == before, "inspect never writes the store")

        let unknown = try await ChildProcess.warmstart(["inspect", "--state", state, "--user", "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("user nobody is not in"), "\(unknown.stderr)")
        let missing = try await ChildProcess.warmstart(["inspect", "--state", state + "-missing", "--user", user])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the state in"), "\(missing.stderr)")
    }

    /// The user's count, recent items (newest first, a suffix of their history), weights and a top-K without the
    /// items they have seen.
    static func check(_ text: String, user: String, items: [String], top: Int = 10) throws {
        #expect(text.hasPrefix("user \(user)\n"), "\(text)")
        #expect(text.contains("events    \(items.count) learned, \(Set(items).count) distinct items"), "\(text)")
        #expect(text.contains("partition warmstart.events["), "\(text)")
        let lines = text.components(separatedBy: "\n")
        let recentHeader = try #require(lines.firstIndex { $0.hasPrefix("recent items (newest first") })
        let recent = lines[recentHeader + 1].split(separator: " ").map(String.init)
        #expect(!recent.isEmpty && recent.count <= items.count)
        #expect(recent == Array(items.reversed().prefix(recent.count)), "recent \(recent) vs history \(items)")
        #expect(text.contains("adapted weights\n  "), "\(text)")
        #expect(text.contains("blend offsets: popularity "), "\(text)")
        let topHeader = try #require(lines.firstIndex { $0 == "top \(top)" }, "\(text)")
        let ranked = lines[(topHeader + 2)...].filter { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
        #expect(ranked.count == top)
        #expect(ranked.map { $0[0] } == (1...top).map(String.init))
        #expect(Set(ranked.map { $0[1] }).isDisjoint(with: items), "seen items are left out")
    }
}

/// `2001` → `2,001`, as the commands print counts.
func grouped(_ value: Int) -> String {
    var digits = String(value)
    var groups: [String] = []
    while digits.count > 3 {
        groups.insert(String(digits.suffix(3)), at: 0)
        digits.removeLast(3)
    }
    return ([digits] + groups).joined(separator: ",")
}
