#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells the service manager about the daemon's state: the `sd_notify` protocol, implemented over
/// `$NOTIFY_SOCKET` without libsystemd.
///
/// The protocol is one unix datagram per notification, newline-separated `NAME=value` assignments, sent to the
/// socket named by `$NOTIFY_SOCKET`: a file-system path, or an abstract-namespace name written with a leading
/// `@`. Without `$NOTIFY_SOCKET` (not started by systemd, or `Type=` is not `notify`) every call does nothing.
///
/// Sending never blocks: the socket is non-blocking, so a full receive queue drops the datagram instead of
/// stalling the caller, which makes ``notify(_:)`` safe to call from the cooperative thread pool.
public struct SystemdNotifier: Sendable {
    /// One state assignment.
    public enum State: Sendable, Hashable {
        /// `READY=1`: start-up finished (for warmstartd: joined the group and ready to process).
        case ready
        /// `STOPPING=1`: graceful shutdown began.
        case stopping
        /// `RELOADING=1`.
        case reloading
        /// `WATCHDOG=1`: the service is alive; see ``watchdogInterval``.
        case watchdog
        /// `STATUS=…`: a one-line status shown by `systemctl status`. Newlines become spaces.
        case status(String)
        /// `EXTEND_TIMEOUT_USEC=…`: the current start-up or shutdown needs this much more time.
        case extendTimeout(Duration)

        var assignment: String {
            switch self {
            case .ready: "READY=1"
            case .stopping: "STOPPING=1"
            case .reloading: "RELOADING=1"
            case .watchdog: "WATCHDOG=1"
            case .status(let text):
                "STATUS=" + String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
            case .extendTimeout(let duration): "EXTEND_TIMEOUT_USEC=\(microseconds(duration))"
            }
        }
    }

    /// The socket address from `$NOTIFY_SOCKET`, or `nil` when notifications are off.
    public let socketPath: String?
    /// How often systemd expects ``State/watchdog``: `$WATCHDOG_USEC`, when `$WATCHDOG_PID` is unset or names
    /// this process. `nil` when the watchdog is off.
    public let watchdogInterval: Duration?

    /// Reads `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID` from `environment`.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - processID: This process's id, compared with `$WATCHDOG_PID`.
    public init(environment: [String: String], processID: Int32 = getpid()) {
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty {
            self.socketPath = path
        } else {
            self.socketPath = nil
        }
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 {
            let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == processID } ?? true
            if pidMatches {
                interval = .microseconds(Int64(clamping: microseconds))
            }
        }
        self.watchdogInterval = interval
    }

    /// Whether a service manager listens.
    public var isEnabled: Bool { socketPath != nil }

    /// Sends the states in one datagram; does nothing when ``isEnabled`` is false.
    ///
    /// - Throws: ``PipelineError`` with ``PipelineError/Code-swift.struct/systemdNotify`` when the socket cannot
    ///   be created or the datagram is not accepted (including a full queue, `EAGAIN`).
    public func notify(_ states: State...) throws {
        try notify(states)
    }

    /// Sends the states in one datagram; does nothing when ``isEnabled`` is false.
    ///
    /// - Throws: ``PipelineError`` with ``PipelineError/Code-swift.struct/systemdNotify`` on failure.
    public func notify(_ states: [State]) throws {
        guard let socketPath, !states.isEmpty else { return }
        let message = states.map(\.assignment).joined(separator: "\n")
        try Self.send(message, to: socketPath)
    }

    // MARK: - Socket

    private static func send(_ message: String, to path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(path.utf8)
        let isAbstract = pathBytes.first == UInt8(ascii: "@")
        if isAbstract {
            // Abstract namespace: a leading NUL, and the name is exactly the remaining bytes (no terminator).
            pathBytes[0] = 0
        }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity || (isAbstract && pathBytes.count <= capacity) else {
            throw PipelineError(code: .systemdNotify, message: "NOTIFY_SOCKET path is too long: \(path)")
        }
        guard isAbstract || path.hasPrefix("/") else {
            throw PipelineError(
                code: .systemdNotify,
                message: "NOTIFY_SOCKET is neither absolute nor abstract: \(path)"
            )
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        // A path is NUL-terminated (the structure is zero-filled); an abstract name is counted exactly.
        let length = socklen_t(pathOffset + pathBytes.count + (isAbstract ? 0 : 1))

        #if canImport(Darwin)
            let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #else
            let descriptor = socket(
                AF_UNIX,
                Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                0
            )
        #endif
        guard descriptor >= 0 else {
            throw PipelineError(code: .systemdNotify, message: "socket(AF_UNIX, SOCK_DGRAM): \(errnoDescription())")
        }
        defer { close(descriptor) }

        let bytes = Array(message.utf8)
        #if canImport(Darwin)
            let flags: Int32 = MSG_DONTWAIT
        #else
            let flags = Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)
        #endif
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(descriptor, buffer.baseAddress, buffer.count, flags, socketAddress, length)
                }
            }
        }
        guard sent == bytes.count else {
            throw PipelineError(
                code: .systemdNotify,
                message: "sending \"\(message)\" to \(path): \(sent < 0 ? errnoDescription() : "short write")"
            )
        }
    }
}

private func errnoDescription() -> String {
    let code = errno
    return "\(String(cString: strerror(code))) (errno \(code))"
}

private func microseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0 else { return 0 }
    return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
}
