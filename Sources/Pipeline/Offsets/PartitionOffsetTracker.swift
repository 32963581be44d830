import Synchronization

/// Names one event's outstanding effects (a score publish, a dead letter) in a ``PartitionOffsetTracker``.
///
/// The pipeline keeps the token next to each in-flight producer message and hands it back with the delivery
/// report. A token from a finished (revoked) assignment is recognised as stale, so a late delivery report can
/// never clear an effect of a later assignment of the same partition.
public struct EffectToken: Hashable, Sendable, CustomStringConvertible {
    /// The source partition of the event.
    public let partition: Int32
    /// The source offset of the event.
    public let offset: Int64
    /// Which assignment of the partition issued the token.
    let generation: UInt32
    /// The event's position in its tracker, for O(1) lookup.
    let sequence: UInt64

    public var description: String { "\(partition)@\(offset)" }
}

/// What the pipeline should do after a delivery report.
public enum DeliveryResolution: Sendable, Hashable {
    /// The effect is done; the committable offset may have advanced.
    case cleared
    /// The delivery failed and the effect is still outstanding: publish it again. The committable offset stays at or
    /// below the event's offset until a retry is acknowledged.
    case retry
    /// The token belongs to an assignment that was finished, or was already cleared: ignore the report.
    case stale
}

/// Decides how far a partition's consumer offset may be committed: only past events whose every effect has been
/// published and acknowledged.
///
/// Usage, for each event in offset order:
/// 1. ``processed(offset:)`` returns the event's ``EffectToken``.
/// 2. For each effect the event causes, ``addEffect(_:)`` with that token: the score publish it triggers (now, or a
///    coalesced one later — register it when the pending refresh is created, at the first event it covers), its
///    dead letter. An event whose refresh is already pending (covered by an earlier event's token) adds nothing:
///    the earlier offset holds the commit back until the publish that covers both is acknowledged.
/// 3. Delivery reports call ``acknowledge(_:)`` or ``failed(_:)``.
///
/// ``committableOffset`` is the lowest offset with an outstanding effect, or the last processed offset + 1 when
/// nothing is outstanding — the Kafka convention of committing the next offset to read.
///
/// Not thread-safe: one owner (the partition's worker) drives it. Every operation is O(1) amortized: a ring of
/// the events from the oldest outstanding one to the newest, whose head is dropped as soon as it is clear; the ring
/// reuses its storage, so there is no allocation per event once it has reached its working size (bounded by how
/// many events are in flight, which backpressure bounds).
public struct PartitionOffsetTracker: Sendable {
    private struct Entry: Sendable {
        var offset: Int64
        var outstanding: Int32
    }

    /// The partition tracked.
    public let partition: Int32
    /// Distinguishes this assignment from earlier and later ones of the same partition.
    let generation: UInt32

    private var entries = RingBuffer<Entry>(initialCapacity: 256)
    /// The sequence number of `entries[0]`.
    private var headSequence: UInt64 = 0
    /// The sequence number the next processed event gets.
    private var nextSequence: UInt64 = 0
    private var lastProcessedOffset: Int64?
    private var startOffset: Int64?
    private var isFinished = false

    /// Effects registered and not yet acknowledged.
    public private(set) var outstandingEffects = 0
    /// Delivery failures reported (each one asked for a retry).
    public private(set) var failedDeliveries = 0

    /// - Parameters:
    ///   - partition: The partition tracked.
    ///   - startOffset: The offset consumption starts from (the committed offset), reported as
    ///     ``committableOffset`` until the first event is processed; `nil` when unknown.
    public init(partition: Int32, startOffset: Int64? = nil) {
        self.partition = partition
        self.startOffset = startOffset
        self.generation = trackerGenerations.add(1, ordering: .relaxed).newValue
    }

    // MARK: - Events and effects

    /// Records that the event at `offset` was processed; returns its token for ``addEffect(_:)``.
    ///
    /// Offsets must increase (gaps are fine: compaction and transaction markers leave them).
    public mutating func processed(offset: Int64) -> EffectToken {
        precondition(!isFinished, "partition \(partition) was finished")
        if let last = lastProcessedOffset {
            precondition(offset > last, "offsets of partition \(partition) must increase: \(offset) after \(last)")
        }
        dropClearedHead(keepingNewest: false)
        if entries.isEmpty { headSequence = nextSequence }
        entries.append(Entry(offset: offset, outstanding: 0))
        let token = EffectToken(partition: partition, offset: offset, generation: generation, sequence: nextSequence)
        nextSequence += 1
        lastProcessedOffset = offset
        return token
    }

    /// Registers one more outstanding effect of the event `token` names.
    ///
    /// Call it for the most recently processed event (any time before the next ``processed(offset:)``), or for an
    /// older event that still has an outstanding effect.
    public mutating func addEffect(_ token: EffectToken) {
        precondition(!isFinished, "partition \(partition) was finished")
        guard let index = index(of: token) else {
            preconditionFailure("effect added to \(token) after its events were cleared")
        }
        entries[index].outstanding += 1
        outstandingEffects += 1
    }

    /// Clears one effect of `token`'s event after its message was acknowledged.
    @discardableResult
    public mutating func acknowledge(_ token: EffectToken) -> DeliveryResolution {
        guard !isFinished, let index = index(of: token), entries[index].outstanding > 0 else { return .stale }
        entries[index].outstanding -= 1
        outstandingEffects -= 1
        dropClearedHead(keepingNewest: true)
        return .cleared
    }

