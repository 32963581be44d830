import Clickstream
import Foundation
import Kafka
import Learning
import Logging
import StateStore
import WarmstartTestSupport

@testable import Pipeline

/// A ``Learner`` with an ``InMemoryLearnerOutput`` and the daemon's default configuration (no broker), with the
/// helpers the learner's tests share.
struct LearnerHarness {
    static let topic = "warmstart.events"

    let learner: Learner
    let output: InMemoryLearnerOutput
    let metrics: DaemonMetrics
    /// Everything the learner logged.
    let logs: InMemoryLogHandler.Store

    /// - Parameters:
    ///   - keeper: Durable state; `nil` for none.
    ///   - adjust: Changes to the settings the daemon's default configuration gives.
    ///   - denylist: Erased users (with a keeper: erasure requests are handled).
    ///   - learning: Changes to the learning configuration it gives.
    init(
        keeper: StateKeeper? = nil, denylist: ErasureDenylist? = nil,
        adjust: (inout Learner.Settings) -> Void = { _ in },
        learning: (inout LearningConfiguration) -> Void = { _ in }
    ) throws {
        let configuration = DaemonConfiguration()
        logs = InMemoryLogHandler.Store()
        let logger = logs.logger
        var settings = Learner.Settings(configuration: configuration, deterministic: false)
        adjust(&settings)
        metrics = DaemonMetrics()
        var learningConfiguration = try Daemon.learningConfiguration(for: configuration)
        learning(&learningConfiguration)
        learner = Learner(
            model: try Recommender(configuration: learningConfiguration),
            settings: settings, metrics: metrics, logger: logger, keeper: keeper, denylist: denylist)
        output = InMemoryLearnerOutput()
        output.reportDeliveries { [weak learner] report in learner?.delivered(report) }
        learner.attach(output: output)
    }

    /// A harness (see ``init(keeper:adjust:)``) whose learner owns `partitions`, with nothing committed.
    static func assigned(
        _ partitions: [Int32], keeper: StateKeeper? = nil, adjust: (inout Learner.Settings) -> Void = { _ in },
        learning: (inout LearningConfiguration) -> Void = { _ in }
    ) throws -> LearnerHarness {
        let harness = try LearnerHarness(keeper: keeper, adjust: adjust, learning: learning)
        try harness.learner.assign(partitions, committed: [:])
        return harness
    }

    /// Submits `messages` and waits until the learner has processed them.
    func submit(_ messages: [DecodedMessage]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            learner.submit(messages) { continuation.resume() }
        }
    }

    /// Waits until everything submitted to the learner's queue so far ran (delivery reports, ticks, resends).
    func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            learner.queue.async { continuation.resume() }
        }
    }

    /// Takes a checkpoint and waits until it is durable, off the cooperative pool (the write blocks).
    func checkpointNow() async {
        await EventPipeline.offload { [learner] in learner.checkpointNow(reason: "test") }
    }

    /// A decoded event of `user` at `offset` of `partition`.
    static func event(
        _ user: String, item: String = "item-1", kind: String = "click", value: Double? = nil, partition: Int32 = 0,
        offset: Int64
    ) -> DecodedMessage {
        let message = kafkaMessage(user, partition: partition, offset: offset)
        let event = InteractionEvent(
            user: user, item: item, kind: kind, value: value, timestamp: 1_700_000_000_000 + offset)
        return DecodedMessage(message: message, outcome: .success(event), consumedAt: PipelineClock.now())
    }

    /// A message at `offset` of `partition` that decoding dead-lettered with `reason`.
    static func undecodable(
        partition: Int32 = 0, offset: Int64, reason: DeadLetterReason = .keyMismatch
    ) -> DecodedMessage {
        let message = kafkaMessage("someone", partition: partition, offset: offset)
        let deadLetter = DeadLetter(source: message, reason: reason, error: "test", failedAt: 0)
        return DecodedMessage(message: message, outcome: .failure(deadLetter), consumedAt: PipelineClock.now())
    }

    private static func kafkaMessage(_ user: String, partition: Int32, offset: Int64) -> KafkaMessage {
        KafkaMessage(
            topic: topic, partition: partition, offset: offset, key: Array(user.utf8), value: Array("{}".utf8),
            timestamp: nil, headers: [])
    }

    /// `user_events` of a score message's JSON.
    static func userEvents(_ message: OutputMessage) -> Int? {
        guard case .score(_, let value) = message,
            let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]
        else { return nil }
        return object["user_events"] as? Int
    }

    /// The value of one sample of `metrics`' exposition, e.g. `warmstart_users_in_memory`.
    static func sample(_ metrics: DaemonMetrics, _ series: String) -> Double? {
        for line in String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n")
        where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A new, empty state directory (removed by the caller).
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "warmstart-learner-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
