import Testing

@testable import Pipeline

/// ``CommitGate``: commits past acknowledged effects only and, with durable state, never past the last durable
/// checkpoint.
@Suite struct OffsetsCommitGateTests {
    @Test func withoutDurabilityTheAcknowledgedOffsetIsCommittable() {
        let gate = CommitGate(requiresDurability: false)
        gate.assign(0, startOffset: 5, checkpointOffset: nil)
        #expect(gate.committableOffsets == [0: 5])
        let token = gate.processed(partition: 0, offset: 5)
        gate.addEffect(token)
        _ = gate.processed(partition: 0, offset: 6)
        #expect(gate.committableOffsets == [0: 5])
        #expect(gate.outstandingEffects(of: [0]) == 1)
        gate.acknowledge(token)
        #expect(gate.committableOffsets == [0: 7])
        #expect(gate.release(0) == 7)
        #expect(gate.committableOffsets == [:])
    }

    @Test func withDurabilityCommitsStopAtTheLastDurableCheckpoint() {
        let gate = CommitGate(requiresDurability: true)
        gate.assign(0, startOffset: 0, checkpointOffset: nil)
        gate.assign(1, startOffset: 40, checkpointOffset: 40)
        for offset in Int64(0)..<10 { _ = gate.processed(partition: 0, offset: offset) }
        // Partition 0 has no checkpoint yet: nothing of it may be committed.
        #expect(gate.committableOffsets == [1: 40])
        gate.checkpointDurable([0: 4, 1: 40])
        #expect(gate.committableOffsets == [0: 4, 1: 40])
        gate.checkpointDurable([0: 12])
        #expect(gate.committableOffsets == [0: 10, 1: 40], "never past what was acknowledged")
        #expect(gate.release(0) == 10)
    }

    @Test func aReleaseIsCappedByDurabilityToo() {
        let gate = CommitGate(requiresDurability: true)
        gate.assign(0, startOffset: 0, checkpointOffset: nil)
        for offset in Int64(0)..<10 { _ = gate.processed(partition: 0, offset: offset) }
        #expect(gate.release(0) == nil, "no durable checkpoint: nothing to commit")
        gate.assign(0, startOffset: 0, checkpointOffset: 3)
        for offset in Int64(0)..<10 { _ = gate.processed(partition: 0, offset: offset) }
        #expect(gate.release(0) == 3)
    }

    @Test func aCheckpointOfAReleasedPartitionChangesNothing() {
        let gate = CommitGate(requiresDurability: true)
        gate.assign(0, startOffset: 0, checkpointOffset: nil)
        _ = gate.release(0)
        gate.checkpointDurable([0: 8])
        gate.assign(0, startOffset: 2, checkpointOffset: nil)
        #expect(gate.committableOffsets == [:])
    }
}
