import Clickstream
import Foundation
import StateStore

/// The benchmark's synthetic state and its steps.
struct Benchmark {
    let options: Options
    let directory: String
    let partitions: [StateStore.Partition]
    let chunkSize = StateStore.Configuration().modelChunkSize
    var random = SplitMix64(seed: 42)
    var users: [StateStore.Partition: [StateStore.UserRecord]] = [:]
    var model: [UInt8]
    var offsets: [StateStore.Partition: Int64] = [:]

    init(options: Options) {
        self.options = options
        directory =
            options.directory
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("state-store-bench-\(getpid())")
        partitions = (0..<options.partitions).map { StateStore.Partition(topic: "events", partition: Int32($0)) }
        model = [UInt8](repeating: 0, count: options.modelMB << 20)
    }

    var chunkCount: Int { (model.count + chunkSize - 1) / chunkSize }
    var changedChunks: Int { max(1, Int((Double(chunkCount) * options.changedPercent / 100).rounded())) }

    /// Changes one byte in each of ``changedChunks`` chunks spread over the model.
    mutating func changeModel() {
        for step in 0..<changedChunks {
            let chunk = (step * chunkCount / changedChunks + Int(random.next() % 7)) % chunkCount
            let index = min(model.count - 1, chunk * chunkSize + Int(random.next() % UInt64(chunkSize)))
            model[index] &+= 1
        }
    }

    mutating func advanceOffsets(by events: Int64) {
        for partition in partitions { offsets[partition, default: 0] += events }
    }

    mutating func run() throws {
        try? FileManager.default.removeItem(atPath: directory)
        defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
        print(
            "state-store-bench: \(options.users) users x \(options.userBytes) bytes in \(options.partitions) "
                + "partitions, model \(options.modelMB) MiB, directory \(directory)"
        )

        // Synthetic state, generated before any timing.
        for index in 0..<options.users {
            var state = [UInt8](repeating: 0, count: options.userBytes)
            random.fill(&state)
            users[partitions[index % partitions.count], default: []].append(.init(id: "user-\(index)", state: state))
        }
        random.fill(&model)

        var start = ContinuousClock.now
        var store: StateStore? = try StateStore(directory: directory)
        print(String(format: "open (new store): %.3f s", seconds(ContinuousClock.now - start)))

        advanceOffsets(by: 1000)
        try timedCheckpoint(
            "initial checkpoint (all users, whole model)",
            store!,
            .init(users: users, model: model, nextOffsets: offsets)
        )

        for _ in 0..<options.repetitions {
            for partition in partitions {
                for index in users[partition]!.indices { users[partition]![index].state[0] &+= 1 }
            }
            changeModel()
            advanceOffsets(by: 1000)
            try timedCheckpoint(
                "checkpoint all \(options.users) users + model with \(changedChunks)/\(chunkCount) chunks changed",
                store!,
                .init(users: users, model: model, nextOffsets: offsets)
            )
        }

        for withModel in [false, true] {
            for _ in 0..<options.repetitions {
                var dirty: [StateStore.Partition: [StateStore.UserRecord]] = [:]
                for _ in 0..<options.dirtyUsers {
                    let partition = partitions[Int(random.next() % UInt64(partitions.count))]
                    let index = Int(random.next() % UInt64(users[partition]!.count))
                    users[partition]![index].state[1] &+= 1
                    dirty[partition, default: []].append(users[partition]![index])
                }
                if withModel { changeModel() }
                advanceOffsets(by: 100)
                let label =
                    "checkpoint \(options.dirtyUsers) dirty users"
                    + (withModel ? " + model with \(changedChunks)/\(chunkCount) chunks changed" : ", model unchanged")
                try timedCheckpoint(
                    label,
                    store!,
                    .init(users: dirty, model: withModel ? model : nil, nextOffsets: offsets)
                )
            }
        }
        let path = store!.path
        store = nil
        print("file size after close: \(megabytes(fileSize(path)))")

        for verification in [StateStore.Configuration.Verification.full, .shared] {
            var configuration = StateStore.Configuration()
            configuration.verification = verification
            store = nil
            start = ContinuousClock.now
            store = try StateStore(directory: directory, configuration: configuration)
            let name =
                verification == .full ? "full (quick_check + every checksum)" : "shared (quick_check + model/meta)"
            print("open with \(name) verification: \(String(format: "%.3f", seconds(ContinuousClock.now - start))) s")
        }

        start = ContinuousClock.now
        var loaded = 0
        var loadedBytes = 0
        for partition in partitions {
            try store!.forEachUser(in: partition) { user in
                loaded += 1
                loadedBytes += user.state.count
            }
        }
        let loadTime = seconds(ContinuousClock.now - start)
        print("load all users: \(String(format: "%.3f", loadTime)) s (\(loaded) users, \(megabytes(loadedBytes)))")
        guard loaded == options.users else { throw UsageError("loaded \(loaded) users, expected \(options.users)") }

        start = ContinuousClock.now
        let shared = try store!.loadShared()
        print(
            String(format: "load shared (model reassembled, verified): %.3f s", seconds(ContinuousClock.now - start))
        )
        guard shared.model == model else { throw UsageError("the loaded model differs from the last one written") }

        let lookups = 10_000
        start = ContinuousClock.now
        for _ in 0..<lookups {
            let partition = partitions[Int(random.next() % UInt64(partitions.count))]
            let index = Int(random.next() % UInt64(users[partition]!.count))
            let expected = users[partition]![index]
            guard try store!.user(partition: partition, id: expected.id) == expected.state else {
                throw UsageError("single-user reload returned different bytes")
            }
        }
        let perLookup = seconds(ContinuousClock.now - start) / Double(lookups) * 1e6
        print(String(format: "single-user reload: %.1f us per user (%d lookups)", perLookup, lookups))
    }
}
