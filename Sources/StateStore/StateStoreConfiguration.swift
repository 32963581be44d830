extension StateStore {
    /// How a ``StateStore`` opens its file.
    public struct Configuration: Sendable {
        /// Whether the store may be written.
        public struct AccessMode: Hashable, Sendable {
            private enum Backing: Hashable, Sendable { case readWrite, readOnly }
            private let backing: Backing

            /// Create the store if missing; checkpoints allowed. The daemon's mode.
            public static let readWrite = AccessMode(backing: .readWrite)
            /// Never write: opening a missing store fails with ``StateStoreError/Code/cannotOpen`` and every write
            /// with ``StateStoreError/Code/readOnly``. For inspection tools such as `warmstart digest`.
            public static let readOnly = AccessMode(backing: .readOnly)

            var isReadOnly: Bool { backing == .readOnly }
        }

        /// How much of the store ``StateStore/init(directory:configuration:logger:)`` verifies before use.
        public struct Verification: Hashable, Sendable {
            private enum Backing: Hashable, Sendable { case full, shared }
            private let backing: Backing

            /// `PRAGMA quick_check` plus the checksum of every blob, users included. Costs one read of the file.
            public static let full = Verification(backing: .full)
            /// `PRAGMA quick_check` plus the checksums of the model and meta blobs; user blobs are verified when
            /// they are loaded.
            public static let shared = Verification(backing: .shared)

            var verifiesUsers: Bool { backing == .full }
        }

        /// Read-write (default) or read-only.
        public var accessMode: AccessMode = .readWrite
        /// What is verified at open. Default: ``Verification/full``.
        public var verification: Verification = .full
        /// Size of the chunks the model blob is split into; a checkpoint rewrites only chunks whose content
        /// changed. Default 256 KiB. Changing it rewrites the whole model once.
        public var modelChunkSize: Int = 256 * 1024
        /// An upper bound on the database file size in bytes (`PRAGMA max_page_count`), or `nil` for none. A
        /// checkpoint that would grow the file past it fails with ``StateStoreError/Code/full`` and leaves the
        /// previous checkpoint intact.
        public var maximumSize: Int? = nil
        /// How long to wait for a lock held by another connection (a concurrent reader tool) before failing with
        /// ``StateStoreError/Code/busy``.
        public var busyTimeout: Duration = .seconds(5)
        /// SQLite page cache per connection, in KiB.
        public var cacheSizeKiB: Int = 32 * 1024

        public init() {}
    }
}
