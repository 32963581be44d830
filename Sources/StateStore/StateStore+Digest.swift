import Crypto
import Foundation

extension StateStore {
    /// SHA-256 (hex) over a canonical serialization of the learned state: the model, then every partition in
    /// order (by number; topic names are left out, so runs over copies of a topic compare) with its next offset
    /// and its users sorted by id. Meta blobs (output bookkeeping) are left out, so two stores hold the same
    /// learned state at the same offsets exactly when their digests are equal.
    public func contentDigest() throws -> String {
        var hash = SHA256()
        func update(_ bytes: [UInt8]) {
            var length = UInt64(bytes.count).littleEndian
            withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
            bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        update(Array("warmstart-state-digest-1".utf8))
        update(try loadShared().model ?? [])
        let offsets = try offsets()
        for partition in try partitions().sorted(by: { $0.partition < $1.partition }) {
            update(withUnsafeBytes(of: partition.partition.littleEndian) { Array($0) })
            update(withUnsafeBytes(of: (offsets[partition] ?? -1).littleEndian) { Array($0) })
            var users = try users(partition: partition)
            users.sort { $0.id < $1.id }
            update(withUnsafeBytes(of: UInt64(users.count).littleEndian) { Array($0) })
            for user in users {
                update(Array(user.id.utf8))
                update(user.state)
            }
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
