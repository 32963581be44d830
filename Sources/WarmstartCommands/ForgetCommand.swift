import ArgumentParser
import Foundation
import Kafka
import Logging
import Synchronization

/// `warmstart forget`: requests the erasure of a user (right to erasure) on the daemon's erasure topic.
public struct ForgetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Request the erasure of a user: a message keyed by the user id on the erasure topic.",
        discussion: """
            The message is keyed by the user id with the producer's default partitioner, like `warmstart produce` \
            keys events, so it lands in the partition number of the user's events when the erasure topic has as \
            many partitions as the events topic (checked when both exist). The daemon owning that partition \
            removes the user's state from memory and the state store, publishes a tombstone on the scores topic \
            and skips the user's events from then on. Exits once the broker acknowledged the request.
            """
    )

    @OptionGroup var kafka: KafkaConnectionOptions

    @Option(help: "The user id to erase.")
    var user: String

    @Option(help: "The erasure topic (the daemon's topics.erasure).")
    var topic: String = "warmstart.erasure"

    @Option(help: "The events topic (topics.events), whose partition count the erasure topic must have.")
    var eventsTopic: String = "warmstart.events"

    public init() {}

    public func validate() throws {
        if user.isEmpty { throw ValidationError("--user must not be empty") }
    }

    public func run() async throws {
        let logger = Logger(label: "warmstart.forget")
        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(
                bootstrapServers: kafka.bootstrapServers, clientID: "warmstart-forget",
                additionalProperties: kafka.additionalProperties),
            logger: logger)
        // Every topic's metadata (naming one would auto-create it on brokers that do so).
        let metadata = try await admin.metadata(timeout: .seconds(10))
        if let events = metadata.topic(eventsTopic)?.partitions.count,
            let erasure = metadata.topic(topic)?.partitions.count, events != erasure
        {
            Console.err(
                "\(topic) has \(erasure) partitions and \(eventsTopic) \(events): the request would not reach the "
                    + "partition of the user's events; recreate \(topic) with \(events) partitions\n")
            throw ExitCode.failure
        }

        let report = Mutex<KafkaDeliveryReport?>(nil)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: kafka.bootstrapServers, clientID: "warmstart-forget",
                additionalProperties: kafka.additionalProperties),
            logger: logger,
            deliveryReportHandler: { delivered in report.withLock { $0 = delivered } })
        _ = try await producer.send(
            KafkaProducerMessage(topic: topic, key: Array(user.utf8), value: Array("{\"erase\":true}".utf8)))
        do {
            try await producer.flush(timeout: .seconds(30))
        } catch {
            Console.err("flush: \(error)\n")
        }
        await producer.shutdown()
        switch report.withLock({ $0 })?.status {
        case .acknowledged(let partition, let offset):
            print("erasure requested on \(topic)[\(partition)]@\(offset)")
        case .failed(let error):
            Console.err("the request was not delivered: \(error)\n")
            throw ExitCode.failure
        case nil:
            Console.err("the request was not acknowledged in time\n")
            throw ExitCode.failure
        }
    }
}
