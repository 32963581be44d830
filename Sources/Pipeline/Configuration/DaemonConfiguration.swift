import Clickstream
import Learning
import Logging

/// Everything `warmstartd` reads from its configuration, validated, with the defaults of `config/warmstartd.yaml`.
///
/// Load it with ``load(configurationFile:environment:overrides:)``: YAML file, then `WARMSTART_…` environment
/// variables, then `--set key=value` overrides, each layer over the previous one. Every setting has a dotted key
/// (``Key``) that is the same in all three layers. Model and adaptation settings are the learning core's: they are
/// collected, unparsed, in ``learning`` for `LearningConfiguration.apply(overrides:)`.
public struct DaemonConfiguration: Sendable, Hashable {
    /// The Kafka cluster and the consumer group.
    public var kafka: Kafka
    /// The topics read and written.
    public var topics: Topics
    /// How input events are decoded and weighted.
    public var input: Input
    /// What is published per user.
    public var scoring: Scoring
    /// Output flow control.
    public var publish: Publish
    /// When the shared initialization is meta-updated.
    public var metaUpdate: MetaUpdate
    /// Local state on disk.
    public var state: State
    /// The operations HTTP endpoint (`/metrics`, `/healthz`, `/readyz`).
    public var http: HTTP
    /// Graceful shutdown.
    public var shutdown: Shutdown
    /// Log output.
    public var logging: Logging
    /// Erasure, the secret key and differential privacy of the meta-update.
    public var privacy: Privacy
    /// `learning.<key>` overrides for the learning core's `LearningConfiguration`, keyed without the `learning.`
    /// prefix (`ranking.factors` → `"48"`), values unparsed.
    public var learning: [String: String]

    /// The defaults, with ``State/directory`` taken from `$STATE_DIRECTORY` when systemd sets it.
    public init(environment: [String: String] = [:]) {
        self.kafka = Kafka()
        self.topics = Topics()
        self.input = Input()
        self.scoring = Scoring()
        self.publish = Publish()
        self.metaUpdate = MetaUpdate()
        self.state = State(environment: environment)
        self.http = HTTP()
        self.shutdown = Shutdown()
        self.logging = Logging()
        self.privacy = Privacy()
        self.learning = [:]
    }
}

// MARK: - Learning core

extension DaemonConfiguration {
    /// ``learning`` as the ordered pairs `LearningConfiguration.apply(overrides:)` takes, sorted by key so that
    /// its errors come out in a stable order.
    public var learningOverrides: [(key: String, value: String)] {
        learning.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }
}

// MARK: - Sections

extension DaemonConfiguration {
    /// `kafka.*`.
    public struct Kafka: Sendable, Hashable {
        /// `kafka.bootstrap_servers`: the brokers to contact first.
        public var bootstrapServers: [HostPort] = [HostPort(host: "127.0.0.1", port: 9092)]
        /// `kafka.group_id`: the consumer group that shares the events topic's partitions.
        public var groupID: String = "warmstartd"
        /// `kafka.properties.<name>`: any librdkafka property (TLS, SASL, tuning), passed through unchanged to the
        /// clients it applies to (``KafkaPropertyScope``): consumer properties to the consumer, producer properties
        /// to the producer, the others to every client. librdkafka validates names and values when the client is
        /// created.
        public var properties: [String: String] = [:]
        /// `kafka.consumer_properties.<name>`: librdkafka properties for the consumer only, over ``properties``.
        public var consumerProperties: [String: String] = [:]
        /// `kafka.producer_properties.<name>`: librdkafka properties for the producer only, over ``properties``.
        public var producerProperties: [String: String] = [:]

        public init() {}

        /// ``bootstrapServers`` in librdkafka's `bootstrap.servers` form.
        public var bootstrapServersList: [String] { bootstrapServers.map(\.description) }

