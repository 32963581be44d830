import Learning
import Logging
import ServiceLifecycle

/// Assembles `warmstartd` from its services and runs them until SIGTERM or SIGINT: the event pipeline, the
/// operations HTTP endpoint and the systemd watchdog, in one ServiceLifecycle group.
public enum Daemon {
    /// The learning core's configuration for this daemon: the learning core's defaults, the kind weights of
    /// `input.kinds`, then every `learning.*` setting.
    /// - Throws: The learning core's error naming the offending `learning.*` key.
    public static func learningConfiguration(for configuration: DaemonConfiguration) throws -> LearningConfiguration {
        var learning = LearningConfiguration()
        learning.kindWeights = configuration.input.kinds.mapValues(\.weight)
        try learning.apply(overrides: configuration.learningOverrides)
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
            logger: logger
        )
        let watchdog = SystemdWatchdog(notifier: notifier, heartbeat: heartbeat, logger: logger)
        let services: [any Service] = [pipeline, operations, watchdog]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
