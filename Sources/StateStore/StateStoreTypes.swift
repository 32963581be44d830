import Foundation

extension StateStore {
    /// A Kafka partition whose progress and users the store keeps.
    ///
    /// The store does not depend on the `Kafka` module; this mirrors `KafkaTopicPartition`.
    public struct Partition: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var topic: String
        public var partition: Int32

        public init(topic: String, partition: Int32) {
            self.topic = topic
            self.partition = partition
        }

        public var description: String { "\(topic)[\(partition)]" }

        public static func < (lhs: Partition, rhs: Partition) -> Bool {
            (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
        }
    }

    /// One user's learned state, an opaque blob the learner encodes and decodes.
    public struct UserRecord: Hashable, Sendable {
        public var id: String
        public var state: [UInt8]
        /// When the user was last active, on the writer's increasing clock (0: unknown, e.g. a user written by a
        /// build before schema version 2): a restore under a memory cap loads the most recently active users
        /// first (``StateStore/forEachMostRecentUser(in:limit:_:)``).
        public var lastActive: UInt64

        public init(id: String, state: [UInt8], lastActive: UInt64 = 0) {
            self.id = id
            self.state = state
            self.lastActive = lastActive
        }
    }

    /// The state shared by all partitions: the model blob and small named meta blobs.
    public struct SharedState: Hashable, Sendable {
        /// The model (item factors, co-occurrence rows, meta-parameters), or `nil` if none was ever stored.
        public var model: [UInt8]?
        /// Small named blobs (configuration fingerprints, counters, ...).
        public var meta: [String: [UInt8]]

        public init(model: [UInt8]? = nil, meta: [String: [UInt8]] = [:]) {
            self.model = model
            self.meta = meta
        }
    }

    /// Everything that changed since the previous checkpoint, written by ``StateStore/checkpoint(_:)`` in one
    /// transaction: all of it becomes durable, or none of it does.
    ///
    /// Within one checkpoint, removals are applied before upserts, so a user who is erased and then sends a new
    /// event before the checkpoint keeps only the new state.
    public struct Checkpoint: Sendable {
        /// Users whose state changed, by partition (inserted or replaced).
        public var users: [Partition: [UserRecord]]
        /// Users to erase, by partition. Their bytes are overwritten in the database file and the write-ahead log
        /// is truncated after the commit.
        public var removedUsers: [Partition: [String]]
        /// The whole model blob, or `nil` if it did not change. Only the chunks that differ from the stored ones are
        /// written.
        public var model: [UInt8]?
        /// Meta blobs to insert or replace.
        public var meta: [String: [UInt8]]
        /// Meta blobs to remove.
        public var removedMeta: [String]
        /// The next offset to process in each partition: the first event *not* reflected in this checkpoint.
        public var nextOffsets: [Partition: Int64]

        public init(
            users: [Partition: [UserRecord]] = [:],
            removedUsers: [Partition: [String]] = [:],
            model: [UInt8]? = nil,
            meta: [String: [UInt8]] = [:],
            removedMeta: [String] = [],
            nextOffsets: [Partition: Int64] = [:]
        ) {
            self.users = users
            self.removedUsers = removedUsers
            self.model = model
            self.meta = meta
            self.removedMeta = removedMeta
            self.nextOffsets = nextOffsets
        }
    }

    /// What one checkpoint wrote.
    public struct CheckpointStats: Hashable, Sendable, CustomStringConvertible {
        /// User blobs inserted or replaced.
        public var usersWritten: Int
        /// User rows erased.
        public var usersRemoved: Int
        /// Model chunks whose content changed and were written.
        public var chunksWritten: Int
        /// Model chunks whose content hash matched the stored chunk and were not written.
        public var chunksSkipped: Int
        /// Meta blobs written or removed.
        public var metaWritten: Int
        /// Payload bytes handed to SQLite: user, chunk and meta blobs (not counting SQLite's page and log
        /// overhead).
        public var bytesWritten: Int
        /// Wall time of the checkpoint, including hashing, the transaction and its `fsync`s.
        public var duration: Duration

        public init(
            usersWritten: Int = 0,
            usersRemoved: Int = 0,
            chunksWritten: Int = 0,
            chunksSkipped: Int = 0,
            metaWritten: Int = 0,
            bytesWritten: Int = 0,
            duration: Duration = .zero
        ) {
            self.usersWritten = usersWritten
            self.usersRemoved = usersRemoved
            self.chunksWritten = chunksWritten
            self.chunksSkipped = chunksSkipped
            self.metaWritten = metaWritten
            self.bytesWritten = bytesWritten
            self.duration = duration
        }

        public var description: String {
            "users written \(usersWritten), removed \(usersRemoved); chunks written \(chunksWritten), "
                + "skipped \(chunksSkipped); meta \(metaWritten); \(bytesWritten) bytes; \(duration)"
        }
    }
}
