import ArgumentParser
import Foundation

/// `warmstart status`: a readable summary of a running daemon's `/metrics`, `/healthz` and `/readyz`.
public struct StatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarize a running warmstartd: health, readiness, partitions, lag, rates, quality, durability.",
        discussion: """
            Reads the daemon's operations endpoint (http.address) twice, --window seconds apart, to compute \
            rates; --window 0 reads it once and shows totals only. Exits 0 when the daemon is healthy and ready, \
            2 when it answers but /healthz or /readyz fails (the reasons are printed), 1 when it cannot be reached.
            """
    )

    @Option(help: "The daemon's operations endpoint, HOST:PORT (its http.address).")
    var http: String

    @Option(help: "Seconds between the two readings that rates are computed from (0: totals only).")
    var window: Double = 2

    public init() {}

    public func validate() throws {
        guard window >= 0, window <= 3_600 else { throw ValidationError("--window must be in 0...3600 seconds") }
    }

    public func run() throws {
        let endpoint = try OperationsEndpoint(http)
        var previous: DaemonSnapshot? = nil
        if window > 0 {
            previous = try DaemonSnapshot.take(from: endpoint)
            Thread.sleep(forTimeInterval: window)
        }
        let view = DaemonView(try DaemonSnapshot.take(from: endpoint), previous: previous)
        print(DaemonReport(view: view, endpoint: endpoint).full, terminator: "")
        if !view.current.isHealthy || !view.current.isReady { throw ExitCode(2) }
    }
}
