import Dispatch
import Foundation
import Learning
import Logging
import StateStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's durable learned state, in a ``StateStore`` under `state.directory`: at start it restores the
/// shared model and, per assigned partition, the users and the next offset to process; while running it writes
/// the checkpoints the ``Learner`` assembles (a consistent snapshot taken on the learner's queue) on a queue of
/// its own, so the SQLite transaction never runs on the learner's queue or on the cooperative pool.
final class StateKeeper: Sendable {
    let store: StateStore
    /// The events topic: the store keys partitions by topic.
    let topic: String
    let writer = DispatchQueue(label: "warmstart.checkpoint", qos: .utility)
    let logger: Logger

    /// Meta key of the users of a partition whose latest scores were not acknowledged when the checkpoint was
    /// taken: they are published again after a restore, so a crash never loses a user's latest scores.
    static func refreshKey(_ partition: Int32) -> String { "refresh/\(partition)" }
    /// Meta key of the learner's activity clock at the checkpoint (8 bytes, little-endian): a restart continues it,
    /// so stamps stay comparable with those stored with the users.
    static let activityClockKey = "activity/clock"
    /// The counts of the live check of meta-learning (``MetaGuard/serialized()``), written with every checkpoint.
    static let metaGuardKey = "meta/guard"

    /// What ``restoreUsers(of:into:limit:)`` restored of one partition.
    struct Restored: Sendable {
        /// Users loaded into memory.
        var count = 0
        /// Whether they are every user the store holds for the partition.
        var complete = true
        /// The largest activity stamp among them.
        var newestStamp: UInt64 = 0
    }

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
                refuse()
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
            refuse()
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

    /// Loads the users of newly assigned `partitions` into their `tables`, at most `limit` in all: with a limit the
    /// most recently active users of the partitions together (by the activity stamp stored with each user), the
    /// others stay in the store and are reloaded on their next event. Each user's stored stamp becomes its
    /// activity stamp in memory, so eviction after a restart keeps following recency.
    func restoreUsers(
        of partitions: [Int32], into tables: [Int32: UserTable], limit: Int = .max
    ) throws(PipelineError) -> [Int32: Restored] {
        var restored: [Int32: Restored] = [:]
        func load(_ partition: Int32, _ record: StateStore.UserRecord) throws {
            guard let table = tables[partition] else { return }
            try table.importUser(record.id, bytes: record.state)
            table.noteActive(record.id, stamp: record.lastActive)
            var entry = restored[partition] ?? Restored()
            entry.count += 1
            entry.newestStamp = max(entry.newestStamp, record.lastActive)
            restored[partition] = entry
        }
        do {
            if limit == .max {
                for partition in partitions {
                    restored[partition] = Restored()
                    try store.forEachUser(in: self.partition(partition)) { try load(partition, $0) }
                }
                return restored
            }
            let keys = partitions.map(self.partition)
            try store.forEachMostRecentUser(in: keys, limit: limit) { key, record in
                try load(key.partition, record)
            }
            for (key, total) in try store.userCounts(in: keys) {
                var entry = restored[key.partition] ?? Restored()
                entry.complete = entry.count == total
                restored[key.partition] = entry
            }
            return restored
        } catch {
            refuse()
            throw PipelineError(
                code: .stateUnusable,
                message: "cannot restore partitions \(partitions.sorted()) from \(store.path): \(error)")
        }
    }

    /// The learner's activity clock at the last checkpoint (0 when none was stored).
    func activityClock() throws(PipelineError) -> UInt64 {
        do {
            guard let bytes = try store.loadMeta()[Self.activityClockKey], bytes.count == 8 else { return 0 }
            return bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        } catch {
            throw PipelineError(code: .stateUnusable, message: "cannot read \(store.path): \(error)")
        }
    }

    /// The meta guard's counts at the last checkpoint, `nil` when none were stored.
    func metaGuardCounts() throws(PipelineError) -> [UInt8]? {
        do {
            return try store.loadMeta()[Self.metaGuardKey]
        } catch {
            throw PipelineError(code: .stateUnusable, message: "cannot read \(store.path): \(error)")
        }
    }

    /// `clock` as stored under ``activityClockKey``.
    static func encodeActivityClock(_ clock: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: clock >> ($0 * 8)) }
    }

    /// Refuses to continue when a newly assigned partition's checkpoint is behind the group's committed offset
    /// (``StateLossCheck``), unless `accept` (`state.accept_loss`); logs the partitions that have no checkpoint
    /// here at all (moved from another instance, or a new state directory), which is not an error.
    /// - Throws: ``PipelineError/Code/stateLost`` naming each partition, both offsets and how to rebuild; the
    ///   store's files are then left as they were found.
    func checkNotBehind(
        assigned: [Int32], checkpoints: [Int32: Int64], committed: [Int32: Int64], accept: Bool
    ) throws(PipelineError) {
        let check = StateLossCheck(assigned: assigned, checkpoints: checkpoints, committed: committed)
        for (partition, offset) in check.withoutCheckpoint {
            logger.notice(
                Logger.Message(
                    stringLiteral: "partition has no checkpoint in this state directory: starting from the group's "
                        + "committed offset with no learned users (moved from another instance, or a new state "
                        + "directory)"),
                metadata: ["partition": "\(partition)", "committed": "\(offset)", "state.path": "\(store.path)"])
        }
        guard !check.lost.isEmpty else { return }
        if accept {
            logger.warning(
                Logger.Message(
                    stringLiteral: "state.accept_loss: resuming from checkpoints behind the group's committed "
                        + "offsets; the events in between are learned again from the topic"),
                metadata: ["behind": "\(check.summary)", "state.path": "\(store.path)"])
            return
        }
        refuse()
        throw check.error(path: store.path, directory: store.directory)
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

    /// Gives the store up, refused: after any queued write it is closed with its files as they were found (no
    /// folding of the write-ahead log), so the operator can inspect or restore exactly what was there.
    func refuse() {
        writer.sync { [store] in
            store.leaveFilesAsFound()
            store.close()
        }
    }

    /// Folds the store's write-ahead log into its file (a clean stop: the file alone is then a complete copy of
    /// the learned state), after any queued write; a failure is logged, the log stays and is folded later.
    func foldLog() {
        writer.sync { [store, logger] in
            do {
                if try !store.foldLog() {
                    logger.notice("the write-ahead log was not folded into the state file: a reader holds it")
                }
            } catch {
                logger.warning("cannot fold the write-ahead log into the state file", metadata: ["error": "\(error)"])
            }
        }
    }

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
