import Logging
import Synchronization

/// Sends messages to Kafka asynchronously and reports each message's delivery.
///
/// Each ``send(_:)`` returns a ``KafkaProducerMessageID`` at once, once librdkafka has queued a copy of the
/// message; its ``KafkaDeliveryReport`` comes later, through the handler given to
/// ``init(configuration:logger:deliveryReportHandler:)`` or the stream of
/// ``makeProducerWithDeliveryReports(configuration:logger:)``. A dedicated thread polls
/// librdkafka for delivery reports; blocking waits (queue full, flush, shutdown) suspend the caller without
/// occupying a thread of Swift's cooperative pool.
///
/// Call ``shutdown(timeout:)`` when done: it flushes and stops the poll thread. A producer dropped without it
/// does the same in the background.
public final class KafkaProducer: Sendable {
    private let core: ProducerCore

    /// Creates the producer and starts its poll thread.
    ///
    /// - Parameters:
    ///   - configuration: Validated here: every property goes through `rd_kafka_conf_set`.
    ///   - logger: Receives librdkafka's logs and errors.
    ///   - deliveryReportHandler: Called on the poll thread once per message. Keep it short.
    /// - Throws: ``KafkaError`` for an unknown property or invalid value, naming the property.
    public init(
        configuration: KafkaProducerConfiguration,
        logger: Logger,
        deliveryReportHandler: (@Sendable (KafkaDeliveryReport) -> Void)? = nil
    ) throws(KafkaError) {
        core = try ProducerCore(
            configuration: configuration,
            logger: logger,
            deliveryReportHandler: deliveryReportHandler,
            finishReports: nil
        )
        core.start()
    }

    private init(core: ProducerCore) {
        self.core = core
        core.start()
    }

    /// A producer whose delivery reports arrive on an `AsyncStream`, which finishes after ``shutdown(timeout:)``.
    ///
    /// The stream buffers without bound: consume it.
    public static func makeProducerWithDeliveryReports(
        configuration: KafkaProducerConfiguration,
        logger: Logger
    ) throws(KafkaError) -> (KafkaProducer, AsyncStream<KafkaDeliveryReport>) {
        let (stream, continuation) = AsyncStream.makeStream(of: KafkaDeliveryReport.self)
        let core = try ProducerCore(
            configuration: configuration,
            logger: logger,
            deliveryReportHandler: { continuation.yield($0) },
            finishReports: { continuation.finish() }
        )
        return (KafkaProducer(core: core), stream)
    }

    deinit {
        core.beginShutdown(flushTimeout: .seconds(10))
    }

