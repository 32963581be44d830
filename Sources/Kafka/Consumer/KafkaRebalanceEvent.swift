import Synchronization

/// A change of the consumer's assignment, handed to the rebalance handler given to
/// ``KafkaConsumer/init(configuration:logger:rebalanceHandler:)``.
///
/// The handler runs synchronously on the consumer's poll thread, inside librdkafka's rebalance callback.
/// For ``Kind/revoked`` and ``Kind/lost`` it runs **before** the partitions are taken away, so the caller can
/// finish its work for them and commit; blocking in the handler is allowed (polling resumes when it returns,
/// within `max.poll.interval.ms`). Buffered messages of revoked partitions were already dropped: they were not
/// handed out, so their offsets must not be committed.
///
/// The poll thread is a dedicated OS thread, not one of Swift's cooperative pool, so the handler may block it
/// to wait for asynchronous work (e.g. signal a task and wait on a `DispatchSemaphore`) — within
/// `max.poll.interval.ms`, since polling pauses meanwhile.
///
/// For ``Kind/assigned`` it runs **before** the partitions are assigned, so the caller can choose where each one
/// starts (``start(at:)``), e.g. at offsets it keeps with its own state; otherwise a partition starts at the
/// group's committed offset (or per `auto.offset.reset`).
///
/// The synchronous methods below are only for use inside the handler; do not keep the event after it returns.
public struct KafkaRebalanceEvent {
    public enum Kind: String, Sendable {
        /// Partitions were added to the assignment (cooperative) or form the new assignment (eager).
        case assigned
        /// Partitions are about to be taken away; committing their offsets still works.
        case revoked
        /// Partitions were lost (e.g. the session timed out); another member may own them already, so commits
        /// for them fail.
        case lost
    }

    public let kind: Kind
    public let partitions: [KafkaTopicPartition]
    let client: RDKafkaClient
    let startOffsets: StartOffsets

    /// Where assigned partitions start, as chosen by the handler.
    final class StartOffsets: Sendable {
        let offsets = Mutex<[KafkaTopicPartition: Int64]>([:])
    }

    /// For ``Kind/assigned``: start these partitions at these offsets (the next offset to read) instead of the
    /// committed ones. Partitions not in ``partitions`` are ignored.
    public func start(at offsets: [KafkaTopicPartition: Int64]) {
        precondition(kind == .assigned, "start offsets apply to assigned partitions")
        startOffsets.offsets.withLock { $0.merge(offsets) { _, new in new } }
    }

    /// Commits these offsets (next offset to read per partition), waiting for the broker.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try client.commitSync(offsets)
    }

    /// Commits every stored offset (``storeOffsets(_:)``, ``KafkaConsumer/storeOffset(for:)``), waiting for the
    /// broker. Having nothing to commit is not an error.
    public func commitStoredOffsets() throws(KafkaError) {
        try client.commitSync(nil)
    }

    /// Stores offsets (next offset to read) for the next commit.
    public func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try client.storeOffsets(offsets)
    }

    /// The group's committed offsets of ``partitions``, asked from the coordinator; -1001 where there is none.
    public func committedOffsets(timeout: Duration = .seconds(10)) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try client.committed(partitions, timeout: timeout)
    }
}
