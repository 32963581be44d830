import Configuration
import Foundation
import Logging

/// Reads every key of ``DaemonConfiguration`` through one layered `ConfigReader`, parses and validates it, and
/// records the problems, the provenance and the keys it knows, so that whatever is left over is reported as unknown.
struct Resolver {
    /// A value as found, before parsing.
    struct Raw {
        var text: String
        var source: SettingSource
    }

    /// The top-level sections; any other top-level key is an error.
    static let sections = [
        "kafka", "topics", "input", "scoring", "publish", "metaupdate", "state", "http", "shutdown", "logging",
        "privacy", "learning",
    ]

    /// Map-valued settings that may be written with nothing under them (`properties: {}`).
    static let mappingKeys: Set<String> = [
        "kafka.properties", "kafka.consumer_properties", "kafka.producer_properties", "input.kinds",
    ]

    let reader: ConfigReader
    let fileKeys: [String]
    let fileKeySet: Set<String>
    let filePath: String?
    let environment: [String: String]
    let commandLine: [String: String]

    // Not private: the typed readers (DaemonConfiguration+Values.swift) record into them.
    var issues: [ConfigurationIssue] = []
    var warnings: [String] = []
    var settings: [EffectiveSetting] = []
    /// Keys read as single settings.
    var knownKeys: Set<String> = []
    /// Keys (file and command line) taken by a map-valued section.
    var familyKeys: Set<String> = []
    /// Environment variables that named a setting.
    var consumedEnvironment: Set<String> = []

    init(
        reader: ConfigReader,
        fileKeys: [String],
        filePath: String?,
        environment: [String: String],
        commandLine: [String: String]
    ) {
        self.reader = reader
        self.fileKeys = fileKeys
        self.fileKeySet = Set(fileKeys)
        self.filePath = filePath
        self.environment = environment
        self.commandLine = commandLine
    }

    // MARK: - Reading everything

    mutating func read(into configuration: inout DaemonConfiguration) {
        readKafka(into: &configuration.kafka)
        readTopics(into: &configuration.topics)
        readInput(into: &configuration.input)
        readScoring(into: &configuration.scoring)

        configuration.publish.maxInFlight = int(
            "publish.max_in_flight",
            default: configuration.publish.maxInFlight,
            range: 1...1_000_000
        )

        (configuration.metaUpdate.everyEvents, configuration.metaUpdate.interval) = schedule(
            events: "metaupdate.every_events",
            milliseconds: "metaupdate.every_ms",
            default: (configuration.metaUpdate.everyEvents, configuration.metaUpdate.interval),
            whenBothOff: "the shared initialization stays frozen"
        )

        configuration.state.directory = string("state.directory", default: configuration.state.directory) { path in
            if path.isEmpty { return "must not be empty" }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return "\"\(path)\" exists and is not a directory"
            }
            return nil
        }

        (configuration.state.checkpointEveryEvents, configuration.state.checkpointInterval) = schedule(
            events: "state.checkpoint_events",
            milliseconds: "state.checkpoint_ms",
            default: (configuration.state.checkpointEveryEvents, configuration.state.checkpointInterval),
            whenBothOff: "state is checkpointed only at shutdown"
        )
        let maxUsers = int(
            "state.max_users_in_memory",
            default: configuration.state.maxUsersInMemory ?? 0,
            range: 0...1_000_000_000
        )
        configuration.state.maxUsersInMemory = maxUsers == 0 ? nil : maxUsers
        configuration.state.acceptLoss = bool("state.accept_loss", default: configuration.state.acceptLoss)
        let retentionDays = int(
            "privacy.erasure_retention_days",
            default: Int(configuration.privacy.erasureRetention.components.seconds / 86_400),
            range: 1...36_500
        )
        configuration.privacy.erasureRetention = .seconds(retentionDays * 86_400)

        let address = string("http.address", default: configuration.http.address.description) { text in
            HostPort.problem(parsing: text, allowPortZero: true)
        }
        configuration.http.address = HostPort(address, allowPortZero: true) ?? configuration.http.address

        configuration.shutdown.timeout =
            milliseconds(
                "shutdown.timeout_ms",
                default: configuration.shutdown.timeout,
                range: 100...600_000,
                zeroIsOff: false
            ) ?? configuration.shutdown.timeout

        let levels = Logger.Level.allCases.map(\.rawValue)
        let level = string("logging.level", default: configuration.logging.level.rawValue) { text in
            Logger.Level(rawValue: text) == nil
                ? "must be one of \(levels.joined(separator: ", ")), got \"\(text)\"" : nil
        }
        configuration.logging.level = Logger.Level(rawValue: level) ?? configuration.logging.level
        let prefixes = DaemonConfiguration.Logging.PriorityPrefix.allCases.map(\.rawValue)
        let prefix = string("logging.priority_prefix", default: configuration.logging.priorityPrefix.rawValue) {
            DaemonConfiguration.Logging.PriorityPrefix(rawValue: $0) == nil
                ? "must be one of \(prefixes.joined(separator: ", ")), got \"\($0)\"" : nil
        }
        configuration.logging.priorityPrefix =
            DaemonConfiguration.Logging.PriorityPrefix(rawValue: prefix) ?? configuration.logging.priorityPrefix

