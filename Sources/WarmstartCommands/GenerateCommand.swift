import ArgumentParser
import Clickstream
import Foundation

/// `warmstart generate`: writes a synthetic clickstream (see ``SyntheticClickstream``) as JSON lines.
///
/// Events go to `--output` or, without it, to standard output, which then carries nothing but events; statistics go
/// to standard error. `--benchmark-decoder` instead measures the JSON event decoder on the generated events.
public struct GenerateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic clickstream with latent taste clusters as JSON lines.",
        discussion: """
            Users arrive throughout the stream, belong to latent taste clusters that their side features \
            (age, region, occupation) hint at, and mostly interact with their cluster's items. The same \
            options and seed always produce the same bytes.
            """
    )

    @Option(help: "Distinct users arriving over the stream.")
    var users: Int = 10_000

    @Option(help: "Items in the catalogue.")
    var items: Int = 2_000

    @Option(help: "Events to write.")
    var events: Int = 200_000

    @Option(help: "Latent taste clusters.")
    var clusters: Int = 8

    @Option(help: "Random seed; equal options and seed give identical output.")
    var seed: UInt64 = 42

    @Option(help: "Output file; '-' or none: standard output.")
    var output: String?

    @Flag(help: "Leave out user and item side features.")
    var noFeatures = false

    @Flag(help: "Measure the JSON event decoder on the generated events instead of writing them.")
    var benchmarkDecoder = false

    @Option(help: "Decoding passes over the events with --benchmark-decoder.")
    var passes: Int = 5

    public init() {}

    public func validate() throws {
        guard users > 0 else { throw ValidationError("--users must be positive") }
        guard items > 0 else { throw ValidationError("--items must be positive") }
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        guard clusters > 0, clusters <= 65_535 else { throw ValidationError("--clusters must be in 1...65535") }
        // The generator holds O(users + clusters × items) state: refuse sizes that cannot fit in memory.
        guard users <= 100_000_000 else { throw ValidationError("--users must be at most 100000000") }
        guard items.multipliedReportingOverflow(by: clusters + 1).partialValue <= 200_000_000,
            items <= 100_000_000
        else { throw ValidationError("--items × (--clusters + 1) must be at most 200000000") }
        guard passes > 0 else { throw ValidationError("--passes must be positive") }
    }

    var streamConfiguration: SyntheticClickstream.Configuration {
        SyntheticClickstream.Configuration(
            users: users,
            items: items,
            events: events,
            clusters: clusters,
            seed: seed,
            includeFeatures: !noFeatures
        )
    }

    public func run() throws {
        if benchmarkDecoder {
            try runDecoderBenchmark()
            return
        }
        let descriptor: Int32
        let output = self.output == "-" ? nil : self.output
        if let output {
            descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else {
                throw GenerateError(message: "cannot open '\(output)': \(String(cString: strerror(errno)))")
            }
        } else {
            descriptor = STDOUT_FILENO
        }
        defer { if output != nil { close(descriptor) } }

        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = Self.processCPUSeconds()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var bytes = 0
        var count = 0
        for event in SyntheticClickstream(streamConfiguration) {
            event.appendJSON(to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
            count += 1
            if buffer.count >= 1 << 20 {
                try Self.writeAll(buffer, to: descriptor)
                bytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try Self.writeAll(buffer, to: descriptor)
        bytes += buffer.count
        let seconds = Self.seconds(clock.now - start)
        let cpu = Self.processCPUSeconds() - startCPU
        Self.printError(
            "generated \(count) events (\(bytes) bytes) in \(Self.format(seconds)) s: "
                + "\(Self.rate(count, seconds)) events/s; CPU time \(Self.format(cpu)) s, "
                + "\(Self.rate(count, cpu)) events per CPU-second"
        )
    }

    /// Encodes the stream into memory, then times `passes` decoding passes over every line.
    func runDecoderBenchmark() throws {
        var lines: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(events)
        for event in SyntheticClickstream(streamConfiguration) {
            event.appendJSON(to: &lines)
            ends.append(lines.count)
        }
        let decoder = EventDecoder()
        let clock = ContinuousClock()
        var best = Double.infinity
        var bestCPU = Double.infinity
        var checksum = 0
        var failures = 0
        for _ in 0..<passes {
            let start = clock.now
            let startCPU = Self.processCPUSeconds()
            lines.withUnsafeBytes { all in
                var begin = 0
                for end in ends {
                    switch decoder.result(decoding: UnsafeRawBufferPointer(rebasing: all[begin..<end])) {
                    case .success(let event): checksum &+= event.user.utf8.count &+ event.userFeatures.count
                    case .failure: failures += 1
                    }
                    begin = end
                }
            }
            best = Swift.min(best, Self.seconds(clock.now - start))
            bestCPU = Swift.min(bestCPU, Self.processCPUSeconds() - startCPU)
        }
        guard failures == 0 else { throw GenerateError(message: "\(failures) generated events failed to decode") }
        let mean = ends.isEmpty ? 0 : Double(lines.count) / Double(ends.count)
        Self.printError(
            "decoded \(ends.count) events (mean \(Self.format(mean, digits: 0)) bytes) best of \(passes) passes: "
                + "\(Self.format(best)) s, \(Self.rate(ends.count, best)) events/s, "
                + "\(Self.format(Double(lines.count) / Swift.max(best, 1e-9) / 1e6, digits: 1)) MB/s; "
                + "CPU time \(Self.format(bestCPU)) s, \(Self.rate(ends.count, bestCPU)) events per CPU-second "
                + "(checksum \(checksum))"
        )
    }

    // MARK: - Output helpers

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw GenerateError(message: "write failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// CPU time of this process: on a shared machine it says more about the code than wall time does.
    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        format(Double(count) / Swift.max(seconds, 1e-9), digits: 0)
    }

    static func format(_ value: Double, digits: Int = 3) -> String {
        String(format: "%.\(digits)f", value)
    }
}

/// A failure while generating: printed by ArgumentParser as `Error: <message>`.
struct GenerateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
