import Clickstream
import Dispatch
import Kafka
import Learning
import Logging
import ServiceLifecycle
import StateStore
import Synchronization

/// The daemon's event pipeline as a ServiceLifecycle service: consumes the events topic in a consumer group,
/// decodes each message (or dead-letters it), hands it to the ``Learner`` in offset order per partition, publishes
/// coalesced score refreshes, and commits offsets whose effects were all acknowledged.
///
/// Threads: the Kafka consumer and producer poll on their own threads; decoding runs in this service's task; the
/// learner on its own serial queue. At most two batches are in the learner at once, so decoding of the next batch
/// overlaps learning of the previous one (both cores busy) while memory stays bounded.
///
/// This file holds the service: wiring, the task group and graceful shutdown. Its jobs are extensions of their own:
/// consuming (`EventPipeline+Consuming.swift`), rebalances (`+Rebalance`), the timers (`+Housekeeping`); the small
/// thread-safe pieces they share are in `PipelineCoordination.swift`.
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
                Logger.Message(
                    stringLiteral: "learning.deterministic: partitions are learned in fixed rounds; "
                        + "metaupdate.every_ms and state.checkpoint_ms are ignored"))
        }
        let configuration = adjusted
        // Durable state: the last checkpoint's model (or a new one); partitions are restored as they are assigned.
        let keeper = try StateKeeper(
            directory: configuration.state.directory, topic: configuration.topics.events, logger: logger)
        let readiness = self.readiness
        let failure = FailureRecord()
        var settings = Learner.Settings(configuration: configuration, deterministic: learning.deterministic)
        settings.privateRounds = try PrivateMetaRounds.load(configuration.privacy)
        if settings.privateRounds != nil, learning.deterministic {
            throw PipelineError(
                code: .invalidConfiguration,
                message: "privacy.dp.enabled needs rounds on the metaupdate.every_ms clock, which "
                    + "learning.deterministic turns off")
        }
        // Opened whether or not topics.erasure is set: users erased earlier stay erased.
        let denylist: ErasureDenylist
        do {
            denylist = try ErasureDenylist(
                directory: configuration.state.directory, retention: configuration.privacy.erasureRetention)
        } catch {
            throw PipelineError(code: .stateUnusable, message: "erasure denylist: \(error)")
        }
        try Self.checkErasureAssignment(configuration)
        let learner = Learner(
            model: try keeper.restoreModel(configuration: learning),
            settings: settings,
            metrics: metrics,
            logger: logger,
            keeper: keeper,
            denylist: denylist,
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
        let output = KafkaLearnerOutput(producer: producer, topics: configuration.topics)
        learner.attach(output: output)

        let topic = configuration.topics.events
        let erasureTopic = configuration.topics.erasure.isEmpty ? nil : configuration.topics.erasure
        let shutdownTimeout = configuration.shutdown.timeout
        let shutdownDeadline = ShutdownDeadline()
        let rebalanceLogger = logger
        let notifier = self.notifier
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.bootstrapServersList,
            clientID: "warmstartd",
            consumptionStrategy: .group(
                id: configuration.kafka.groupID, topics: [topic] + (erasureTopic.map { [$0] } ?? [])),
            additionalProperties: configuration.kafka.consumerClientProperties
        )
        consumerConfiguration.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration,
            logger: logger,
            rebalanceHandler: { event in
                Self.rebalance(
                    event, learner: learner, erasureTopic: erasureTopic, timeout: shutdownTimeout,
                    shutdownDeadline: shutdownDeadline,
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
                if let erasureTopic {
                    group.addTask {
                        await Self.checkCoPartitioning(
                            admin: admin, events: topic, erasure: erasureTopic, failure: failure, logger: logger)
                    }
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
        try? await output.flush(timeout: min(.seconds(1), shutdownDeadline.remaining))
        // The final checkpoint: what was learned becomes durable, and the commit below may then cover it.
        await Self.offload { learner.checkpointNow(reason: "shutdown") }
        let final = await learner.committableOffsets()
        let finalErasures = await learner.committableErasureOffsets()
        // Committing and leaving the group talk to the coordinator, and librdkafka blocks on them for as long as
        // its own timeouts say (much longer than ours when the cluster is gone). They cannot be cancelled, so the
        // daemon stops waiting for them at the deadline and exits; the group then reassigns the partitions after
        // `session.timeout.ms`, from the last commit that went through.
        let finished = await Self.runUntil(shutdownDeadline) {
            if !final.isEmpty || !finalErasures.isEmpty {
                do {
                    try await consumer.commit(
                        Self.topicPartitions(final, topic: topic)
                            .merging(Self.topicPartitions(finalErasures, topic: erasureTopic ?? "")) { a, _ in a })
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

    /// Runs blocking work (a synchronous checkpoint) off the cooperative pool.
    static func offload(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                body()
                continuation.resume()
            }
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

    static func topicPartitions(_ offsets: [Int32: Int64], topic: String) -> [KafkaTopicPartition: Int64] {
        Dictionary(
            uniqueKeysWithValues: offsets.map { (KafkaTopicPartition(topic: topic, partition: $0.key), $0.value) })
    }
}
