import Logging
import Synchronization

/// Reads messages from Kafka, as a member of a consumer group or from partitions it assigns itself.
///
/// A dedicated poll thread keeps polling librdkafka while the caller works, so heartbeats, rebalances and
/// `max.poll.interval.ms` never depend on how fast the caller is. It hands messages over in batches through a
/// bounded buffer (``KafkaConsumerConfiguration/maximumBufferedMessages``); when the buffer is full it pauses
/// all partitions, keeps polling, and resumes them once the caller drained half of it.
///
/// Offsets are the caller's business: nothing is stored or committed automatically. Store offsets with
/// ``storeOffset(for:)`` and commit with ``commit()``, or commit explicit offsets with ``commit(_:)``.
///
/// Call ``close()`` to leave the group cleanly (otherwise partitions stay locked for `session.timeout.ms`).
/// A consumer dropped without it closes in the background.
public final class KafkaConsumer: Sendable {
    private let core: ConsumerCore

    /// Creates the consumer and starts its poll thread. In group mode it subscribes; without a group it assigns
    /// the partitions on the poll thread (a failure there, e.g. no metadata, is thrown by
    /// ``nextBatch(maxMessages:maxWait:)``).
    ///
    /// - Parameters:
    ///   - configuration: Validated here: every property goes through `rd_kafka_conf_set`.
    ///   - logger: Receives librdkafka's logs and errors.
    ///   - rebalanceHandler: Called synchronously on the poll thread; see ``KafkaRebalanceEvent``.
    /// - Throws: ``KafkaError`` for an unknown property or invalid value, naming the property.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> Void)? = nil
    ) throws(KafkaError) {
        core = try ConsumerCore(configuration: configuration, logger: logger, rebalanceHandler: rebalanceHandler)
        core.start()
    }

    deinit {
        core.beginClose()
    }

    // MARK: - Messages

    /// The next messages, oldest first; per partition in offset order.
    ///
    /// Waits until at least one message is buffered, or until `maxWait` passed (then it returns `[]`).
    /// - Parameters:
    ///   - maxMessages: At most this many.
    ///   - maxWait: `nil` waits as long as it takes.
    /// - Throws: ``KafkaError/Code/shutDown`` once the consumer is closed, the failure that stopped it (a fatal
    ///   error, or the initial assignment failing), or `CancellationError`.
    public func nextBatch(maxMessages: Int = 10_000, maxWait: Duration? = nil) async throws -> [KafkaMessage] {
        try await core.nextBatch(maxMessages: maxMessages, maxWait: maxWait)
    }

    /// Non-empty batches until the consumer is closed; a failure is thrown from the iterator.
    public var batches: Batches {
        Batches(core: core)
    }

    /// The batches of a consumer, see ``KafkaConsumer/batches``.
    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [KafkaMessage]
        let core: ConsumerCore

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(core: core)
        }

        public struct AsyncIterator: AsyncIteratorProtocol {
            let core: ConsumerCore

            public mutating func next() async throws -> [KafkaMessage]? {
                do {
                    return try await core.nextBatch(maxMessages: 10_000, maxWait: nil)
                } catch let error as KafkaError where error.code == .shutDown {
                    return nil
                }
            }
        }
    }

    // MARK: - Offsets

    /// Stores `message.offset + 1` as the partition's next commit.
    public func storeOffset(for message: KafkaMessage) throws(KafkaError) {
        try core.client.storeOffsets([message.topicPartition: message.offset + 1])
    }

    /// Stores these offsets (the next offset to read, i.e. last processed + 1) for the next ``commit()``.
    /// - Throws: e.g. ``KafkaError/Code/state`` for a partition that is not assigned.
    public func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try core.client.storeOffsets(offsets)
    }

    /// Commits every stored offset and waits for the broker. Having nothing to commit is not an error.
    public func commit() async throws(KafkaError) {
        let client = core.client
        try await BlockingExecutor.run { () throws(KafkaError) in try client.commitSync(nil) }
    }

    /// Commits these offsets (next offset to read per partition) and waits for the broker.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        let client = core.client
        try await BlockingExecutor.run { () throws(KafkaError) in try client.commitSync(offsets) }
    }

    /// The group's committed offsets, asked from the coordinator; -1001 where nothing was committed.
    /// - Parameter requested: `nil` for the current assignment.
    public func committedOffsets(
        for requested: [KafkaTopicPartition]? = nil,
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let client = core.client
        let partitions: [KafkaTopicPartition]
        if let requested {
            partitions = requested
        } else {
            partitions = try client.assignment()
        }
        return try await BlockingExecutor.run { () throws(KafkaError) in
            try client.committed(partitions, timeout: timeout)
        }
    }

    /// The offset of the next message the poll thread will take per partition (-1001 when unknown). The
    /// poll thread runs ahead of the caller by up to the buffered messages.
    /// - Parameter requested: `nil` for the current assignment.
    public func positions(
        for requested: [KafkaTopicPartition]? = nil
    ) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let client = core.client
        if let requested { return try client.positions(requested) }
        return try client.positions(client.assignment())
    }

    /// The partitions currently assigned, sorted.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try core.client.assignment().sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    // MARK: - Flow control

    /// Moves the read position of a partition. Buffered messages of the partition are dropped; the next
    /// message of the partition handed out is the one at the new position.
    public func seek(_ topicPartition: KafkaTopicPartition, to offset: KafkaOffsetSpec) async throws(KafkaError) {
        try await core.seek([topicPartition: offset.rdKafkaValue])
    }

    /// Stops fetching these partitions until ``resume(_:)``. Messages already buffered are still handed out.
    /// Pausing a partition that is not assigned (yet) takes effect when it is assigned.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try core.pause(partitions)
    }

    /// Resumes partitions paused with ``pause(_:)``. While the consumer itself holds all partitions paused
    /// because its buffer is full, they resume with the others once it drained.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try core.resume(partitions)
    }

    // MARK: - Life cycle

    /// Leaves the group (the final revocation goes through the rebalance handler), stops the poll thread and
    /// fails pending ``nextBatch(maxMessages:maxWait:)`` calls with ``KafkaError/Code/shutDown``. Idempotent.
    /// - Throws: The error of `rd_kafka_consumer_close`, if any.
    public func close() async throws(KafkaError) {
        try await core.close()
    }

    /// The group member id, once joined.
    public var memberID: String? {
        core.client.memberID()
    }
}
