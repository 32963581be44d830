import Foundation
import StateStore

/// `state-store-bench --crash-writer DIR`: writes checkpoint after checkpoint into the store in DIR, each one a
/// deterministic function of its sequence number k, printing `committed k` after each commit, until it is
/// killed. `StateStoreTests` SIGKILLs it at random moments and checks that the store always holds exactly one
/// complete checkpoint, the last one committed (or the one whose commit raced the signal).
enum CrashWriter {
    static let users = 2000
    static let userBytes = 300
    static let modelBytes = 1 << 20

    /// User `user`'s state in checkpoint `k` (the tests compute the same bytes).
    static func userState(k: Int, user: Int) -> [UInt8] {
        (0..<userBytes).map { UInt8(truncatingIfNeeded: (k &* 31 &+ user &* 7 &+ $0) ^ ($0 >> 3)) }
    }

    /// The model in checkpoint `k`.
    static func model(k: Int) -> [UInt8] {
        (0..<modelBytes).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ k &* 101 &+ ($0 >> 11)) }
    }

    static func run(directory: String) throws -> Never {
        let store = try StateStore(directory: directory)
        let previous =
            try store.loadShared().meta["k"].map { bytes in
                bytes.reversed().reduce(0) { $0 << 8 | Int($1) }
            } ?? 0
        var k = previous + 1
        while true {
            let partition = StateStore.Partition(topic: "events", partition: 0)
            let checkpoint = StateStore.Checkpoint(
                users: [partition: (0..<users).map { .init(id: "user-\($0)", state: userState(k: k, user: $0)) }],
                model: model(k: k),
                meta: ["k": (0..<8).map { UInt8(truncatingIfNeeded: k >> (8 * $0)) }],
                nextOffsets: [
                    partition: Int64(k) * 1000,
                    StateStore.Partition(topic: "events", partition: 1): Int64(k) * 1000 + 1,
                ]
            )
            try store.checkpoint(checkpoint)
            FileHandle.standardOutput.write(Data("committed \(k)\n".utf8))
            k += 1
        }
    }
}
