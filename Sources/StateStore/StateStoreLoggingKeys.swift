/// Metadata keys of the store's log lines, in one place.
enum StateStoreLoggingKeys {
    static let path = "state_store.path"
    static let partition = "state_store.partition"
    static let partitions = "state_store.partitions"
    static let users = "state_store.users"
    static let modelBytes = "state_store.model_bytes"
    static let usersWritten = "state_store.users_written"
    static let usersRemoved = "state_store.users_removed"
    static let chunksWritten = "state_store.chunks_written"
    static let chunksSkipped = "state_store.chunks_skipped"
    static let bytesWritten = "state_store.bytes_written"
    static let duration = "state_store.duration"
    static let error = "state_store.error"
}
