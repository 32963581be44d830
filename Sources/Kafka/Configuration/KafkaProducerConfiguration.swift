/// Configuration of a ``KafkaProducer``.
///
/// Defaults: idempotent delivery (`enable.idempotence=true`, which implies `acks=all`), Java-compatible key
/// hashing (`partitioner=murmur2_random`) and a short linger for batching.
public struct KafkaProducerConfiguration: Sendable {
    public var bootstrapServers: [String]
    public var clientID: String
    /// `enable.idempotence`.
    public var enableIdempotence: Bool = true
    /// `partitioner`.
    public var partitioner: String = "murmur2_random"
    /// `message.timeout.ms`: how long librdkafka retries a message before reporting it failed.
    public var messageTimeout: Duration = .seconds(300)
    /// `linger.ms`: how long to wait for more messages to fill a batch.
    public var linger: Duration = .milliseconds(5)
    /// `queue.buffering.max.messages`: beyond this, ``KafkaProducer/send(_:)`` waits for space.
    public var maximumQueuedMessages: Int = 100_000
    /// `compression.codec`.
    public var compression: String = "none"
    /// See ``KafkaClientConfiguration/statisticsInterval``.
    public var statisticsInterval: Duration?
    /// See ``KafkaClientConfiguration/statisticsHandler``.
    public var statisticsHandler: (@Sendable (String) -> Void)?
    /// Any other librdkafka property, applied last. Validated when the producer is created.
    public var additionalProperties: [String: String]

    public init(
        bootstrapServers: [String],
        clientID: String = "warmstart",
        additionalProperties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.additionalProperties = additionalProperties
    }

    func rdKafkaProperties() -> [(String, String)] {
        var properties = KafkaClientConfiguration(
            bootstrapServers: bootstrapServers,
            clientID: clientID,
            statisticsInterval: statisticsInterval
        ).rdKafkaProperties()
        properties += [
            ("enable.idempotence", enableIdempotence ? "true" : "false"),
            ("partitioner", partitioner),
            ("message.timeout.ms", String(messageTimeout.wholeMilliseconds)),
            ("linger.ms", String(linger.wholeMilliseconds)),
            ("queue.buffering.max.messages", String(maximumQueuedMessages)),
            ("compression.codec", compression),
        ]
        properties.append(additional: additionalProperties)
        return properties
    }
}
