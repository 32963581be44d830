/// How far the offset of each partition the learner owns may be committed.
///
/// Two conditions, both required:
/// - every effect (score message, dead letter) of the events before the offset was acknowledged: an
///   ``OffsetTracker`` per partition, fed by the learner as it processes events and by the ``DeliveryTracker`` as
///   acknowledgements arrive;
/// - with durable state, the learned state of those events is in a durable checkpoint: commits never go past the
///   next offset of the last checkpoint written (``checkpointDurable(_:)``).
///
/// Not thread-safe: the ``Learner``'s queue owns it; the ``EffectPublisher`` (registering effects) and the
/// ``Checkpointer`` (durable offsets) share it there.
final class CommitGate {
    private var offsets = OffsetTracker()
    /// Per partition, the next offset of the last durable checkpoint.
    private var durableOffsets: [Int32: Int64] = [:]
    /// Whether commits wait for durable checkpoints (the learner keeps state in a ``StateKeeper``).
    let requiresDurability: Bool

    init(requiresDurability: Bool) {
        self.requiresDurability = requiresDurability
    }

    // MARK: - Ownership

    /// Starts tracking a newly assigned partition.
    ///
    /// - Parameters:
    ///   - startOffset: Where processing starts (reported as committable until the first event).
    ///   - checkpointOffset: The next offset of the partition's last checkpoint, when it has one: durable already.
    func assign(_ partition: Int32, startOffset: Int64?, checkpointOffset: Int64?) {
        if requiresDurability, let checkpointOffset { durableOffsets[partition] = checkpointOffset }
        offsets.assign(partition, startOffset: startOffset)
    }

    /// Stops tracking `partition` (revoked).
    ///
    /// - Returns: The offset that may be committed for it last, like every commit never past the last durable
    ///   checkpoint (the revocation's own may have failed); `nil` when there is none.
    func release(_ partition: Int32) -> Int64? {
        defer { durableOffsets[partition] = nil }
        guard let offset = offsets.finish(partition) else { return nil }
        return requiresDurability ? durableOffsets[partition].map { min(offset, $0) } : offset
    }

    // MARK: - Events and effects

    /// Records that the event at `offset` of `partition` was processed; returns its token (see
    /// ``OffsetTracker/processed(partition:offset:)``).
    func processed(partition: Int32, offset: Int64) -> EffectToken {
        offsets.processed(partition: partition, offset: offset)
    }

    /// Registers one more outstanding effect of `token`'s event.
    func addEffect(_ token: EffectToken) {
        offsets.addEffect(token)
    }

    /// Clears one effect of `token`'s event: its message was acknowledged, or will never be sent.
    func acknowledge(_ token: EffectToken) {
        offsets.acknowledge(token)
    }

    /// Outstanding (unacknowledged) effects of `partitions`.
    func outstandingEffects(of partitions: [Int32]) -> Int {
        partitions.reduce(0) { $0 + (offsets[partition: $1]?.outstandingEffects ?? 0) }
    }

    // MARK: - Durability and commits

    /// A checkpoint holding `nextOffsets` is durable: commits may now go up to them (for partitions still owned).
    func checkpointDurable(_ nextOffsets: [Int32: Int64]) {
        for (partition, offset) in nextOffsets where offsets[partition: partition] != nil {
            durableOffsets[partition] = offset
        }
    }

    /// The offsets that may be committed now, per partition.
    var committableOffsets: [Int32: Int64] {
        let acknowledged = offsets.committableOffsets
        guard requiresDurability else { return acknowledged }
        var out: [Int32: Int64] = [:]
        for (partition, offset) in acknowledged {
            if let durable = durableOffsets[partition] { out[partition] = min(offset, durable) }
        }
        return out
    }
}
