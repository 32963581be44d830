import Kafka
import Testing

@Suite("Configuration validation")
struct ConfigurationTests {
    @Test("an unknown property fails with librdkafka's message naming it")
    func unknownProperty() throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: ["127.0.0.1:1"],
            consumptionStrategy: .group(id: "g", topics: ["t"])
        )
        configuration.additionalProperties = ["no.such.property": "1"]
        let error = try #require(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: configuration, logger: makeTestLogger("consumer"))
        }
        #expect(error.code == .unknownConfigurationProperty)
        #expect(error.message.contains("no.such.property"))
        #expect(!error.isFatal && !error.isRetriable)
    }

    @Test("an invalid value fails with librdkafka's message naming the property")
    func invalidValue() throws {
        let configuration = KafkaProducerConfiguration(
            bootstrapServers: ["127.0.0.1:1"],
            additionalProperties: ["linger.ms": "banana"]
        )
        let error = try #require(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: configuration, logger: makeTestLogger("producer"))
        }
        #expect(error.code == .invalidConfigurationValue)
        #expect(error.message.contains("linger.ms"))
    }

    @Test("typed settings are validated too")
    func invalidTypedSetting() throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: ["127.0.0.1:1"],
            consumptionStrategy: .group(id: "g", topics: ["t"])
        )
        configuration.partitionAssignmentStrategy = "no-such-assignor"
        let error = try #require(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: configuration, logger: makeTestLogger("consumer"))
        }
        #expect(error.message.contains("no-such-assignor"))
    }

    @Test("error codes carry librdkafka's names")
    func errorNames() {
        #expect(KafkaError.Code.queueFull.name == "_QUEUE_FULL")
        #expect(KafkaError.Code.notCoordinator.name == "NOT_COORDINATOR")
        #expect(KafkaError.Code.queueFull.rawValue == -184)
        #expect(KafkaError(code: .messageTimedOut, message: "x").isRetriable)
        #expect(KafkaError(code: .fatal, message: "x").isFatal)
    }
}
