import Kafka

/// One message the ``Learner`` hands to its ``LearnerOutput``.
enum OutputMessage: Sendable {
    /// A user's latest scores, the ``ScoreMessage`` JSON, keyed by the user: for the scores topic.
    case score(user: String, value: [UInt8])
    /// A message that could not be processed: for the dead-letter topic (see ``DeadLetter``).
    case deadLetter(DeadLetter)
    /// The shared initialization θ as JSON, keyed `initialization`: for the compacted model topic.
    case model(value: [UInt8])
    /// A null value keyed by an erased user, after the user's last score message: for the scores topic.
    case tombstone(user: String)

    /// The user of a score message; `nil` for the others.
    var scoredUser: String? {
        if case .score(let user, _) = self { return user }
        return nil
    }
}

/// Where the ``Learner``'s messages go: scores, dead letters and the model.
///
/// The daemon's is a ``KafkaLearnerOutput`` over its librdkafka producer; tests use an in-memory one, so the learner
/// runs without a broker.
///
/// The contract the learner's exactly-once bookkeeping relies on (see ``DeliveryTracker``):
/// - ``trySend(_:)`` never waits: it accepts the message and returns the id its delivery report will carry, or
///   refuses it at once (a full queue). A refused message is kept by the learner and sent again later.
/// - Every accepted message gets exactly one delivery report, acknowledged or failed, which its owner passes to
///   ``Learner/delivered(_:)`` (from any thread). An event's offset is committed only once every message it caused
///   was acknowledged.
protocol LearnerOutput: Sendable {
    /// Hands `message` over without waiting.
    ///
    /// - Returns: The id the message's delivery report will carry.
    /// - Throws: ``KafkaError`` when the message is refused (e.g. ``KafkaError/Code/queueFull``).
    func trySend(_ message: OutputMessage) throws(KafkaError) -> KafkaProducerMessageID

    /// Waits until every message sent so far has its delivery report.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` when messages are still outstanding after `timeout`.
    func flush(timeout: Duration) async throws(KafkaError)
}

/// The daemon's ``LearnerOutput``: one librdkafka producer, and the topic of each kind of message.
///
/// The producer's delivery report handler must call ``Learner/delivered(_:)``.
struct KafkaLearnerOutput: LearnerOutput {
    let producer: KafkaProducer
    /// The topic of each kind of ``OutputMessage``: `topics.scores`, `topics.dead_letter`, `topics.model`.
    let topics: DaemonConfiguration.Topics

    func trySend(_ message: OutputMessage) throws(KafkaError) -> KafkaProducerMessageID {
        try producer.trySend(producerMessage(message))
    }

    func flush(timeout: Duration) async throws(KafkaError) {
        try await producer.flush(timeout: timeout)
    }

    /// `message` as the producer sends it.
    func producerMessage(_ message: OutputMessage) -> KafkaProducerMessage {
        switch message {
        case .score(let user, let value):
            KafkaProducerMessage(topic: topics.scores, key: Array(user.utf8), value: value)
        case .deadLetter(let deadLetter):
            deadLetter.producerMessage(topic: topics.deadLetter)
        case .model(let value):
            KafkaProducerMessage(topic: topics.model, key: Array("initialization".utf8), value: value)
        case .tombstone(let user):
            KafkaProducerMessage.tombstone(topic: topics.scores, key: Array(user.utf8))
        }
    }
}
