/// A `host:port` network address as written in the configuration: `127.0.0.1:9092`, `broker-1.example:9092`,
/// `[::1]:8080`.
///
/// The host is kept as text (a name is resolved by whoever connects or binds); only its shape is checked.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address, without brackets for IPv6.
    public var host: String
    /// The TCP port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`.
    ///
    /// - Parameters:
    ///   - text: The address.
    ///   - allowPortZero: Accept port 0 (bind to any free port), for listening addresses.
    /// - Returns: `nil` when `text` is not of that shape or the port is out of range; see
    ///   ``problem(parsing:allowPortZero:)``.
    public init?(_ text: String, allowPortZero: Bool = false) {
        guard case .success(let value) = Self.parse(text, allowPortZero: allowPortZero) else { return nil }
        self = value
    }

    /// What is wrong with `text` as a `host:port` address, or `nil` when it parses.
    public static func problem(parsing text: String, allowPortZero: Bool = false) -> String? {
        if case .failure(let problem) = parse(text, allowPortZero: allowPortZero) { return problem.text }
        return nil
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    // MARK: - Parsing

    private struct Problem: Error {
        var text: String
    }

    private static func parse(_ text: String, allowPortZero: Bool) -> Result<HostPort, Problem> {
        let example = "expected host:port (e.g. 127.0.0.1:9092 or [::1]:9092), got \"\(text)\""
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(Problem(text: example)) }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(Problem(text: example)) }
            portText = rest.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.contains(":")
            else {
                return .failure(Problem(text: "\(example): \"\(host)\" is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(Problem(text: example)) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.isEmpty else { return .failure(Problem(text: "\(example): the host is empty")) }
            guard !host.contains(":") else {
                return .failure(Problem(text: "\(example): write an IPv6 host in brackets"))
            }
            let allowed = host.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "." || $0 == "-" || $0 == "_"
            }
            guard allowed, host.count <= 253 else {
                return .failure(Problem(text: "\(example): \"\(host)\" is not a host name or IP address"))
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText) else {
            return .failure(Problem(text: "\(example): the port is not a number"))
        }
        let lowest = allowPortZero ? 0 : 1
        guard (lowest...65535).contains(port) else {
            return .failure(Problem(text: "\(example): the port must be between \(lowest) and 65535"))
        }
        return .success(HostPort(host: String(host), port: port))
    }
}
