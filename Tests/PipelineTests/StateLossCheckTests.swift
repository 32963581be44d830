import Testing

@testable import Pipeline

/// The comparison behind the refusal of a store that lost state: a checkpoint behind the committed offset is a loss,
/// at or ahead of it is not, and a partition without a checkpoint (or without a commit) is no loss either.
@Suite struct StateLossCheckTests {
    @Test func checkpointsBehindTheCommittedOffsetAreLossesAndMissingOnesAreNot() {
        let check = StateLossCheck(
            assigned: [3, 0, 1, 2, 4, 5],
            checkpoints: [0: 100, 1: 250, 2: 80, 4: 9],
            committed: [0: 120, 1: 250, 2: 60, 3: 40, 4: -1001, 6: 500])
        #expect(check.lost == [StateLossCheck.Behind(partition: 0, checkpoint: 100, committed: 120)])
        #expect(check.withoutCheckpoint.map(\.partition) == [3])
        #expect(check.withoutCheckpoint.map(\.committed) == [40])
        let error = check.error(path: "/var/lib/warmstart/state.sqlite", directory: "/var/lib/warmstart")
        #expect(error.code == .stateLost)
        #expect(error.message.contains("partition 0: checkpoint at offset 100, committed 120"))
        #expect(error.message.contains("--accept-state-loss") && error.message.contains("state.accept_loss: true"))
        #expect(error.message.contains("move the state directory /var/lib/warmstart aside"))
    }

    @Test func nothingCommittedIsNoLoss() {
        let check = StateLossCheck(assigned: [0, 1], checkpoints: [0: 5], committed: [:])
        #expect(check.lost.isEmpty && check.withoutCheckpoint.isEmpty)
    }
}
