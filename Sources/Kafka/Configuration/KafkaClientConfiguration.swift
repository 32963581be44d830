/// Settings every client shares; also the configuration of a ``KafkaAdminClient``.
public struct KafkaClientConfiguration: Sendable {
    /// `bootstrap.servers`: `host:port` of one or more brokers.
    public var bootstrapServers: [String]
    /// `client.id`: shows up in broker logs and metrics.
    public var clientID: String
    /// `statistics.interval.ms`: how often librdkafka emits its statistics JSON (logged at `trace` and handed to
    /// ``statisticsHandler``). `nil` turns statistics off.
    public var statisticsInterval: Duration?
    /// Receives librdkafka's statistics JSON, on a client thread. Keep it short.
    public var statisticsHandler: (@Sendable (String) -> Void)?
    /// Any other librdkafka property (TLS, SASL, tuning, `debug`, …), applied after and over every typed setting.
    /// Each is validated by librdkafka when the client is created.
    public var additionalProperties: [String: String]

    public init(
        bootstrapServers: [String],
        clientID: String = "warmstart",
        statisticsInterval: Duration? = nil,
        statisticsHandler: (@Sendable (String) -> Void)? = nil,
        additionalProperties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.statisticsInterval = statisticsInterval
        self.statisticsHandler = statisticsHandler
        self.additionalProperties = additionalProperties
    }

    /// The properties in the order they are applied; later entries win.
    func rdKafkaProperties() -> [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", clientID),
        ]
        if let statisticsInterval {
            properties.append(("statistics.interval.ms", String(statisticsInterval.wholeMilliseconds)))
        }
        return properties
    }
}

/// `auto.offset.reset`: where to start when there is no committed offset or it is out of range.
public enum KafkaAutoOffsetReset: String, Sendable {
    case earliest
    case latest
    /// Report ``KafkaError/Code/autoOffsetReset`` instead of jumping.
    case error
}

extension [(String, String)] {
    /// Appends the escape-hatch dictionary, sorted so that errors are reported deterministically.
    mutating func append(additional: [String: String]) {
        for key in additional.keys.sorted() {
            append((key, additional[key]!))
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds (rounded down, at least 0), the unit of most librdkafka properties.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return Swift.max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Milliseconds clamped to `Int32`, for librdkafka timeouts (`int timeout_ms`).
    var timeoutMilliseconds: Int32 {
        Int32(clamping: wholeMilliseconds)
    }
}
