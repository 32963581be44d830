/// The consumer's shared state: the hand-off buffer between the poll thread and the caller, waiting callers,
/// the assignment, and the two kinds of pause.
///
/// Pure Swift, no C calls: its methods return ``PauseAction``s, which ``ConsumerCore`` applies while still
/// holding the lock, so that the order of librdkafka pause/resume calls always matches the order of state
/// changes (the caller's pauses and the internal back-pressure pause can never clobber each other).
struct ConsumerStateMachine {
    enum Lifecycle {
        case running
        case closing
        case closed
    }

    /// A `nextBatch` call waiting for messages.
    struct Waiter {
        var id: UInt64
        var maxMessages: Int
        var deadline: ContinuousClock.Instant?
        var continuation: CheckedContinuation<[KafkaMessage], any Error>
    }

    /// librdkafka calls to make, in this order.
    struct PauseAction {
        var pause: [KafkaTopicPartition] = []
        var resume: [KafkaTopicPartition] = []
    }

    /// A resumption to run outside the lock.
    enum Resumption {
        case deliver(CheckedContinuation<[KafkaMessage], any Error>, [KafkaMessage])
        case fail(CheckedContinuation<[KafkaMessage], any Error>, any Error)

        func run() {
            switch self {
            case .deliver(let continuation, let messages): continuation.resume(returning: messages)
            case .fail(let continuation, let error): continuation.resume(throwing: error)
            }
        }
    }

    let capacity: Int
    private(set) var lifecycle = Lifecycle.running
    /// Set once: a fatal error, or the failure of the initial assignment.
    private(set) var failure: KafkaError?

    // MARK: Buffer

    private var batches: [[KafkaMessage]] = []
    private var batchHead = 0
    private(set) var bufferedCount = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0

    // MARK: Partitions

    private(set) var assignment: Set<KafkaTopicPartition> = []
    /// Partitions the caller paused (also remembered for partitions not assigned yet).
    private(set) var callerPaused: Set<KafkaTopicPartition> = []
    /// The buffer is full: every assigned partition is paused until the caller drained half of it.
    private(set) var internallyPaused = false
    /// Bumped on every assignment change, so that the poll thread knows a batch read across a rebalance must
    /// be filtered.
    private(set) var assignmentEpoch: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    // MARK: - Poll thread

    /// Appends a batch read by the poll thread; hands messages to waiting callers.
    ///
    /// - Parameter filter: drop messages of partitions no longer assigned (a rebalance ran during the read).
    mutating func append(_ messages: [KafkaMessage], filter: Bool) -> (PauseAction, [Resumption]) {
        guard lifecycle == .running else { return (PauseAction(), []) }
        var messages = messages
        if filter {
            messages.removeAll { !assignment.contains($0.topicPartition) }
        }
        if !messages.isEmpty {
            batches.append(messages)
            bufferedCount += messages.count
        }
        let resumptions = serveWaiters()
        var action = PauseAction()
        if !internallyPaused && bufferedCount >= capacity {
            internallyPaused = true
            action.pause = Array(assignment.subtracting(callerPaused))
        }
        return (action, resumptions)
    }

    /// Fails waiters whose `maxWait` passed with an empty batch; returns the earliest remaining deadline.
    mutating func expireWaiters(now: ContinuousClock.Instant) -> ([Resumption], ContinuousClock.Instant?) {
        var resumptions: [Resumption] = []
        waiters.removeAll { waiter in
            guard let deadline = waiter.deadline, deadline <= now else { return false }
            resumptions.append(.deliver(waiter.continuation, []))
            return true
        }
        return (resumptions, waiters.compactMap(\.deadline).min())
    }

    mutating func assigned(_ partitions: [KafkaTopicPartition]) -> PauseAction {
        assignment.formUnion(partitions)
        assignmentEpoch &+= 1
        var action = PauseAction()
        action.pause = partitions.filter { internallyPaused || callerPaused.contains($0) }
        return action
    }

    /// Partitions leave the assignment: their buffered messages are dropped (they will be re-delivered to
    /// whoever gets the partition, from the last committed offset).
    mutating func revoked(_ partitions: [KafkaTopicPartition]) -> PauseAction {
        let removed = Set(partitions)
        assignment.subtract(removed)
        callerPaused.subtract(removed)
        assignmentEpoch &+= 1
        dropBuffered(removed)
        return resumeIfDrained()
    }

    /// A seek took effect: buffered messages of these partitions are stale.
    mutating func seeked(_ partitions: Set<KafkaTopicPartition>) -> PauseAction {
        dropBuffered(partitions)
        return resumeIfDrained()
    }

