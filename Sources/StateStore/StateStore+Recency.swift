import GRDB

extension StateStore {
    /// Calls `body` with the `limit` most recently active users over `partitions` together (largest
    /// ``UserRecord/lastActive`` first; ties, such as the users of a version 1 store, by partition and user id),
    /// each checksum verified. The chosen users are handed over in partition and user-id order — the order an
    /// uncapped restore uses — so only which users are loaded depends on recency, not the order they load in.
    ///
    /// The choice reads only the small columns of every row; the state blobs are read for the chosen users alone.
    ///
    /// - Parameters:
    ///   - partitions: The partitions to restore (unknown ones are skipped).
    ///   - limit: At most this many users in all.
    ///   - body: Called once per chosen user; must not call back into the store.
    /// - Throws: ``StateStoreError/Code/corrupt`` at the first user whose blob fails its checksum, or what
    ///   `body` throws.
    public func forEachMostRecentUser(
        in partitions: [Partition], limit: Int, _ body: (Partition, UserRecord) throws -> Void
    ) throws {
        guard limit > 0, !partitions.isEmpty else { return }
        try access("loading the most recently active users of \(partitions.sorted())") {
            try queue.read { db in
                var byID: [Int64: Partition] = [:]
                for partition in partitions {
                    if let id = try Self.partitionID(db, partition) { byID[id] = partition }
                }
                guard !byID.isEmpty else { return }
                let recency = try Schema.version(of: db) >= Schema.recencyVersion
                let ids = byID.keys.sorted().map(String.init).joined(separator: ", ")
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT rowid, partition_id, user_id FROM user_state WHERE partition_id IN (\(ids))
                        ORDER BY \(recency ? "last_active DESC, " : "")partition_id, user_id LIMIT ?
                        """,
                    arguments: [Int64(limit)]
                )
                var chosen: [(rowID: Int64, partition: Partition, user: String)] = []
                while let row = try rows.next() {
                    guard let rowID = Self.int64(row, 0), let partition = Self.int64(row, 1).flatMap({ byID[$0] }),
                        let user = Self.text(row, 2)
                    else {
                        throw Self.corrupt(path: path, directory: directory, detail: "a user row is malformed")
                    }
                    chosen.append((rowID, partition, user))
                }
                chosen.sort { ($0.partition, $0.user) < ($1.partition, $1.user) }
                let statement = try db.cachedStatement(
                    sql: "SELECT user_id, checksum, state, \(recency ? "last_active" : "0") FROM user_state "
                        + "WHERE rowid = ?"
                )
                for entry in chosen {
                    guard let row = try Row.fetchOne(statement, arguments: [entry.rowID]) else { continue }
                    let record = try Self.verifiedUser(
                        row, partition: entry.partition, path: path, lastActiveColumn: 3)
                    try body(entry.partition, record)
                }
            }
        }
    }

    /// The number of users stored for each of `partitions` (0 for unknown ones).
    public func userCounts(in partitions: [Partition]) throws -> [Partition: Int] {
        var counts: [Partition: Int] = [:]
        for partition in partitions { counts[partition] = try userCount(partition: partition) }
        return counts
    }
}
