import Foundation

/// A command run to completion as a child process, its output collected in files (no pipe to fill up).
enum ChildProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable arguments...` (in `directory` when given) with no standard input.
    /// - Throws: ``TestFailure`` when it does not finish within `timeout` (it is terminated).
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, timeout: Duration = .seconds(120)
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ws-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let name = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        do {
            try await poll("\(name) finished", timeout: timeout, every: .milliseconds(20)) { !process.isRunning }
        } catch {
            process.terminate()
            throw error
        }
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// `name` on `PATH` (or in /usr/bin, /usr/local/bin).
    static func findExecutable(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestFailure("\(name) not found on PATH (\(path))")
    }

    /// Runs the built `warmstart arguments...`.
    static func warmstart(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Result {
        try await run(try Executables.url("warmstart"), arguments, timeout: timeout)
    }
}
