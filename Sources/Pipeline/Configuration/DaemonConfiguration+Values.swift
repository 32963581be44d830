import Configuration
import Foundation

// MARK: - Typed access

/// The resolver's typed readers: each finds a key's value in the layers (command line, environment, file), records
/// where it came from, parses and range-checks it, and records a problem instead of failing.
extension Resolver {

    mutating func issue(_ key: String, _ problem: String) {
        issues.append(ConfigurationIssue(key: key, problem: problem))
    }

    mutating func record(_ key: String, _ value: String, _ source: SettingSource) {
        settings.append(EffectiveSetting(key: key, value: isSecretKey(key) ? "<redacted>" : value, source: source))
    }

    /// The winning value of `key` across command line, environment and file, or `nil` when none sets it.
    mutating func raw(_ key: String) -> Raw? {
        knownKeys.insert(key)
        let environmentName = DaemonConfiguration.environmentVariableName(for: key)
        let inCommandLine = commandLine[key] != nil
        let inEnvironment = environment[environmentName] != nil
        if inEnvironment { consumedEnvironment.insert(environmentName) }
        let inFile = fileKeySet.contains(key)
        guard inCommandLine || inEnvironment || inFile else { return nil }
        let source: SettingSource =
            inCommandLine ? .commandLine : inEnvironment ? .environment(environmentName) : .file(filePath ?? "")
        if let text = reader.string(forKey: configKey(key)) {
            if case .file = source, text.isEmpty || text == "~" || text == "null" {
                return nil
            }
            return Raw(text: text, source: source)
        }
        if let list = reader.stringArray(forKey: configKey(key)) {
            return Raw(text: list.joined(separator: ","), source: source)
        }
        issue(key, "expected a single value")
        return nil
    }

    mutating func string(_ key: String, default defaultValue: String, validate: (String) -> String?) -> String {
        guard let raw = raw(key) else {
            record(key, defaultValue, .defaultValue)
            return defaultValue
        }
        record(key, raw.text, raw.source)
        if let problem = validate(raw.text) {
            issue(key, problem)
            return defaultValue
        }
        return raw.text
    }

    mutating func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = raw(key) else {
            record(key, String(defaultValue), .defaultValue)
            return defaultValue
        }
        record(key, raw.text, raw.source)
        guard let value = parseInt(raw.text) else {
            issue(key, "expected an integer between \(range.lowerBound) and \(range.upperBound), got \"\(raw.text)\"")
            return defaultValue
        }
        guard range.contains(value) else {
            issue(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return defaultValue
        }
        return value
    }

    mutating func milliseconds(
        _ key: String,
        default defaultValue: Duration?,
        range: ClosedRange<Int>,
        zeroIsOff: Bool
    ) -> Duration? {
        let defaultMilliseconds =
            defaultValue.map { Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) }
            ?? 0
        let value = int(key, default: defaultMilliseconds, range: range)
        if value == 0, zeroIsOff { return nil }
        return .milliseconds(value)
    }

    /// A cadence set by two keys, every so many events and every so many milliseconds, each 0 for off (`nil`);
    /// warns, saying `whenBothOff`, when both are off.
    mutating func schedule(
        events eventsKey: String,
        milliseconds millisecondsKey: String,
        default defaultValue: (events: Int?, interval: Duration?),
        whenBothOff consequence: String
    ) -> (events: Int?, interval: Duration?) {
        let events = int(eventsKey, default: defaultValue.events ?? 0, range: 0...1_000_000_000)
        let interval = milliseconds(
            millisecondsKey, default: defaultValue.interval, range: 0...86_400_000, zeroIsOff: true)
        if events == 0, interval == nil {
            warnings.append("\(eventsKey) and \(millisecondsKey) are both 0: \(consequence)")
        }
        return (events == 0 ? nil : events, interval)
    }

    /// A finite number above `lowerBound`.
    mutating func double(_ key: String, default defaultValue: Double, above lowerBound: Double) -> Double {
        guard let raw = raw(key) else {
            record(key, String(defaultValue), .defaultValue)
            return defaultValue
        }
        record(key, raw.text, raw.source)
        guard let value = Double(raw.text), value.isFinite else {
            issue(key, "expected a number, got \"\(raw.text)\"")
            return defaultValue
        }
        guard value > lowerBound else {
            issue(key, "must be above \(lowerBound), got \(value)")
            return defaultValue
        }
        return value
    }

    mutating func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let raw = raw(key) else {
            record(key, String(defaultValue), .defaultValue)
            return defaultValue
        }
        record(key, raw.text, raw.source)
        switch raw.text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            issue(key, "expected true or false, got \"\(raw.text)\"")
            return defaultValue
        }
    }

    /// The entries of a map-valued section, `prefix.<rest>`, from all three layers, in key order.
    ///
    /// - Parameters:
    ///   - allowLeaves: Keep a key with nothing under it one level down (`input.kinds.purchase:`).
    ///   - decodeEnvironment: Turns the part of an environment name after `WARMSTART_<PREFIX>_` into the part of
    ///     the key after `prefix.`, or `nil` when it names nothing.
    mutating func family(
        _ prefix: String,
        allowLeaves: Bool = false,
        decodeEnvironment: (String) -> String?
    ) -> [(String, Raw)] {
        var keys: Set<String> = []
        for key in fileKeys where key.hasPrefix(prefix + ".") { keys.insert(key) }
        for key in commandLine.keys where key.hasPrefix(prefix + ".") { keys.insert(key) }
        if fileKeySet.contains(prefix), (reader.string(forKey: configKey(prefix)) ?? "").isEmpty {
            familyKeys.insert(prefix)
        }
        var result: [String: Raw] = [:]
        for key in keys {
            familyKeys.insert(key)
            if let raw = raw(key) {
                result[key] = raw
            } else if allowLeaves {
                result[key] = Raw(text: "", source: .file(filePath ?? ""))
            }
        }
        let environmentPrefix = DaemonConfiguration.environmentVariableName(for: prefix) + "_"
        let encodedKnown = Set(keys.map(DaemonConfiguration.environmentVariableName(for:)))
        for (name, value) in environment where name.hasPrefix(environmentPrefix) && !encodedKnown.contains(name) {
            guard let rest = decodeEnvironment(String(name.dropFirst(environmentPrefix.count))), !rest.isEmpty else {
                continue
            }
            consumedEnvironment.insert(name)
            let key = prefix + "." + rest
            if result[key] == nil || commandLine[key] == nil {
                result[key] = Raw(text: value, source: .environment(name))
            }
        }
        return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

// MARK: - Parsing

/// The components of a dotted key, the way every layer here splits it.
func configKey(_ key: String) -> ConfigKey {
    ConfigKey(key.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
}

/// An integer, with `_` allowed as a digit separator (`10_000`).
func parseInt(_ text: String) -> Int? {
    let digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
    guard !digits.isEmpty, !digits.hasPrefix("+") else { return nil }
    return Int(digits)
}

/// A decimal number.
func parseDouble(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { return nil }
    return Double(trimmed)
}
