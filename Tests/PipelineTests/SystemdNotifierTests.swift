import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Pipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A bound unix datagram socket standing in for systemd's notify socket.
final class NotifySocket: @unchecked Sendable {
    // The descriptor is only read after init and closed in deinit; recv on it is thread-safe.
    let descriptor: Int32
    /// The value for `$NOTIFY_SOCKET`.
    let notifyAddress: String
    private let directory: TemporaryDirectory?

    /// Binds to a file in a temporary directory, or to a random abstract-namespace name.
    init(abstract: Bool) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if abstract {
            let name = "warmstart-test-\(UUID().uuidString)"
            notifyAddress = "@" + name
            bytes = [0] + Array(name.utf8)
            directory = nil
        } else {
            let temporary = try TemporaryDirectory()
            notifyAddress = temporary.url.appendingPathComponent("notify").path
            bytes = Array(notifyAddress.utf8)
            directory = temporary
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard result == 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }

    /// The next datagram, waiting at most `timeout`; `nil` if none came.
    func receive(timeout: Duration = .seconds(5)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let datagram = receiveNow() { return datagram }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Every datagram already queued.
    func drain() -> [String] {
        var datagrams: [String] = []
        while let datagram = receiveNow() { datagrams.append(datagram) }
        return datagrams
    }

    private func receiveNow() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    deinit {
        close(descriptor)
    }
}

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func sendsTheExactDatagrams(abstract: Bool) async throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.notifyAddress])
        #expect(notifier.isEnabled)

        try notifier.notify(.ready)
        #expect(try await socket.receive() == "READY=1")
        try notifier.notify(.status("consuming\n6 partitions"), .watchdog)
        #expect(try await socket.receive() == "STATUS=consuming 6 partitions\nWATCHDOG=1")
        try notifier.notify(.stopping)
        #expect(try await socket.receive() == "STOPPING=1")
        try notifier.notify(.extendTimeout(.milliseconds(2500)))
        #expect(try await socket.receive() == "EXTEND_TIMEOUT_USEC=2500000")
        #expect(socket.drain().isEmpty)
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
        try notifier.notify(.ready, .watchdog)
    }

    @Test func aSocketNobodyListensOnIsAnError() throws {
        let directory = try TemporaryDirectory()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": directory.url.path + "/absent"])
        #expect(throws: PipelineError.self) { try notifier.notify(.ready) }
        let relative = SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"])
        #expect(throws: PipelineError.self) { try relative.notify(.ready) }
    }

    @Test func watchdogInterval() {
        let pid = getpid()
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"]).watchdogInterval == .seconds(30))
        #expect(
            SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(pid)"]).watchdogInterval
                == .seconds(2)
        )
        // The watchdog of another process (a parent that exec'd us without unsetting it) is not ours.
        #expect(
            SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(pid + 1)"]).watchdogInterval
                == nil
        )
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"]).watchdogInterval == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func watchdogPingsOnlyWhileTheLoopTicks() async throws {
        let socket = try NotifySocket(abstract: false)
        // WATCHDOG_USEC=100ms: the watchdog checks every 50 ms.
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.notifyAddress, "WATCHDOG_USEC": "100000"])
        #expect(notifier.watchdogInterval == .milliseconds(100))
        let heartbeat = LoopHeartbeat()
        #expect(heartbeat.timeSinceLastTick() == nil)
        let watchdog = SystemdWatchdog(notifier: notifier, heartbeat: heartbeat, logger: Logger(label: "test"))
        let group = ServiceGroup(
            configuration: .init(services: [watchdog], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        )

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }

            // Not ticked yet: no ping.
            try await Task.sleep(for: .milliseconds(200))
            #expect(socket.drain().isEmpty)

            // Ticking: pings arrive, each exactly WATCHDOG=1.
            let ticking = Task {
                while !Task.isCancelled {
                    heartbeat.tick()
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            // Collect three pings; the deadline is generous because a loaded machine delays the checks.
            var whileTicking: [String] = []
            while whileTicking.count < 3, let datagram = try await socket.receive(timeout: .seconds(10)) {
                whileTicking.append(datagram)
            }
            ticking.cancel()
            _ = await ticking.value
            whileTicking += socket.drain()
            #expect(whileTicking.count >= 3, "\(whileTicking)")
            #expect(whileTicking.allSatisfy { $0 == "WATCHDOG=1" })
            // The loop ticked while the pings came (the same generous bound: the ticking task itself runs late under
            // load).
            #expect(try #require(heartbeat.timeSinceLastTick()) < .seconds(10))

            // Stuck: silence, except for at most one check that was already under way (late under load);
            // a watchdog that ignored the heartbeat would ping about six times in this window.
            try await Task.sleep(for: .milliseconds(120))
            _ = socket.drain()
            try await Task.sleep(for: .milliseconds(300))
            let whileStuck = socket.drain()
            #expect(whileStuck.count <= 1, "\(whileStuck)")
            try await Task.sleep(for: .milliseconds(300))
            #expect(socket.drain().isEmpty)

            // Alive again: pings resume.
            heartbeat.tick()
            #expect(try await socket.receive(timeout: .seconds(2)) == "WATCHDOG=1")

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
