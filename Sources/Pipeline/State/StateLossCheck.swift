/// At assignment, each partition's checkpoint (the next offset stored with its learned state) against the consumer
/// group's committed offset.
///
/// The daemon commits only offsets a durable checkpoint covers, so a checkpoint behind the commit means the learned
/// state of the events in between was lost: the write-ahead log was deleted or damaged (SQLite then falls back to
/// the older database file), or the state directory was replaced by an older copy. A partition with a committed
/// offset and no checkpoint here at all is not a loss: it moved from another instance, or the state directory is
/// new; it starts from the committed offset.
struct StateLossCheck: Sendable {
    /// A partition whose checkpoint is behind the group's committed offset.
    struct Behind: Sendable, Equatable, CustomStringConvertible {
        var partition: Int32
        /// The next offset stored with the partition's learned state.
        var checkpoint: Int64
        /// The group's committed offset.
        var committed: Int64

        var description: String { "partition \(partition): checkpoint at offset \(checkpoint), committed \(committed)" }
    }

    /// The partitions whose checkpoint is behind the committed offset, by partition.
    private(set) var lost: [Behind] = []
    /// The partitions with a committed offset and no checkpoint, by partition.
    private(set) var withoutCheckpoint: [(partition: Int32, committed: Int64)] = []

    /// - Parameters:
    ///   - assigned: The partitions being assigned.
    ///   - checkpoints: The store's next offset per partition.
    ///   - committed: The group's committed offsets (negative: none).
    init(assigned: [Int32], checkpoints: [Int32: Int64], committed: [Int32: Int64]) {
        for partition in assigned.sorted() {
            guard let commit = committed[partition], commit >= 0 else { continue }
            if let checkpoint = checkpoints[partition] {
                if checkpoint < commit {
                    lost.append(Behind(partition: partition, checkpoint: checkpoint, committed: commit))
                }
            } else {
                withoutCheckpoint.append((partition, commit))
            }
        }
    }

    /// The lost partitions, one clause each.
    var summary: String { lost.map(\.description).joined(separator: "; ") }

    /// The refusal: names the store, every partition behind with both offsets, and how to rebuild.
    func error(path: String, directory: String) -> PipelineError {
        PipelineError(
            code: .stateLost,
            message: "learned state was lost: the state store \(path) is behind the offsets the consumer group "
                + "committed (\(summary)). The write-ahead log \(path)-wal was probably deleted or damaged, or the "
                + "state directory was replaced by an older copy; the store is left as it is. To rebuild the lost "
                + "state from the topic, start once with --accept-state-loss (or state.accept_loss: true): each "
                + "partition resumes from its checkpoint and learns the events after it again (as far as the topic "
                + "still holds them; their scores are published again). Or stop warmstartd, move the state "
                + "directory \(directory) aside and restart to start over with empty state from the committed "
                + "offsets.")
    }
}
