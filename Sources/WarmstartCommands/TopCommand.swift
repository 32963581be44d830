import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `warmstart top`: the live view of a running daemon (what `make demo` shows while it feeds events), refreshed
/// in place.
public struct TopCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Live view of a running warmstartd: progress, rates, lag, latency and quality, refreshed in place.",
        discussion: """
            Reads the daemon's operations endpoint (http.address) every --interval seconds. On a terminal each \
            refresh redraws the screen; otherwise (a pipe, a file) frames are printed one after the other. \
            --once prints one frame (rates over one interval) and exits; --iterations N prints N. Ctrl-C quits. \
            A reading that fails is shown and retried: the view survives a daemon restart.
            """
    )

    @Option(help: "The daemon's operations endpoint, HOST:PORT (its http.address).")
    var http: String

    @Option(help: "Seconds between refreshes.")
    var interval: Double = 2

    @Option(help: "Exit after this many frames (default: until interrupted).")
    var iterations: Int?

    @Flag(help: "Print one frame and exit (the same as --iterations 1).")
    var once = false

    @Flag(help: "Never clear the screen, even on a terminal.")
    var noClear = false

    public init() {}

    public func validate() throws {
        guard interval >= 0.1, interval <= 3_600 else { throw ValidationError("--interval must be in 0.1...3600") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    }

    public func run() throws {
        let endpoint = try OperationsEndpoint(http)
        let frames = once ? 1 : iterations ?? .max
        let redraw = !noClear && isatty(STDOUT_FILENO) == 1
        var previous = try? DaemonSnapshot.take(from: endpoint)
        var shown = 0
        var lastError: AdminCommandError? = nil
        while shown < frames {
            Thread.sleep(forTimeInterval: interval)
            let frame: String
            do {
                let current = try DaemonSnapshot.take(from: endpoint)
                frame = Self.frame(DaemonView(current, previous: previous), endpoint: endpoint, interval: interval)
                previous = current
                lastError = nil
            } catch {
                frame = "warmstartd at \(endpoint): \(error) (retrying every \(interval) s)\n"
                previous = nil
                lastError = error
            }
            Console.out((redraw ? "\u{1B}[H\u{1B}[2J" : (shown > 0 ? "\n" : "")) + frame)
            shown += 1
        }
        // A bounded run (a script, a test) whose last reading failed did not show the daemon: say so in the status.
        if let lastError { throw lastError }
    }

    /// One screen: the summary line, partitions and live quality.
    static func frame(_ view: DaemonView, endpoint: OperationsEndpoint, interval: Double) -> String {
        let report = DaemonReport(view: view, endpoint: endpoint)
        let clock = Date().formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute().second())
        let state = [
            view.current.isHealthy ? "healthy" : "UNHEALTHY", view.current.isReady ? "ready" : "NOT READY",
            view.total("warmstart_state_durable") >= 1 ? "durable" : "NOT DURABLE",
        ].joined(separator: ", ")
        var text = "warmstartd \(endpoint) - \(state) - \(clock), every \(Formatting.count(interval, decimals: 1)) s\n"
        for problem in view.problems { text += "  ! \(problem)\n" }
        let lag = view.current.metrics.sum("warmstart_consumer_lag")
        let columns = [
            ("processed", Formatting.count(view.total("warmstart_events_processed_total"))),
            ("events/s", Formatting.rate(view.rate("warmstart_events_processed_total"))),
            ("lag", Formatting.optionalCount(lag)),
            ("scores/s", Formatting.rate(view.rate("warmstart_scores_published_total"))),
            ("dead/s", Formatting.rate(view.rate("warmstart_dead_letters_total"))),
            ("p99", Formatting.seconds(view.recentLatency(0.99))),
            ("users", Formatting.count(view.total("warmstart_users_in_memory"))),
            ("model", Formatting.count(view.total("warmstart_model_version"))),
            ("RSS", Formatting.bytes(view.current.metrics.sum("process_resident_memory_bytes"))),
        ]
        text += "\n" + Formatting.table(columns.map(\.0), [columns.map(\.1)])
        text += "\n" + report.partitions + "\n" + report.deadLetters + "\n" + report.quality
        return text
    }
}
