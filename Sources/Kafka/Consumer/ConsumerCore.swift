import Logging
import Synchronization

/// The consumer state shared by the public handle, the caller's tasks and the poll thread.
///
/// The poll thread is the only thread that consumes from librdkafka (and therefore the only one on which
/// rebalance callbacks run); it also performs seeks, so that a seek is ordered with respect to the batches
/// read before and after it.
final class ConsumerCore: Sendable {
    private struct SeekRequest {
        var offsets: [KafkaTopicPartition: Int64]
        var continuation: CheckedContinuation<KafkaError?, Never>
    }

    private struct Requests {
        var seeks: [SeekRequest] = []
        var closeWaiters: [CheckedContinuation<KafkaError?, Never>] = []
        var closeResult: KafkaError??
    }

    let client: RDKafkaClient
    private let configuration: KafkaConsumerConfiguration
    private let logger: Logger
    private let rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> Void)?
    private let state: Mutex<ConsumerStateMachine>
    private let requests = Mutex(Requests())

    init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> Void)?
    ) throws(KafkaError) {
        let context = RDKafkaCallbackContext(logger: logger, statisticsHandler: configuration.statisticsHandler)
        client = try RDKafkaClient.make(
            kind: .consumer,
            properties: configuration.rdKafkaProperties(),
            context: context
        )
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.client] = .string(client.name)
        if let groupID = configuration.groupID {
            logger[metadataKey: KafkaLoggingKeys.groupID] = .string(groupID)
        }
        self.logger = logger
        self.configuration = configuration
        self.rebalanceHandler = rebalanceHandler
        self.state = Mutex(ConsumerStateMachine(capacity: configuration.maximumBufferedMessages))

        if case .group(_, let topics) = configuration.consumptionStrategy {
            guard !topics.isEmpty else {
                throw KafkaError(code: .invalidArgument, message: "a consumer group needs at least one topic")
            }
            try client.subscribe(topics: topics)
        }
    }

    func start() {
        // Weak: the context (owned by the client, owned by self) must not keep self alive.
        client.context.rebalanceHandler.withLock { handler in
            handler = { [weak self] kind, partitions in
                self?.rebalanced(kind, partitions) ?? [:]
            }
        }
        let reader = RDKafkaMessageReader(client: client, capacity: configuration.pollBatchSize)
        let transfer = UnsafeTransfer(reader)
        KafkaThread.start(name: "kafka-consumer-poll") { [self] in
            pollLoop(reader: transfer.value)
        }
    }

    // MARK: - Caller side

    func nextBatch(maxMessages: Int, maxWait: Duration?) async throws -> [KafkaMessage] {
        let deadline = maxWait.map { ContinuousClock.now + $0 }
        let waiterID = state.withLock { $0.makeWaiterID() }
        let hadDeadline = deadline != nil
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<[KafkaMessage], any Error>) in
                let action = state.withLock { state -> ConsumerStateMachine.NextBatchAction in
                    // Checked under the lock: `onCancel` takes it too, so a cancellation is seen either here or
                    // by `onCancel` finding the registered waiter.
                    if Task.isCancelled { return .fail(CancellationError()) }
                    let action = state.nextBatch(
                        maxMessages: maxMessages,
                        deadline: deadline,
                        waiterID: waiterID,
                        continuation: continuation
                    )
                    if case .deliver(_, let pauseAction) = action {
                        apply(pauseAction)
                    }
                    return action
                }
                switch action {
                case .deliver(let messages, _):
                    continuation.resume(returning: messages)
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    // The poll thread waits at most until the nearest deadline; make it notice this one.
                    if hadDeadline { client.wakeConsumerQueue() }
                }
            }
        } onCancel: {
            let continuation = state.withLock { $0.cancelWaiter(waiterID) }
            continuation?.resume(throwing: CancellationError())
        }
    }

    func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            if let error = apply(state.pause(partitions)) { throw error }
        }
    }

    func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            if let error = apply(state.resume(partitions)) { throw error }
        }
    }

    func seek(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        let error: KafkaError? = await withCheckedContinuation { continuation in
            let accepted = requests.withLock { requests in
                guard requests.closeResult == nil else { return false }
                requests.seeks.append(SeekRequest(offsets: offsets, continuation: continuation))
                return true
            }
            if accepted {
                client.wakeConsumerQueue()
            } else {
                continuation.resume(returning: KafkaError.shutDown("the consumer is closed"))
            }
        }
        if let error { throw error }
    }

    func beginClose() {
        if state.withLock({ $0.beginClosing() }) {
            client.wakeConsumerQueue()
        }
    }

    func close() async throws(KafkaError) {
        let error: KafkaError? = await withCheckedContinuation { continuation in
            let result: KafkaError?? = requests.withLock { requests in
                if let result = requests.closeResult { return result }
                requests.closeWaiters.append(continuation)
                return nil
            }
            if let result {
                continuation.resume(returning: result)
            } else {
                beginClose()
            }
        }
        if let error { throw error }
    }

    // MARK: - Poll thread

    /// Applies pause/resume while the state lock is held (see ``ConsumerStateMachine``).
    @discardableResult
    private func apply(_ action: ConsumerStateMachine.PauseAction) -> KafkaError? {
        if !action.pause.isEmpty || !action.resume.isEmpty {
            logger.debug("pause \(action.pause.count) partitions, resume \(action.resume.count) partitions")
        }
        var firstError: KafkaError?
        if let error = client.pause(action.pause) {
            logger.debug("pause failed: \(error)")
            firstError = error
        }
        if let error = client.resume(action.resume) {
            logger.debug("resume failed: \(error)")
            firstError = firstError ?? error
        }
        return firstError
    }

    private func updatePartitions(_ body: (inout ConsumerStateMachine) -> ConsumerStateMachine.PauseAction) {
        state.withLock { state in
            _ = apply(body(&state))
        }
    }

    /// Returns the start offsets the handler chose for assigned partitions.
    private func rebalanced(
        _ kind: RDKafkaRebalanceKind, _ partitions: [KafkaTopicPartition]
    ) -> [KafkaTopicPartition: Int64] {
        switch kind {
        case .assigned:
            updatePartitions { $0.assigned(partitions) }
        case .revoked, .lost:
            updatePartitions { $0.revoked(partitions) }
        }
        logger.info(
            "partitions \(kind.rawValue)",
            metadata: [
                KafkaLoggingKeys.rebalanceKind: .string(kind.rawValue),
                KafkaLoggingKeys.partitions: .string(partitions.map(\.description).joined(separator: ",")),
            ]
        )
        let eventKind: KafkaRebalanceEvent.Kind =
            switch kind {
            case .assigned: .assigned
            case .revoked: .revoked
            case .lost: .lost
            }
        let startOffsets = KafkaRebalanceEvent.StartOffsets()
        rebalanceHandler?(
            KafkaRebalanceEvent(kind: eventKind, partitions: partitions, client: client, startOffsets: startOffsets))
        return startOffsets.offsets.withLock { $0 }
    }

    private func initialAssignment() throws(KafkaError) {
        let offsets: [KafkaTopicPartition: Int64]
        switch configuration.consumptionStrategy {
        case .group:
            return
        case .topic(let topic, let start, let overrides):
            let count = try client.partitionCount(topic: topic, timeout: configuration.metadataTimeout)
            var result: [KafkaTopicPartition: Int64] = [:]
            for partition in 0..<Int32(count) {
                result[KafkaTopicPartition(topic: topic, partition: partition)] =
                    overrides[partition] ?? start.rdKafkaValue
            }
            offsets = result
        case .partitions(let partitions):
            offsets = partitions.mapValues(\.rdKafkaValue)
        }
        try client.assign(offsets)
        updatePartitions { $0.assigned(Array(offsets.keys)) }
        logger.info(
            "partitions assigned",
            metadata: [
                KafkaLoggingKeys.partitions: .string(offsets.keys.map(\.description).sorted().joined(separator: ","))
            ]
        )
    }

    private func pollLoop(reader: RDKafkaMessageReader) {
        do {
            try initialAssignment()
        } catch {
            logger.error("initial assignment failed: \(error)")
            for action in state.withLock({ $0.fail(error) }) { action.run() }
        }

        var nextDeadline: ContinuousClock.Instant?
        while state.withLock({ $0.lifecycle == .running }) {
            performSeeks()

            var timeout: Int32 = 100
            if let nextDeadline {
                let remaining = nextDeadline - ContinuousClock.now
                timeout = max(0, min(timeout, remaining.timeoutMilliseconds))
            }
            let epoch = state.withLock { $0.assignmentEpoch }
            let batch = reader.read(timeoutMilliseconds: timeout)

            for error in batch.errors {
                logger.log(
                    level: error.isFatal ? .error : .warning,
                    "consumer error: \(error.message)",
                    metadata: [KafkaLoggingKeys.errorName: .string(error.code.name)]
                )
            }
            if let fatal = client.fatalError {
                logger.error("fatal consumer error, closing: \(fatal)")
                for action in state.withLock({ $0.fail(fatal) }) { action.run() }
                break
            }

            let now = ContinuousClock.now
            let resumptions = state.withLock { state in
                var resumptions: [ConsumerStateMachine.Resumption] = []
                if !batch.messages.isEmpty {
                    let (action, delivered) = state.append(batch.messages, filter: state.assignmentEpoch != epoch)
                    apply(action)
                    resumptions = delivered
                    if !delivered.isEmpty { apply(state.afterDelivery()) }
                }
                let (expired, deadline) = state.expireWaiters(now: now)
                nextDeadline = deadline
                return resumptions + expired
            }
            for resumption in resumptions { resumption.run() }
        }
        finish()
    }

    private func performSeeks() {
        let seeks = requests.withLock { requests in
            defer { requests.seeks.removeAll() }
            return requests.seeks
        }
        for seek in seeks {
            do {
                try client.seek(seek.offsets, timeout: .seconds(10))
                updatePartitions { $0.seeked(Set(seek.offsets.keys)) }
                seek.continuation.resume(returning: nil)
            } catch {
                seek.continuation.resume(returning: error)
            }
        }
    }

    private func finish() {
        _ = state.withLock { $0.beginClosing() }
        // Serves the final revocation through the rebalance callback, on this thread.
        let closeError = client.consumerClose()
        if let closeError { logger.warning("consumer close: \(closeError)") }
        client.context.rebalanceHandler.withLock { $0 = nil }
        for action in state.withLock({ $0.closed() }) { action.run() }
        let (seeks, closeWaiters) = requests.withLock { requests in
            requests.closeResult = .some(closeError)
            defer {
                requests.seeks.removeAll()
                requests.closeWaiters.removeAll()
            }
            return (requests.seeks, requests.closeWaiters)
        }
        for seek in seeks { seek.continuation.resume(returning: KafkaError.shutDown("the consumer is closed")) }
        for waiter in closeWaiters { waiter.resume(returning: closeError) }
        logger.debug("consumer poll thread stopped")
    }
}

/// Moves a value that is not `Sendable` to another thread that becomes its only user.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
