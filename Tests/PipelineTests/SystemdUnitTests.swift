import Foundation
import Testing

@testable import Pipeline

/// Runs a program and returns its exit status, standard output and standard error.
private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outputData, as: UTF8.self),
        String(decoding: errorData, as: UTF8.self)
    )
}

private let systemdAnalyze = "/usr/bin/systemd-analyze"
private let unitPath = repositoryRoot.appendingPathComponent("systemd/warmstartd.service").path

@Suite struct SystemdUnitTests {
    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze), "systemd-analyze is not installed"),
        .timeLimit(.minutes(1))
    )
    func hardeningExposureIsAtMostTwo() throws {
        let result = try run(systemdAnalyze, ["security", "--offline=yes", "--no-pager", unitPath])
        let text = result.output + result.error
        let line = try #require(
            text.split(separator: "\n").first { $0.contains("Overall exposure level for warmstartd.service:") },
            "no exposure line in: \(text)"
        )
        let number = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(number, "cannot read the exposure in \(line)")
        #expect(exposure <= 2.0, "\(line)")
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze), "systemd-analyze is not installed"),
        .timeLimit(.minutes(1))
    )
    func unitVerifiesWithoutWarnings() throws {
        // verify insists that ExecStart= exists; point it at a binary that does, keep every other line.
        let directory = try TemporaryDirectory()
        let unit = try String(contentsOfFile: unitPath, encoding: .utf8)
        #expect(
            unit.contains("ExecStart=/usr/local/bin/warmstartd --config ${CONFIGURATION_DIRECTORY}/warmstartd.yaml")
        )
        let copy = try directory.write(
            "warmstartd.service",
            unit.replacingOccurrences(of: "/usr/local/bin/warmstartd", with: "/bin/true")
        )
        let result = try run(systemdAnalyze, ["verify", "--man=no", copy])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.isEmpty, "\(result.error)")
    }

    @Test func unitMatchesTheDaemon() throws {
        let unit = try String(contentsOfFile: unitPath, encoding: .utf8)
        let settings = Dictionary(
            unit.split(separator: "\n")
                .filter { !$0.hasPrefix("#") && $0.contains("=") }
                .map { line -> (String, String) in
                    let equals = line.firstIndex(of: "=")!
                    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
                },
            uniquingKeysWith: { $0 + " " + $1 }
        )
        #expect(settings["Type"] == "notify")
        #expect(settings["NotifyAccess"] == "main")
        #expect(settings["Restart"] == "on-failure")
        #expect(settings["DynamicUser"] == "yes")
        #expect(settings["StateDirectory"] == "warmstart")
        #expect(settings["ConfigurationDirectory"] == "warmstart")
        #expect(
            settings["RestartPreventExitStatus"]
                == "\(DaemonCommand.configurationErrorStatus) \(DaemonCommand.stateLostStatus)")
        #expect(settings["RestrictAddressFamilies"] == "AF_UNIX AF_INET AF_INET6")
        // The stop timeout leaves the daemon's own shutdown timeout room to finish.
        let stop = try #require(settings["TimeoutStopSec"].flatMap { Int($0.dropLast()) })
        let shutdown = DaemonConfiguration.Shutdown().timeout
        #expect(Duration.seconds(stop) > shutdown)
        #expect(settings["WatchdogSec"] != nil)
    }
}

/// The `warmstartd` executable next to the test bundle, as `swift build --build-tests` / `swift test` leave it.
private let warmstartdPath: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map {
        $0.appendingPathComponent("warmstartd").path
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite struct WarmstartdProcessTests {
    @Test(
        .enabled(if: warmstartdPath != nil, "warmstartd is not built next to the test bundle"),
        .timeLimit(.minutes(1))
    )
    func checkConfigExitStatusAndMessages() throws {
        let binary = try #require(warmstartdPath)
        let config = repositoryRoot.appendingPathComponent("config/warmstartd.yaml").path

        let valid = try run(binary, ["--check-config", "--config", config, "--set", "scoring.top_k=12"])
        #expect(valid.status == 0, "\(valid.error)")
        #expect(valid.output.contains("scoring.top_k: 12"))
        #expect(valid.error.contains("configuration OK"))

        let invalid = try run(
            binary,
            [
                "--check-config", "--config", config, "--set", "scoring.top_k=0", "--set",
                "topics.model=warmstart.events",
            ]
        )
        #expect(invalid.status == DaemonCommand.configurationErrorStatus)
        #expect(invalid.output.isEmpty)
        #expect(invalid.error.contains("scoring.top_k: must be between 1 and 10000, got 0"))
        #expect(invalid.error.contains("topics.model: must differ from topics.events (both \"warmstart.events\")"))

        let missing = try run(binary, ["--check-config", "--config", config + ".missing"])
        #expect(missing.status == DaemonCommand.configurationErrorStatus)
        #expect(missing.error.contains("warmstartd.yaml.missing"))
    }
}
