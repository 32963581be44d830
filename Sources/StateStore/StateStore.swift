import Foundation
import GRDB
import Logging
import Synchronization

/// The daemon's durable learned state: per-partition next offsets and user blobs, and the shared model, in one
/// SQLite file (`<directory>/state.sqlite`, WAL mode) written by atomic checkpoints.
///
/// The store keeps opaque byte blobs; it knows nothing of the learner's encoding. Every blob is stored with a
/// checksum that is verified whenever it is read, and the file passes `PRAGMA quick_check` before it is used:
/// a corrupt or truncated store fails ``init(directory:configuration:logger:)`` with
/// ``StateStoreError/Code/corrupt`` and is never used.
///
/// Durability: the file is opened with `synchronous = FULL`, so a checkpoint that returned is on disk (the WAL is
/// `fsync`ed at every commit) and the offsets it stored may be acknowledged to Kafka. `NORMAL` would be cheaper
/// but lets a power loss roll back a commit the daemon already acknowledged, which breaks exactly-once.
///
/// Calls are synchronous and may block on disk I/O: call the store from a dedicated thread, not from the
/// cooperative pool. Calls are serialized internally, so the store is `Sendable`; closures passed to it must not
/// call back into the store.
public final class StateStore: Sendable {
    /// The state directory.
    public let directory: String
    /// The database file, `<directory>/state.sqlite`.
    public let path: String
    public let configuration: Configuration

    let queue: DatabaseQueue
    /// A second, read-only connection for ``user(partition:id:)``: in WAL mode it reads the last committed
    /// checkpoint while a checkpoint is being written on ``queue``, so reloading an evicted user never waits for
    /// a write.
    private let reader: DatabaseQueue
    private let logger: Logger
    /// Whether closing folds the write-ahead log into the file: set once the store verified, cleared by
    /// ``leaveFilesAsFound()``. Until then the files are closed as they were found (see ``CheckpointOnClose``).
    private let foldsLogOnClose = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    /// Whether `<path>-wal` existed when the store was opened (an empty one SQLite creates is removed again when a
    /// refused store closes).
    private let logExistedAtOpen: Bool

    /// The file name of the database inside the state directory.
    public static let fileName = "state.sqlite"

