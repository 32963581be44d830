import Configuration
import Foundation
import Learning
import Synchronization

// MARK: - Public API

extension DaemonConfiguration {
    /// The configuration file read when none is named and systemd sets no `$CONFIGURATION_DIRECTORY`.
    public static let defaultConfigurationFile = "/etc/warmstart/warmstartd.yaml"

    /// The prefix of every environment override.
    public static let environmentPrefix = "WARMSTART_"

    /// The file read when `--config` is not given: `$CONFIGURATION_DIRECTORY/warmstartd.yaml` under systemd
    /// (`ConfigurationDirectory=warmstart`), else ``defaultConfigurationFile``.
    public static func defaultConfigurationPath(environment: [String: String]) -> String {
        if let directory = firstPath(environment["CONFIGURATION_DIRECTORY"]) {
            return directory.hasSuffix("/") ? directory + "warmstartd.yaml" : directory + "/warmstartd.yaml"
        }
        return defaultConfigurationFile
    }

    /// The environment variable that overrides `key`: `WARMSTART_` + the key upper-cased, every character other
    /// than a letter or digit replaced by `_` (`kafka.bootstrap_servers` → `WARMSTART_KAFKA_BOOTSTRAP_SERVERS`).
    public static func environmentVariableName(for key: String) -> String {
        var name = environmentPrefix
        var previousIsLowercase = false
        for scalar in key.unicodeScalars {
            let isLowercase = ("a"..."z").contains(scalar)
            let isUppercase = ("A"..."Z").contains(scalar)
            if isLowercase || isUppercase || ("0"..."9").contains(scalar) {
                // Like swift-configuration's own encoder: a camelCase boundary becomes `_`.
                if isUppercase, previousIsLowercase { name.append("_") }
                name.unicodeScalars.append(contentsOf: String(scalar).uppercased().unicodeScalars)
            } else {
                name.append("_")
            }
            previousIsLowercase = isLowercase
        }
        return name
    }

    /// Loads and validates the configuration: `--set` overrides over `WARMSTART_…` environment variables over the
    /// YAML file over the built-in defaults.
    ///
    /// Map-valued settings (`kafka.properties.*`, `kafka.consumer_properties.*`, `kafka.producer_properties.*`,
    /// `learning.*`, `input.kinds.*`) collect their entries from all three layers. Environment names cannot tell a
    /// `.` from a `_`, so an environment-only entry is named this way: `WARMSTART_KAFKA_PROPERTIES_SASL_MECHANISMS`
    /// → `kafka.properties.sasl.mechanisms` (librdkafka names have no `_`; likewise
    /// `WARMSTART_KAFKA_CONSUMER_PROPERTIES_…`); `WARMSTART_LEARNING_RANKING__LEARNING_RATE` →
    /// `learning.ranking.learning_rate` (`__` separates levels); `WARMSTART_INPUT_KINDS_ADD_TO_CART_WEIGHT` →
    /// `input.kinds.add_to_cart.weight`. An entry that the file or `--set` already names is overridden by its plain
    /// ``environmentVariableName(for:)``.
    ///
    /// - Parameters:
    ///   - configurationFile: The YAML file to read; it must exist. `nil` reads
    ///     ``defaultConfigurationPath(environment:)`` if it exists and only the defaults otherwise (with a warning).
    ///   - environment: The process environment; only `WARMSTART_…`, `STATE_DIRECTORY` and
    ///     `CONFIGURATION_DIRECTORY` are used.
    ///   - overrides: `key=value` strings, as given to `--set`; a later one wins over an earlier one.
    /// - Returns: The configuration, where each setting came from, and warnings.
    /// - Throws: ``PipelineError`` with ``PipelineError/Code-swift.struct/configurationFileUnreadable`` when the
    ///   file cannot be read or parsed, or ``PipelineError/Code-swift.struct/invalidConfiguration`` listing every
    ///   problem found, each naming its key.
    public static func load(
        configurationFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String] = []
    ) async throws -> LoadedDaemonConfiguration {
        var warnings: [String] = []
        var issues: [ConfigurationIssue] = []

        // Command line.
        var commandLine: [String: String] = [:]
        var commandLineOrder: [String] = []
        for override in overrides {
            guard let equals = override.firstIndex(of: "=") else {
                issues.append(ConfigurationIssue(key: "--set", problem: "expected key=value, got \"\(override)\""))
                continue
            }
            let key = override[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else {
                issues.append(ConfigurationIssue(key: "--set", problem: "the key is empty in \"\(override)\""))
                continue
            }
            if commandLine.updateValue(String(override[override.index(after: equals)...]), forKey: key) == nil {
                commandLineOrder.append(key)
            }
        }

        // File.
        let path: String?
        if let configurationFile {
            path = configurationFile
        } else {
            let candidate = defaultConfigurationPath(environment: environment)
            if FileManager.default.fileExists(atPath: candidate) {
                path = candidate
            } else {
                path = nil
                warnings.append("no configuration file at \(candidate); using the defaults")
            }
        }
        let keyCollector = KeyCollector()
        var providers: [any ConfigProvider] = []
        let commandLineValues = Dictionary(
            uniqueKeysWithValues: commandLine.map {
                (AbsoluteConfigKey(configKey($0.key)), ConfigValue(.string($0.value), isSecret: isSecretKey($0.key)))
            }
        )
        providers.append(InMemoryProvider(name: "command line", values: commandLineValues))
        let warmstartEnvironment = environment.filter { $0.key.hasPrefix(environmentPrefix) }
        providers.append(
            EnvironmentVariablesProvider(
                environmentVariables: warmstartEnvironment,
                secretsSpecifier: .dynamic { name, _ in isSecretKey(name.lowercased()) }
            ).prefixKeys(with: "warmstart")
        )
        if let path {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw PipelineError(
                    code: .configurationFileUnreadable,
                    message: "configuration file \(path) does not exist or is a directory"
                )
            }
            do {
                let fileSettings = ConfigReader(
                    provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)])
                )
                let collector = keyCollector
                let file = try await FileProvider<YAMLSnapshot>(
                    parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in collector.record(key) }),
                    config: fileSettings
                )
                providers.append(file)
            } catch {
                throw PipelineError(
                    code: .configurationFileUnreadable,
                    message: "cannot read configuration file \(path): \(error)"
                )
            }
        }

        var resolver = Resolver(
            reader: ConfigReader(providers: providers),
            fileKeys: keyCollector.keys,
            filePath: path,
            environment: warmstartEnvironment,
            commandLine: commandLine
        )
        var configuration = DaemonConfiguration(environment: environment)
        resolver.read(into: &configuration)
        resolver.checkUnknownKeys(commandLineOrder: commandLineOrder)
        issues += resolver.issues
        warnings += resolver.warnings
        // The learning core's own checks, reported with the rest so one round fixes everything.
        do {
            _ = try Daemon.learningConfiguration(for: configuration)
        } catch let error as LearningError {
            for problem in error.issues.isEmpty ? [error] : error.issues {
                issues.append(
                    ConfigurationIssue(
                        key: problem.key.map { "learning.\($0)" } ?? "learning",
                        problem: problem.message))
            }
        }
        guard issues.isEmpty else {
            throw PipelineError(
                code: .invalidConfiguration,
                message: "invalid configuration\(path.map { " (\($0))" } ?? "")",
                configurationIssues: issues
            )
        }
        return LoadedDaemonConfiguration(
            configuration: configuration,
            configurationFile: path,
            settings: resolver.settings,
            warnings: warnings
        )
    }
}

