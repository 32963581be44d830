import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Proof of life from a processing loop: the loop calls ``tick()`` on every iteration, including idle polls.
///
/// ``SystemdWatchdog`` pings systemd only while ticks keep coming, so a loop that is stuck (deadlocked, spinning
/// in one event, blocked in a call) gets the service restarted by `WatchdogSec=`; `/healthz` reads
/// ``timeSinceLastTick()`` for the same purpose. ``tick()`` is two relaxed atomic stores: cheap enough for a hot
/// loop.
public final class LoopHeartbeat: Sendable {
    private let ticks = Atomic<UInt64>(0)
    private let lastTickNanoseconds = Atomic<Int64>(-1)

    public init() {}

    /// Records that the loop is alive.
    public func tick() {
        ticks.wrappingAdd(1, ordering: .relaxed)
        lastTickNanoseconds.store(monotonicNanoseconds(), ordering: .relaxed)
    }

    /// How many times ``tick()`` was called.
    public var tickCount: UInt64 {
        ticks.load(ordering: .relaxed)
    }

    /// The time since the last ``tick()``, or `nil` before the first.
    public func timeSinceLastTick() -> Duration? {
        let last = lastTickNanoseconds.load(ordering: .relaxed)
        guard last >= 0 else { return nil }
        return .nanoseconds(max(0, monotonicNanoseconds() - last))
    }
}

/// Sends `WATCHDOG=1` to systemd while a processing loop's ``LoopHeartbeat`` ticks.
///
/// Every half watchdog interval (`$WATCHDOG_USEC / 2`, as systemd recommends) it checks whether the loop ticked
/// since the previous check; only then does it ping. A loop that stops ticking therefore stops the pings and
/// systemd restarts the service once `WatchdogSec=` has passed without one. The loop must tick at least every
/// half interval, idle or not.
///
/// A swift-service-lifecycle `Service`: it runs until cancelled or until graceful shutdown begins (systemd stops
/// enforcing the watchdog once the service is stopping). Without `$WATCHDOG_USEC` it waits for shutdown and does
/// nothing.
public struct SystemdWatchdog: Service {
    private let notifier: SystemdNotifier
    private let heartbeat: LoopHeartbeat
    private let checkInterval: Duration?
    private let logger: Logger

    /// - Parameters:
    ///   - notifier: Where to send `WATCHDOG=1`.
    ///   - heartbeat: The loop's heartbeat.
    ///   - checkInterval: How often to check and ping; `nil` uses half of ``SystemdNotifier/watchdogInterval``.
    ///   - logger: Logs a stalled loop (once per stall) and failed pings.
    public init(
        notifier: SystemdNotifier,
        heartbeat: LoopHeartbeat,
        checkInterval: Duration? = nil,
        logger: Logger
    ) {
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.checkInterval = checkInterval ?? notifier.watchdogInterval.map { $0 / 2 }
        self.logger = logger
    }

    public func run() async throws {
        guard let checkInterval, notifier.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        logger.debug(
            "systemd watchdog on",
            metadata: [PipelineLoggingKeys.watchdogCheckInterval: "\(checkInterval)"]
        )
        let heartbeat = self.heartbeat
        let notifier = self.notifier
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            var lastSeen = heartbeat.tickCount
            var stalled = false
            while true {
                do {
                    try await Task.sleep(for: checkInterval)
                } catch {
                    return  // cancelled: graceful shutdown began, or the group is cancelled
                }
                let current = heartbeat.tickCount
                if current != lastSeen {
                    lastSeen = current
                    if stalled {
                        stalled = false
                        logger.notice("processing loop is ticking again; resuming watchdog pings")
                    }
                    do {
                        try notifier.notify(.watchdog)
                    } catch {
                        logger.warning("watchdog ping failed", metadata: [PipelineLoggingKeys.error: "\(error)"])
                    }
                } else if !stalled, let silence = heartbeat.timeSinceLastTick() {
                    // Before the first tick the loop is still starting; systemd's own timeout covers that.
                    stalled = true
                    logger.error(
                        "processing loop has not ticked; withholding watchdog pings",
                        metadata: [PipelineLoggingKeys.watchdogSilence: "\(silence)"]
                    )
                }
            }
        }
    }
}

/// `CLOCK_MONOTONIC` in nanoseconds.
func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}