        /// What the events consumer is given: ``properties`` except producer-only ones, then
        /// ``consumerProperties``.
        public var consumerClientProperties: [String: String] {
            properties.filter { KafkaPropertyScope(property: $0.key) != .producer }
                .merging(consumerProperties) { _, specific in specific }
        }

        /// What the producer of scores, dead letters and the model is given: ``properties`` except consumer-only
        /// ones, then ``producerProperties``.
        public var producerClientProperties: [String: String] {
            properties.filter { KafkaPropertyScope(property: $0.key) != .consumer }
                .merging(producerProperties) { _, specific in specific }
        }

        /// What the admin client that reads the events topic's watermarks (for `warmstart_consumer_lag`) is given:
        /// the properties of the consumer that apply to every client (it is a producer-type handle in librdkafka,
        /// and reads the same topic as the consumer, so it connects the way the consumer does).
        public var adminClientProperties: [String: String] {
            consumerClientProperties.filter { KafkaPropertyScope(property: $0.key) == .both }
        }
    }

    /// `topics.*`.
    public struct Topics: Sendable, Hashable {
        /// `topics.events`: interaction events, keyed by user id.
        public var events: String = "warmstart.events"
        /// `topics.scores`: per-user top-K scores, keyed by user id.
        public var scores: String = "warmstart.scores"
        /// `topics.dead_letter`: messages that could not be processed, with the reason in headers.
        public var deadLetter: String = "warmstart.dead-letter"
        /// `topics.model`: the shared initialization after each meta-update (meant to be compacted).
        public var model: String = "warmstart.model"
        /// `topics.erasure`: erasure requests (right to erasure), keyed by user id, with any value; empty (the
        /// default) reads none. It must have as many partitions as the events topic: the request for a user then
        /// lands in the partition number of the user's events, and the consumer group's range assignment hands both
        /// to the same instance (see ``Privacy``).
        public var erasure: String = ""

        public init() {}
    }

    /// `input.*`.
    public struct Input: Sendable, Hashable {
        /// `input.fields.*`: the JSON member names of an event.
        public var fields: EventSchema.FieldNames = .init()
        /// `input.max_*`: bounds on one message.
        public var limits: EventSchema.Limits = .init()
        /// `input.kinds.<kind>.*`: the accepted kinds and how each is learned; any other kind is dead-lettered.
        public var kinds: [String: KindMapping] = KindMapping.defaults

        public init() {}

        /// The decoder schema these settings describe.
        public var eventSchema: EventSchema {
            EventSchema(fields: fields, limits: limits, allowedKinds: Set(kinds.keys))
        }
    }

    /// How one interaction kind is learned.
    public struct KindMapping: Sendable, Hashable {
        /// Where an event's label comes from.
        public enum Label: Sendable, Hashable, CustomStringConvertible {
            /// A fixed label, e.g. 1 for an implicit positive such as a click.
            case constant(Double)
            /// The event's `value` (ratings); an event of this kind without a value is dead-lettered.
            case eventValue

            public var description: String {
                switch self {
                case .constant(let value): formatNumber(value)
                case .eventValue: "value"
                }
            }
        }

        /// `input.kinds.<kind>.weight`: how much one such event counts in learning, ≥ 0.
        public var weight: Double
        /// `input.kinds.<kind>.label`: a number, or `value` for the event's own value.
        public var label: Label

        public init(weight: Double, label: Label) {
            self.weight = weight
            self.label = label
        }

        /// The learning core's kinds and weights (``LearningConfiguration/defaultKindWeights``: view, click, cart,
        /// favorite, purchase as implicit positives of increasing weight), and `rating` with its value as the label.
        public static let defaults: [String: KindMapping] = LearningConfiguration.defaultKindWeights.reduce(into: [:]) {
            $0[$1.key] = KindMapping(weight: $1.value, label: $1.key == "rating" ? .eventValue : .constant(1))
        }
    }

