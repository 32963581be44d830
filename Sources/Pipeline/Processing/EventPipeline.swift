import Clickstream
import Dispatch
import Kafka
import Learning
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's event pipeline as a ServiceLifecycle service: consumes the events topic in a consumer group,
/// decodes each message (or dead-letters it), hands it to the ``Learner`` in offset order per partition, publishes
/// coalesced score refreshes, and commits offsets whose effects were all acknowledged.
///
/// Threads: the Kafka consumer and producer poll on their own threads; decoding runs in this service's task; the
/// learner on its own serial queue. At most two batches are in the learner at once, so decoding of the next batch
/// overlaps learning of the previous one (both cores busy) while memory stays bounded.
public struct EventPipeline: Service {
    private let configuration: DaemonConfiguration
    private let learning: LearningConfiguration
    private let metrics: DaemonMetrics
    private let readiness: Readiness
    private let heartbeat: LoopHeartbeat
    private let notifier: SystemdNotifier
    private let logger: Logger

    /// - Parameters:
    ///   - learning: The learning core's configuration (`learning.*` applied, kind weights from `input.kinds`).
    public init(
        configuration: DaemonConfiguration,
        learning: LearningConfiguration,
        metrics: DaemonMetrics,
        readiness: Readiness,
        heartbeat: LoopHeartbeat,
        notifier: SystemdNotifier,
        logger: Logger
    ) {
        self.configuration = configuration
        self.learning = learning
        self.metrics = metrics
        self.readiness = readiness
        self.heartbeat = heartbeat
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        var adjusted = self.configuration
        if learning.deterministic {
            // Verification mode: only event counts trigger meta-updates and checkpoints.
            adjusted.metaUpdate.interval = nil
            adjusted.state.checkpointInterval = nil
            logger.notice(
                "learning.deterministic: partitions are learned in fixed rounds; metaupdate.every_ms and state.checkpoint_ms are ignored"
            )
        }
        let configuration = adjusted
        // Durable state: the last checkpoint's model (or a new one); partitions are restored as they are assigned.
        let keeper = try StateKeeper(
            directory: configuration.state.directory, topic: configuration.topics.events, logger: logger)
        let readiness = self.readiness
        let failure = FailureRecord()
        let learner = Learner(
            model: try keeper.restoreModel(configuration: learning),
            settings: Learner.Settings(
                scoresTopic: configuration.topics.scores,
                deadLetterTopic: configuration.topics.deadLetter,
                modelTopic: configuration.topics.model,
                topK: configuration.scoring.topK,
                excludeSeen: configuration.scoring.excludeSeen,
                coalesceWindow: configuration.scoring.coalesceWindow,
                metaUpdateEveryEvents: configuration.metaUpdate.everyEvents,
                kindLabels: configuration.input.kinds.mapValues(\.label),
                checkpointEveryEvents: configuration.state.checkpointEveryEvents,
                checkpointInterval: configuration.state.checkpointInterval,
                deterministic: learning.deterministic,
                maxUsersInMemory: configuration.state.maxUsersInMemory,
                acceptStateLoss: configuration.state.acceptLoss
            ),
            metrics: metrics,
            logger: logger,
            keeper: keeper,
            stateHealth: { [statePath = keeper.store.path] durable in
                Self.recordStateDurability(durable, path: statePath, readiness: readiness, metrics: metrics)
            },
            fatal: { error in failure.record(error) }
        )

        var producerConfiguration = KafkaProducerConfiguration(
            bootstrapServers: configuration.kafka.bootstrapServersList,
            clientID: "warmstartd",
            additionalProperties: configuration.kafka.producerClientProperties
        )
        producerConfiguration.maximumQueuedMessages = max(100_000, configuration.publish.maxInFlight * 2)
        let producer = try KafkaProducer(
            configuration: producerConfiguration,
            logger: logger,
            deliveryReportHandler: { report in learner.delivered(report) }
        )
        learner.attach(producer: producer)

        let topic = configuration.topics.events
        let shutdownTimeout = configuration.shutdown.timeout
        let shutdownDeadline = ShutdownDeadline()
        let rebalanceLogger = logger
        let notifier = self.notifier
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.bootstrapServersList,
            clientID: "warmstartd",
            consumptionStrategy: .group(id: configuration.kafka.groupID, topics: [topic]),
            additionalProperties: configuration.kafka.consumerClientProperties
        )
        consumerConfiguration.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration,
            logger: logger,
            rebalanceHandler: { event in
                Self.rebalance(
                    event, learner: learner, timeout: shutdownTimeout, shutdownDeadline: shutdownDeadline,
                    readiness: readiness, notifier: notifier, failure: failure, logger: rebalanceLogger)
            }
        )

        // Watermarks for `warmstart_consumer_lag`; the consumer API does not expose them.
        let admin = try KafkaAdminClient(
            configuration: KafkaClientConfiguration(
                bootstrapServers: configuration.kafka.bootstrapServersList,
                clientID: "warmstartd",
                additionalProperties: configuration.kafka.adminClientProperties
            ),
            logger: logger
        )

        let decoder = EventDecoder(schema: configuration.input.eventSchema)
        let gate = BatchGate(capacity: 2)
        let stopping = Atomic<Bool>(false)

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Timers: coalescing windows, time-based meta-updates, commits, lag.
                group.addTask {
                    try await Self.housekeeping(
                        configuration: configuration, learner: learner, consumer: consumer, metrics: metrics,
                        heartbeat: heartbeat, logger: logger)
                }
                group.addTask {
                    try await Self.monitorLag(admin: admin, topic: topic, learner: learner)
                }
                try await Self.consume(
                    consumer: consumer, decoder: decoder, learner: learner, gate: gate,
                    configuration: configuration, metrics: metrics, heartbeat: heartbeat, logger: logger,
                    stopping: { stopping.load(ordering: .acquiring) || failure.error != nil })
                group.cancelAll()
            }
        } onGracefulShutdown: {
            shutdownDeadline.start(budget: shutdownTimeout)
            stopping.store(true, ordering: .releasing)
        }
        if let error = failure.error {
            throw error
        }

        // Graceful shutdown: finish in-flight events, publish pending refreshes, commit, leave the group; all
        // within `shutdown.timeout_ms` (the service group cancels us past it).
        shutdownDeadline.start(budget: shutdownTimeout)
        try? notifier.notify(.stopping)
        readiness.set(.joinedGroup, false)
        logger.info("stopping: finishing in-flight events and publishing pending refreshes")
        await gate.drain()
        let assigned = (try? consumer.assignment().map(\.partition)) ?? []
        learner.flushRefreshes(of: assigned)
        learner.publishLatestModel()
        while learner.inFlight > 0, !shutdownDeadline.hasPassed {
            learner.resendRefused()
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await producer.flush(timeout: min(.seconds(1), shutdownDeadline.remaining))
        // The final checkpoint: what was learned becomes durable, and the commit below may then cover it.
        await Self.offload { learner.checkpointNow(reason: "shutdown") }
        let final = await learner.committableOffsets()
        // Committing and leaving the group talk to the coordinator, and librdkafka blocks on them for as long as
        // its own timeouts say (much longer than ours when the cluster is gone). They cannot be cancelled, so the
        // daemon stops waiting for them at the deadline and exits; the group then reassigns the partitions after
        // `session.timeout.ms`, from the last commit that went through.
        let finished = await Self.runUntil(shutdownDeadline) {
            if !final.isEmpty {
                do {
                    try await consumer.commit(Self.topicPartitions(final, topic: topic))
                    metrics.commits.increment()
                } catch {
                    metrics.commitFailures.increment()
                    logger.error("final commit failed", metadata: ["error": "\(error)"])
                }
            }
            try? await consumer.close()
            await producer.shutdown(timeout: min(.seconds(2), shutdownDeadline.remaining))
        }
        // Last, after the revocation's checkpoint: the state file alone then holds everything (a complete backup).
        if learner.mayWriteState { await Self.offload { keeper.foldLog() } }
        if finished {
            logger.info("stopped", metadata: ["committed": "\(offsetList(final))"])
        } else {
            logger.warning(
                "stopped without a final commit and leaving the group: shutdown.timeout_ms passed",
                metadata: ["committable": "\(final.sorted { $0.key < $1.key })"]
            )
        }
    }

    /// Runs `body` in a task of its own and waits for it until `deadline`; `false` when the deadline came first
    /// (the body keeps running: blocking librdkafka calls cannot be interrupted).
    private static func runUntil(
        _ deadline: ShutdownDeadline, _ body: @escaping @Sendable () async -> Void
    ) async -> Bool {
        let once = ResumeOnce()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            once.set(continuation)
            Task {
                await body()
                once.resume(returning: true)
            }
            Task {
                try? await Task.sleep(for: deadline.remaining)
                once.resume(returning: false)
            }
        }
    }

    // MARK: - Consuming

    private static func consume(
        consumer: KafkaConsumer,
        decoder: EventDecoder,
        learner: Learner,
        gate: BatchGate,
        configuration: DaemonConfiguration,
        metrics: DaemonMetrics,
        heartbeat: LoopHeartbeat,
        logger: Logger,
        stopping: () -> Bool
    ) async throws {
        // Backpressure: every event handed to the learner leads to at most one output message right away (its
        // score refresh or its dead letter; a refresh held back by the coalescing window goes out later, once per
        // user). So fetching at most `publish.max_in_flight` minus what is in flight minus what the learner has
        // not processed yet keeps the output in flight within the bound; at the bound consumption pauses (the
        // partitions stop fetching, so nothing piles up in librdkafka either) until acknowledgements bring it down
        // to half the bound.
        let maxInFlight = configuration.publish.maxInFlight
        let queued = QueuedEvents()
        var paused = false
        var lastPauseLogged: ContinuousClock.Instant? = nil
        var pausesSinceLogged = 0
        metrics.publishInFlightLimit.record(maxInFlight)
        while !stopping(), !Task.isCancelled {
            heartbeat.tick()
            let inFlight = learner.inFlight
            metrics.recordPublishInFlight(inFlight)
            let committed = inFlight + queued.count
            if paused ? committed > maxInFlight / 2 : committed >= maxInFlight {
                if !paused {
                    try? consumer.pause(consumer.assignment())
                    paused = true
                    metrics.backpressurePaused.record(1)
                    metrics.backpressurePauses.increment()
                    pausesSinceLogged += 1
                    if lastPauseLogged.map({ ContinuousClock.now - $0 >= .seconds(10) }) ?? true {
                        logger.info(
                            "publishing fell behind: consumption paused",
                            metadata: [
                                "in_flight": "\(inFlight)", "max_in_flight": "\(maxInFlight)",
                                "pauses": "\(pausesSinceLogged)",
                            ]
                        )
                        lastPauseLogged = .now
                        pausesSinceLogged = 0
                    }
                }
                learner.resendRefused()
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            if paused {
                try? consumer.resume(consumer.assignment())
                paused = false
                metrics.backpressurePaused.record(0)
            }

            let headroom = maxInFlight - committed
            // Small batches keep the learner's queue shallow (at most two batches wait behind the one being learned),
            // so an event waits little between being consumed and being learned.
            let batch = try await consumer.nextBatch(
                maxMessages: min(Self.batchSize, headroom), maxWait: .milliseconds(100))
            if batch.isEmpty { continue }
            let consumedAt = PipelineClock.now()
            var decoded: [DecodedMessage] = []
            decoded.reserveCapacity(batch.count)
            // Counted per run of one partition's messages, not per message: the metrics lookup takes a lock.
            var run: (partition: Int32, count: Int)? = nil
            for message in batch {
                if let current = run, current.partition != message.partition {
                    metrics.partition(current.partition).eventsConsumed.increment(by: current.count)
                    run = nil
                }
                run = (message.partition, (run?.count ?? 0) + 1)
                decoded.append(
                    DecodedMessage(
                        message: message, outcome: decode(message, decoder: decoder), consumedAt: consumedAt))
            }
            if let run {
                metrics.partition(run.partition).eventsConsumed.increment(by: run.count)
            }
            await gate.acquire()
            let count = decoded.count
            queued.add(count)
            learner.submit(decoded) {
                queued.add(-count)
                gate.release()
            }
        }
    }

    /// Runs blocking work (a synchronous checkpoint) off the cooperative pool.
    static func offload(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                body()
                continuation.resume()
            }
        }
    }

    /// Messages fetched and decoded per batch.
    static let batchSize = 256

    /// Decodes one message, or says why it goes to the dead-letter topic.
    static func decode(_ message: KafkaMessage, decoder: EventDecoder) -> Result<InteractionEvent, DeadLetter> {
        let failedAt = { PipelineClock.epochMilliseconds() }
        let maxMessageBytes = decoder.schema.limits.maxMessageBytes
        if message.value.count > maxMessageBytes {
            return .failure(
                DeadLetter(
                    source: message, reason: .oversizeMessage,
                    error: "message of \(message.value.count) bytes exceeds the limit of \(maxMessageBytes)",
                    failedAt: failedAt()))
        }
        if let key = message.key {
            if key.count > decoder.schema.limits.maxIDBytes {
                return .failure(
                    DeadLetter(
                        source: message, reason: .oversizeKey,
                        error: "key of \(key.count) bytes exceeds \(decoder.schema.limits.maxIDBytes)",
                        failedAt: failedAt()))
            }
            if String(validating: key, as: UTF8.self) == nil {
                return .failure(
                    DeadLetter(
                        source: message, reason: .invalidKeyUTF8, error: "key is not UTF-8", failedAt: failedAt()))
            }
        }
        let event: InteractionEvent
        do {
            event = try decoder.decode(message.value)
        } catch {
            return .failure(DeadLetter(source: message, decodingError: error, failedAt: failedAt()))
        }
        if let key = message.key, !key.isEmpty, !key.elementsEqual(event.user.utf8) {
            return .failure(
                DeadLetter(
                    source: message, reason: .keyMismatch,
                    error: "message key does not match the event's user \"\(event.user.prefix(64))\"",
                    failedAt: failedAt()))
        }
        return .success(event)
    }

    // MARK: - Rebalances

    /// Runs on the consumer's poll thread, before partitions move: revoked partitions are finished (pending
    /// refreshes published and acknowledged, up to `timeout`) and their offsets committed.
    private static func rebalance(
        _ event: KafkaRebalanceEvent, learner: Learner, timeout: Duration, shutdownDeadline: ShutdownDeadline,
        readiness: Readiness, notifier: SystemdNotifier, failure: FailureRecord, logger: Logger
    ) {
        let partitions = event.partitions.map(\.partition)
        switch event.kind {
        case .assigned:
            let committed = Dictionary(
                uniqueKeysWithValues: ((try? event.committedOffsets()) ?? [:]).map { ($0.key.partition, $0.value) })
            let starts: [Int32: Int64]
            do {
                starts = try learner.assign(partitions, committed: committed)
            } catch {
                // Without its state a partition cannot be processed exactly once: stop, do not guess.
                logger.critical("cannot restore assigned partitions; stopping", metadata: ["error": "\(error)"])
                failure.record(error)
                readiness.set(.stateReady, false)
                return
            }
            if let topic = event.partitions.first?.topic {
                event.start(at: Self.topicPartitions(starts, topic: topic))
            }
            readiness.set(.joinedGroup, true)
            readiness.set(.stateReady, true)
            readiness.set(.kafkaReachable, true)
            try? notifier.notify(.ready)
            // Where processing resumes: the group's committed offsets (none: the beginning, auto.offset.reset).
            let resumeFrom = starts.sorted { $0.key < $1.key }
            logger.info(
                "partitions assigned",
                metadata: ["partitions": "\(partitions.sorted())", "resume_from": "\(resumeFrom)"]
            )
        case .revoked, .lost:
            // Lost (session timed out, fenced): no longer a member until the next assignment.
            if event.kind == .lost { readiness.set(.joinedGroup, false) }
            learner.flushRefreshes(of: partitions)
            let deadline = min(ContinuousClock.now + timeout, shutdownDeadline.deadline ?? .now + timeout)
            while learner.outstandingEffects(of: partitions) > 0, ContinuousClock.now < deadline {
                learner.resendRefused()
                usleepMilliseconds(5)
            }
            learner.checkpointNow(reason: "revocation")
            let final = learner.release(partitions)
            if event.kind == .revoked, let topic = event.partitions.first?.topic, !final.isEmpty {
                do {
                    try event.commit(topicPartitions(final, topic: topic))
                } catch {
                    logger.error("commit on revocation failed", metadata: ["error": "\(error)"])
                }
            }
            logger.info(
                "partitions \(event.kind == .lost ? "lost" : "revoked")",
                metadata: ["partitions": "\(partitions.sorted())", "committed": "\(offsetList(final))"]
            )
        }
    }

    // MARK: - State health

    /// Reports whether the last checkpoint is durable: `/readyz` (`state_ready`), `/healthz` (the `state_durable`
    /// fault) and `warmstart_state_durable`.
    ///
    /// The systemd watchdog is deliberately left alone: it keeps following the processing loop's heartbeat, which
    /// a full or read-only state directory does not stop. A restart would not free disk space; it would only
    /// throw away what was learned since the last durable checkpoint and re-learn it into the same full disk.
    /// Running on, the daemon keeps retrying (commits held at the last durable checkpoint) and recovers by itself
    /// once an operator makes room.
    private static func recordStateDurability(
        _ durable: Bool, path: String, readiness: Readiness, metrics: DaemonMetrics
    ) {
        readiness.set(.stateReady, durable)
        metrics.stateDurable.set(to: durable ? 1 : 0)
        readiness.setFault(
            .stateDurable,
            detail: durable
                ? nil
                : "checkpoints to the state store \(path) fail (see the log: \"checkpoint failed\"; disk full or "
                    + "read-only?); offsets are not committed past the last durable checkpoint; retrying")
    }

    // MARK: - Housekeeping

    private static func housekeeping(
        configuration: DaemonConfiguration,
        learner: Learner,
        consumer: KafkaConsumer,
        metrics: DaemonMetrics,
        heartbeat: LoopHeartbeat,
        logger: Logger
    ) async throws {
        // Deferred refreshes go out on the first tick after their window: a fine tick keeps event→publish latency
        // within the window plus a few milliseconds.
        let tick = min(Duration.milliseconds(20), max(.milliseconds(2), configuration.scoring.coalesceWindow / 20))
        let topic = configuration.topics.events
        var lastMetaUpdate = ContinuousClock.now
        var lastCommit = ContinuousClock.now
        var lastCommitted: [Int32: Int64] = [:]
        while !Task.isCancelled {
            try await Task.sleep(for: tick)
            let now = ContinuousClock.now
            var metaDue = false
            if let interval = configuration.metaUpdate.interval, now - lastMetaUpdate >= interval {
                metaDue = true
                lastMetaUpdate = now
            }
            learner.resendRefused()
            learner.tick(metaUpdateDue: metaDue)
            if now - lastCommit >= .seconds(1) {
                lastCommit = now
                let committable = await learner.committableOffsets().filter { lastCommitted[$0.key] != $0.value }
                if !committable.isEmpty {
                    do {
                        try await consumer.commit(topicPartitions(committable, topic: topic))
                        metrics.commits.increment()
                        lastCommitted.merge(committable) { _, new in new }
                    } catch {
                        metrics.commitFailures.increment()
                        logger.warning("commit failed; will retry", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Sets `warmstart_consumer_lag` of every assigned partition once a second: its high watermark minus the next
    /// offset to process (the low watermark before the first event, as `auto.offset.reset` is `earliest`).
    private static func monitorLag(admin: KafkaAdminClient, topic: String, learner: Learner) async throws {
        while !Task.isCancelled {
            var watermarks: [Int32: KafkaWatermarks] = [:]
            for partition in await learner.assignedPartitions() {
                let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
                if let marks = try? await admin.watermarks(for: topicPartition, timeout: .seconds(1)) {
                    watermarks[partition] = marks
                }
            }
            learner.recordLag(watermarks)
            try await Task.sleep(for: .seconds(1))
        }
    }

    static func topicPartitions(_ offsets: [Int32: Int64], topic: String) -> [KafkaTopicPartition: Int64] {
        Dictionary(
            uniqueKeysWithValues: offsets.map { (KafkaTopicPartition(topic: topic, partition: $0.key), $0.value) })
    }
}

/// The error that stopped the pipeline from the consumer's poll thread (a partition whose state cannot be
/// restored), if any.
final class FailureRecord: Sendable {
    private let value = Mutex<PipelineError?>(nil)
    var error: PipelineError? { value.withLock { $0 } }
    func record(_ error: PipelineError) { value.withLock { if $0 == nil { $0 = error } } }
}

/// When graceful shutdown must be done: set once when it begins; read by the rebalance handler too, so that the
/// final revocation fits in what is left of `shutdown.timeout_ms` instead of waiting a full timeout of its own.
final class ShutdownDeadline: Sendable {
    /// Kept short of the service group's own limit, so that leaving the group still happens before it cancels.
    private static let margin = Duration.milliseconds(500)
    private let value = Mutex<ContinuousClock.Instant?>(nil)

    /// Starts the budget (idempotent: only the first call counts).
    func start(budget: Duration) {
        let deadline = ContinuousClock.now + max(budget - Self.margin, budget / 2)
        value.withLock { value in
            if value == nil { value = deadline }
        }
    }

    /// The deadline, once shutdown began.
    var deadline: ContinuousClock.Instant? { value.withLock { $0 } }

    var hasPassed: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }

    /// What is left of the budget (zero once passed); unbounded before shutdown began.
    var remaining: Duration {
        guard let deadline else { return .seconds(3600) }
        return max(.zero, deadline - ContinuousClock.now)
    }
}

/// A continuation resumed by whichever of several tasks comes first.
private final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: Bool) {
        continuation.withLock { stored -> CheckedContinuation<Bool, Never>? in
            defer { stored = nil }
            return stored
        }?.resume(returning: value)
    }
}

/// Offsets per partition for a log line: `0:9245,1:7035`.
private func offsetList(_ offsets: [Int32: Int64]) -> String {
    offsets.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
}

/// Sleeps the calling (non-cooperative) thread: only for the consumer's poll thread inside a rebalance.
private func usleepMilliseconds(_ milliseconds: Int) {
    let semaphore = DispatchSemaphore(value: 0)
    _ = semaphore.wait(timeout: .now() + .milliseconds(milliseconds))
}

/// Events handed to the learner and not processed yet: each may still lead to an output message.
final class QueuedEvents: Sendable {
    private let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .acquiring) }

    func add(_ delta: Int) {
        value.add(delta, ordering: .acquiringAndReleasing)
    }
}

/// Bounds the batches handed to the learner and not finished yet.
final class BatchGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        let capacity: Int
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(available: capacity, capacity: capacity))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func release() {
        typealias Wakeups = (next: CheckedContinuation<Void, Never>?, drained: [CheckedContinuation<Void, Never>])
        let (next, drained) = state.withLock { state -> Wakeups in
            if !state.waiters.isEmpty {
                return (state.waiters.removeFirst(), [])
            }
            state.available += 1
            if state.available == state.capacity {
                defer { state.drainWaiters = [] }
                return (nil, state.drainWaiters)
            }
            return (nil, [])
        }
        next?.resume()
        drained.forEach { $0.resume() }
    }

    /// Waits until every acquired batch was released.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.available == state.capacity { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