    /// Queues `message`; when librdkafka's queue is full (`queue.buffering.max.messages`), waits until delivery
    /// reports have made room.
    ///
    /// - Returns: The id its ``KafkaDeliveryReport`` will carry.
    /// - Throws: ``KafkaError``, e.g. ``KafkaError/Code/shutDown`` after ``shutdown(timeout:)``, a fatal error of
    ///   the idempotent producer, or ``KafkaError/Code/queueFull`` if the task is cancelled while waiting.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaProducerMessageID {
        while true {
            do {
                return try core.send(message)
            } catch  where error.code == .queueFull {
                if Task.isCancelled {
                    throw KafkaError(code: .queueFull, message: "cancelled while waiting for queue space")
                }
                await core.waitForQueueSpace()
            }
        }
    }

    /// Queues `message` or fails at once.
    ///
    /// - Throws: ``KafkaError/Code/queueFull`` when librdkafka's queue is full.
    @discardableResult
    public func trySend(_ message: KafkaProducerMessage) throws(KafkaError) -> KafkaProducerMessageID {
        try core.send(message)
    }

    /// Waits until every message sent so far has its delivery report (delivered to the handler or stream).
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` if messages are still queued after `timeout`.
    public func flush(timeout: Duration) async throws(KafkaError) {
        try await core.flush(timeout: timeout)
    }

    /// Flushes for up to `timeout`, stops the poll thread and finishes the delivery report stream. Idempotent.
    /// Messages still queued afterwards are reported as failed when the client is destroyed.
    public func shutdown(timeout: Duration = .seconds(10)) async {
        await core.shutdown(flushTimeout: timeout)
    }

    /// Messages queued, in flight, or waiting for their delivery report.
    public var queuedMessageCount: Int {
        core.client.outQueueLength
    }
}

// MARK: - Core

/// The producer state shared by the public handle and the poll thread.
final class ProducerCore: Sendable {
    private enum Lifecycle {
        case created
        case running
        case stopping(flushTimeout: Duration)
        case stopped
    }

    private struct FlushWaiter {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<KafkaError?, Never>
    }

    private struct State {
        var lifecycle = Lifecycle.created
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [FlushWaiter] = []
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []

        var isRunning: Bool {
            if case .running = lifecycle { return true }
            return false
        }
    }

    let client: RDKafkaClient
    private let logger: Logger
    private let nextID = Atomic<UInt64>(1)
    private let state = Mutex(State())
    private let finishReports: (@Sendable () -> Void)?

    init(
        configuration: KafkaProducerConfiguration,
        logger: Logger,
        deliveryReportHandler: (@Sendable (KafkaDeliveryReport) -> Void)?,
        finishReports: (@Sendable () -> Void)?
    ) throws(KafkaError) {
        let context = RDKafkaCallbackContext(
            logger: logger,
            statisticsHandler: configuration.statisticsHandler,
            deliveryReportHandler: deliveryReportHandler
        )
        client = try RDKafkaClient.make(
            kind: .producer,
            properties: configuration.rdKafkaProperties(),
            context: context
        )
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.client] = .string(client.name)
        self.logger = logger
        self.finishReports = finishReports
    }

    func start() {
        state.withLock { $0.lifecycle = .running }
        KafkaThread.start(name: "kafka-producer-poll") { [self] in
            pollLoop()
        }
    }

    func send(_ message: KafkaProducerMessage) throws(KafkaError) -> KafkaProducerMessageID {
        guard state.withLock({ $0.isRunning }) else { throw KafkaError.shutDown("the producer is shut down") }
        if let fatal = client.fatalError { throw fatal }
        let id = KafkaProducerMessageID(rawValue: nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        try client.produce(message, id: id)
        return id
    }

    /// Returns after the poll thread served delivery reports (or after at most ~100 ms), or at once when stopped.
    func waitForQueueSpace() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let registered = state.withLock { state in
                guard state.isRunning else { return false }
                state.spaceWaiters.append(continuation)
                return true
            }
            if !registered { continuation.resume() }
        }
    }

    func flush(timeout: Duration) async throws(KafkaError) {
        let deadline = ContinuousClock.now + timeout
        let error: KafkaError? = await withCheckedContinuation { continuation in
            let registered = state.withLock { state in
                guard state.isRunning else { return false }
                state.flushWaiters.append(FlushWaiter(deadline: deadline, continuation: continuation))
                return true
            }
            if !registered {
                continuation.resume(returning: KafkaError.shutDown("the producer is shut down"))
            }
        }
        if let error { throw error }
    }

    func beginShutdown(flushTimeout: Duration) {
        state.withLock { state in
            if case .running = state.lifecycle { state.lifecycle = .stopping(flushTimeout: flushTimeout) }
        }
    }

    func shutdown(flushTimeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                switch state.lifecycle {
                case .created, .stopped:
                    return true
                case .running:
                    state.lifecycle = .stopping(flushTimeout: flushTimeout)
                case .stopping:
                    break
                }
                state.shutdownWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: Poll thread

    private func pollLoop() {
        var lastSpaceWakeUp = ContinuousClock.now
        while true {
            let (stopTimeout, hasWaiters): (Duration?, Bool) = state.withLock { state in
                if case .stopping(let timeout) = state.lifecycle { return (timeout, false) }
                return (nil, !state.spaceWaiters.isEmpty || !state.flushWaiters.isEmpty)
            }
            if let stopTimeout {
                finish(flushTimeout: stopTimeout)
                return
            }
            let served = client.poll(timeoutMilliseconds: hasWaiters ? 5 : 100)
            guard hasWaiters else { continue }

            // Delivery reports free queue space; wake senders then, and at least every 100 ms so that a
            // cancelled sender notices.
            let now = ContinuousClock.now
            let wakeSenders = served > 0 || now - lastSpaceWakeUp > .milliseconds(100)
            if wakeSenders { lastSpaceWakeUp = now }
            let queued = client.outQueueLength
            let (senders, flushers) = state.withLock { state in
                let senders = wakeSenders ? state.spaceWaiters : []
                if wakeSenders { state.spaceWaiters.removeAll() }
                var finished: [(CheckedContinuation<KafkaError?, Never>, KafkaError?)] = []
                state.flushWaiters.removeAll { waiter in
                    if queued == 0 {
                        finished.append((waiter.continuation, nil))
                        return true
                    }
                    if now >= waiter.deadline {
                        let error = KafkaError(
                            code: .timedOut,
                            message: "flush timed out with \(queued) messages still queued"
                        )
                        finished.append((waiter.continuation, error))
                        return true
                    }
                    return false
                }
                return (senders, finished)
            }
            for sender in senders { sender.resume() }
            for (flusher, error) in flushers { flusher.resume(returning: error) }
        }
    }

    private func finish(flushTimeout: Duration) {
        let flushError = client.flush(timeout: flushTimeout)
        if let flushError {
            logger.warning("producer shut down before every message was delivered: \(flushError.message)")
        }
        let queued = client.outQueueLength
        let (senders, flushers, shutdowns) = state.withLock { state in
            state.lifecycle = .stopped
            defer {
                state.spaceWaiters.removeAll()
                state.flushWaiters.removeAll()
                state.shutdownWaiters.removeAll()
            }
            return (state.spaceWaiters, state.flushWaiters, state.shutdownWaiters)
        }
        for sender in senders { sender.resume() }
        for flusher in flushers {
            flusher.continuation.resume(
                returning: queued == 0 ? nil : KafkaError.shutDown("shut down with \(queued) messages still queued")
            )
        }
        finishReports?()
        for waiter in shutdowns { waiter.resume() }
        logger.debug("producer poll thread stopped")
    }
}
