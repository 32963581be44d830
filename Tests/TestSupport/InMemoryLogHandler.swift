import Logging
import Synchronization

/// Keeps every log record in memory, for tests that assert on what was logged. The one in-memory log handler of
/// the test targets: `Logger(label: "test") { _ in InMemoryLogHandler(store: store) }`.
public struct InMemoryLogHandler: LogHandler {
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    /// Where the records go; shared by every handler (and logger) made with it.
    public final class Store: Sendable {
        private let records = Mutex<[Record]>([])

        public init() {}

        public func append(_ record: Record) { records.withLock { $0.append(record) } }

        /// Every record so far, oldest first.
        public var all: [Record] { records.withLock { $0 } }

        /// The records as `level: message` lines.
        public var text: String { all.map { "\($0.level): \($0.message)" }.joined(separator: "\n") }

        /// A logger that records into this store.
        public var logger: Logger { Logger(label: "test") { _ in InMemoryLogHandler(store: self) } }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: Store) { self.store = store }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        store.append(Record(level: event.level, message: event.message.description, metadata: merged))
    }
}
