import ArgumentParser
import Clickstream
import Foundation
import Kafka
import Logging
import Synchronization

/// `warmstart produce`: feeds an event file into a topic, each record keyed by its user (or item) id.
public struct ProduceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Feed an event file into a Kafka topic, keyed by user id.",
        discussion: """
            Every record is sent as one JSON event (the schema of config/event.schema.json). A record that cannot \
            be read is reported with its line number on stderr and skipped. Prints how many messages were \
            acknowledged; exits non-zero when any delivery failed.
            """
    )

    enum KeyField: String, ExpressibleByArgument, CaseIterable {
        case user, item
    }

    @OptionGroup var kafka: KafkaConnectionOptions

    @Option(help: "Topic to produce to.")
    var topic: String

    @Option(help: "Event file to read.")
    var input: String

    @Option(help: "Format of the input file (\(EventFileFormat.allCases.map(\.rawValue).joined(separator: "|"))).")
    var format: EventFileFormat = .jsonl

    @OptionGroup var delimited: DelimitedOptions

    @Option(help: "Which id keys the messages: user or item.")
    var keyField: KeyField = .user

    @Option(help: "Send at most this many events per second (default: as fast as possible).")
    var rate: Double?

    @Option(help: "Stop after this many events.")
    var limit: Int?

    public init() {}

    public func run() async throws {
        let logger = Logger(label: "warmstart.produce")
        let counts = Mutex(DeliveryCounts())
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: kafka.bootstrapServers,
                clientID: "warmstart-produce",
                additionalProperties: kafka.additionalProperties
            ),
            logger: logger,
            deliveryReportHandler: { report in
                counts.withLock { $0.record(report) }
            }
        )

        let reader = try EventFileReader(path: input, format: format, layout: try delimited.layout(for: format))
        var sent = 0
        var skipped = 0
        let started = ContinuousClock.now
        var buffer: [UInt8] = []
        while let record = try reader.next() {
            if let limit, sent >= limit { break }
            switch record.result {
            case .failure(let error):
                skipped += 1
                Console.err("\(input):\(record.lineNumber): skipped: \(error)\n")
            case .success(let event):
                buffer.removeAll(keepingCapacity: true)
                event.appendJSON(to: &buffer)
                let key = keyField == .user ? event.user : event.item
                _ = try await producer.send(
                    KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: buffer)
                )
                sent += 1
                if let rate, rate > 0 {
                    let due = started + .seconds(Double(sent) / rate)
                    if due > .now { try await Task.sleep(until: due, clock: .continuous) }
                }
            }
        }
        do {
            try await producer.flush(timeout: .seconds(60))
        } catch {
            Console.err("flush: \(error)\n")
        }
        await producer.shutdown()

        let final = counts.withLock { $0 }
        let seconds = (ContinuousClock.now - started).asSeconds
        print(
            "produced \(sent) events to \(topic): \(final.acknowledged) acknowledged, \(final.failed) failed, "
                + "\(skipped) unreadable records skipped (\(String(format: "%.1f", seconds)) s)"
        )
        if let firstError = final.firstError {
            Console.err("first delivery failure: \(firstError)\n")
        }
        if final.failed > 0 || final.acknowledged != sent {
            throw ExitCode.failure
        }
    }
}

/// Tally of delivery reports.
struct DeliveryCounts: Sendable {
    var acknowledged = 0
    var failed = 0
    var firstError: KafkaError?

    mutating func record(_ report: KafkaDeliveryReport) {
        switch report.status {
        case .acknowledged:
            acknowledged += 1
        case .failed(let error):
            failed += 1
            if firstError == nil { firstError = error }
        }
    }
}

extension EventFileFormat: ExpressibleByArgument {}

extension Duration {
    /// The duration in (fractional) seconds.
    var asSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
