import Kafka
import Learning

/// What the learner owns for one assigned partition.
///
/// A class: the per-event path mutates the coalescer in place (a struct copied out of the dictionary would copy
/// the coalescer's storage on every event).
final class OwnedPartition {
    let users: UserTable
    var coalescer: RefreshCoalescer<String, EffectToken>
    /// The next offset to process; messages below it were processed already (duplicates after a seek or a
    /// rebalance race) and are skipped.
    var nextOffset: Int64?
    let metrics: PartitionMetrics
    /// The partition's users out of memory whose newest state is not in the store (see ``UserResidency``).
    let residency = PartitionResidency()

    init(
        users: UserTable, coalescer: RefreshCoalescer<String, EffectToken>, nextOffset: Int64?,
        metrics: PartitionMetrics
    ) {
        self.users = users
        self.coalescer = coalescer
        self.nextOffset = nextOffset
        self.metrics = metrics
    }
}

/// The partitions the learner owns, and the order in which their events are learned.
///
/// Normally each batch is learned as it comes, in offset order per partition. In deterministic mode
/// (`learning.deterministic`) decoded messages wait here per partition until a *round* can be formed: up to
/// ``roundQuantum`` events of every owned partition, in partition order, so that the interleaving of partitions
/// (and so every learned number) depends on the topic's content, not on fetch timing.
///
/// Not thread-safe: the ``Learner``'s queue owns it.
final class OwnedPartitions {
    /// Events per partition per round in deterministic mode.
    static let roundQuantum = 64

    private var owned: [Int32: OwnedPartition] = [:]
    /// Deterministic mode: decoded messages waiting for a round, per partition.
    private var roundBuffers: [Int32: RingBuffer<DecodedMessage>] = [:]
    /// The last high watermark seen per partition (a partition whose buffered messages reach it is drained).
    private var highWatermarks: [Int32: Int64] = [:]
    /// Reused by ``forEachDueRefresh(now:_:)``, so publishing due refreshes allocates nothing per tick.
    private var refreshScratch: [RefreshCoalescer<String, EffectToken>.Refresh] = []

    subscript(_ partition: Int32) -> OwnedPartition? { owned[partition] }

    /// The partitions owned, sorted (the order every pass over partitions takes, so results do not depend on
    /// dictionary order).
    var sorted: [Int32] { owned.keys.sorted() }

    /// Every owned partition, in no particular order.
    var all: Dictionary<Int32, OwnedPartition>.Values { owned.values }

    /// Users held in memory across all owned partitions.
    var residentUsers: Int { owned.values.reduce(0) { $0 + $1.users.count } }

    /// Takes ownership of `partition`.
    func add(_ partition: Int32, _ work: OwnedPartition) {
        owned[partition] = work
    }

    /// Gives up ownership of `partition`, with whatever waits for a round.
    func remove(_ partition: Int32) {
        owned[partition] = nil
        roundBuffers[partition] = nil
        highWatermarks[partition] = nil
    }

    /// Records the partitions' watermarks: `warmstart_consumer_lag` (the high watermark minus the next offset to
    /// process, the low watermark when nothing was processed or committed yet), and when rounds may drain.
    func recordWatermarks(_ watermarks: [Int32: KafkaWatermarks]) {
        for (partition, marks) in watermarks {
            guard let work = owned[partition] else { continue }
            highWatermarks[partition] = marks.high
            let next = work.nextOffset ?? marks.low
            work.metrics.consumerLag.record(max(0, marks.high - next))
        }
    }

    /// Calls `body` with every refresh whose coalescing window has passed, partition by partition in order.
    func forEachDueRefresh(
        now: Int64, _ body: (RefreshCoalescer<String, EffectToken>.Refresh, _ partition: Int32) -> Void
    ) {
        for partition in sorted {
            guard let work = owned[partition] else { continue }
            work.coalescer.due(now: now, into: &refreshScratch)
            for refresh in refreshScratch {
                body(refresh, partition)
            }
            refreshScratch.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Rounds (deterministic mode)

    /// Keeps `batch`'s messages of owned partitions for rounds.
    func buffer(_ batch: [DecodedMessage]) {
        for decoded in batch where owned[decoded.message.partition] != nil {
            roundBuffers[decoded.message.partition, default: RingBuffer(initialCapacity: 256)].append(decoded)
        }
    }

    /// Learns rounds — up to ``roundQuantum`` events of every owned partition in partition order — while every
    /// partition has a full quantum buffered or is drained (its buffered messages reach the last high watermark
    /// seen); `afterRound` runs after each (checkpoints happen only between rounds).
    func processRounds(_ process: (DecodedMessage) -> Void, afterRound: () -> Void) {
        let order = sorted
        while true {
            var any = false
            for partition in order {
                let buffered = roundBuffers[partition]?.count ?? 0
                if buffered >= Self.roundQuantum {
                    any = true
                    continue
                }
                guard let work = owned[partition], let high = highWatermarks[partition] else { return }
                let next = roundBuffers[partition]?.last.map { $0.message.offset + 1 } ?? work.nextOffset ?? 0
                if next < high { return }  // more to come: wait for it
                if buffered > 0 { any = true }
            }
            guard any else { return }
            for partition in order {
                var taken = 0
                while taken < Self.roundQuantum, let decoded = roundBuffers[partition]?.popFirst() {
                    process(decoded)
                    taken += 1
                }
            }
            afterRound()
        }
    }
}
