import Foundation
import Testing

/// Runs the built `warmstart` executable as a real child process.
struct ToolProcess {
    /// The `warmstart` binary that `swift test` built next to the test bundle.
    static var executable: URL {
        get throws {
            let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
                let url = candidate.appendingPathComponent("warmstart")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw ToolError("warmstart executable not found near \(bundleDirectory.path)")
        }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `warmstart arguments...` to completion.
    static func run(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Result {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ws-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw ToolError("warmstart \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}

/// A `warmstart dev-broker` running in its own process for the duration of a test.
final class DevBrokerProcess {
    let process = Process()
    let directory: URL
    let bootstrap: String

    init(topics: [String], brokers: Int = 1) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ws-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bootstrapFile = directory.appendingPathComponent("bootstrap")
        process.executableURL = try ToolProcess.executable
        process.arguments =
            ["dev-broker", "--brokers", "\(brokers)", "--bootstrap-file", bootstrapFile.path]
            + topics.flatMap { ["--topic", $0] }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let text = try? String(contentsOf: bootstrapFile, encoding: .utf8), text.hasSuffix("\n") {
                bootstrap = text.trimmingCharacters(in: .whitespacesAndNewlines)
                break
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                process.terminate()
                throw ToolError("dev-broker did not write its bootstrap file")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var bootstrapFile: URL { directory.appendingPathComponent("bootstrap") }

    /// Sends `signal` and waits for the exit status.
    func stop(signal: Int32 = SIGTERM) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw ToolError("dev-broker did not stop after signal \(signal)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}

struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