    mutating func fail(_ error: KafkaError) -> [Resumption] {
        if failure == nil { failure = error }
        defer { waiters.removeAll() }
        return waiters.map { .fail($0.continuation, error) }
    }

    mutating func beginClosing() -> Bool {
        guard lifecycle == .running else { return false }
        lifecycle = .closing
        return true
    }

    mutating func closed() -> [Resumption] {
        lifecycle = .closed
        batches.removeAll()
        batchHead = 0
        bufferedCount = 0
        let error = failure ?? KafkaError.shutDown("the consumer is closed")
        defer { waiters.removeAll() }
        return waiters.map { .fail($0.continuation, error) }
    }

    // MARK: - Caller

    enum NextBatchAction {
        case deliver([KafkaMessage], PauseAction)
        case fail(any Error)
        case wait
    }

    /// Takes buffered messages, or registers `continuation` to be resumed when some arrive.
    mutating func nextBatch(
        maxMessages: Int,
        deadline: ContinuousClock.Instant?,
        waiterID: UInt64,
        continuation: CheckedContinuation<[KafkaMessage], any Error>
    ) -> NextBatchAction {
        if let failure { return .fail(failure) }
        guard lifecycle == .running else { return .fail(KafkaError.shutDown("the consumer is closed")) }
        if waiters.isEmpty && bufferedCount > 0 {
            let messages = take(maxMessages)
            return .deliver(messages, resumeIfDrained())
        }
        waiters.append(Waiter(id: waiterID, maxMessages: maxMessages, deadline: deadline, continuation: continuation))
        return .wait
    }

    mutating func makeWaiterID() -> UInt64 {
        nextWaiterID &+= 1
        return nextWaiterID
    }

    /// The caller's task was cancelled.
    mutating func cancelWaiter(_ id: UInt64) -> CheckedContinuation<[KafkaMessage], any Error>? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).continuation
    }

    /// Nothing but the resumed continuation reads the messages handed out here, so the internal resume is
    /// checked right away.
    mutating func afterDelivery() -> PauseAction {
        resumeIfDrained()
    }

    mutating func pause(_ partitions: [KafkaTopicPartition]) -> PauseAction {
        callerPaused.formUnion(partitions)
        // While internally paused, every assigned partition is paused already.
        if internallyPaused { return PauseAction() }
        return PauseAction(pause: partitions.filter { assignment.contains($0) })
    }

    mutating func resume(_ partitions: [KafkaTopicPartition]) -> PauseAction {
        callerPaused.subtract(partitions)
        // The internal resume resumes them later, once the buffer drained.
        if internallyPaused { return PauseAction() }
        return PauseAction(resume: partitions.filter { assignment.contains($0) })
    }

    // MARK: - Private

    private mutating func serveWaiters() -> [Resumption] {
        var resumptions: [Resumption] = []
        while !waiters.isEmpty && bufferedCount > 0 {
            let waiter = waiters.removeFirst()
            resumptions.append(.deliver(waiter.continuation, take(waiter.maxMessages)))
        }
        return resumptions
    }

    /// Takes the oldest buffered batch, split if longer than `maxMessages`; batches are handed over whole
    /// otherwise, without copying.
    private mutating func take(_ maxMessages: Int) -> [KafkaMessage] {
        guard batchHead < batches.count else { return [] }
        let limit = max(1, maxMessages)
        var batch = batches[batchHead]
        if batch.count > limit {
            let head = Array(batch[..<limit])
            batch.removeFirst(limit)
            batches[batchHead] = batch
            bufferedCount -= head.count
            return head
        }
        batches[batchHead] = []
        batchHead += 1
        bufferedCount -= batch.count
        if batchHead == batches.count {
            batches.removeAll(keepingCapacity: true)
            batchHead = 0
        } else if batchHead > 1024 {
            batches.removeFirst(batchHead)
            batchHead = 0
        }
        return batch
    }

    private mutating func dropBuffered(_ partitions: Set<KafkaTopicPartition>) {
        guard !partitions.isEmpty, bufferedCount > 0 else { return }
        var remaining: [[KafkaMessage]] = []
        var count = 0
        for index in batchHead..<batches.count {
            let kept = batches[index].filter { !partitions.contains($0.topicPartition) }
            if !kept.isEmpty {
                remaining.append(kept)
                count += kept.count
            }
        }
        batches = remaining
        batchHead = 0
        bufferedCount = count
    }

    private mutating func resumeIfDrained() -> PauseAction {
        guard internallyPaused && bufferedCount <= capacity / 2 else { return PauseAction() }
        internallyPaused = false
        return PauseAction(resume: Array(assignment.subtracting(callerPaused)))
    }
}