    /// Records a failed delivery of one of `token`'s effects: it stays outstanding.
    ///
    /// - Returns: ``DeliveryResolution/retry`` (publish the effect again), or ``DeliveryResolution/stale`` when the
    ///   token is from a finished assignment or has no outstanding effect.
    public mutating func failed(_ token: EffectToken) -> DeliveryResolution {
        guard !isFinished, let index = index(of: token), entries[index].outstanding > 0 else { return .stale }
        failedDeliveries += 1
        return .retry
    }

    // MARK: - Offsets

    /// The offset to commit: the lowest offset with an outstanding effect, else the last processed offset + 1;
    /// before any event, the start offset given to ``init(partition:startOffset:)``.
    public var committableOffset: Int64? {
        if let head = entries.first, head.outstanding > 0 { return head.offset }
        // A cleared head is only kept when it is the newest entry (see `dropClearedHead`).
        if let last = lastProcessedOffset { return last + 1 }
        return startOffset
    }

    /// The lowest offset with an outstanding effect.
    public var lowestOutstandingOffset: Int64? {
        guard outstandingEffects > 0 else { return nil }
        for index in 0..<entries.count where entries[index].outstanding > 0 {
            return entries[index].offset
        }
        return nil
    }

    /// The offset of the last event processed.
    public var lastProcessed: Int64? { lastProcessedOffset }

    /// How many events the tracker holds (from the oldest outstanding one to the newest): its memory in entries.
    public var trackedEvents: Int { entries.count }

    /// Ends the assignment (revocation, shutdown): returns the final ``committableOffset`` and ignores every later
    /// report (``acknowledge(_:)`` and ``failed(_:)`` answer ``DeliveryResolution/stale``).
    public mutating func finish() -> Int64? {
        let offset = committableOffset
        isFinished = true
        entries.removeAll()
        outstandingEffects = 0
        return offset
    }

    // MARK: - Internals

    private func index(of token: EffectToken) -> Int? {
        guard token.generation == generation, token.partition == partition, token.sequence >= headSequence else {
            return nil
        }
        let distance = token.sequence - headSequence
        guard distance < UInt64(entries.count) else { return nil }
        let index = Int(distance)
        guard entries[index].offset == token.offset else { return nil }
        return index
    }

    /// Drops cleared entries from the head. The newest entry is kept when asked, so that effects can still be added
    /// to the event being processed.
    private mutating func dropClearedHead(keepingNewest: Bool) {
        while let head = entries.first, head.outstanding == 0 {
            if keepingNewest, entries.count == 1 { break }
            entries.removeFirst()
            headSequence += 1
        }
    }
}

/// Generations of ``PartitionOffsetTracker``: unique per process, so that tokens never match a later assignment.
private let trackerGenerations = Atomic<UInt32>(0)

/// The offset trackers of every assigned partition, for an owner that handles all partitions in one place.
public struct OffsetTracker: Sendable {
    private var partitions: [Int32: PartitionOffsetTracker] = [:]

    public init() {}

    /// Starts tracking `partition` (replacing any earlier tracker of it).
    public mutating func assign(_ partition: Int32, startOffset: Int64? = nil) {
        partitions[partition] = PartitionOffsetTracker(partition: partition, startOffset: startOffset)
    }

    /// The partitions tracked, sorted.
    public var assignedPartitions: [Int32] { partitions.keys.sorted() }

    /// The tracker of `partition`; `nil` when it is not assigned.
    public subscript(partition partition: Int32) -> PartitionOffsetTracker? {
        get { partitions[partition] }
        set { partitions[partition] = newValue }
    }

    /// See ``PartitionOffsetTracker/processed(offset:)``.
    public mutating func processed(partition: Int32, offset: Int64) -> EffectToken {
        guard partitions[partition] != nil else { preconditionFailure("partition \(partition) is not assigned") }
        return partitions[partition]!.processed(offset: offset)
    }

    /// See ``PartitionOffsetTracker/addEffect(_:)``.
    public mutating func addEffect(_ token: EffectToken) {
        guard partitions[token.partition] != nil else {
            preconditionFailure("partition \(token.partition) is not assigned")
        }
        partitions[token.partition]!.addEffect(token)
    }

    /// See ``PartitionOffsetTracker/acknowledge(_:)``; ``DeliveryResolution/stale`` for an unassigned partition.
    @discardableResult
    public mutating func acknowledge(_ token: EffectToken) -> DeliveryResolution {
        guard partitions[token.partition] != nil else { return .stale }
        return partitions[token.partition]!.acknowledge(token)
    }

    /// See ``PartitionOffsetTracker/failed(_:)``; ``DeliveryResolution/stale`` for an unassigned partition.
    public mutating func failed(_ token: EffectToken) -> DeliveryResolution {
        guard partitions[token.partition] != nil else { return .stale }
        return partitions[token.partition]!.failed(token)
    }

    /// The committable offset of every assigned partition that has one.
    public var committableOffsets: [Int32: Int64] {
        partitions.compactMapValues(\.committableOffset)
    }

    /// Finishes `partition` (see ``PartitionOffsetTracker/finish()``) and stops tracking it.
    ///
    /// - Returns: The final committable offset, or `nil` when the partition was not assigned or had no offset.
    public mutating func finish(_ partition: Int32) -> Int64? {
        guard var tracker = partitions.removeValue(forKey: partition) else { return nil }
        return tracker.finish()
    }
}
