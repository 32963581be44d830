import Clickstream
import Foundation
import Kafka
import Logging
import Synchronization

// MARK: - Clients

/// The Kafka clients a broker fault test needs around a cluster it knows only by its bootstrap servers: the
/// in-process development broker, or a `warmstart dev-broker` child process.
final class FaultClusterClients: Sendable {
    static let eventPartitions: Int32 = 3
    static let scorePartitions: Int32 = 3

    let bootstrapServers: [String]
    let admin: KafkaAdminClient
    let logger = Logger(label: "warmstartd-fault-tests") { _ in SwiftLogNoOpLogHandler() }

    init(bootstrapServers: [String]) throws {
        self.bootstrapServers = bootstrapServers
        admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(bootstrapServers: bootstrapServers, clientID: "test-admin"),
            logger: logger)
    }

    var bootstrap: String { bootstrapServers.joined(separator: ",") }

    /// Produces `messages` with a real (idempotent) producer, in `chunks` paced evenly over `duration`, then waits
    /// until every one was acknowledged: the brokers may be down, erroring or frozen meanwhile.
    func feed(_ messages: [KafkaProducerMessage], over duration: Duration, chunks: Int = 30) async throws {
        let failures = Mutex<[String]>([])
        let acknowledged = Atomic<Int>(0)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers, clientID: "test-feeder"),
            logger: logger,
            deliveryReportHandler: { report in
                switch report.status {
                case .acknowledged: acknowledged.add(1, ordering: .relaxed)
                case .failed(let error): failures.withLock { $0.append("\(error)") }
                }
            }
        )
        let chunkSize = max(1, (messages.count + chunks - 1) / chunks)
        let pause = duration / chunks
        let start = ContinuousClock.now
        for (index, chunkStart) in stride(from: 0, to: messages.count, by: chunkSize).enumerated() {
            for message in messages[chunkStart..<min(chunkStart + chunkSize, messages.count)] {
                _ = try await producer.send(message)
            }
            try await Task.sleep(until: start + pause * (index + 1), clock: .continuous)
        }
        try await producer.flush(timeout: .seconds(60))
        await producer.shutdown(timeout: .seconds(5))
        let failed = failures.withLock { $0 }
        guard failed.isEmpty, acknowledged.load(ordering: .relaxed) == messages.count else {
            throw TestFailure(
                "feeder: \(acknowledged.load(ordering: .relaxed)) of \(messages.count) acknowledged, "
                    + "\(failed.count) failed: \(failed.prefix(3))")
        }
    }

    /// The high watermark of every partition of `topic`.
    func highWatermarks(_ topic: String, partitions: Int32) async throws -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            result[partition] = try await admin.watermarks(
                for: KafkaTopicPartition(topic: topic, partition: partition)
            ).high
        }
        return result
    }

    /// Every message of `topic` from the beginning up to its current high watermarks.
    func readAll(_ topic: String, partitions: Int32, timeout: Duration = .seconds(30)) async throws -> [KafkaMessage] {
        let high = try await highWatermarks(topic, partitions: partitions)
        let tail = try TopicTail(topic: topic, bootstrapServers: bootstrapServers, logger: logger)
        do {
            try await poll("read \(topic) up to \(high)", timeout: timeout) {
                var next: [Int32: Int64] = [:]
                for message in tail.messages { next[message.partition] = message.offset + 1 }
                return high.allSatisfy { next[$0.key, default: 0] >= $0.value }
            }
        } catch {
            await tail.stop()
            throw error
        }
        await tail.stop()
        return tail.messages.filter { $0.offset < high[$0.partition, default: 0] }
    }

    /// The offsets consumer group `groupID` committed on the events topic (-1001 where nothing was committed), read
    /// by a consumer that assigns itself the partitions without joining the group.
    func committedOffsets(groupID: String) async throws -> [Int32: Int64] {
        let partitions = (0..<Self.eventPartitions).map {
            KafkaTopicPartition(topic: TestCluster.events, partition: $0)
        }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: bootstrapServers,
                clientID: "test-offsets",
                consumptionStrategy: .partitions(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .end) })),
                additionalProperties: ["group.id": groupID]
            ),
            logger: logger
        )
        let committed = try await consumer.committedOffsets(for: partitions, timeout: .seconds(3))
        try await consumer.close()
        return Dictionary(uniqueKeysWithValues: committed.map { ($0.key.partition, $0.value) })
    }
}

// MARK: - In-process cluster

/// A three-broker in-process development cluster with the daemon's topics, each partition's leader and the group's
/// coordinator placed where a fault test wants them.
final class FaultCluster: Sendable {
    struct Layout {
        /// The leader of each events partition.
        var events: [Int32]
        /// The leader of each scores partition.
        var scores: [Int32]
        /// The leader of the dead-letter and model topics.
        var output: Int32
        var coordinator: Int32
    }

    let broker: KafkaDevelopmentBroker
    let clients: FaultClusterClients

