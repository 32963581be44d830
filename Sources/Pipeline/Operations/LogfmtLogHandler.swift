import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler that writes one logfmt line per message:
///
/// ```
/// ts=2026-11-29T03:10:00.123Z level=info logger=warmstartd msg="joined group" group=warmstartd partitions=6
/// ```
///
/// Under systemd, with stderr connected to the journal, each line instead starts with its syslog priority
/// (`<6>level=info …`, see `sd-daemon(3)`) and drops `ts=` (journald stamps every line), so `journalctl -p warning`
/// filters by level. Keys are sorted; values with spaces, `=`, quotes or control characters are quoted and
/// escaped, so every message stays on one line.
public struct LogfmtLogHandler: LogHandler {
    /// Where lines go.
    public struct Output: Sendable {
        fileprivate let write: @Sendable (String) -> Void

        /// A custom sink, e.g. an in-memory buffer in tests. Receives whole lines, with the trailing newline.
        public init(_ write: @escaping @Sendable (String) -> Void) {
            self.write = write
        }

        /// Standard error, one `write(2)` per line.
        public static let standardError = Output { line in writeAll(line, to: 2) }
        /// Standard output, one `write(2)` per line.
        public static let standardOutput = Output { line in writeAll(line, to: 1) }
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let priorityPrefix: Bool
    private let timestamps: Bool
    private let output: Output

    /// - Parameters:
    ///   - label: The logger's label, written as `logger=`.
    ///   - logLevel: The lowest level written.
    ///   - priorityPrefix: Start each line with `<N>`, the syslog priority of its level.
    ///   - timestamps: Write `ts=` (UTC, milliseconds). Off for journald, which stamps lines itself.
    ///   - metadataProvider: Adds metadata to every line (e.g. task-local context).
    ///   - output: Where lines go.
    public init(
        label: String,
        logLevel: Logger.Level = .info,
        priorityPrefix: Bool = false,
        timestamps: Bool = true,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: Output = .standardError
    ) {
        self.label = label
        self.logLevel = logLevel
        self.priorityPrefix = priorityPrefix
        self.timestamps = timestamps
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        var line = ""
        if priorityPrefix {
            line += "<\(Self.syslogPriority(event.level))>"
        }
        if timestamps {
            line += "ts=\(utcTimestamp()) "
        }
        line +=
            "level=\(event.level.rawValue) logger=\(logfmtValue(label)) msg=\(logfmtValue(event.message.description))"
        var fields: [(String, String)] = []
        for (key, value) in merged {
            flatten(key: key, value: value, into: &fields)
        }
        for (key, value) in fields.sorted(by: { $0.0 < $1.0 }) {
            line += " \(logfmtKey(key))=\(logfmtValue(value))"
        }
        if event.level >= .error {
            line += " source=\(logfmtValue("\(event.file):\(event.line)"))"
        }
        line += "\n"
        output.write(line)
    }

    /// The syslog priority journald reads from a `<N>` prefix.
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    // MARK: - Set-up

    /// Whether `descriptor` is the stream systemd connected to the journal: `$JOURNAL_STREAM` is `device:inode`
    /// of that stream, and a redirected stderr no longer matches it.
    public static func isJournalStream(_ descriptor: Int32 = 2, environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// Installs this handler for every `Logger` of the process, as the logging settings say. Call once, first.
    ///
    /// - Parameters:
    ///   - configuration: `logging.*`.
    ///   - environment: The process environment, for `$JOURNAL_STREAM`.
    public static func bootstrap(_ configuration: DaemonConfiguration.Logging, environment: [String: String]) {
        let journal: Bool =
            switch configuration.priorityPrefix {
            case .always: true
            case .never: false
            case .auto: isJournalStream(2, environment: environment)
            }
        let level = configuration.level
        LoggingSystem.bootstrap { label in
            LogfmtLogHandler(label: label, logLevel: level, priorityPrefix: journal, timestamps: !journal)
        }
    }
}

// MARK: - Formatting

private func flatten(key: String, value: Logger.Metadata.Value, into fields: inout [(String, String)]) {
    switch value {
    case .string(let text): fields.append((key, text))
    case .stringConvertible(let convertible): fields.append((key, convertible.description))
    case .array(let values): fields.append((key, "[" + values.map(render).joined(separator: ",") + "]"))
    case .dictionary(let dictionary):
        for (subkey, subvalue) in dictionary {
            flatten(key: "\(key).\(subkey)", value: subvalue, into: &fields)
        }
    }
}

private func render(_ value: Logger.Metadata.Value) -> String {
    switch value {
    case .string(let text): text
    case .stringConvertible(let convertible): convertible.description
    case .array(let values): "[" + values.map(render).joined(separator: ",") + "]"
    case .dictionary(let dictionary):
        "{" + dictionary.sorted { $0.key < $1.key }.map { "\($0.key)=\(render($0.value))" }.joined(separator: ",") + "}"
    }
}

/// A key with nothing that would break the `key=value` syntax.
func logfmtKey(_ key: String) -> String {
    guard !key.isEmpty else { return "_" }
    return String(
        String.UnicodeScalarView(
            key.unicodeScalars.map { $0.value <= 0x20 || $0 == "=" || $0 == "\"" || $0.value == 0x7F ? "_" : $0 }
        )
    )
}

/// A value, bare when it can be, else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\u{…}` escapes.
func logfmtValue(_ value: String) -> String {
    let needsQuotes =
        value.isEmpty
        || value.unicodeScalars.contains {
            $0.value <= 0x20 || $0.value == 0x7F || $0 == "=" || $0 == "\"" || $0 == "\\"
                || $0.properties.generalCategory == .control || $0.properties.generalCategory == .lineSeparator
                || $0.properties.generalCategory == .paragraphSeparator
        }
    guard needsQuotes else { return value }
    var quoted = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\r": quoted += "\\r"
        case "\t": quoted += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator
            {
                quoted += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                quoted.unicodeScalars.append(scalar)
            }
        }
    }
    return quoted + "\""
}

/// Now, as `2026-11-29T03:10:00.123Z`.
private func utcTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
        + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
        + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
}

/// Writes all of `text`, retrying after a partial write or `EINTR`. Errors are dropped: logging must not fail the
/// daemon.
private func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    var offset = 0
    bytes.withUnsafeMutableBytes { buffer in
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
