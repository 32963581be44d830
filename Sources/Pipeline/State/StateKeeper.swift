import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Learning
import Logging
import StateStore
import Synchronization

/// The daemon's durable learned state, in a ``StateStore`` under `state.directory`: at start it restores the
/// shared model and, per assigned partition, the users and the next offset to process; while running it writes
/// the checkpoints the ``Learner`` assembles (a consistent snapshot taken on the learner's queue) on a queue of
/// its own, so the SQLite transaction never runs on the learner's queue or on the cooperative pool.
final class StateKeeper: Sendable {
    let store: StateStore
    /// The events topic: the store keys partitions by topic.
    let topic: String
    private let writer = DispatchQueue(label: "warmstart.checkpoint", qos: .utility)
    private let logger: Logger

    /// Meta key of the users of a partition whose latest scores were not acknowledged when the checkpoint was
    /// taken: they are published again after a restore, so a crash never loses a user's latest scores.
    static func refreshKey(_ partition: Int32) -> String { "refresh/\(partition)" }

    /// Opens (or creates) the store.
    /// - Throws: ``PipelineError/Code/stateUnusable`` naming the file and how to rebuild when it is corrupt,
    ///   unreadable or of a newer format.
    init(directory: String, topic: String, logger: Logger) throws(PipelineError) {
        self.topic = topic
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try StateStore(directory: directory, logger: logger)
        } catch {
            throw PipelineError(code: .stateUnusable, message: "state directory \(directory): \(error)")
        }
    }

    func partition(_ p: Int32) -> StateStore.Partition { StateStore.Partition(topic: topic, partition: p) }

    /// The model of the last checkpoint, or a new one when there is none.
    /// - Throws: ``PipelineError/Code/stateUnusable`` when the stored model was trained with other learning
    ///   settings (continuing it under new settings would silently mix two models) or cannot be read.
    func restoreModel(configuration: LearningConfiguration) throws(PipelineError) -> Recommender {
        do {
            guard let bytes = try store.loadShared().model else {
                return try Recommender(configuration: configuration)
            }
            let model = try Recommender(restoring: bytes)
            guard model.configuration == configuration else {
                throw PipelineError(
                    code: .stateUnusable,
                    message: "\(store.path) holds a model trained with other learning settings than the "
                        + "configuration's learning.* (and input.kinds weights); start with the settings it was "
                        + "trained with, or stop warmstartd, move the state directory aside and restart to retrain "
                        + "from the topic")
            }
            logger.info(
                "restored the shared model",
                metadata: [
                    "model_version": "\(model.metaUpdates)", "events_learned": "\(model.eventsLearned)",
                    "items": "\(model.itemCount)",
                ])
            return model
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError(code: .stateUnusable, message: "cannot restore the model from \(store.path): \(error)")
        }
    }

    /// The next offset to process of every partition of the events topic that has a checkpoint.
    func storedOffsets() throws(PipelineError) -> [Int32: Int64] {
        do {
            var out: [Int32: Int64] = [:]
            for (p, offset) in try store.offsets() where p.topic == topic { out[p.partition] = offset }
            return out
        } catch {
            throw PipelineError(code: .stateUnusable, message: "cannot read offsets from \(store.path): \(error)")
        }
    }

    /// Loads a partition's users into `table`, at most `limit` of them (in user-id order; the others stay in the
    /// store and are reloaded on their next event).
    /// - Returns: how many were loaded, and whether that is every user the store holds for the partition.
    func restoreUsers(
        of partition: Int32, into table: UserTable, limit: Int = .max
    ) throws(PipelineError) -> (count: Int, complete: Bool) {
        do {
            var count = 0
            let partition = self.partition(partition)
            try store.forEachUser(in: partition, limit: limit == .max ? nil : limit) { record in
                try table.importUser(record.id, bytes: record.state)
                count += 1
            }
            let complete = try count < limit || store.userCount(partition: partition) == count
            return (count, complete)
        } catch {
            throw PipelineError(
                code: .stateUnusable, message: "cannot restore partition \(partition) from \(store.path): \(error)")
        }
    }

    /// One user's state as of the last checkpoint (`nil`: the store has none): the reload of an evicted user. Reads
    /// on the store's reader connection, so a checkpoint being written does not delay it.
    /// - Throws: ``PipelineError/Code/stateUnusable`` when the record cannot be read or fails its checksum.
    func loadUser(_ user: String, of partition: Int32) throws(PipelineError) -> [UInt8]? {
        do {
            return try store.user(partition: self.partition(partition), id: user)
        } catch {
            throw PipelineError(
                code: .stateUnusable,
                message: "cannot reload user \(user) of partition \(partition) from \(store.path): \(error)")
        }
    }

    /// Waits until every write queued on the checkpoint queue has finished.
    func waitForWrites() {
        writer.sync {}
    }

    /// Per partition, the users whose latest scores were not acknowledged at the last checkpoint (to publish
    /// again).
    func pendingRefreshes() throws(PipelineError) -> [Int32: [String]] {
        do {
            var out: [Int32: [String]] = [:]
            for (name, bytes) in try store.loadMeta() where name.hasPrefix("refresh/") {
                guard let partition = Int32(name.dropFirst("refresh/".count)) else { continue }
                out[partition] = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            }
            return out
        } catch {
            throw PipelineError(code: .stateUnusable, message: "cannot read \(store.path): \(error)")
        }
    }

    /// Writes `checkpoint` on the checkpoint queue and calls `completion` there.
    func write(
        _ checkpoint: StateStore.Checkpoint,
        completion: @escaping @Sendable (Result<StateStore.CheckpointStats, any Error>) -> Void
    ) {
        let handoff = CheckpointHandoff(checkpoint)
        writer.async { [store] in
            // The snapshot is released here, before the completion lets the learner take its next one: the learner's
            // model buffer is then referenced once again, and the next snapshot reuses it instead of copying it.
            let result = Result { try store.checkpoint(handoff.take()) }
            Self.returnFreedMemory()
            completion(result)
        }
    }

    /// Hands memory freed by the checkpoint (the snapshot's model and user blobs, SQLite's buffers) back to the
    /// operating system. glibc keeps freed blocks in its arenas, and a checkpoint frees tens of megabytes of them
    /// every `state.checkpoint_ms`; without this the daemon's RSS creeps up to a high-water mark of fragments
    /// although what it holds is bounded. Runs on the checkpoint queue, beside learning; a few milliseconds.
    static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim` (declared in `malloc.h`, which the Glibc module does not export), looked up once;
    /// `nil` on other C libraries.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Writes `checkpoint` now, after any queued write (shutdown, revocation).
    func writeNow(_ checkpoint: StateStore.Checkpoint) throws -> StateStore.CheckpointStats {
        try writer.sync { [store] in
            defer { Self.returnFreedMemory() }
            return try store.checkpoint(checkpoint)
        }
    }
}

/// A checkpoint handed to the checkpoint queue, which takes it out so that its memory is released as soon as it is
/// written rather than when the queued block is destroyed.
private final class CheckpointHandoff: Sendable {
    private let checkpoint: Mutex<StateStore.Checkpoint>

    init(_ checkpoint: StateStore.Checkpoint) {
        self.checkpoint = Mutex(checkpoint)
    }

    /// The checkpoint; an empty one is left behind.
    func take() -> StateStore.Checkpoint {
        checkpoint.withLock { held in
            defer { held = StateStore.Checkpoint() }
            return held
        }
    }
}
