import Foundation
import GRDB
import Kafka
import Logging
import StateStore
import Synchronization
import Testing
import WarmstartTestSupport

@testable import Pipeline

/// Erasure requests through the ``Learner`` with a real state store in a temporary directory: the user leaves
/// memory and every file of the state directory, a tombstone follows the user's last score message, the request's
/// offset becomes committable only once the erasure is durable and tombstoned, and the user's later events are
/// skipped — also after a restart with the same directory.
@Suite struct ProcessingErasureTests {
    static let user = "<erase-me-4711>"
    static let erasureTopic = "warmstart.erasure"

    static func harness(directory: String) throws -> (LearnerHarness, ErasureDenylist) {
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: Logger(label: "test"))
        let denylist = try ErasureDenylist(directory: directory, retention: .seconds(86_400))
        let harness = try LearnerHarness(keeper: keeper, denylist: denylist) { $0.coalesceWindow = .zero }
        try harness.learner.assign([0], committed: [:])
        _ = harness.learner.assignErasures([0], committed: [:])
        return (harness, denylist)
    }

    static func request(_ user: String, offset: Int64) -> KafkaMessage {
        KafkaMessage(
            topic: erasureTopic, partition: 0, offset: offset, key: Array(user.utf8), value: Array("{}".utf8),
            timestamp: nil, headers: [])
    }

    /// Every byte of every file in `directory`.
    static func stateBytes(_ directory: String) throws -> [(name: String, bytes: [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
        }
    }

    static func filesHolding(_ text: String, in directory: String) throws -> [String] {
        try stateBytes(directory).filter { $0.bytes.contains(bytes: Array(text.utf8)) }.map(\.name)
    }

    @Test(.timeLimit(.minutes(1)))
    func anErasedUserLeavesMemoryAndTheStateDirectoryAndIsNotLearnedAgain() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (harness, denylist) = try Self.harness(directory: directory)
        await harness.submit(
            (0..<6).map { LearnerHarness.event($0 % 2 == 0 ? Self.user : "<other>", item: "item-\($0)", offset: $0) })
        harness.output.acknowledgeAll()
        await harness.settle()
        await harness.checkpointNow()
        #expect(try !Self.filesHolding(Self.user, in: directory).isEmpty, "the user is stored before")

        harness.learner.submitErasures([Self.request(Self.user, offset: 0)])
        // The erasure becomes durable on the checkpoint queue; the tombstone waits for its acknowledgement.
        try await pollUntil("the erasure is durable") {
            await harness.settle()
            return try Self.filesHolding(Self.user, in: directory).isEmpty
        }
        #expect(await harness.learner.committableErasureOffsets()[0] == 0, "not before the tombstone's ack")
        harness.output.acknowledgeAll()
        try await pollUntil("the erasure is complete") {
            await harness.settle()
            return LearnerHarness.sample(harness.metrics, "warmstart_erasures_total") == 1
        }
        #expect(await harness.learner.committableErasureOffsets()[0] == 1)
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_erasures_pending") == 0)

        // The tombstone comes after the user's last score message.
        let sent = harness.output.sent.map(\.message)
        let lastScore = try #require(sent.lastIndex { $0.scoredUser == Self.user })
        let tombstone = try #require(sent.firstIndex { if case .tombstone(Self.user) = $0 { true } else { false } })
        #expect(tombstone > lastScore)

        // Later events of the user are skipped, counted; the other user goes on.
        await harness.submit([
            LearnerHarness.event(Self.user, offset: 6), LearnerHarness.event("<other>", offset: 7),
        ])
        harness.output.acknowledgeAll()
        await harness.settle()
        #expect(LearnerHarness.sample(harness.metrics, "warmstart_erased_events_skipped_total") == 1)
        #expect(!harness.output.sent.dropFirst(tombstone + 1).contains { $0.message.scoredUser == Self.user })
        await harness.checkpointNow()
        #expect(try Self.filesHolding(Self.user, in: directory).isEmpty)
        #expect(!harness.logs.text.contains(Self.user))
        #expect(!String(decoding: harness.metrics.exposition(), as: UTF8.self).contains(Self.user))
        #expect(harness.logs.text.contains("erased a user"))
        #expect(denylist.contains(denylist.pseudonym(of: Self.user)))

        // A restart with the same directory: the denylist is durable, the user's replayed events are skipped.
        _ = harness.learner.release([0])
        let reopened = try ErasureDenylist(directory: directory, retention: .seconds(86_400))
        #expect(reopened.contains(reopened.pseudonym(of: Self.user)))
        #expect(!reopened.contains(reopened.pseudonym(of: "<other>")))
    }

    /// A reader holding the write-ahead log (an open read transaction) keeps `wal_checkpoint(TRUNCATE)` from
    /// succeeding; the erasure is retried until it does, and only then completes.
    @Test(.timeLimit(.minutes(1)))
    func anErasureWhileAReaderHoldsTheLogTruncatesItOnceTheReaderIsDone() async throws {
        let directory = LearnerHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logs = InMemoryLogHandler.Store()
        let keeper = try StateKeeper(directory: directory, topic: LearnerHarness.topic, logger: logs.logger)
        let denylist = try ErasureDenylist(directory: directory, retention: .seconds(86_400))
        let partition = keeper.partition(0)
        _ = try keeper.writeNow(
            StateStore.Checkpoint(
                users: [partition: [.init(id: Self.user, state: Array(repeating: 7, count: 300))]],
                meta: [StateKeeper.refreshKey(0): Array(Self.user.utf8)], nextOffsets: [partition: 5]))

        // The reader: a read transaction that has read (so it holds a snapshot in the log) until the first
        // truncation gave up on it (after the store's busy timeout, 5 s), so that a retry is what succeeds.
        let reader = try DatabaseQueue(path: keeper.store.path)
        let reading = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        let readerTask = Task.detached {
            try reader.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_state")
                reading.store(true, ordering: .releasing)
                let deadline = Date().addingTimeInterval(30)
                while !release.load(ordering: .acquiring), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            }
        }
        while !reading.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
        let done = Mutex(false)
        keeper.erase(
            StateKeeper.Erasure(
                user: Self.user, pseudonym: denylist.pseudonym(of: Self.user), partition: 0,
                erasedAt: ErasureDenylist.epochMilliseconds(), refresh: []),
            denylist: denylist
        ) { done.withLock { $0 = true } }
        // The truncation after the delete gives up on the reader (the busy timeout); the erasure is not complete.
        try await pollUntil("a truncation given up", timeout: .seconds(20)) { logs.text.contains("a reader holds it") }
        #expect(!done.withLock { $0 }, "not complete while the reader holds the log")
        release.store(true, ordering: .releasing)
        try await readerTask.value
        try reader.close()
        try await pollUntil("the erasure completes after the reader", timeout: .seconds(20)) { done.withLock { $0 } }
        let wal = try FileManager.default.attributesOfItem(atPath: keeper.store.path + "-wal")[.size] as? Int
        #expect(wal == 0, "the log is truncated")
        #expect(try Self.filesHolding(Self.user, in: directory).isEmpty)
        #expect(try keeper.store.user(partition: partition, id: Self.user) == nil)
    }
}

/// Polls `condition` every 10 ms until it holds, or throws naming `what`.
func pollUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out after \(timeout) waiting for: \(what)")
    throw CancellationError()
}

extension Array where Element == UInt8 {
    /// Whether `bytes` occurs in this array.
    func contains(bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= count else { return bytes.isEmpty }
        return (0...(count - bytes.count)).contains { start in self[start..<start + bytes.count].elementsEqual(bytes) }
    }
}
