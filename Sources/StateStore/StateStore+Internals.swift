import Foundation
import GRDB
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Schema

/// The store's schema. Version 1 is the first; version 2 adds `user_state.last_active` (each user's activity stamp,
/// for restoring the most recently active users first). A version 1 store is read as it is (its users all count as
/// equally old) and migrated in the transaction of its first checkpoint, so a store that is only opened — or
/// refused — is never written.
enum Schema {
    /// `PRAGMA application_id` of a Warmstart state store ("WSST"), so a foreign SQLite file is refused.
    static let applicationID: Int32 = 0x5753_5354
    static let version = 2
    /// The first version with `user_state.last_active`.
    static let recencyVersion = 2

    /// The schema version of the open file.
    static func version(of db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    }

    /// Brings a verified store of an older version up to ``version``; call inside a write transaction.
    static func migrate(_ db: Database) throws {
        let current = try version(of: db)
        guard current < version else { return }
        if current < recencyVersion {
            try db.execute(sql: "ALTER TABLE user_state ADD COLUMN last_active INTEGER NOT NULL DEFAULT 0")
        }
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }

    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE partition_state (
                    id INTEGER PRIMARY KEY,
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next_offset INTEGER,
                    UNIQUE (topic, partition)
                );
                CREATE TABLE user_state (
                    partition_id INTEGER NOT NULL,
                    user_id TEXT NOT NULL,
                    checksum INTEGER NOT NULL,
                    state BLOB NOT NULL,
                    last_active INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (partition_id, user_id)
                );
                CREATE TABLE model_chunk (
                    chunk_index INTEGER PRIMARY KEY,
                    hash INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE TABLE model_info (
                    id INTEGER PRIMARY KEY CHECK (id = 0),
                    length INTEGER NOT NULL,
                    chunk_size INTEGER NOT NULL,
                    chunk_count INTEGER NOT NULL,
                    checksum INTEGER NOT NULL
                );
                CREATE TABLE meta_blob (
                    name TEXT PRIMARY KEY,
                    checksum INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                PRAGMA application_id = \(applicationID);
                PRAGMA user_version = \(version);
                """
        )
    }
}

// MARK: - Model chunks

/// A model blob split into chunks, each with its content hash (computed once, outside the write transaction).
struct ModelChunks: Sendable {
    let model: [UInt8]
    let chunkSize: Int
    let hashes: [UInt64]

    init(model: [UInt8], chunkSize: Int) {
        self.model = model
        self.chunkSize = chunkSize
        let count = (model.count + chunkSize - 1) / chunkSize
        self.hashes = model.withUnsafeBytes { bytes in
            (0..<count).map { index in
                let lower = index * chunkSize
                return Checksum.xxh64(
                    UnsafeRawBufferPointer(rebasing: bytes[lower..<min(lower + chunkSize, bytes.count)])
                )
            }
        }
    }

    func range(_ index: Int) -> Range<Int> {
        index * chunkSize..<min((index + 1) * chunkSize, model.count)
    }

    /// The checksum of the model header: length, chunk size and every chunk hash, so a damaged hash column or a
    /// lost chunk row is detected even where each remaining chunk matches its own hash.
    static func headerChecksum(length: Int, chunkSize: Int, hashes: [UInt64]) -> Int64 {
        var words = [UInt64(length), UInt64(chunkSize)]
        words.append(contentsOf: hashes)
        return Int64(bitPattern: words.withUnsafeBytes { Checksum.xxh64($0) })
    }
}

// MARK: - Opening and verification

extension StateStore {
    /// - Parameter readOnly: Open read-only whatever the access mode (the reader connection).
    static func databaseConfiguration(
        _ configuration: Configuration, path: String, readOnly: Bool = false
    ) -> GRDB.Configuration {
        var config = GRDB.Configuration()
        let readOnly = readOnly || configuration.accessMode.isReadOnly
        let cacheSizeKiB = configuration.cacheSizeKiB
        let maximumSize = configuration.maximumSize
        config.readonly = readOnly
        config.label = "warmstart.state-store"
        config.foreignKeysEnabled = false
        let timeout = configuration.busyTimeout.components
        config.busyMode = .timeout(Double(timeout.seconds) + Double(timeout.attoseconds) * 1e-18)
        config.prepareDatabase { db in
            // First of all: a store refused later is closed as it was found (see `CheckpointOnClose`).
            try CheckpointOnClose.set(false, on: db, path: path)
            try db.execute(sql: "PRAGMA cache_size = -\(cacheSizeKiB)")
            guard !readOnly else { return }
            // FULL: the WAL is fsynced at every commit, so a returned checkpoint survives a power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erased users' bytes are overwritten with zeros, not left in free space.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA journal_size_limit = \(64 << 20)")
            if let maximumSize {
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(Swift.max(1, maximumSize / pageSize))")
            }
        }
        return config
    }

    /// Checks the directory and, if there is no store yet, creates one atomically: a store file that exists was
    /// complete when it got its name, so an empty or schema-less `state.sqlite` is damage, not a fresh start.
    static func prepareDirectory(
        _ directory: String,
        path: String,
        configuration: Configuration,
        logger: Logger
    ) throws {
        let fileManager = FileManager.default
        let readOnly = configuration.accessMode.isReadOnly
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StateStoreError(
                    code: .cannotOpen,
                    message: "cannot open the state store: \(directory) is not a directory",
                    path: directory
                )
            }
        } else {
            guard !readOnly else {
                throw StateStoreError(
                    code: .cannotOpen,
                    message: "no state store: the state directory \(directory) does not exist",
                    path: directory
                )
            }
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StateStoreError(
                    code: .cannotOpen,
                    message: "cannot create the state directory \(directory): \(error.localizedDescription)",
                    path: directory
                )
            }
        }

        if let attributes = try? fileManager.attributesOfItem(atPath: path) {
            if attributes[.type] as? FileAttributeType == .typeRegular, (attributes[.size] as? Int) == 0 {
                throw corrupt(path: path, directory: directory, detail: "the file is empty (truncated)")
            }
            return
        }
        if fileManager.fileExists(atPath: path + "-wal") {
            throw corrupt(
                path: path,
                directory: directory,
                detail: "the database file is missing but its write-ahead log \(path)-wal exists"
            )
        }
        guard !readOnly else {
            throw StateStoreError(code: .cannotOpen, message: "no state store at \(path)", path: path)
        }
        try create(path: path, directory: directory)
        logger.notice("Created an empty state store")
    }

    private static func create(path: String, directory: String) throws {
        let temporary = path + ".creating"
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: temporary + suffix)
        }
        do {
            let queue = try DatabaseQueue(path: temporary)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.inTransaction {
                    try Schema.create(db)
                    return .commit
                }
            }
            try queue.close()
        } catch {
            throw mapped(error, path: temporary, directory: directory, operation: "creating the state store")
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            throw StateStoreError(
                code: .cannotOpen,
                message: "cannot rename \(temporary) to \(path): \(message)",
                path: path
            )
        }
        // Make the new name durable.
        let descriptor = open(directory, O_RDONLY)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            // Qualified: inside the type, `close` is ``StateStore/close()``.
            #if canImport(Glibc)
                _ = Glibc.close(descriptor)
            #elseif canImport(Darwin)
                _ = Darwin.close(descriptor)
            #endif
        }
    }

    struct Summary {
        var partitions = 0
        var users = 0
        var modelBytes = 0
    }

    /// Refuses a foreign, newer or damaged file: application id, schema version, `PRAGMA quick_check`, and the
    /// checksums of the model, the meta blobs and (with ``Configuration/Verification/full``) every user blob.
    func verify() throws -> Summary {
        try access("verifying the state store") {
            try queue.writeWithoutTransaction { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                guard applicationID == Schema.applicationID else {
                    throw Self.corrupt(
                        path: path,
                        directory: directory,
                        detail: "it is not a Warmstart state store (application_id \(applicationID))"
                    )
                }
                let version = try Schema.version(of: db)
                guard version <= Schema.version else {
                    throw StateStoreError(
                        code: .incompatibleVersion,
                        message: "the state store \(path) has schema version \(version); this build reads up to "
                            + "\(Schema.version). Run the newer build, or rebuild the store from the topic.",
                        path: path
                    )
                }
                guard version >= 1 else {
                    throw Self.corrupt(
                        path: path,
                        directory: directory,
                        detail: "it has no schema (version \(version))"
                    )
                }
                let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(10)")
                guard problems == ["ok"] else {
                    throw Self.corrupt(
                        path: path,
                        directory: directory,
                        detail: "PRAGMA quick_check: " + problems.joined(separator: "; ")
                    )
                }
                if !configuration.accessMode.isReadOnly,
                    try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal"
                {
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }

                var summary = Summary()
                summary.modelBytes = try Self.readModel(db, path: path)?.count ?? 0
                _ = try Self.readMeta(db, path: path)
                summary.partitions = try Int.fetchOne(db, sql: "SELECT count(*) FROM partition_state") ?? 0
                if configuration.verification.verifiesUsers {
                    let rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT u.user_id, u.checksum, u.state, p.topic, p.partition
                            FROM user_state u LEFT JOIN partition_state p ON p.id = u.partition_id
                            """
                    )
                    while let row = try rows.next() {
                        guard let partition = Self.partition(row, 3) else {
                            throw Self.corrupt(path: path, directory: directory, detail: "a user row has no partition")
                        }
                        _ = try Self.verifiedUser(row, partition: partition, path: path)
                        summary.users += 1
                    }
                } else {
                    summary.users = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_state") ?? 0
                }
                return summary
            }
        }
    }

    // MARK: Reading rows defensively

    // Corruption can change a value's storage class; GRDB's typed accessors trap on a mismatch, these return nil.

    static func int64(_ row: Row, _ index: Int) -> Int64? {
        if case .int64(let value) = (row[index] as DatabaseValue).storage { return value }
        return nil
    }

    static func text(_ row: Row, _ index: Int) -> String? {
        if case .string(let value) = (row[index] as DatabaseValue).storage { return value }
        return nil
    }

    /// The partition in columns `index` (topic) and `index + 1` (partition number).
    static func partition(_ row: Row, _ index: Int) -> Partition? {
        guard let topic = text(row, index), let number = int64(row, index + 1).flatMap({ Int32(exactly: $0) })
        else { return nil }
        return Partition(topic: topic, partition: number)
    }

    static func blob(_ row: Row, _ index: Int) -> Data? {
        switch (row[index] as DatabaseValue).storage {
        case .blob(let value): value
        case .string(let value) where value.isEmpty: Data()
        default: nil
        }
    }

    /// A user from a row `(user_id, checksum, state, ...)`, its checksum verified; its activity stamp from column
    /// `lastActiveColumn` when given (the stamp is not covered by the checksum: it only orders restores).
    static func verifiedUser(
        _ row: Row, partition: Partition, path: String, lastActiveColumn: Int? = nil
    ) throws -> UserRecord {
        let directory = (path as NSString).deletingLastPathComponent
        guard let id = text(row, 0), let checksum = int64(row, 1), let state = blob(row, 2) else {
            throw corrupt(path: path, directory: directory, detail: "a user row of \(partition) is malformed")
        }
        let actual = state.withUnsafeBytes { Checksum.keyed(id, $0) }
        guard actual == checksum else {
            throw corrupt(
                path: path,
                directory: directory,
                detail: "the state of user \(id) of \(partition) fails its checksum"
            )
        }
        let lastActive = lastActiveColumn.flatMap { int64(row, $0) }.map { UInt64(clamping: $0) } ?? 0
        return UserRecord(id: id, state: [UInt8](state), lastActive: lastActive)
    }

    static func readMeta(_ db: Database, path: String) throws -> [String: [UInt8]] {
        let directory = (path as NSString).deletingLastPathComponent
        var meta: [String: [UInt8]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT name, checksum, data FROM meta_blob")
        while let row = try rows.next() {
            guard let name = text(row, 0), let checksum = int64(row, 1), let data = blob(row, 2),
                data.withUnsafeBytes({ Checksum.keyed(name, $0) }) == checksum
            else {
                throw corrupt(path: path, directory: directory, detail: "a meta blob fails its checksum")
            }
            meta[name] = [UInt8](data)
        }
        return meta
    }

    /// The model, reassembled from its chunks, every chunk hash and the header checksum verified.
    static func readModel(_ db: Database, path: String) throws -> [UInt8]? {
        let directory = (path as NSString).deletingLastPathComponent
        func damaged(_ detail: String) -> StateStoreError {
            corrupt(path: path, directory: directory, detail: "the model " + detail)
        }
        guard
            let info = try Row.fetchOne(
                db,
                sql: "SELECT length, chunk_size, chunk_count, checksum FROM model_info WHERE id = 0"
            )
        else { return nil }
        guard let length = int64(info, 0).map(Int.init), let chunkSize = int64(info, 1).map(Int.init),
            let count = int64(info, 2).map(Int.init), let checksum = int64(info, 3),
            length >= 0, chunkSize > 0, count == (length + chunkSize - 1) / chunkSize
        else { throw damaged("header is malformed") }

        var model = [UInt8](repeating: 0, count: length)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT chunk_index, hash, length, data FROM model_chunk ORDER BY chunk_index"
        )
        try model.withUnsafeMutableBytes { target in
            while let row = try rows.next() {
                let index = hashes.count
                guard let storedIndex = int64(row, 0), storedIndex == index else {
                    throw damaged("chunk \(index) is missing")
                }
                let lower = index * chunkSize
                let expectedLength = min(chunkSize, length - lower)
                guard let hash = int64(row, 1).map({ UInt64(bitPattern: $0) }), int64(row, 2) == Int64(expectedLength),
                    let data = blob(row, 3), data.count == expectedLength
                else { throw damaged("chunk \(index) is malformed") }
                try data.withUnsafeBytes { bytes in
                    guard Checksum.xxh64(bytes) == hash else { throw damaged("chunk \(index) fails its checksum") }
                    UnsafeMutableRawBufferPointer(rebasing: target[lower..<lower + expectedLength]).copyMemory(
                        from: bytes
                    )
                }
                hashes.append(hash)
            }
        }
        guard hashes.count == count else { throw damaged("has \(hashes.count) of \(count) chunks") }
        guard ModelChunks.headerChecksum(length: length, chunkSize: chunkSize, hashes: hashes) == checksum else {
            throw damaged("header fails its checksum")
        }
        return model
    }

    // MARK: Writing

    static func partitionID(_ db: Database, _ partition: Partition) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT id FROM partition_state WHERE topic = ? AND partition = ?",
            arguments: [partition.topic, partition.partition]
        )
    }

    static func createPartition(_ db: Database, _ partition: Partition) throws -> Int64 {
        if let id = try partitionID(db, partition) { return id }
        try db.execute(
            sql: "INSERT INTO partition_state (topic, partition) VALUES (?, ?)",
            arguments: [partition.topic, partition.partition]
        )
        return db.lastInsertedRowID
    }

    /// Writes the chunks whose (hash, length) differ from the stored chunk at the same index, drops chunks past
    /// the end, and rewrites the header.
    static func writeModel(_ db: Database, _ chunks: ModelChunks, stats: inout CheckpointStats) throws {
        var stored: [Int64: (hash: Int64, length: Int64)] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT chunk_index, hash, length FROM model_chunk")
        while let row = try rows.next() {
            if let index = int64(row, 0), let hash = int64(row, 1), let length = int64(row, 2) {
                stored[index] = (hash, length)
            }
        }
        let upsert = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO model_chunk (chunk_index, hash, length, data) VALUES (?, ?, ?, ?)"
        )
        try chunks.model.withUnsafeBytes { bytes in
            for (index, hash) in chunks.hashes.enumerated() {
                let range = chunks.range(index)
                let signedHash = Int64(bitPattern: hash)
                if let existing = stored[Int64(index)], existing.hash == signedHash,
                    existing.length == Int64(range.count)
                {
                    stats.chunksSkipped += 1
                    continue
                }
                let data = Data(UnsafeRawBufferPointer(rebasing: bytes[range]))
                try upsert.execute(arguments: [index, signedHash, range.count, data])
                stats.chunksWritten += 1
                stats.bytesWritten += range.count
            }
        }
        try db.execute(sql: "DELETE FROM model_chunk WHERE chunk_index >= ?", arguments: [chunks.hashes.count])
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO model_info (id, length, chunk_size, chunk_count, checksum)
                VALUES (0, ?, ?, ?, ?)
                """,
            arguments: [
                chunks.model.count, chunks.chunkSize, chunks.hashes.count,
                ModelChunks.headerChecksum(
                    length: chunks.model.count,
                    chunkSize: chunks.chunkSize,
                    hashes: chunks.hashes
                ),
            ]
        )
    }

    // MARK: Errors

    static func corrupt(path: String, directory: String, detail: String, sqliteCode: Int32? = nil) -> StateStoreError {
        StateStoreError(
            code: .corrupt,
            message: "the state store \(path) is corrupt: \(detail). It will not be used. To rebuild it, stop "
                + "warmstartd, move the state directory \(directory) aside (keep it for inspection) and restart: "
                + "the daemon creates an empty store and re-reads its partitions from the committed offsets "
                + "(or the earliest offset where none is committed).",
            path: path,
            sqliteCode: sqliteCode
        )
    }

    /// Maps GRDB's and SQLite's errors onto ``StateStoreError`` codes.
    static func mapped(_ error: any Error, path: String, directory: String, operation: String) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        guard let error = error as? DatabaseError else {
            return StateStoreError(code: .sqlite, message: "\(operation) failed for \(path): \(error)", path: path)
        }
        let code = error.extendedResultCode.rawValue
        let reason = error.message ?? "SQLite error \(code)"
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return corrupt(path: path, directory: directory, detail: "\(operation): \(reason)", sqliteCode: code)
        case .SQLITE_FULL:
            return StateStoreError(
                code: .full,
                message: "\(operation) failed: the state store \(path) is full (disk full or maximum size "
                    + "reached): \(reason). The previous checkpoint is intact; free space and retry.",
                path: path,
                sqliteCode: code
            )
        case .SQLITE_READONLY:
            return StateStoreError(
                code: .readOnly,
                message: "\(operation) failed: the state store \(path) is read-only: \(reason).",
                path: path,
                sqliteCode: code
            )
        case .SQLITE_IOERR:
            return StateStoreError(
                code: .io,
                message: "\(operation) failed: I/O error on the state store \(path): \(reason). The previous "
                    + "checkpoint is intact; retry.",
                path: path,
                sqliteCode: code
            )
        case .SQLITE_CANTOPEN:
            return StateStoreError(
                code: .cannotOpen,
                message: "\(operation) failed: cannot open the state store \(path): \(reason). Check that the "
                    + "state directory \(directory) exists and is writable.",
                path: path,
                sqliteCode: code
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StateStoreError(
                code: .busy,
                message: "\(operation) failed: the state store \(path) is locked by another connection: \(reason).",
                path: path,
                sqliteCode: code
            )
        default:
            return StateStoreError(
                code: .sqlite,
                message: "\(operation) failed for the state store \(path): \(reason).",
                path: path,
                sqliteCode: code
            )
        }
    }
}
