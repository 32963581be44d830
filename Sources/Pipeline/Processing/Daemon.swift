import Learning
import Logging
import ServiceLifecycle

/// Assembles `warmstartd` from its services and runs them until SIGTERM or SIGINT: the event pipeline, the
/// operations HTTP endpoint and the systemd watchdog, in one ServiceLifecycle group.
public enum Daemon {
    /// The learning core's configuration for this daemon: the learning core's defaults, the kind weights of
    /// `input.kinds`, then every `learning.*` setting, validated.
    /// - Throws: The learning core's error naming the offending `learning.*` key; with several bad keys, one error
    ///   listing every one (`LearningError.issues`).
    public static func learningConfiguration(for configuration: DaemonConfiguration) throws -> LearningConfiguration {
        var learning = LearningConfiguration()
        learning.kindWeights = configuration.input.kinds.mapValues(\.weight)
        try learning.apply(overrides: configuration.learningOverrides)
        // The participation cap of user-level DP is part of each user's state.
        if configuration.privacy.dp.enabled {
            learning.meta.maxParticipations = configuration.privacy.dp.maxParticipations
        }
        try learning.validate()
        return learning
    }

    /// Runs the daemon; returns when it has shut down.
    public static func run(
        configuration: DaemonConfiguration,
        environment: [String: String],
        logger: Logger
    ) async throws {
        let learning = try learningConfiguration(for: configuration)
        let metrics = DaemonMetrics()
        let readiness = Readiness()
        let heartbeat = LoopHeartbeat()
        let notifier = SystemdNotifier(environment: environment)

        let pipeline = EventPipeline(
            configuration: configuration,
            learning: learning,
            metrics: metrics,
            readiness: readiness,
            heartbeat: heartbeat,
            notifier: notifier,
            logger: logger
        )
        let operations = OperationsServer(
            address: configuration.http.address,
            metrics: metrics,
            heartbeat: heartbeat,
            readiness: readiness,
            logger: logger,
            onServerRunning: { port in
                // With `http.address` port 0 this is how operators (and the end-to-end tests) find the port.
                logger.info("operations endpoint listening", metadata: ["http.port": "\(port)"])
            }
        )
        let watchdog = SystemdWatchdog(notifier: notifier, heartbeat: heartbeat, logger: logger)
        // ServiceLifecycle shuts services down one by one in reverse order: the pipeline first, so that SIGTERM
        // reaches the consume loop at once, and the operations endpoint last, so `/metrics` stays up while the
        // pipeline drains.
        let services: [any Service] = [operations, watchdog, pipeline]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // `shutdown.timeout_ms` bounds the whole graceful shutdown: the pipeline budgets its own steps within it
        // and stops waiting for librdkafka at the deadline; past it the group cancels what is left. (No
        // `maximumCancellationDuration`: exceeding it is a fatal error in ServiceLifecycle, a crash instead of
        // an exit.)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdown.timeout
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }
}
