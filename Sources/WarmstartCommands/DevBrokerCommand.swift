import ArgumentParser
import Foundation
import Kafka
import Logging

/// `warmstart dev-broker`: librdkafka's mock cluster as an embedded development broker, so Warmstart can be tried
/// without a Kafka cluster. It speaks the real Kafka protocol over TCP on loopback.
public struct DevBrokerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run an embedded development Kafka broker (librdkafka's mock cluster) in the foreground.",
        discussion: """
            Prints the bootstrap servers and, with --bootstrap-file, writes them to that file once the broker is \
            ready (the file is removed again on exit). Stops cleanly on SIGINT or SIGTERM. The mock cluster keeps \
            about 5 MB of log per partition: use enough partitions for large streams. Fault drills: SIGUSR1 takes \
            every broker down (connections closed, new ones refused), SIGUSR2 brings them back up.
            """
    )

    @Option(help: "Number of brokers in the cluster.")
    var brokers: Int = 1

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp("A topic to create, as NAME:PARTITIONS (repeatable).", valueName: "name:partitions")
    )
    var topics: [TopicSpec] = []

    @Option(help: "Write the bootstrap servers to this file once the broker is ready.")
    var bootstrapFile: String?

    public init() {}

    public func validate() throws {
        guard (1...32).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 32, got \(brokers)")
        }
    }

    public func run() async throws {
        let logger = Logger(label: "warmstart.dev-broker")
        let broker = try KafkaDevelopmentBroker(brokers: brokers, logger: logger)
        defer { broker.shutdown() }
        for topic in topics {
            try broker.createTopic(topic.name, partitions: topic.partitions)
        }
        // Every signal handler first: the bootstrap file tells others the broker is ready to be signalled.
        let termination = TerminationSignal.listen()
        let faults = DispatchQueue(label: "warmstart.dev-broker.faults")
        let drills = [(SIGUSR1, false), (SIGUSR2, true)].map { number, up in
            onSignal(number, queue: faults) {
                for id in broker.brokerIDs {
                    do {
                        if up { try broker.setBrokerUp(id) } else { try broker.setBrokerDown(id) }
                    } catch {
                        Console.err("dev-broker: cannot set broker \(id) \(up ? "up" : "down"): \(error)\n")
                    }
                }
                Console.err("dev-broker: \(broker.brokerIDs.count) broker(s) \(up ? "up" : "down")\n")
            }
        }
        defer { for drill in drills { drill.cancel() } }

        let bootstrap = broker.bootstrapServers
        Console.out(bootstrap + "\n")
        if let bootstrapFile {
            try writeAtomically(bootstrap + "\n", to: bootstrapFile)
        }
        let topicList =
            topics.isEmpty ? "none (created on first use)" : topics.map(\.description).joined(separator: ", ")
        Console.err("dev-broker: \(brokers) broker(s) at \(bootstrap); topics: \(topicList); Ctrl-C to stop\n")

        let signal = await termination.wait()
        Console.err("dev-broker: signal \(signal), stopping\n")
        if let bootstrapFile {
            try? FileManager.default.removeItem(atPath: bootstrapFile)
        }
    }

    /// Readers poll for the file: it must appear complete or not at all.
    private func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// `NAME:PARTITIONS` on the command line.
struct TopicSpec: ExpressibleByArgument, CustomStringConvertible {
    var name: String
    var partitions: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":") else { return nil }
        let name = String(argument[..<colon])
        guard !name.isEmpty, let partitions = Int(argument[argument.index(after: colon)...]),
            (1...10_000).contains(partitions)
        else { return nil }
        self.name = name
        self.partitions = partitions
    }

    var description: String { "\(name):\(partitions)" }
}