    /// Opens the store in `directory`, creating the directory and an empty store if they do not exist (in
    /// ``Configuration/AccessMode/readWrite`` mode), and verifies it.
    ///
    /// - Parameters:
    ///   - directory: The state directory (systemd's `StateDirectory`).
    ///   - configuration: Access mode, verification, chunk size, size limit.
    ///   - logger: Receives one line per open, checkpoint and erasure.
    /// - Throws: ``StateStoreError`` with ``StateStoreError/Code/corrupt`` if the file fails verification,
    ///   ``StateStoreError/Code/cannotOpen`` if it cannot be created or opened,
    ///   ``StateStoreError/Code/incompatibleVersion`` if a newer build wrote it.
    public init(
        directory: String,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "warmstart.state-store")
    ) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        var logger = logger
        logger[metadataKey: StateStoreLoggingKeys.path] = "\(path)"
        self.directory = directory
        self.path = path
        self.configuration = configuration
        self.logger = logger

        for (name, value) in [
            ("modelChunkSize", configuration.modelChunkSize),
            ("cacheSizeKiB", configuration.cacheSizeKiB),
            ("maximumSize", configuration.maximumSize ?? 1),
        ] where value <= 0 {
            throw StateStoreError(
                code: .invalidArgument,
                message: "state store configuration: \(name) must be positive, not \(value)",
                path: path
            )
        }
        let start = ContinuousClock.now
        try Self.prepareDirectory(directory, path: path, configuration: configuration, logger: logger)
        logExistedAtOpen = FileManager.default.fileExists(atPath: path + "-wal")
        do {
            self.queue = try DatabaseQueue(
                path: path, configuration: Self.databaseConfiguration(configuration, path: path))
        } catch {
            throw Self.mapped(error, path: path, directory: directory, operation: "opening")
        }
        do {
            // Point reads of users scattered over the file: a small page cache of its own is enough (the
            // operating system caches the file), and keeps the reader from doubling the writer's cache in RSS.
            var readerSettings = configuration
            readerSettings.cacheSizeKiB = Swift.min(configuration.cacheSizeKiB, 2 * 1024)
            var readerConfiguration = Self.databaseConfiguration(readerSettings, path: path, readOnly: true)
            readerConfiguration.label = "warmstart.state-store.reader"
            self.reader = try DatabaseQueue(path: path, configuration: readerConfiguration)
        } catch {
            throw Self.mapped(error, path: path, directory: directory, operation: "opening")
        }
        let summary = try self.verify()
        foldsLogOnClose.store(true, ordering: .releasing)
        logger.info(
            "Opened state store",
            metadata: [
                StateStoreLoggingKeys.partitions: "\(summary.partitions)",
                StateStoreLoggingKeys.users: "\(summary.users)",
                StateStoreLoggingKeys.modelBytes: "\(summary.modelBytes)",
                StateStoreLoggingKeys.duration: "\(ContinuousClock.now - start)",
            ]
        )
    }

    deinit {
        close()
    }

    /// Closes the store's connections now (the deinitializer does it otherwise; a process that exits does not run
    /// it). A store that verified and was not refused folds its write-ahead log into the file; a refused one
    /// (``leaveFilesAsFound()``) leaves both files as they were, and removes the empty log SQLite created if there
    /// was none. Every later call fails; closing again does nothing.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // The reader first: the last connection to close folds the write-ahead log into the database file and
        // removes it, and only the read-write one can — when it is allowed to (a used store).
        try? reader.close()
        let folds = foldsLogOnClose.load(ordering: .acquiring)
        if folds {
            try? queue.inDatabase { db in try CheckpointOnClose.set(true, on: db, path: path) }
        }
        try? queue.close()
        // SQLite creates an empty log when it opens the file; one that was not there before goes again.
        let log = path + "-wal"
        if !folds, !logExistedAtOpen, (try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? Int == 0 {
            try? FileManager.default.removeItem(atPath: log)
        }
    }

    /// Leaves the store's files as they were found when it closes: the write-ahead log is not folded into the
    /// database file. For a store the caller refuses after opening it (its checkpoints are behind what the
    /// consumer group committed, or it holds a model of other settings), so the operator can inspect or restore
    /// exactly what was there. The caller must not write to the store after this.
    public func leaveFilesAsFound() {
        foldsLogOnClose.store(false, ordering: .releasing)
    }

    // MARK: - Reading

    /// The shared state: the reassembled model blob and all meta blobs, every checksum verified.
    ///
    /// - Throws: ``StateStoreError/Code/corrupt`` if a chunk or blob fails its checksum or a chunk is missing.
    public func loadShared() throws -> SharedState {
        try access("loading the shared state") {
            try queue.read { db in
                SharedState(model: try Self.readModel(db, path: path), meta: try Self.readMeta(db, path: path))
            }
        }
    }

    /// The meta blobs alone (without reassembling the model), every checksum verified.
    public func loadMeta() throws -> [String: [UInt8]] {
        try access("loading the meta blobs") {
            try queue.read { db in try Self.readMeta(db, path: path) }
        }
    }

    /// The next offset to process of every partition that has one.
    public func offsets() throws -> [Partition: Int64] {
        try access("loading offsets") {
            try queue.read { db in
                var result: [Partition: Int64] = [:]
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT topic, partition, next_offset FROM partition_state WHERE next_offset IS NOT NULL"
                )
                while let row = try rows.next() {
                    guard let partition = Self.partition(row, 0), let offset = Self.int64(row, 2) else {
                        throw Self.corrupt(path: path, directory: directory, detail: "a partition row is malformed")
                    }
                    result[partition] = offset
                }
                return result
            }
        }
    }

    /// Every partition with stored users or an offset.
    public func partitions() throws -> [Partition] {
        try access("listing partitions") {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT topic, partition FROM partition_state ORDER BY topic, partition")
                    .map { row in
                        guard let partition = Self.partition(row, 0) else {
                            throw Self.corrupt(path: path, directory: directory, detail: "a partition row is malformed")
                        }
                        return partition
                    }
            }
        }
    }

    /// Calls `body` with every user of `partition` (the first `limit` when given), in user-id order, each checksum
    /// verified, without holding all users in memory. Each record carries its stored activity stamp.
    ///
    /// - Parameters:
    ///   - partition: The partition.
    ///   - limit: At most this many users (`nil`: all).
    ///   - body: Called once per user; must not call back into the store.
    /// - Throws: ``StateStoreError/Code/corrupt`` at the first user whose blob fails its checksum, or what
    ///   `body` throws.
    public func forEachUser(in partition: Partition, limit: Int? = nil, _ body: (UserRecord) throws -> Void) throws {
        try access("loading users of \(partition)") {
            try queue.read { db in
                guard let partitionID = try Self.partitionID(db, partition) else { return }
                let lastActive = try Schema.version(of: db) >= Schema.recencyVersion ? "last_active" : "0"
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT user_id, checksum, state, \(lastActive) FROM user_state WHERE partition_id = ?
                        ORDER BY user_id LIMIT ?
                        """,
                    arguments: [partitionID, limit.map { Int64($0) } ?? -1]
                )
                while let row = try rows.next() {
                    try body(try Self.verifiedUser(row, partition: partition, path: path, lastActiveColumn: 3))
                }
            }
        }
    }

    /// All users of `partition`, each checksum verified.
    public func users(partition: Partition) throws -> [UserRecord] {
        var users: [UserRecord] = []
        try forEachUser(in: partition) { users.append($0) }
        return users
    }

    /// One user's state, or `nil` if the store has none: the reload of a user the daemon evicted from memory.
    ///
    /// - Throws: ``StateStoreError/Code/corrupt`` if the blob fails its checksum.
    public func user(partition: Partition, id: String) throws -> [UInt8]? {
        try access("loading user \(id) of \(partition)") {
            // One statement reads a consistent snapshot by itself: no transaction needed around it. On the reader
            // connection: a checkpoint being written does not block it.
            try reader.inDatabase { db in
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT u.user_id, u.checksum, u.state
                        FROM user_state u JOIN partition_state p ON p.id = u.partition_id
                        WHERE p.topic = ? AND p.partition = ? AND u.user_id = ?
                        """
                )
                guard let row = try Row.fetchOne(statement, arguments: [partition.topic, partition.partition, id])
                else { return nil }
                return try Self.verifiedUser(row, partition: partition, path: path).state
            }
        }
    }

    /// The number of users stored for `partition`.
    public func userCount(partition: Partition) throws -> Int {
        try access("counting users of \(partition)") {
            try queue.read { db in
                guard let partitionID = try Self.partitionID(db, partition) else { return 0 }
                return try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM user_state WHERE partition_id = ?",
                    arguments: [partitionID]
                ) ?? 0
            }
        }
    }

    // MARK: - Writing

    /// Writes `checkpoint` in one transaction: user upserts and removals, the changed model chunks, meta blobs and
    /// next offsets become durable together, or (on any error) none of them do and the previous checkpoint stays
    /// intact; the store remains usable and the same checkpoint can be retried.
    ///
    /// - Returns: What was written.
    /// - Throws: ``StateStoreError`` with ``StateStoreError/Code/full``, ``StateStoreError/Code/readOnly``,
    ///   ``StateStoreError/Code/io`` or another code; ``StateStoreError/Code/invalidArgument`` for a negative
    ///   offset.
    @discardableResult
    public func checkpoint(_ checkpoint: Checkpoint) throws -> CheckpointStats {
        let start = ContinuousClock.now
        for (partition, offset) in checkpoint.nextOffsets where offset < 0 {
            throw StateStoreError(
                code: .invalidArgument,
                message: "next offset \(offset) of \(partition) is negative",
                path: path
            )
        }
        // Hash the model before taking the write lock.
        let chunks = checkpoint.model.map { ModelChunks(model: $0, chunkSize: configuration.modelChunkSize) }
        var stats = try access("writing a checkpoint") {
            var stats = CheckpointStats()
            try queue.inTransaction(.immediate) { db in
                stats = CheckpointStats()
                // An older store is migrated by its first checkpoint, in the same transaction.
                try Schema.migrate(db)
                var partitionIDs: [Partition: Int64] = [:]
                func id(_ partition: Partition) throws -> Int64 {
                    if let id = partitionIDs[partition] { return id }
                    let id = try Self.createPartition(db, partition)
                    partitionIDs[partition] = id
                    return id
                }

                let delete = try db.cachedStatement(
                    sql: "DELETE FROM user_state WHERE partition_id = ? AND user_id = ?"
                )
                for (partition, ids) in checkpoint.removedUsers {
                    guard let partitionID = try Self.partitionID(db, partition) else { continue }
                    for userID in ids {
                        try delete.execute(arguments: [partitionID, userID])
                        stats.usersRemoved += db.changesCount
                    }
                }

                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO user_state (partition_id, user_id, checksum, state, last_active)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (partition_id, user_id) DO UPDATE
                        SET checksum = excluded.checksum, state = excluded.state, last_active = excluded.last_active
                        """
                )
                for (partition, users) in checkpoint.users {
                    let partitionID = try id(partition)
                    for user in users {
                        let (checksum, data) = user.state.withUnsafeBytes {
                            (Checksum.keyed(user.id, $0), Data($0))
                        }
                        let lastActive = Int64(clamping: user.lastActive)
                        try upsert.execute(arguments: [partitionID, user.id, checksum, data, lastActive])
                        stats.usersWritten += 1
                        stats.bytesWritten += data.count
                    }
                }

                for name in checkpoint.removedMeta {
                    try db.execute(sql: "DELETE FROM meta_blob WHERE name = ?", arguments: [name])
                    stats.metaWritten += db.changesCount
                }
                for (name, blob) in checkpoint.meta {
                    let (checksum, data) = blob.withUnsafeBytes { (Checksum.keyed(name, $0), Data($0)) }
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO meta_blob (name, checksum, data) VALUES (?, ?, ?)",
                        arguments: [name, checksum, data]
                    )
                    stats.metaWritten += 1
                    stats.bytesWritten += data.count
                }

                if let chunks {
                    try Self.writeModel(db, chunks, stats: &stats)
                }

                let setOffset = try db.cachedStatement(sql: "UPDATE partition_state SET next_offset = ? WHERE id = ?")
                for (partition, offset) in checkpoint.nextOffsets {
                    try setOffset.execute(arguments: [offset, try id(partition)])
                }
                return .commit
            }
            return stats
        }
        if !checkpoint.removedUsers.isEmpty || !checkpoint.removedMeta.isEmpty {
            truncateLog()
        }
        stats.duration = ContinuousClock.now - start
        logger.debug(
            "Wrote checkpoint",
            metadata: [
                StateStoreLoggingKeys.usersWritten: "\(stats.usersWritten)",
                StateStoreLoggingKeys.usersRemoved: "\(stats.usersRemoved)",
                StateStoreLoggingKeys.chunksWritten: "\(stats.chunksWritten)",
                StateStoreLoggingKeys.chunksSkipped: "\(stats.chunksSkipped)",
                StateStoreLoggingKeys.bytesWritten: "\(stats.bytesWritten)",
                StateStoreLoggingKeys.duration: "\(stats.duration)",
            ]
        )
        return stats
    }

    /// Erases one user (right to erasure) durably: the row is deleted, its bytes overwritten in the file
    /// (`secure_delete`), and the write-ahead log truncated.
    ///
    /// - Returns: Whether the user was stored.
    @discardableResult
    public func removeUser(partition: Partition, id: String) throws -> Bool {
        let removed = try checkpoint(Checkpoint(removedUsers: [partition: [id]]))
        return removed.usersRemoved > 0
    }

    /// Erases a partition: its users and its offset (for a partition that no longer exists).
    ///
    /// - Returns: The number of users erased.
    @discardableResult
    public func removePartition(_ partition: Partition) throws -> Int {
        let removed = try access("removing \(partition)") {
            var removed = 0
            try queue.inTransaction(.immediate) { db in
                guard let partitionID = try Self.partitionID(db, partition) else { return .commit }
                try db.execute(sql: "DELETE FROM user_state WHERE partition_id = ?", arguments: [partitionID])
                removed = db.changesCount
                try db.execute(sql: "DELETE FROM partition_state WHERE id = ?", arguments: [partitionID])
                return .commit
            }
            return removed
        }
        truncateLog()
        logger.info("Removed partition", metadata: [StateStoreLoggingKeys.partition: "\(partition)"])
        return removed
    }

    // MARK: - Internals

    /// Copies the write-ahead log into the database file and truncates it, so erased bytes do not survive in the
    /// log. Runs after the erasure committed, so a failure here is logged, not thrown: the erasure itself is
    /// durable, and the log is truncated again at the next erasure.
    private func truncateLog() {
        do {
            guard try foldLog() else {
                logger.warning("Could not truncate the write-ahead log after an erasure: a reader holds it")
                return
            }
        } catch {
            logger.warning(
                "Could not truncate the write-ahead log after an erasure",
                metadata: [StateStoreLoggingKeys.error: "\(error)"])
        }
    }

    /// Folds the write-ahead log into the database file and truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`), so
    /// that the file alone holds every checkpoint: at a clean stop, after which a copy of `state.sqlite` is a
    /// complete backup and a lost log loses nothing.
    ///
    /// - Returns: Whether the whole log was folded (`false`: a reader holds part of it; it is folded later).
    /// - Throws: ``StateStoreError`` (``StateStoreError/Code/io``, ``StateStoreError/Code/readOnly``, ...).
    @discardableResult
    public func foldLog() throws -> Bool {
        try access("truncating the write-ahead log") {
            let row = try queue.writeWithoutTransaction { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            return row.map { Self.int64($0, 0) == 0 } ?? false
        }
    }

    /// Runs `body` and maps every error to a ``StateStoreError``.
    func access<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.mapped(error, path: path, directory: directory, operation: operation)
        }
    }

    /// Test hook: runs `body` on the connection (inside a write without transaction).
    func withDatabaseForTesting<T>(_ body: (Database) throws -> T) throws -> T {
        try access("testing") { try queue.writeWithoutTransaction(body) }
    }
}
