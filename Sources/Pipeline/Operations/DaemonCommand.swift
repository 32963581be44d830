import Foundation
import Logging

/// What `warmstartd` does with its command line; the executable only parses arguments and calls ``run(_:)``.
public enum DaemonCommand {
    /// The command line, parsed.
    public struct Options: Sendable {
        /// `--config PATH`; `nil` reads the default file, see
        /// ``DaemonConfiguration/defaultConfigurationPath(environment:)``.
        public var configurationFile: String?
        /// `--check-config`: validate, print the effective configuration, exit.
        public var checkOnly: Bool
        /// `--set key=value`, in order.
        public var overrides: [String]

        public init(configurationFile: String? = nil, checkOnly: Bool = false, overrides: [String] = []) {
            self.configurationFile = configurationFile
            self.checkOnly = checkOnly
            self.overrides = overrides
        }
    }

    /// Exit status for a configuration that does not load (`EX_CONFIG` from sysexits.h); the unit file lists it in
    /// `RestartPreventExitStatus=` so systemd does not restart into the same bad configuration.
    public static let configurationErrorStatus: Int32 = 78

    /// Exit status when the state store is behind what the group committed (learned state was lost) and the
    /// operator has not accepted it (`EX_DATAERR`): a restart would refuse the same way, so the unit file lists it
    /// in `RestartPreventExitStatus=` too.
    public static let stateLostStatus: Int32 = 65

    /// Runs the daemon (or only checks its configuration) and returns the process exit status.
    ///
    /// - Parameters:
    ///   - options: The command line.
    ///   - environment: The process environment.
    ///   - standardOutput: Receives the effective configuration for `--check-config`.
    ///   - standardError: Receives problems and warnings.
    public static func run(
        _ options: Options,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        standardOutput: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
        standardError: @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) async -> Int32 {
        let loaded: LoadedDaemonConfiguration
        do {
            loaded = try await DaemonConfiguration.load(
                configurationFile: options.configurationFile,
                environment: environment,
                overrides: options.overrides
            )
        } catch let error as PipelineError {
            standardError("warmstartd: \(error.message)\n")
            for issue in error.configurationIssues {
                standardError("  \(issue)\n")
            }
            return configurationErrorStatus
        } catch {
            standardError("warmstartd: \(error)\n")
            return configurationErrorStatus
        }

        do {
            _ = try Daemon.learningConfiguration(for: loaded.configuration)
        } catch {
            standardError("warmstartd: invalid learning configuration: \(error)\n")
            return configurationErrorStatus
        }

        if options.checkOnly {
            for warning in loaded.warnings {
                standardError("warmstartd: warning: \(warning)\n")
            }
            standardOutput("# warmstartd effective configuration: \(loaded.configurationFile ?? "no file, defaults")\n")
            standardOutput(loaded.rendered())
            standardError("warmstartd: configuration OK\n")
            return 0
        }

        LogfmtLogHandler.bootstrap(loaded.configuration.logging, environment: environment)
        let logger = Logger(label: "warmstartd")
        for warning in loaded.warnings {
            logger.warning("\(warning)")
        }
        logger.info(
            "configuration loaded",
            metadata: [PipelineLoggingKeys.configurationFile: "\(loaded.configurationFile ?? "none")"]
        )
        do {
            try await Daemon.run(configuration: loaded.configuration, environment: environment, logger: logger)
            return 0
        } catch let error as PipelineError where error.code == .stateLost {
            logger.critical("warmstartd failed", metadata: ["error": "\(error)"])
            return stateLostStatus
        } catch {
            logger.critical("warmstartd failed", metadata: ["error": "\(error)"])
            return 1
        }
    }
}
