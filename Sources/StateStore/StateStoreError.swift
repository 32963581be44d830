/// The one error type of the `StateStore` module.
///
/// Every failure names the store file it concerns, carries a ``Code`` that the daemon can act on (retry on
/// ``Code/full`` and ``Code/io``, refuse to start on ``Code/corrupt``), SQLite's result code when SQLite raised
/// it, and where in this module it was raised.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var code: Code
    /// A message for an operator: what happened to which file and, where there is one, what to do about it.
    public var message: String
    /// The store file (or directory) concerned.
    public var path: String
    /// SQLite's extended result code, when SQLite reported the failure.
    public var sqliteCode: Int32?
    /// The file of this module that raised the error.
    public var file: String
    /// The line of ``file`` that raised the error.
    public var line: UInt

    public init(
        code: Code,
        message: String,
        path: String,
        sqliteCode: Int32? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.sqliteCode = sqliteCode
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "StateStoreError(\(code)"
        if let sqliteCode { text += ", SQLite \(sqliteCode)" }
        text += "): \(message) (\(file):\(line))"
        return text
    }
}

// MARK: - Code

extension StateStoreError {
    /// An extensible error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case corrupt
            case full
            case readOnly
            case io
            case cannotOpen
            case busy
            case incompatibleVersion
            case invalidArgument
            case sqlite
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// The store file fails its integrity check or a blob its checksum, or the file is not a state store.
        ///
        /// The store is never used in this state. Rebuild it: stop the daemon, move the state directory away and
        /// restart; the daemon re-reads its partitions from the committed (or earliest) offsets.
        public static let corrupt = Code(.corrupt)
        /// The disk (or the configured ``StateStore/Configuration/maximumSize``) is full (`SQLITE_FULL`).
        /// Retriable once space is freed; the previous checkpoint is intact.
        public static let full = Code(.full)
        /// The store was opened read-only, or its file cannot be written (`SQLITE_READONLY`).
        public static let readOnly = Code(.readOnly)
        /// The operating system reported an I/O error (`SQLITE_IOERR`). Retriable; the previous checkpoint is
        /// intact.
        public static let io = Code(.io)
        /// The state directory or store file cannot be created or opened (`SQLITE_CANTOPEN`).
        public static let cannotOpen = Code(.cannotOpen)
        /// Another connection holds a lock on the store for longer than the busy timeout (`SQLITE_BUSY`).
        public static let busy = Code(.busy)
        /// The store was written by a newer schema version than this build understands.
        public static let incompatibleVersion = Code(.incompatibleVersion)
        /// The caller passed a value the store cannot hold (for example a negative offset).
        public static let invalidArgument = Code(.invalidArgument)
        /// Any other SQLite failure; ``StateStoreError/sqliteCode`` tells which.
        public static let sqlite = Code(.sqlite)

        public var description: String {
            switch backing {
            case .corrupt: "corrupt"
            case .full: "full"
            case .readOnly: "readOnly"
            case .io: "io"
            case .cannotOpen: "cannotOpen"
            case .busy: "busy"
            case .incompatibleVersion: "incompatibleVersion"
            case .invalidArgument: "invalidArgument"
            case .sqlite: "sqlite"
            }
        }
    }
}
