import Foundation

/// The repository's root, for the files under `ops/`.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Prometheus's `promtool`, run as a child process.
enum Promtool {
    /// `promtool` on `PATH`.
    /// - Throws: ``TestFailure`` saying how to install it: the rules are only checked by Prometheus's own tool,
    ///   so a missing tool must fail the suite, not skip the check.
    static var executable: URL {
        get throws {
            do {
                return try ChildProcess.findExecutable("promtool")
            } catch {
                throw TestFailure(
                    "promtool is not installed (\(error)); it checks ops/prometheus/warmstart.rules.yml. Install "
                        + "Debian's prometheus package: `apt-get install -y prometheus` (.ci/run does this)")
            }
        }
    }

    /// Runs `promtool arguments...` in `directory`; returns the exit status and stdout + stderr.
    static func run(_ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(try executable, arguments, in: directory)
        return (result.status, result.stdout + result.stderr)
    }
}
