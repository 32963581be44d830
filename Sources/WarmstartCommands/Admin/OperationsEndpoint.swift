import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// warmstartd's operations endpoint (`http.address`), read with a minimal blocking HTTP/1.1 client: one
/// `GET` per connection, `Connection: close`, a plain or chunked body. The admin commands are synchronous and run
/// on the main thread, so blocking socket calls keep them simple without holding up a cooperative thread.
struct OperationsEndpoint: CustomStringConvertible {
    /// A host name or address, without brackets.
    var host: String
    var port: Int
    /// For connecting, and for each read and write.
    var timeout: Duration = .seconds(5)

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `http://HOST:PORT` (a trailing `/` is ignored).
    init(_ address: String) throws(AdminCommandError) {
        var text = Substring(address)
        if text.hasPrefix("http://") { text = text.dropFirst("http://".count) }
        while text.hasSuffix("/") { text = text.dropLast() }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else {
            throw AdminCommandError("--http must be HOST:PORT (e.g. 127.0.0.1:9464), not '\(address)'")
        }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw AdminCommandError("--http must name a host: '\(address)'") }
        self.host = String(host)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    struct Response {
        var status: Int
        var body: String
    }

    /// `GET path`.
    /// - Throws: ``AdminCommandError`` naming the endpoint when it cannot be reached or answers garbage.
    func get(_ path: String) throws(AdminCommandError) -> Response {
        let descriptor = try openConnection()
        defer { close(descriptor) }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(description)\r\nConnection: close\r\nAccept: */*\r\n\r\n"
        try sendAll(Array(request.utf8), on: descriptor)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw AdminCommandError("reading from \(description)\(path): \(String(cString: strerror(errno)))")
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return try Self.parse(bytes, from: "\(description)\(path)")
    }

    // MARK: - Internals

    private func openConnection() throws(AdminCommandError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw AdminCommandError("cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, 0)
            guard descriptor >= 0 else { continue }
            var time = timeval(
                tv_sec: Int(timeout.components.seconds),
                tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return descriptor }
            lastError = String(cString: strerror(errno))
            close(descriptor)
        }
        throw AdminCommandError("cannot connect to warmstartd at \(description): \(lastError)")
    }

    private func sendAll(_ bytes: [UInt8], on descriptor: Int32) throws(AdminCommandError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, 0) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw AdminCommandError("writing to \(description): \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// The status and body of a whole response.
    static func parse(_ bytes: [UInt8], from source: String) throws(AdminCommandError) -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else {
            throw AdminCommandError("\(source) answered no HTTP response")
        }
        let head = text[..<headerEnd.lowerBound].split(separator: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw AdminCommandError("\(source) answered a malformed status line")
        }
        let chunked = head.dropFirst().contains {
            $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked")
        }
        let body = String(text[headerEnd.upperBound...])
        return Response(status: status, body: chunked ? try dechunked(body, from: source) : body)
    }

    private static func dechunked(_ text: String, from source: String) throws(AdminCommandError) -> String {
        var rest = Substring(text).utf8[...]
        var result: [UInt8] = []
        while let lineEnd = rest.firstRange(of: "\r\n".utf8) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                throw AdminCommandError("\(source) answered a malformed chunk size '\(sizeText)'")
            }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) else {
                throw AdminCommandError("\(source) answered a truncated chunk")
            }
            result.append(contentsOf: rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