    /// `scoring.*`.
    public struct Scoring: Sendable, Hashable {
        /// `scoring.top_k`: items per score message.
        public var topK: Int = 10
        /// `scoring.coalesce_ms`: at most one refresh per user per window; the last event always leads to one.
        public var coalesceWindow: Duration = .milliseconds(200)
        /// `scoring.exclude_seen`: leave out items the user already interacted with.
        public var excludeSeen: Bool = true

        public init() {}
    }

    /// `publish.*`.
    public struct Publish: Sendable, Hashable {
        /// `publish.max_in_flight`: unacknowledged output messages at most; consumption pauses at this bound.
        public var maxInFlight: Int = 10_000

        public init() {}
    }

    /// `metaupdate.*`. A trigger set to 0 in the file is `nil` here; both `nil` freezes the shared initialization.
    public struct MetaUpdate: Sendable, Hashable {
        /// `metaupdate.every_events`: meta-update after this many events across all partitions.
        public var everyEvents: Int? = 100
        /// `metaupdate.every_ms`: meta-update at least this often while events arrive.
        public var interval: Duration? = .seconds(5)

        public init() {}
    }

    /// `state.*`.
    public struct State: Sendable, Hashable {
        /// `state.directory`: where the daemon keeps local state. Defaults to `$STATE_DIRECTORY` under systemd
        /// (`StateDirectory=warmstart`), else `/var/lib/warmstart`.
        public var directory: String
        /// `state.checkpoint_events`: a checkpoint after this many learned events (`nil`: no event trigger).
        public var checkpointEveryEvents: Int? = 50_000
        /// `state.checkpoint_ms`: a checkpoint after this much time while events arrive (`nil`: no time trigger).
        public var checkpointInterval: Duration? = .seconds(10)
        /// `state.max_users_in_memory`: at most this many users' learned state is held in memory across all
        /// assigned partitions; the least recently active are evicted to the state store and reloaded on their
        /// next event (`nil`: no cap).
        public var maxUsersInMemory: Int? = 1_000_000
        /// `state.accept_loss` (or `warmstartd --accept-state-loss`): start even when a partition's checkpoint is
        /// behind the consumer group's committed offset (learned state was lost), resuming from the checkpoint and
        /// learning the events after it again. Off: such a start is refused, naming the partitions.
        public var acceptLoss = false

        public init(directory: String) {
            self.directory = directory
        }

        public init(environment: [String: String]) {
            self.directory = firstPath(environment["STATE_DIRECTORY"]) ?? "/var/lib/warmstart"
        }
    }

    /// `http.*`.
    public struct HTTP: Sendable, Hashable {
        /// `http.address`: where `/metrics`, `/healthz` and `/readyz` listen; port 0 picks a free port.
        public var address: HostPort = HostPort(host: "127.0.0.1", port: 9464)

        public init() {}
    }

    /// `shutdown.*`.
    public struct Shutdown: Sendable, Hashable {
        /// `shutdown.timeout_ms`: the longest a graceful shutdown may take before the daemon gives up and exits.
        public var timeout: Duration = .seconds(10)

        public init() {}
    }

    /// `logging.*`.
    public struct Logging: Sendable, Hashable {
        /// When log lines carry a `<N>` syslog priority prefix for journald.
        public enum PriorityPrefix: String, Sendable, Hashable, CaseIterable {
            /// When stderr is connected to the journal (`$JOURNAL_STREAM` names it).
            case auto
            case always
            case never
        }

        /// `logging.level`: the lowest level logged.
        public var level: Logger.Level = .info
        /// `logging.priority_prefix`.
        public var priorityPrefix: PriorityPrefix = .auto

        public init() {}
    }
}

// MARK: - Helpers

/// The first entry of a colon-separated list of paths, as systemd sets `$STATE_DIRECTORY` and friends.
func firstPath(_ value: String?) -> String? {
    guard let value, let first = value.split(separator: ":").first, !first.isEmpty else { return nil }
    return String(first)
}

/// A number as a person writes it: `1`, `0.25`, `1e-06`.
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return "\(value)"
}