    init(group: String, layout: Layout) throws {
        precondition(layout.events.count == Int(FaultClusterClients.eventPartitions))
        precondition(layout.scores.count == Int(FaultClusterClients.scorePartitions))
        let logger = Logger(label: "warmstartd-fault-tests") { _ in SwiftLogNoOpLogHandler() }
        broker = try KafkaDevelopmentBroker(brokers: 3, logger: logger)
        try broker.createTopic(TestCluster.events, partitions: Int(FaultClusterClients.eventPartitions))
        try broker.createTopic(TestCluster.scores, partitions: Int(FaultClusterClients.scorePartitions))
        try broker.createTopic(TestCluster.deadLetter, partitions: 1)
        try broker.createTopic(TestCluster.model, partitions: 1)
        for (partition, leader) in layout.events.enumerated() {
            try broker.setPartitionLeader(topic: TestCluster.events, partition: Int32(partition), broker: leader)
        }
        for (partition, leader) in layout.scores.enumerated() {
            try broker.setPartitionLeader(topic: TestCluster.scores, partition: Int32(partition), broker: leader)
        }
        try broker.setPartitionLeader(topic: TestCluster.deadLetter, partition: 0, broker: layout.output)
        try broker.setPartitionLeader(topic: TestCluster.model, partition: 0, broker: layout.output)
        try broker.setGroupCoordinator(group: group, broker: layout.coordinator)
        clients = try FaultClusterClients(bootstrapServers: broker.bootstrapServerList)
    }

    deinit {
        broker.shutdown()
    }
}

// MARK: - Development broker process

/// `warmstart dev-broker` as a child process (three brokers, the daemon's topics), so that a test can freeze the
/// whole cluster with SIGSTOP.
final class DevBrokerProcess {
    let process = Process()
    let directory: URL
    let bootstrapServers: [String]

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bootstrapFile = directory.appendingPathComponent("bootstrap")
        let logURL = directory.appendingPathComponent("dev-broker.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = try Executables.url("warmstart")
        process.arguments = [
            "dev-broker", "--brokers", "3",
            "--topic", "\(TestCluster.events):\(FaultClusterClients.eventPartitions)",
            "--topic", "\(TestCluster.scores):\(FaultClusterClients.scorePartitions)",
            "--topic", "\(TestCluster.deadLetter):1",
            "--topic", "\(TestCluster.model):1",
            "--bootstrap-file", bootstrapFile.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
        var servers: [String] = []
        let process = self.process
        try await poll("dev-broker wrote \(bootstrapFile.path)", timeout: .seconds(20)) {
            guard process.isRunning else { throw TestFailure("dev-broker exited (\(process.terminationStatus))") }
            guard let text = try? String(contentsOf: bootstrapFile, encoding: .utf8) else { return false }
            servers = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
            return !servers.isEmpty
        }
        bootstrapServers = servers
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGCONT)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func freeze() { kill(process.processIdentifier, SIGSTOP) }

    func thaw() { kill(process.processIdentifier, SIGCONT) }

    /// Stops the broker with SIGTERM and waits for it.
    func stop() async {
        kill(process.processIdentifier, SIGCONT)
        kill(process.processIdentifier, SIGTERM)
        let process = self.process
        try? await poll("dev-broker exited", timeout: .seconds(10)) { !process.isRunning }
    }
}

// MARK: - Watching the daemon

/// Samples a running `warmstartd` every 100 ms while a fault happens: whether the process is still running (a
/// `Process` runs once, so still running means the same PID throughout), what `/healthz` and `/readyz` answer.
final class DaemonWatch: Sendable {
    struct Record: Sendable {
        var samples = 0
        /// Samples where the process was no longer running.
        var exited = 0
        /// `/healthz` answers other than 200 (or no answer), with when they happened.
        var unhealthy: [String] = []
        /// `/readyz` answers other than 200 (or no answer).
        var notReady = 0
        var readyBodies: Set<String> = []
    }

    private let record = Mutex(Record())
    private let task = Mutex<Task<Void, Never>?>(nil)
    let pid: Int32

    init(_ daemon: DaemonProcess, port: Int) {
        pid = daemon.process.processIdentifier
        let process = daemon.process
        let started = ContinuousClock.now
        // Holds `self` until ``stop()``.
        let running = Task { [self] in
            while !Task.isCancelled {
                let alive = process.isRunning
                let health = try? await HTTPResponse.fetch(port: port, path: "/healthz")
                let ready = try? await HTTPResponse.fetch(port: port, path: "/readyz")
                let at = ContinuousClock.now - started
                record.withLock { record in
                    record.samples += 1
                    if !alive { record.exited += 1 }
                    if health?.status != 200 {
                        record.unhealthy.append("\(at): \(health.map { "\($0.status) \($0.body)" } ?? "no answer")")
                    }
                    if ready?.status != 200 {
                        record.notReady += 1
                        record.readyBodies.insert(ready.map { "\($0.status) \($0.body)" } ?? "no answer")
                    }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        task.withLock { $0 = running }
    }

    /// Stops sampling and returns what was seen.
    func stop() async -> Record {
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
        return record.withLock { $0 }
    }
}
