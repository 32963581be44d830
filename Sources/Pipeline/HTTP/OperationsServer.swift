import Hummingbird
import Logging
import ServiceLifecycle

/// The daemon's operations endpoint: `GET /metrics`, `GET /healthz`, `GET /readyz` over HTTP/1.1 (Hummingbird 2).
///
/// - `/metrics`: every metric of ``DaemonMetrics`` in the Prometheus text format (process metrics and
///   `warmstart_ready` refreshed first).
/// - `/healthz`: `200 ok` while the processing loop ticks its ``LoopHeartbeat`` (or has not started yet) and no
///   ``Readiness/Fault`` is raised; `503` naming how long the loop has been silent once that exceeds the threshold,
///   or naming each fault (e.g. `state_durable` while checkpoints fail because the state directory is full or
///   read-only). A stuck loop should get the process restarted; a fault needs an operator (a restart does not
///   free disk space), and clears by itself once the daemon's retries succeed.
/// - `/readyz`: `200 ready` when every ``Readiness`` condition holds; `503` listing the missing ones otherwise.
///
/// A swift-service-lifecycle `Service`: ``run()`` serves until graceful shutdown (or cancellation). Port 0 binds a
/// free port; `onServerRunning` receives the port actually bound.
public struct OperationsServer: Service {
    /// The `Content-Type` of `/metrics`: the Prometheus text exposition format.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    private let address: HostPort
    private let metrics: DaemonMetrics
    private let heartbeat: LoopHeartbeat
    private let readiness: Readiness
    private let stuckAfter: Duration
    private let logger: Logger
    private let onServerRunning: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - address: Where to listen (`http.address`); port 0 picks a free port.
    ///   - metrics: What `/metrics` serves.
    ///   - heartbeat: The processing loop's heartbeat, for `/healthz`.
    ///   - readiness: The conditions of `/readyz`.
    ///   - stuckAfter: How long the loop may go without a tick before `/healthz` fails.
    ///   - logger: The server's logger.
    ///   - onServerRunning: Called once listening, with the bound port.
    public init(
        address: HostPort,
        metrics: DaemonMetrics,
        heartbeat: LoopHeartbeat,
        readiness: Readiness,
        stuckAfter: Duration = .seconds(30),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.address = address
        self.metrics = metrics
        self.heartbeat = heartbeat
        self.readiness = readiness
        self.stuckAfter = stuckAfter
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func run() async throws {
        let onServerRunning = self.onServerRunning
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port),
                serverName: "warmstartd"
            ),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        try await application.run()
    }

    // MARK: - Routes

    /// The routes, separate from the server so that they can be tested without a socket.
    func makeRouter() -> Router<BasicRequestContext> {
        let metrics = self.metrics
        let heartbeat = self.heartbeat
        let readiness = self.readiness
        let stuckAfter = self.stuckAfter
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            metrics.updateProcessMetrics()
            metrics.ready.record(readiness.isReady ? 1 : 0)
            let body = metrics.exposition()
            return Response(
                status: .ok,
                headers: [.contentType: Self.metricsContentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/healthz") { _, _ -> Response in
            let (status, text) = Self.health(heartbeat: heartbeat, stuckAfter: stuckAfter, faults: readiness.faults)
            return Self.text(status, text)
        }
        router.get("/readyz") { _, _ -> Response in
            let missing = readiness.missing
            if missing.isEmpty { return Self.text(.ok, "ready") }
            return Self.text(.serviceUnavailable, "not ready: missing " + missing.map(\.name).joined(separator: ", "))
        }
        return router
    }

    /// What `/healthz` answers: a stuck loop first, then every raised fault, one per line.
    static func health(
        heartbeat: LoopHeartbeat, stuckAfter: Duration, faults: [Readiness.Fault] = []
    ) -> (HTTPResponse.Status, String) {
        var problems: [String] = []
        if let silence = heartbeat.timeSinceLastTick(), silence > stuckAfter {
            let milliseconds =
                silence.components.seconds * 1_000 + silence.components.attoseconds / 1_000_000_000_000_000
            problems.append("processing loop stuck: no progress for \(milliseconds) ms")
        }
        problems += faults.map { "unhealthy: \($0)" }
        if !problems.isEmpty { return (.serviceUnavailable, problems.joined(separator: "\n")) }
        return (.ok, heartbeat.timeSinceLastTick() == nil ? "ok: processing loop starting" : "ok")
    }

    private static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n"))
        )
    }
}
