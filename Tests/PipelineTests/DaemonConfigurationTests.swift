import Foundation
import Learning
import Synchronization
import Testing

@testable import Pipeline

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("warmstart-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Loads and expects a failure; returns the issues.
func expectIssues(
    file: String? = nil,
    environment: [String: String] = [:],
    overrides: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) async -> [ConfigurationIssue] {
    do {
        _ = try await DaemonConfiguration.load(configurationFile: file, environment: environment, overrides: overrides)
        Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
        return []
    } catch let error as PipelineError {
        #expect(error.code == .invalidConfiguration, sourceLocation: sourceLocation)
        return error.configurationIssues
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return []
    }
}

@Suite struct DaemonConfigurationTests {
    /// With no file, no environment and no overrides, only the defaults apply (with a warning about the file).
    private let noFile = ["CONFIGURATION_DIRECTORY": "/nonexistent-warmstart-config-dir"]

    @Test func shippedConfigurationParsesValidatesAndStatesTheDefaults() async throws {
        let path = repositoryRoot.appendingPathComponent("config/warmstartd.yaml").path
        let loaded = try await DaemonConfiguration.load(configurationFile: path, environment: [:])
        #expect(loaded.configurationFile == path)
        #expect(loaded.warnings.isEmpty)
        // The file documents the built-in defaults: the two must not drift apart. `learning:` is the exception: it
        // holds the daemon's deliberate overrides of the learning core's own defaults, which must be valid.
        var withoutLearning = loaded.configuration
        withoutLearning.learning = [:]
        #expect(withoutLearning == DaemonConfiguration(environment: [:]))
        #expect(throws: Never.self) { try Daemon.learningConfiguration(for: loaded.configuration) }
        #expect(loaded.configuration.kafka.bootstrapServersList == ["127.0.0.1:9092"])
        #expect(loaded.configuration.topics.events == "warmstart.events")
        #expect(loaded.configuration.topics.scores == "warmstart.scores")
        #expect(loaded.configuration.topics.deadLetter == "warmstart.dead-letter")
        #expect(loaded.configuration.topics.model == "warmstart.model")
        #expect(loaded.configuration.shutdown.timeout == .seconds(10))
        #expect(loaded.configuration.scoring.coalesceWindow == .milliseconds(200))
        // Every key is read from the file except the commented-out erasure topic, state directory and key file.
        let fromDefaults = loaded.settings.filter { $0.source == .defaultValue }.map(\.key)
        #expect(fromDefaults == ["topics.erasure", "state.directory", "privacy.key_file"])
    }

    @Test func defaultsWithoutAnyFile() async throws {
        let loaded = try await DaemonConfiguration.load(environment: noFile)
        #expect(loaded.configurationFile == nil)
        #expect(
            loaded.warnings.contains {
                $0.contains("no configuration file at /nonexistent-warmstart-config-dir/warmstartd.yaml")
            }
        )
        #expect(loaded.configuration == DaemonConfiguration(environment: [:]))
    }

    @Test func systemdDirectories() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("warmstartd.yaml", "scoring:\n  top_k: 7\n")
        let environment = [
            "CONFIGURATION_DIRECTORY": directory.url.path, "STATE_DIRECTORY": "/var/lib/warmstart-x:/other",
        ]
        #expect(
            DaemonConfiguration.defaultConfigurationPath(environment: environment) == directory.url.path
                + "/warmstartd.yaml"
        )
        #expect(DaemonConfiguration.defaultConfigurationPath(environment: [:]) == "/etc/warmstart/warmstartd.yaml")
        let loaded = try await DaemonConfiguration.load(environment: environment)
        #expect(loaded.configurationFile == directory.url.path + "/warmstartd.yaml")
        #expect(loaded.configuration.scoring.topK == 7)
        #expect(loaded.configuration.state.directory == "/var/lib/warmstart-x")
    }

    @Test func precedenceIsCommandLineOverEnvironmentOverFileOverDefaults() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            scoring:
              top_k: 20
              coalesce_ms: 50
            kafka:
              group_id: from-file
            """
        )
        let environment = ["WARMSTART_SCORING_TOP_K": "30", "WARMSTART_KAFKA_GROUP_ID": "from-env"]

        let all = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: environment,
            overrides: ["scoring.top_k=40"]
        )
        #expect(all.configuration.scoring.topK == 40)
        #expect(all.configuration.kafka.groupID == "from-env")
        #expect(all.configuration.scoring.coalesceWindow == .milliseconds(50))
        #expect(all.configuration.publish.maxInFlight == 10_000)
        let sources = Dictionary(uniqueKeysWithValues: all.settings.map { ($0.key, $0.source) })
        #expect(sources["scoring.top_k"] == .commandLine)
        #expect(sources["kafka.group_id"] == .environment("WARMSTART_KAFKA_GROUP_ID"))
        #expect(sources["scoring.coalesce_ms"] == .file(file))
        #expect(sources["publish.max_in_flight"] == .defaultValue)

        let noCommandLine = try await DaemonConfiguration.load(configurationFile: file, environment: environment)
        #expect(noCommandLine.configuration.scoring.topK == 30)
        let fileOnly = try await DaemonConfiguration.load(configurationFile: file, environment: [:])
        #expect(fileOnly.configuration.scoring.topK == 20)
        #expect(fileOnly.configuration.kafka.groupID == "from-file")

        // A later --set wins over an earlier one; a value may contain '='.
        let twice = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: [:],
            overrides: ["scoring.top_k=5", "scoring.top_k=6", "kafka.properties.sasl.jaas.config=a=b"]
        )
        #expect(twice.configuration.scoring.topK == 6)
        #expect(twice.configuration.kafka.properties["sasl.jaas.config"] == "a=b")
    }

    @Test func kafkaPropertiesAreCollectedFromEveryLayer() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            kafka:
              bootstrap_servers: [broker-1:9092, "[::1]:9093"]
              properties:
                security.protocol: SASL_SSL
                ssl.ca.location: /etc/warmstart/ca.pem
                sasl:
                  username: file-user
                  password: file-secret
                socket.timeout.ms: 30000
            """
        )
        let loaded = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: [
                "WARMSTART_KAFKA_PROPERTIES_SASL_MECHANISMS": "SCRAM-SHA-512",
                "WARMSTART_KAFKA_PROPERTIES_SASL_USERNAME": "env-user",
                "WARMSTART_KAFKA_PROPERTIES_SOCKET_TIMEOUT_MS": "20000",
            ],
            overrides: ["kafka.properties.socket.timeout.ms=10000", "kafka.properties.client.rack=eu-1a"]
        )
        let kafka = loaded.configuration.kafka
        #expect(kafka.bootstrapServers == [HostPort(host: "broker-1", port: 9092), HostPort(host: "::1", port: 9093)])
        #expect(kafka.bootstrapServersList == ["broker-1:9092", "[::1]:9093"])
        #expect(
            kafka.properties == [
                "security.protocol": "SASL_SSL",
                "ssl.ca.location": "/etc/warmstart/ca.pem",
                "sasl.username": "env-user",
                "sasl.password": "file-secret",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "socket.timeout.ms": "10000",
                "client.rack": "eu-1a",
            ]
        )
        // Secrets never reach the printed configuration.
        let password = loaded.settings.first { $0.key == "kafka.properties.sasl.password" }
        #expect(password?.value == "<redacted>")
        #expect(!loaded.rendered().contains("file-secret"))
        #expect(loaded.rendered().contains("kafka.properties.sasl.mechanisms: SCRAM-SHA-512"))
    }

    @Test func renderedConfigurationLoadsBackToTheSameConfiguration() async throws {
        let directory = try TemporaryDirectory()
        let original = try await DaemonConfiguration.load(
            environment: noFile,
            overrides: [
                "kafka.bootstrap_servers=a:1,[::1]:2", "kafka.properties.client.rack=rack 1", "scoring.top_k=3",
                "input.kinds.like.weight=0.5", "learning.ranking.factors=48", "http.address=[::1]:0",
                "input.fields.user=user id",
            ]
        )
        let file = try directory.write("rendered.yaml", original.rendered())
        let reloaded = try await DaemonConfiguration.load(configurationFile: file, environment: [:])
        #expect(reloaded.configuration == original.configuration)
        #expect(reloaded.configuration.learningOverrides.map(\.key) == ["ranking.factors"])
    }

    @Test func learningOverridesAreCollectedUnparsed() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            learning:
              ranking:
                factors: 48
                learning_rate: 0.05
              meta:
                enabled: false
            """
        )
        let loaded = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: [
                // The plain name overrides a key the file has; `__` separates levels for a new key.
                "WARMSTART_LEARNING_RANKING_FACTORS": "64",
                "WARMSTART_LEARNING_META__LEARNING_RATE": "0.25",
            ],
            overrides: ["learning.ranking.window=64"]
        )
        #expect(
            loaded.configuration.learning == [
                "ranking.factors": "64",
                "ranking.learning_rate": "0.05",
                "meta.enabled": "false",
                "meta.learning_rate": "0.25",
                "ranking.window": "64",
            ]
        )
    }

    /// One set of kind weights: the daemon's default kinds (those of the shipped file, checked above) are the
    /// learning core's, so a replay and the daemon learn a stream the same way.
    @Test func kindWeightsAreTheLearningCores() throws {
        let defaults = DaemonConfiguration(environment: [:]).input.kinds
        #expect(defaults.mapValues(\.weight) == LearningConfiguration.defaultKindWeights)
        #expect(defaults["rating"]?.label == .eventValue && defaults["favorite"]?.label == .constant(1))
        let learning = try Daemon.learningConfiguration(for: DaemonConfiguration(environment: [:]))
        #expect(learning.kindWeights == LearningConfiguration().kindWeights)
    }

    @Test func kindsReplaceTheDefaultsInTheFileAndAddUpFromOtherLayers() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            input:
              fields:
                user: uid
                timestamp: time
              kinds:
                play:
                  weight: 0.5
                rating:
                  weight: 2
                like:
            """
        )
        let loaded = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: ["WARMSTART_INPUT_KINDS_ADD_TO_CART_WEIGHT": "0.75"],
            overrides: ["input.kinds.share.label=0.5"]
        )
        let input = loaded.configuration.input
        typealias Mapping = DaemonConfiguration.KindMapping
        #expect(
            input.kinds == [
                "play": Mapping(weight: 0.5, label: .constant(1)),
                "rating": Mapping(weight: 2, label: .eventValue),
                "like": Mapping(weight: 1, label: .constant(1)),
                "add_to_cart": Mapping(weight: 0.75, label: .constant(1)),
                "share": Mapping(weight: 1, label: .constant(0.5)),
            ]
        )
        #expect(input.fields.user == "uid")
        #expect(input.fields.timestamp == "time")
        let schema = input.eventSchema
        #expect(schema.allowedKinds == ["play", "rating", "like", "add_to_cart", "share"])
        #expect(schema.fields.user == "uid")
        #expect(schema.limits.maxMessageBytes == 65_536)
    }

    @Test(
        arguments: [
            ("scoring.top_k=0", "scoring.top_k", "must be between 1 and 10000, got 0"),
            ("scoring.top_k=ten", "scoring.top_k", "expected an integer"),
            ("scoring.coalesce_ms=-1", "scoring.coalesce_ms", "must be between 0 and 60000"),
            ("scoring.exclude_seen=maybe", "scoring.exclude_seen", "expected true or false"),
            ("kafka.bootstrap_servers=broker", "kafka.bootstrap_servers", "expected host:port"),
            ("kafka.bootstrap_servers=a:9092,b:99999", "kafka.bootstrap_servers", "between 1 and 65535"),
            ("kafka.bootstrap_servers=", "kafka.bootstrap_servers", "at least one broker"),
            ("kafka.group_id=", "kafka.group_id", "must not be empty"),
            ("kafka.properties.group.id=x", "kafka.properties.group.id", "kafka.group_id"),
            ("kafka.properties.bootstrap.servers=x:1", "kafka.properties.bootstrap.servers", "kafka.bootstrap_servers"),
            (
                "kafka.properties.enable.auto.commit=true", "kafka.properties.enable.auto.commit",
                "managed by warmstartd"
            ),
            ("kafka.properties.Bad Name=1", "kafka.properties.Bad Name", "not a librdkafka property name"),
            ("kafka.properties.socket.timeout.ms=", "kafka.properties.socket.timeout.ms", "must not be empty"),
            ("topics.events=bad topic", "topics.events", "not a valid topic name"),
            ("topics.scores=warmstart.events", "topics.scores", "must differ from topics.events"),
            ("topics.model=..", "topics.model", "not a valid topic name"),
            ("http.address=localhost", "http.address", "expected host:port"),
            ("http.address=::1:80", "http.address", "brackets"),
            ("http.address=[::1]:70000", "http.address", "between 0 and 65535"),
            ("input.fields.user=", "input.fields.user", "must not be empty"),
            ("input.fields.item=user", "input.fields.item", "must differ from input.fields.user"),
            ("input.max_message_bytes=1", "input.max_message_bytes", "must be between 64 and 16777216, got 1"),
            ("input.kinds.view.weight=-1", "input.kinds.view.weight", "between 0 and 1000000"),
            ("input.kinds.view.weight=nan", "input.kinds.view.weight", "between 0 and 1000000"),
            ("input.kinds.view.label=inf", "input.kinds.view.label", "finite number or \"value\""),
            ("input.kinds.view.colour=red", "input.kinds.view.colour", "input.kinds.<kind>.weight"),
            ("publish.max_in_flight=0", "publish.max_in_flight", "must be between 1 and 1000000"),
            ("metaupdate.every_events=-5", "metaupdate.every_events", "must be between 0"),
            ("metaupdate.every_ms=99999999999", "metaupdate.every_ms", "must be between 0 and 86400000"),
            ("shutdown.timeout_ms=5", "shutdown.timeout_ms", "must be between 100 and 600000, got 5"),
            ("state.directory=", "state.directory", "must not be empty"),
            ("state.directory=/dev/null", "state.directory", "not a directory"),
            ("logging.level=loud", "logging.level", "must be one of trace, debug, info"),
            ("logging.priority_prefix=sometimes", "logging.priority_prefix", "must be one of auto, always, never"),
            ("learning.Ranking.factors=1", "learning.Ranking.factors", "not a learning key"),
            ("learning.meta.interval=50", "learning.meta.interval", "metaupdate.every_events"),
            ("learning.ranking.factors=0", "learning.ranking.factors", "must be in 1…1024"),
            ("learning.ranking.nonsense=1", "learning.ranking.nonsense", "no such setting"),
            ("learning.ranking.factors=many", "learning.ranking.factors", "expected a number"),
            ("scoring.topk=5", "scoring.topk", "unknown key (known under scoring: coalesce_ms, exclude_seen, top_k)"),
            ("nonsense.key=1", "nonsense.key", "unknown top-level key"),
            ("no-equals-sign", "--set", "expected key=value"),
        ]
    )
    func everyValidationErrorNamesItsKey(override: String, key: String, fragment: String) async throws {
        let issues = await expectIssues(environment: noFile, overrides: [override])
        #expect(issues.count == 1, "\(issues)")
        let issue = try #require(issues.first)
        #expect(issue.key == key)
        #expect(issue.problem.contains(fragment), "\(issue)")
        #expect(issue.description.hasPrefix("\(key): "))
    }

    @Test func everyProblemIsReportedAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            scoring:
              top_k: 0
              coalesce: 10
            bogus:
              a: 1
              b: 2
            http:
              address: nowhere
            """
        )
        let issues = await expectIssues(
            file: file,
            environment: ["WARMSTART_PUBLISH_MAX_IN_FLIGHT": "0"],
            overrides: ["shutdown.timeout_ms=1"]
        )
        let byKey = Dictionary(issues.map { ($0.key, $0.problem) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(
            byKey.keys.sorted() == [
                "bogus", "http.address", "publish.max_in_flight", "scoring.coalesce", "scoring.top_k",
                "shutdown.timeout_ms",
            ]
        )
        #expect(byKey["bogus"]?.contains("unknown top-level key") == true)
        #expect(byKey["bogus"]?.contains("|") == false, "one issue per unknown section")
        #expect(byKey["scoring.coalesce"]?.contains("unknown key") == true)
    }

    @Test func learningProblemsAreReportedWithTheRest() async throws {
        let issues = await expectIssues(
            environment: noFile,
            overrides: [
                "scoring.top_k=0", "learning.ranking.factors=0", "learning.ranking.window=0",
                "learning.meta.learning_rate=-1", "learning.ranking.unknown_thing=3", "learning.rating.factors=x",
            ]
        )
        #expect(
            issues.map(\.key).sorted() == [
                "learning.ranking.unknown_thing", "learning.rating.factors", "scoring.top_k",
            ],
            "unknown keys and unparsable values first: the values' own checks need a configuration that parses")
        let valueIssues = await expectIssues(
            environment: noFile,
            overrides: ["learning.ranking.factors=0", "learning.ranking.negatives=0", "learning.meta.learning_rate=-1"]
        )
        #expect(
            valueIssues.map(\.key).sorted() == [
                "learning.meta.learning_rate", "learning.ranking.factors", "learning.ranking.negatives",
            ])
    }

    @Test func environmentTypesAreCheckedAndUnknownVariablesWarned() async throws {
        let issues = await expectIssues(environment: noFile.merging(["WARMSTART_SCORING_TOP_K": "many"]) { $1 })
        #expect(issues.map(\.key) == ["scoring.top_k"])

        let loaded = try await DaemonConfiguration.load(
            environment: noFile.merging(["WARMSTART_SCORING_TOPK": "5", "WARMSTART_HTTP_ADDRESS": "[::]:0"]) { $1 }
        )
        #expect(loaded.configuration.http.address == HostPort(host: "::", port: 0))
        #expect(loaded.warnings.contains("environment variable WARMSTART_SCORING_TOPK names no setting; ignored"))
    }

    @Test func fileProblems() async throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try await DaemonConfiguration.load(
                configurationFile: directory.url.path + "/missing.yaml",
                environment: [:]
            )
            Issue.record("a missing file named with --config must be an error")
        } catch let error as PipelineError {
            #expect(error.code == .configurationFileUnreadable)
            #expect(error.message.contains("missing.yaml"))
        }
        let broken = try directory.write("broken.yaml", "scoring: [unclosed\n")
        do {
            _ = try await DaemonConfiguration.load(configurationFile: broken, environment: [:])
            Issue.record("malformed YAML must be an error")
        } catch let error as PipelineError {
            #expect(error.code == .configurationFileUnreadable)
            #expect(error.message.contains("broken.yaml"))
        }
        let notMapping = try directory.write("list.yaml", "- a\n- b\n")
        await #expect(throws: PipelineError.self) {
            try await DaemonConfiguration.load(configurationFile: notMapping, environment: [:])
        }
        let sectionValue = try directory.write("section.yaml", "scoring: 5\nkafka:\n  properties: tls\n")
        let issues = await expectIssues(file: sectionValue)
        #expect(
            Set(issues.map(\.description))
                == ["scoring: expected a mapping of settings", "kafka.properties: expected a mapping of settings"]
        )
    }

    @Test func environmentVariableNames() {
        #expect(
            DaemonConfiguration.environmentVariableName(for: "kafka.bootstrap_servers")
                == "WARMSTART_KAFKA_BOOTSTRAP_SERVERS"
        )
        #expect(
            DaemonConfiguration.environmentVariableName(for: "topics.dead_letter") == "WARMSTART_TOPICS_DEAD_LETTER"
        )
        #expect(
            DaemonConfiguration.environmentVariableName(for: "input.kinds.addToCart.weight")
                == "WARMSTART_INPUT_KINDS_ADD_TO_CART_WEIGHT"
        )
    }

    @Test func hostPortParsing() {
        #expect(HostPort("127.0.0.1:9092") == HostPort(host: "127.0.0.1", port: 9092))
        #expect(HostPort("[fe80::1]:80")?.description == "[fe80::1]:80")
        #expect(HostPort("broker.example-1:1")?.host == "broker.example-1")
        #expect(HostPort("host:0") == nil)
        #expect(HostPort("host:0", allowPortZero: true)?.port == 0)
        #expect(HostPort("host:+80") == nil)
        #expect(HostPort(":80") == nil)
        #expect(HostPort("host") == nil)
        #expect(HostPort("ho st:80") == nil)
        #expect(HostPort("[zz::1]:80") == nil)
    }
}

@Suite struct DaemonCommandTests {
    final class Capture: Sendable {
        let lines = Mutex<String>("")
        func append(_ text: String) { lines.withLock { $0 += text } }
        var text: String { lines.withLock { $0 } }
    }

    @Test func checkConfigPrintsTheEffectiveConfiguration() async throws {
        let output = Capture()
        let errors = Capture()
        let status = await DaemonCommand.run(
            .init(
                configurationFile: repositoryRoot.appendingPathComponent("config/warmstartd.yaml").path,
                checkOnly: true,
                overrides: ["scoring.top_k=25"]
            ),
            environment: ["WARMSTART_KAFKA_GROUP_ID": "g2"],
            standardOutput: output.append,
            standardError: errors.append
        )
        #expect(status == 0)
        #expect(output.text.contains("scoring.top_k: 25"))
        #expect(output.text.contains("# --set"))
        #expect(output.text.contains("kafka.group_id: g2"))
        #expect(output.text.contains("# environment WARMSTART_KAFKA_GROUP_ID"))
        #expect(errors.text.contains("configuration OK"))
    }

    @Test func checkConfigFailsWithEveryMessage() async throws {
        let output = Capture()
        let errors = Capture()
        let status = await DaemonCommand.run(
            .init(checkOnly: true, overrides: ["scoring.top_k=0", "http.address=x"]),
            environment: ["CONFIGURATION_DIRECTORY": "/nonexistent-warmstart-config-dir"],
            standardOutput: output.append,
            standardError: errors.append
        )
        #expect(status == DaemonCommand.configurationErrorStatus)
        #expect(output.text.isEmpty)
        #expect(errors.text.contains("scoring.top_k: must be between 1 and 10000, got 0"))
        #expect(errors.text.contains("http.address: expected host:port"))
    }
}
