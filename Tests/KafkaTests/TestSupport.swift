import Kafka
import Logging
import Synchronization
import Testing

/// Logs of the clients under test: quiet unless `KAFKA_TEST_LOG_LEVEL` is set (e.g. `debug`).
func makeTestLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    if let level = ProcessEnv.logLevel {
        logger.logLevel = level
    } else {
        logger = Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
    }
    return logger
}

enum ProcessEnv {
    static var logLevel: Logger.Level? {
        guard let value = getenv("KAFKA_TEST_LOG_LEVEL") else { return nil }
        return Logger.Level(rawValue: String(cString: value))
    }
}

/// A unique topic / group name per test run.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Collects values from any thread.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])

    func append(_ value: Value) {
        storage.withLock { $0.append(value) }
    }

    var values: [Value] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(
    timeout: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Sends `count` messages `value(i)` with keys `key(i)` and waits for all delivery reports.
@discardableResult
func produce(
    to broker: KafkaDevelopmentBroker,
    topic: String,
    count: Int,
    partition: (Int) -> Int32? = { _ in nil },
    key: (Int) -> String? = { _ in nil },
    value: (Int) -> String
) async throws -> [KafkaDeliveryReport] {
    try await produceReturningIDs(to: broker, topic: topic, count: count, partition: partition, key: key, value: value)
        .reports
}

/// Like ``produce(to:topic:count:partition:key:value:)``, also returning the id of message `i` at index `i`.
func produceReturningIDs(
    to broker: KafkaDevelopmentBroker,
    topic: String,
    count: Int,
    partition: (Int) -> Int32? = { _ in nil },
    key: (Int) -> String? = { _ in nil },
    value: (Int) -> String
) async throws -> (ids: [KafkaProducerMessageID], reports: [KafkaDeliveryReport]) {
    let reports = Recorder<KafkaDeliveryReport>()
    let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServerList),
        logger: makeTestLogger("producer"),
        deliveryReportHandler: { reports.append($0) }
    )
    var ids: [KafkaProducerMessageID] = []
    ids.reserveCapacity(count)
    for index in 0..<count {
        ids.append(
            try await producer.send(
                KafkaProducerMessage(topic: topic, partition: partition(index), key: key(index), value: value(index))
            )
        )
    }
    try await producer.flush(timeout: .seconds(30))
    await producer.shutdown()
    return (ids, reports.values)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
