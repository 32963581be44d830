import Testing

@testable import Kafka

/// The hand-off buffer and pause bookkeeping, without librdkafka: which pause/resume calls it asks for.
@Suite("Consumer state machine")
struct ConsumerStateMachineTests {
    private let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    private let p1 = KafkaTopicPartition(topic: "t", partition: 1)
    private let p2 = KafkaTopicPartition(topic: "t", partition: 2)

    private func messages(_ partition: KafkaTopicPartition, _ offsets: Range<Int64>) -> [KafkaMessage] {
        offsets.map {
            KafkaMessage(
                topic: partition.topic,
                partition: partition.partition,
                offset: $0,
                key: nil,
                value: [],
                timestamp: nil,
                headers: []
            )
        }
    }

    @Test("a full buffer pauses every assigned partition the caller has not paused, and resumes only those")
    func internalPauseKeepsCallerPauses() {
        var state = ConsumerStateMachine(capacity: 10)
        _ = state.assigned([p0, p1, p2])
        #expect(Set(state.pause([p1]).pause) == [p1])

        let (fullAction, _) = state.append(messages(p0, 0..<10), filter: false)
        #expect(state.internallyPaused)
        #expect(Set(fullAction.pause) == [p0, p2])

        // The caller's resume of p1 must wait for the internal resume; its pause of p2 needs no call.
        #expect(state.resume([p1]).resume.isEmpty)
        #expect(state.pause([p2]).pause.isEmpty)

        // Dropping below half the capacity resumes what neither pause holds: p0 and p1, not p2.
        let drained = state.seeked([p0])
        #expect(!state.internallyPaused)
        #expect(Set(drained.resume) == [p0, p1])
    }

    @Test("revocation drops buffered messages of the revoked partitions only")
    func revocationDropsBuffered() {
        var state = ConsumerStateMachine(capacity: 100)
        _ = state.assigned([p0, p1])
        _ = state.append(messages(p0, 0..<5) + messages(p1, 0..<3), filter: false)
        #expect(state.bufferedCount == 8)
        _ = state.revoked([p0])
        #expect(state.bufferedCount == 3)
        #expect(state.assignment == [p1])

        // A batch read across the rebalance is filtered to the assignment.
        _ = state.append(messages(p0, 5..<7) + messages(p1, 3..<4), filter: true)
        #expect(state.bufferedCount == 4)
    }

    @Test("newly assigned partitions start paused while the buffer is full or the caller paused them")
    func assignmentWhilePaused() {
        var state = ConsumerStateMachine(capacity: 2)
        _ = state.pause([p2])  // not assigned yet
        _ = state.assigned([p0])
        _ = state.append(messages(p0, 0..<2), filter: false)
        #expect(state.internallyPaused)
        #expect(Set(state.assigned([p1, p2]).pause) == [p1, p2])
    }
}