/// A configuration problem: the key and what is wrong with its value.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The dotted key (`scoring.top_k`), or `--set` for a malformed override.
    public var key: String
    /// What is wrong, e.g. `must be between 1 and 10000, got 0`.
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// `key: problem`.
    public var description: String { "\(key): \(problem)" }
}

/// Where an effective setting came from.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    case defaultValue
    case file(String)
    case environment(String)
    case commandLine

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path): "file \(path)"
        case .environment(let name): "environment \(name)"
        case .commandLine: "--set"
        }
    }
}

/// One setting of the effective configuration, for `--check-config` and the start-up log.
public struct EffectiveSetting: Sendable, Hashable {
    /// The dotted key.
    public var key: String
    /// The value as text; secrets (passwords, keys) are shown as `<redacted>`.
    public var value: String
    /// Where the value came from.
    public var source: SettingSource
}

/// A validated configuration with its provenance.
public struct LoadedDaemonConfiguration: Sendable {
    /// The configuration.
    public var configuration: DaemonConfiguration
    /// The YAML file read, or `nil` when only defaults, environment and `--set` were used.
    public var configurationFile: String?
    /// Every setting in key order, with where it came from.
    public var settings: [EffectiveSetting]
    /// Things worth telling that do not stop the daemon (an unknown `WARMSTART_…` variable, no file).
    public var warnings: [String]

    /// The effective configuration, one `key: value  # source` line per setting, valid YAML with flat keys.
    public func rendered() -> String {
        let width = settings.map { $0.key.count + yamlScalar($0.value).count + 2 }.max() ?? 0
        var text = ""
        for setting in settings {
            let line = "\(setting.key): \(yamlScalar(setting.value))"
            let padding = String(repeating: " ", count: max(1, width - line.count + 2))
            text += "\(line)\(padding)# \(setting.source)\n"
        }
        return text
    }
}

// MARK: - Secrets

/// librdkafka properties and learning keys whose values must not be printed.
func isSecretKey(_ key: String) -> Bool {
    let lowered = key.lowercased()
    return lowered.contains("password") || lowered.contains("secret") || lowered.hasSuffix("key.pem")
        || lowered.hasSuffix(".pem") && lowered.contains("key") || lowered.hasSuffix("sasl.jaas.config")
}

/// Quotes a value when plain YAML would read it as something else.
private func yamlScalar(_ value: String) -> String {
    let plain = value.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            || ".-_/:,<>[]".unicodeScalars.contains($0)
    }
    if plain, !value.isEmpty, !value.hasPrefix("["), !value.hasPrefix(":") { return value }
    var quoted = "\""
    for character in value {
        switch character {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        default: quoted.append(character)
        }
    }
    return quoted + "\""
}

// MARK: - Collecting the file's keys

/// Records every key of the YAML file while swift-configuration parses it (through the secrets specifier, the one
/// hook that sees each key), so that unknown keys can be reported and map-valued sections enumerated.
private final class KeyCollector: Sendable {
    private let storage = Mutex<[String]>([])

    /// Records `key`; returns whether its value is a secret.
    func record(_ key: String) -> Bool {
        storage.withLock { $0.append(key) }
        return isSecretKey(key)
    }

    var keys: [String] {
        storage.withLock { $0 }
    }
}
