import Foundation
import Kafka
import Logging
import Synchronization
import Testing
import WarmstartTestSupport

@testable import Pipeline

/// `kafka.properties.*` routed by librdkafka's consumer/producer scope, and the per-client
/// `kafka.consumer_properties.*` / `kafka.producer_properties.*`.
@Suite struct ConfigurationKafkaPropertiesTests {
    private let noFile = ["CONFIGURATION_DIRECTORY": "/nonexistent-warmstart-config-dir"]

    @Test func scopesFollowLibrdkafkasTable() {
        for name in [
            "session.timeout.ms", "group.instance.id", "auto.offset.reset", "heartbeat.interval.ms",
            "isolation.level", "fetch.min.bytes", "queued.max.messages.kbytes", "check.crcs",
        ] {
            #expect(KafkaPropertyScope(property: name) == .consumer, "\(name)")
        }
        for name in [
            "linger.ms", "acks", "request.required.acks", "compression.type", "message.timeout.ms",
            "enable.idempotence", "batch.size", "transactional.id", "partitioner",
        ] {
            #expect(KafkaPropertyScope(property: name) == .producer, "\(name)")
        }
        for name in [
            "security.protocol", "sasl.mechanisms", "ssl.ca.location", "socket.timeout.ms", "client.rack",
            "debug", "statistics.interval.ms", "not.a.property",
        ] {
            #expect(KafkaPropertyScope(property: name) == .both, "\(name)")
        }
    }

    /// The table against the `CONFIGURATION.md` that ships with the installed librdkafka-dev package: every
    /// property marked C or P there has that scope here, and nothing else is consumer- or producer-only.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.installedDocumentation)))
    func scopesMatchTheInstalledLibrdkafkaDocumentation() throws {
        let zcat = Process()
        zcat.executableURL = URL(fileURLWithPath: "/bin/sh")
        zcat.arguments = ["-c", "zcat \(Self.installedDocumentation)"]
        let pipe = Pipe()
        zcat.standardOutput = pipe
        try zcat.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        zcat.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var consumer: Set<String> = []
        var producer: Set<String> = []
        for line in text.split(separator: "\n") {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard columns.count > 2, columns[0].first?.isLowercase == true else { continue }
            switch columns[1] {
            case "C": consumer.insert(columns[0])
            case "P": producer.insert(columns[0])
            default: break
            }
        }
        #expect(consumer.count > 25 && producer.count > 25, "parsed the C/P column")
        #expect(consumer == KafkaPropertyScope.consumerOnly)
        #expect(producer == KafkaPropertyScope.producerOnly)
    }

    static let installedDocumentation = "/usr/share/doc/librdkafka-dev/CONFIGURATION.md.gz"

