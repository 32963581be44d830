import Foundation

/// The built `warmstartd` and `warmstart` executables, found next to the test bundle.
enum Executables {
    static func url(_ name: String) throws -> URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw TestFailure("\(name) executable not found near \(bundleDirectory.path)")
    }
}

/// A `warmstartd` child process with its own state directory, HTTP port (chosen by the daemon) and log file.
final class DaemonProcess {
    let process = Process()
    let directory: URL
    let logURL: URL
    let startedAt = ContinuousClock.now

    /// Starts `warmstartd` against `bootstrap` in consumer group `groupID`.
    ///
    /// - Parameters:
    ///   - settings: More `--set key=value` overrides, applied after the test defaults.
    ///   - environment: Added to the process environment (which never inherits `NOTIFY_SOCKET`).
    ///   - arguments: More command-line arguments, after the settings (e.g. `--accept-state-loss`).
    init(
        bootstrap: String, groupID: String, settings: [String] = [], environment: [String: String] = [:],
        arguments: [String] = []
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logURL = directory.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let defaults = [
            "kafka.bootstrap_servers=\(bootstrap)",
            "kafka.group_id=\(groupID)",
            "http.address=127.0.0.1:0",
            "state.directory=\(directory.appendingPathComponent("state").path)",
            "kafka.properties.session.timeout.ms=6000",
            // Commits follow durable checkpoints: checkpoint often, so tests see commits soon.
            "state.checkpoint_ms=2000",
            "logging.level=info",
            "logging.priority_prefix=never",
        ]
        process.executableURL = try Executables.url("warmstartd")
        process.arguments = (defaults + settings).flatMap { ["--set", $0] } + arguments
        var processEnvironment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("WARMSTART_") && $0.key != "NOTIFY_SOCKET" && $0.key != "WATCHDOG_USEC"
        }
        processEnvironment.merge(environment) { _, new in new }
        process.environment = processEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the daemon logged so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The port of the operations endpoint, once the daemon logged it.
    func httpPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = log
            if let range = text.range(of: "http.port=") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), port > 0 { return port }
            }
            guard process.isRunning else {
                throw TestFailure("warmstartd exited (\(process.terminationStatus)) before listening:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("warmstartd did not log its HTTP port within \(timeout):\n\(log)")
    }

    /// GETs `path` from the operations endpoint.
    func get(_ path: String) async throws -> HTTPResponse {
        try await HTTPResponse.fetch(port: try await httpPort(), path: path)
    }

    /// The current metrics.
    func metrics() async throws -> PrometheusText {
        let response = try await get("/metrics")
        guard response.status == 200 else { throw TestFailure("/metrics answered \(response.status)") }
        return PrometheusText(response.body)
    }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        try await poll("warmstartd ready", timeout: timeout) { (try? await self.get("/readyz"))?.status == 200 }
    }

    /// Sends `signal` and waits for the exit; returns the status and how long the exit took.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws
        -> (status: Int32, took: Duration)
    {
        let sent = ContinuousClock.now
        kill(process.processIdentifier, signal)
        while process.isRunning {
            guard ContinuousClock.now - sent < timeout else {
                kill(process.processIdentifier, SIGKILL)
                throw TestFailure("warmstartd did not exit within \(timeout) of signal \(signal):\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (process.terminationStatus, ContinuousClock.now - sent)
    }
}

/// Polls `condition` until it holds, or throws after `timeout` naming `what`.
func poll(
    _ what: String, timeout: Duration, every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw TestFailure("timed out after \(timeout) waiting for: \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