        readPrivacy(into: &configuration.privacy, metaUpdate: configuration.metaUpdate)
        readLearning(into: &configuration.learning)
    }

    private mutating func readKafka(into kafka: inout DaemonConfiguration.Kafka) {
        let servers = string("kafka.bootstrap_servers", default: kafka.bootstrapServersList.joined(separator: ",")) {
            text in
            let entries = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if entries.allSatisfy(\.isEmpty) { return "must name at least one broker as host:port" }
            for entry in entries {
                if let problem = HostPort.problem(parsing: entry) { return problem }
            }
            return nil
        }
        let parsed = servers.split(separator: ",").compactMap {
            HostPort($0.trimmingCharacters(in: .whitespaces))
        }
        if !parsed.isEmpty { kafka.bootstrapServers = parsed }

        kafka.groupID = string("kafka.group_id", default: kafka.groupID) { text in
            if text.isEmpty { return "must not be empty" }
            if text.utf8.count > 255 { return "must be at most 255 bytes, got \(text.utf8.count)" }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "must not contain control characters"
            }
            return nil
        }

        kafka.properties = readKafkaProperties("kafka.properties", only: nil)
        kafka.consumerProperties = readKafkaProperties("kafka.consumer_properties", only: .consumer)
        kafka.producerProperties = readKafkaProperties("kafka.producer_properties", only: .producer)
    }

    /// The librdkafka properties under `prefix` (`kafka.properties`, `kafka.consumer_properties`,
    /// `kafka.producer_properties`).
    ///
    /// - Parameter client: The one kind of client the family is for, or `nil` for every client. A property
    ///   librdkafka documents for the other kind of client is an error there: it would be ignored, with a warning.
    private mutating func readKafkaProperties(_ prefix: String, only client: KafkaPropertyScope?) -> [String: String] {
        let reserved: [String: String] = [
            "bootstrap.servers": "set kafka.bootstrap_servers instead",
            "metadata.broker.list": "set kafka.bootstrap_servers instead",
            "group.id": "set kafka.group_id instead",
            "enable.auto.commit":
                "is managed by warmstartd (an offset is committed only after its effects are published)",
            "enable.auto.offset.store":
                "is managed by warmstartd (an offset is committed only after its effects are published)",
        ]
        var properties: [String: String] = [:]
        for (key, raw) in family(
            prefix,
            decodeEnvironment: { $0.lowercased().replacingOccurrences(of: "_", with: ".") }
        ) {
            let name = String(key.dropFirst(prefix.count + 1))
            let validName =
                !name.isEmpty
                && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                    !part.isEmpty
                        && part.unicodeScalars.allSatisfy {
                            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                        }
                }
            let scope = KafkaPropertyScope(property: name)
            if !validName {
                issue(key, "\"\(name)\" is not a librdkafka property name (lower-case words separated by dots)")
            } else if let reason = reserved[name] {
                issue(key, reason)
            } else if raw.text.isEmpty {
                issue(key, "must not be empty")
            } else if let client, scope != .both, scope != client {
                let other = client == .consumer ? "kafka.producer_properties" : "kafka.consumer_properties"
                issue(
                    key,
                    "\(name) is a \(scope.rawValue) property (librdkafka would ignore it on the \(client.rawValue)); "
                        + "set it in kafka.properties or \(other)"
                )
            } else {
                properties[name] = raw.text
            }
            record(key, raw.text, raw.source)
        }
        return properties
    }

    private mutating func readTopics(into topics: inout DaemonConfiguration.Topics) {
        func check(_ name: String) -> String? {
            if name.isEmpty { return "must not be empty" }
            if name.count > 249 { return "must be at most 249 characters, got \(name.count)" }
            if name == "." || name == ".." { return "\"\(name)\" is not a valid topic name" }
            let valid = name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "." || $0 == "_" || $0 == "-"
            }
            return valid ? nil : "\"\(name)\" is not a valid topic name (letters, digits, '.', '_', '-')"
        }
        topics.events = string("topics.events", default: topics.events, validate: check)
        topics.scores = string("topics.scores", default: topics.scores, validate: check)
        topics.deadLetter = string("topics.dead_letter", default: topics.deadLetter, validate: check)
        topics.model = string("topics.model", default: topics.model, validate: check)
        topics.erasure = string("topics.erasure", default: topics.erasure) { $0.isEmpty ? nil : check($0) }
        var named = [
            ("topics.events", topics.events), ("topics.scores", topics.scores),
            ("topics.dead_letter", topics.deadLetter), ("topics.model", topics.model),
        ]
        if !topics.erasure.isEmpty { named.append(("topics.erasure", topics.erasure)) }
        for (index, (key, name)) in named.enumerated() {
            if let earlier = named[..<index].first(where: { $0.1 == name }) {
                issue(key, "must differ from \(earlier.0) (both \"\(name)\")")
            }
        }
    }

    private mutating func readInput(into input: inout DaemonConfiguration.Input) {
        func checkField(_ name: String) -> String? {
            if name.isEmpty { return "must not be empty" }
            if name.utf8.count > 256 { return "must be at most 256 bytes" }
            if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "must not contain control characters"
            }
            return nil
        }
        var fields = input.fields
        fields.user = string("input.fields.user", default: fields.user, validate: checkField)
        fields.item = string("input.fields.item", default: fields.item, validate: checkField)
        fields.kind = string("input.fields.kind", default: fields.kind, validate: checkField)
        fields.value = string("input.fields.value", default: fields.value, validate: checkField)
        fields.timestamp = string("input.fields.timestamp", default: fields.timestamp, validate: checkField)
        fields.features = string("input.fields.features", default: fields.features, validate: checkField)
        fields.userFeatures = string("input.fields.user_features", default: fields.userFeatures, validate: checkField)
        fields.itemFeatures = string("input.fields.item_features", default: fields.itemFeatures, validate: checkField)
        let members = [
            ("input.fields.user", fields.user), ("input.fields.item", fields.item),
            ("input.fields.kind", fields.kind), ("input.fields.value", fields.value),
            ("input.fields.timestamp", fields.timestamp), ("input.fields.features", fields.features),
        ]
        for (index, (key, name)) in members.enumerated() {
            if let earlier = members[..<index].first(where: { $0.1 == name }) {
                issue(key, "must differ from \(earlier.0) (both \"\(name)\")")
            }
        }
        if fields.userFeatures == fields.itemFeatures {
            issue(
                "input.fields.item_features",
                "must differ from input.fields.user_features (both \"\(fields.itemFeatures)\")"
            )
        }
        input.fields = fields

        var limits = input.limits
        limits.maxMessageBytes = int("input.max_message_bytes", default: limits.maxMessageBytes, range: 64...16_777_216)
        limits.maxIDBytes = int("input.max_id_bytes", default: limits.maxIDBytes, range: 1...65_536)
        limits.maxFeaturesPerSide = int(
            "input.max_features_per_side",
            default: limits.maxFeaturesPerSide,
            range: 0...4096
        )
        limits.maxValuesPerFeature = int(
            "input.max_values_per_feature",
            default: limits.maxValuesPerFeature,
            range: 1...4096
        )
        limits.maxDepth = int("input.max_depth", default: limits.maxDepth, range: 1...512)
        input.limits = limits

        readKinds(into: &input.kinds)
    }

    private mutating func readKinds(into kinds: inout [String: DaemonConfiguration.KindMapping]) {
        let prefix = "input.kinds"
        let entries = family(prefix, allowLeaves: true) { rest in
            for field in ["_WEIGHT", "_LABEL"] where rest.hasSuffix(field) && rest.count > field.count {
                return rest.dropLast(field.count).lowercased() + "." + field.dropFirst().lowercased()
            }
            return nil
        }
        var fileDeclares = fileKeys.contains { $0 == prefix || $0.hasPrefix(prefix + ".") }
        var declared: [String] = []
        var values: [String: (weight: Raw?, label: Raw?)] = [:]
        for (key, raw) in entries {
            let parts = key.dropFirst(prefix.count + 1).split(separator: ".", omittingEmptySubsequences: false)
            let kind = String(parts[0])
            if parts.count == 1, raw.text.isEmpty {
                // `purchase:` with no value declares the kind with its defaults.
            } else if parts.count != 2 || (parts[1] != "weight" && parts[1] != "label") {
                issue(key, "expected \(prefix).<kind>.weight or \(prefix).<kind>.label")
                continue
            }
            if kind.isEmpty || kind.utf8.count > 256
                || kind.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                issue(key, "\"\(kind)\" is not a valid kind name (1 to 256 bytes, no control characters)")
                continue
            }
            if !declared.contains(kind) { declared.append(kind) }
            if parts.count == 2 {
                if parts[1] == "weight" { values[kind, default: (nil, nil)].weight = raw }
                if parts[1] == "label" { values[kind, default: (nil, nil)].label = raw }
            }
        }
        if fileKeySet.contains(prefix) { fileDeclares = true }
        var names = fileDeclares ? [] : DaemonConfiguration.KindMapping.defaults.keys.sorted()
        for kind in declared where !names.contains(kind) { names.append(kind) }
        names.sort()

        var result: [String: DaemonConfiguration.KindMapping] = [:]
        for kind in names {
            let fallback = DaemonConfiguration.KindMapping.defaults[kind]
            var mapping = fallback ?? DaemonConfiguration.KindMapping(weight: 1, label: .constant(1))
            let weightKey = "\(prefix).\(kind).weight"
            if let raw = values[kind]?.weight {
                if let weight = parseDouble(raw.text), weight.isFinite, weight >= 0, weight <= 1_000_000 {
                    mapping.weight = weight
                } else {
                    issue(weightKey, "must be a number between 0 and 1000000, got \"\(raw.text)\"")
                }
                record(weightKey, raw.text, raw.source)
            } else {
                record(weightKey, formatNumber(mapping.weight), .defaultValue)
            }
            let labelKey = "\(prefix).\(kind).label"
            if let raw = values[kind]?.label {
                if raw.text == "value" {
                    mapping.label = .eventValue
                } else if let label = parseDouble(raw.text), label.isFinite {
                    mapping.label = .constant(label)
                } else {
                    issue(labelKey, "must be a finite number or \"value\" (the event's value), got \"\(raw.text)\"")
                }
                record(labelKey, raw.text, raw.source)
            } else {
                record(labelKey, mapping.label.description, .defaultValue)
            }
            result[kind] = mapping
        }
        if result.isEmpty {
            issue(prefix, "at least one kind is required (events of any other kind go to the dead-letter topic)")
        }
        kinds = result
    }

    private mutating func readScoring(into scoring: inout DaemonConfiguration.Scoring) {
        scoring.topK = int("scoring.top_k", default: scoring.topK, range: 1...10_000)
        scoring.coalesceWindow =
            milliseconds("scoring.coalesce_ms", default: scoring.coalesceWindow, range: 0...60_000, zeroIsOff: false)
            ?? scoring.coalesceWindow
        scoring.excludeSeen = bool("scoring.exclude_seen", default: scoring.excludeSeen)
    }

    private mutating func readLearning(into learning: inout [String: String]) {
        let entries = family("learning") { rest in
            rest.lowercased().replacingOccurrences(of: "__", with: ".")
        }
        for (key, raw) in entries {
            let name = String(key.dropFirst("learning.".count))
            let valid = name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                !part.isEmpty
                    && part.unicodeScalars.allSatisfy {
                        ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    }
            }
            if name == "meta.interval" {
                // Replay's meta-update cadence; the daemon's is metaupdate.*, so accepting it would ignore it.
                issue(
                    key,
                    "is replay's meta-update cadence; the daemon meta-updates by metaupdate.every_events and "
                        + "metaupdate.every_ms")
            } else if valid {
                learning[name] = raw.text
            } else {
                issue(key, "\"\(name)\" is not a learning key (dotted snake-case, e.g. learning.ranking.factors)")
            }
            record(key, raw.text, raw.source)
        }
    }

    // MARK: - Unknown keys

    mutating func checkUnknownKeys(commandLineOrder: [String]) {
        var reportedSections: Set<String> = []
        func classify(_ key: String, value: () -> String?) -> ConfigurationIssue? {
            if knownKeys.contains(key) || familyKeys.contains(key) { return nil }
            let top = String(key.prefix { $0 != "." })
            guard Self.sections.contains(top) else {
                return ConfigurationIssue(
                    key: top,
                    problem: "unknown top-level key (known: \(Self.sections.sorted().joined(separator: ", ")))"
                )
            }
            if key == top || Self.mappingKeys.contains(key) {
                // `scoring:` with nothing under it.
                return (value() ?? "").isEmpty
                    ? nil : ConfigurationIssue(key: key, problem: "expected a mapping of settings")
            }
            let siblings = knownKeys.filter { $0.hasPrefix(top + ".") }.sorted()
            let names = siblings.map { String($0.dropFirst(top.count + 1)) }
            return ConfigurationIssue(
                key: key,
                problem:
                    "unknown key (known under \(top): \(names.joined(separator: ", ")))"
            )
        }
        for key in fileKeys {
            guard let problem = classify(key, value: { reader.string(forKey: configKey(key)) }) else { continue }
            if problem.key == key || reportedSections.insert(problem.key).inserted {
                issues.append(problem)
            }
        }
        for key in commandLineOrder {
            if let problem = classify(key, value: { commandLine[key] }) {
                issues.append(ConfigurationIssue(key: key, problem: problem.problem + " (given with --set)"))
            }
        }
        for name in environment.keys.sorted() where !consumedEnvironment.contains(name) {
            warnings.append("environment variable \(name) names no setting; ignored")
        }
    }
}
