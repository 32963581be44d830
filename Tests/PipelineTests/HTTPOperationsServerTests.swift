import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Pipeline

@Suite struct HTTPOperationsServerTests {
    @Test func readinessListsMissingConditionsInOrder() {
        let readiness = Readiness()
        #expect(!readiness.isReady)
        #expect(readiness.missing == [.joinedGroup, .stateReady])
        readiness.set(.stateReady, true)
        #expect(readiness.missing == [.joinedGroup])
        readiness.set(.joinedGroup, true)
        #expect(readiness.isReady)
        readiness.set(.kafkaReachable, false)  // a new condition becomes required
        #expect(readiness.missing == [.kafkaReachable])
        readiness.set("kafka_reachable", true)
        #expect(readiness.isReady)
        readiness.set(.joinedGroup, false)
        #expect(readiness.missing.map(\.name) == ["joined_group"])
    }

    @Test func healthFollowsTheHeartbeat() async throws {
        let heartbeat = LoopHeartbeat()
        #expect(OperationsServer.health(heartbeat: heartbeat, stuckAfter: .milliseconds(250)).0 == .ok)
        heartbeat.tick()
        #expect(OperationsServer.health(heartbeat: heartbeat, stuckAfter: .milliseconds(250)).0 == .ok)
        try await Task.sleep(for: .milliseconds(300))
        let (status, text) = OperationsServer.health(heartbeat: heartbeat, stuckAfter: .milliseconds(250))
        #expect(status == .serviceUnavailable)
        #expect(text.hasPrefix("processing loop stuck"))
        heartbeat.tick()
        #expect(OperationsServer.health(heartbeat: heartbeat, stuckAfter: .milliseconds(250)).0 == .ok)
    }

    /// The real server on a real socket: port 0, the bound port reported, every endpoint, graceful shutdown.
    @Test(.timeLimit(.minutes(1))) func servesOverARealSocket() async throws {
        let metrics = DaemonMetrics()
        metrics.scoresPublished.increment(by: 7)
        metrics.partition(0).consumerLag.record(12)
        let heartbeat = LoopHeartbeat()
        let readiness = Readiness()
        let port = PortBox()
        var logger = Logger(label: "test.operations")
        logger.logLevel = .warning
        let server = OperationsServer(
            address: HostPort(host: "127.0.0.1", port: 0),
            metrics: metrics,
            heartbeat: heartbeat,
            readiness: readiness,
            stuckAfter: .seconds(3),
            logger: logger,
            onServerRunning: { port.set($0) }
        )
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let bound = try await port.wait()
            #expect(bound > 0)
            try await TestClient.withClient(host: "127.0.0.1", port: bound) { client in
                let metricsResponse = try await client.get("/metrics")
                #expect(metricsResponse.status == .ok)
                #expect(metricsResponse.headers[.contentType] == OperationsServer.metricsContentType)
                let body = String(buffer: metricsResponse.body ?? ByteBuffer())
                #expect(body.contains("warmstart_scores_published_total 7"))
                #expect(body.contains(#"warmstart_consumer_lag{partition="0"} 12"#))
                // Process metrics are refreshed on scrape: a live process has resident memory.
                let resident = body.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
                let residentBytes = resident.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
                #expect(residentBytes > 1_000_000)
                #expect(body.contains("warmstart_ready 0"), "not ready yet: the gauge follows /readyz")

                var health = try await client.get("/healthz")
                #expect(health.status == .ok)
                heartbeat.tick()
                health = try await client.get("/healthz")
                #expect(health.status == .ok)
                #expect(String(buffer: health.body ?? ByteBuffer()) == "ok\n")
                try await Task.sleep(for: .milliseconds(3_200))
                health = try await client.get("/healthz")
                #expect(health.status == .serviceUnavailable)
                #expect(String(buffer: health.body ?? ByteBuffer()).hasPrefix("processing loop stuck"))

                var ready = try await client.get("/readyz")
                #expect(ready.status == .serviceUnavailable)
                #expect(String(buffer: ready.body ?? ByteBuffer()) == "not ready: missing joined_group, state_ready\n")
                readiness.set(.joinedGroup, true)
                readiness.set(.stateReady, true)
                ready = try await client.get("/readyz")
                #expect(ready.status == .ok)
                #expect(String(buffer: ready.body ?? ByteBuffer()) == "ready\n")
                let readyMetrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
                #expect(readyMetrics.contains("warmstart_ready 1"))

                let missing = try await client.get("/nothing")
                #expect(missing.status == .notFound)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test(.timeLimit(.minutes(1))) func aBusyAddressFailsTheService() async throws {
        let logger = Logger(label: "test.operations")
        let port = PortBox()
        let first = OperationsServer(
            address: HostPort(host: "127.0.0.1", port: 0),
            metrics: DaemonMetrics(),
            heartbeat: LoopHeartbeat(),
            readiness: Readiness(),
            logger: logger,
            onServerRunning: { port.set($0) }
        )
        let group = ServiceGroup(services: [first], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let bound = try await port.wait()
            let second = OperationsServer(
                address: HostPort(host: "127.0.0.1", port: bound),
                metrics: DaemonMetrics(),
                heartbeat: LoopHeartbeat(),
                readiness: Readiness(),
                logger: logger
            )
            await #expect(throws: (any Error).self) { try await second.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// Hands the bound port from `onServerRunning` to the test.
final class PortBox: Sendable {
    private let port = Mutex<Int?>(nil)

    func set(_ value: Int) {
        port.withLock { $0 = value }
    }

    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let value = port.withLock({ $0 }) { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }
}