    @Test func sharedPropertiesAreRoutedAndPerClientOnesOverrideThem() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            kafka:
              properties:
                security.protocol: SASL_SSL
                sasl.username: shared-user
                session.timeout.ms: 6000
                auto.offset.reset: latest
                linger.ms: 20
              consumer_properties:
                client.rack: eu-1a
              producer_properties:
                sasl.username: producer-user
                acks: "1"
            """
        )
        let loaded = try await DaemonConfiguration.load(
            configurationFile: file,
            environment: [
                "WARMSTART_KAFKA_CONSUMER_PROPERTIES_HEARTBEAT_INTERVAL_MS": "500",
                "WARMSTART_KAFKA_PRODUCER_PROPERTIES_COMPRESSION_TYPE": "lz4",
            ],
            overrides: [
                "kafka.consumer_properties.sasl.username=consumer-user",
                "kafka.properties.group.instance.id=wsd-1",
            ]
        )
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let kafka = loaded.configuration.kafka
        #expect(
            kafka.consumerClientProperties == [
                "security.protocol": "SASL_SSL",
                "sasl.username": "consumer-user",
                "session.timeout.ms": "6000",
                "auto.offset.reset": "latest",
                "group.instance.id": "wsd-1",
                "client.rack": "eu-1a",
                "heartbeat.interval.ms": "500",
            ]
        )
        #expect(
            kafka.producerClientProperties == [
                "security.protocol": "SASL_SSL",
                "sasl.username": "producer-user",
                "linger.ms": "20",
                "acks": "1",
                "compression.type": "lz4",
            ]
        )
        #expect(
            kafka.adminClientProperties == [
                "security.protocol": "SASL_SSL",
                "sasl.username": "consumer-user",
                "client.rack": "eu-1a",
            ]
        )
        let sources = Dictionary(uniqueKeysWithValues: loaded.settings.map { ($0.key, $0.source) })
        #expect(
            sources["kafka.consumer_properties.heartbeat.interval.ms"]
                == .environment("WARMSTART_KAFKA_CONSUMER_PROPERTIES_HEARTBEAT_INTERVAL_MS"))
        #expect(sources["kafka.consumer_properties.sasl.username"] == .commandLine)
        #expect(sources["kafka.producer_properties.acks"] == .file(file))
        #expect(loaded.rendered().contains("kafka.producer_properties.compression.type: lz4"))
    }

    @Test(
        arguments: [
            ("kafka.producer_properties.session.timeout.ms=6000", "consumer property"),
            ("kafka.producer_properties.auto.offset.reset=earliest", "kafka.consumer_properties"),
            ("kafka.consumer_properties.linger.ms=5", "producer property"),
            ("kafka.consumer_properties.group.id=x", "kafka.group_id"),
            ("kafka.producer_properties.bootstrap.servers=x:1", "kafka.bootstrap_servers"),
            ("kafka.consumer_properties.enable.auto.commit=true", "managed by warmstartd"),
            ("kafka.producer_properties.Linger=5", "not a librdkafka property name"),
            ("kafka.consumer_properties.client.rack=", "must not be empty"),
        ]
    )
    func perClientPropertiesAreValidated(override: String, fragment: String) async throws {
        let issues = await expectIssues(environment: noFile, overrides: [override])
        #expect(issues.count == 1, "\(issues)")
        let issue = try #require(issues.first)
        #expect(issue.key == String(override.prefix { $0 != "=" }))
        #expect(issue.problem.contains(fragment), "\(issue)")
    }

    @Test func emptySectionsAndSecretsOfPerClientProperties() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "c.yaml",
            """
            kafka:
              properties: {}
              consumer_properties: {}
              producer_properties:
                sasl.password: producer-secret
            """
        )
        let loaded = try await DaemonConfiguration.load(configurationFile: file, environment: [:])
        #expect(loaded.configuration.kafka.producerProperties == ["sasl.password": "producer-secret"])
        #expect(!loaded.rendered().contains("producer-secret"))
        #expect(loaded.configuration.kafka.consumerClientProperties.isEmpty)

        let bad = try directory.write("bad.yaml", "kafka:\n  consumer_properties: tls\n")
        let issues = await expectIssues(file: bad, environment: [:])
        #expect(issues.map(\.description) == ["kafka.consumer_properties: expected a mapping of settings"])
    }

    /// Real librdkafka clients built the way the daemon builds them: neither warns that a property will be
    /// ignored. The control (a consumer property given to a producer) shows the warning is caught when it happens.
    @Test func librdkafkaDoesNotWarnAboutRoutedProperties() async throws {
        let loaded = try await DaemonConfiguration.load(
            environment: noFile,
            overrides: [
                "kafka.bootstrap_servers=127.0.0.1:1",
                "kafka.properties.session.timeout.ms=6000",
                "kafka.properties.group.instance.id=wsd-test",
                "kafka.properties.auto.offset.reset=latest",
                "kafka.properties.linger.ms=20",
                "kafka.properties.acks=all",
                "kafka.properties.socket.timeout.ms=10000",
            ]
        )
        let kafka = loaded.configuration.kafka
        let capture = InMemoryLogHandler.Store()

        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: kafka.bootstrapServersList, additionalProperties: kafka.producerClientProperties),
            logger: capture.logger
        )
        await producer.shutdown(timeout: .milliseconds(100))
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: kafka.bootstrapServersList,
                consumptionStrategy: .group(id: "g", topics: ["t"]),
                additionalProperties: kafka.consumerClientProperties),
            logger: capture.logger
        )
        try? await consumer.close()
        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(
                bootstrapServers: kafka.bootstrapServersList, additionalProperties: kafka.adminClientProperties),
            logger: capture.logger
        )
        _ = admin
        #expect(!capture.text.contains("will be ignored"), "\(capture.text)")

        let control = InMemoryLogHandler.Store()
        let unrouted = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: kafka.bootstrapServersList, additionalProperties: kafka.properties),
            logger: control.logger
        )
        await unrouted.shutdown(timeout: .milliseconds(100))
        #expect(control.text.contains("session.timeout.ms is a consumer property and will be ignored"))
    }
}
