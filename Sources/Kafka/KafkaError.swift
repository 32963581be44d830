/// The one error type of the `Kafka` module.
///
/// Every failure carries the librdkafka error code (numeric value and symbolic name, see
/// ``KafkaError/Code``), librdkafka's own message, a classification (``KafkaError/isFatal``,
/// ``KafkaError/isRetriable``) and where in this module it was raised.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as librdkafka (or this module) names it.
    public var code: Code
    /// librdkafka's message, e.g. `No such configuration property: "bogus.key"`.
    public var message: String
    /// The client instance can no longer be used (librdkafka raised a fatal error).
    public var isFatal: Bool
    /// Retrying the same operation may succeed.
    public var isRetriable: Bool
    /// The file of this module that raised the error.
    public var file: String
    /// The line of ``file`` that raised the error.
    public var line: UInt

    public init(
        code: Code,
        message: String,
        isFatal: Bool? = nil,
        isRetriable: Bool? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.isFatal = isFatal ?? code.isFatalByDefault
        self.isRetriable = isRetriable ?? code.isRetriableByDefault
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "KafkaError(\(code.name) [\(code.rawValue)]"
        if isFatal { text += ", fatal" } else if isRetriable { text += ", retriable" }
        text += "): \(message) (\(file):\(line))"
        return text
    }
}

// MARK: - Code

extension KafkaError {
    /// An extensible error code.
    ///
    /// For errors from librdkafka ``rawValue`` is the `rd_kafka_resp_err_t` value (negative: local to the
    /// client, positive: returned by a broker) and ``name`` is `rd_kafka_err2name`. Errors raised by this
    /// module itself (configuration, life cycle) use codes outside librdkafka's range.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case rdKafka(Int32)
            case unknownConfigurationProperty
            case invalidConfigurationValue
            case shutDown
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// A code for any `rd_kafka_resp_err_t` value.
        public static func rdKafka(_ rawValue: Int32) -> Code { Code(.rdKafka(rawValue)) }

        /// The `rd_kafka_resp_err_t` value, or a value below -1000 for codes of this module.
        public var rawValue: Int32 {
            switch backing {
            case .rdKafka(let value): value
            case .unknownConfigurationProperty: -1002  // RD_KAFKA_CONF_UNKNOWN is -2
            case .invalidConfigurationValue: -1001  // RD_KAFKA_CONF_INVALID is -1
            case .shutDown: -1100
            }
        }

        /// The code is a librdkafka `rd_kafka_resp_err_t`.
        public var isRdKafkaCode: Bool {
            if case .rdKafka = backing { return true }
            return false
        }

        /// Symbolic name: `rd_kafka_err2name` for librdkafka codes (e.g. `_QUEUE_FULL`, `NOT_COORDINATOR`).
        public var name: String {
            switch backing {
            case .rdKafka(let value): RDKafkaErrorNames.name(of: value)
            case .unknownConfigurationProperty: "UNKNOWN_CONFIGURATION_PROPERTY"
            case .invalidConfigurationValue: "INVALID_CONFIGURATION_VALUE"
            case .shutDown: "SHUT_DOWN"
            }
        }

        public var description: String { "\(name) (\(rawValue))" }

        // MARK: Module codes

        /// `rd_kafka_conf_set` does not know the property (`RD_KAFKA_CONF_UNKNOWN`).
        public static let unknownConfigurationProperty = Code(.unknownConfigurationProperty)
        /// `rd_kafka_conf_set` rejected the value (`RD_KAFKA_CONF_INVALID`).
        public static let invalidConfigurationValue = Code(.invalidConfigurationValue)
        /// The client was closed or shut down.
        public static let shutDown = Code(.shutDown)

        // MARK: librdkafka local codes

        public static let badMessage = rdKafka(-199)
        public static let destroy = rdKafka(-197)
        public static let fail = rdKafka(-196)
        public static let transport = rdKafka(-195)
        public static let resolve = rdKafka(-193)
        public static let messageTimedOut = rdKafka(-192)
        public static let partitionEOF = rdKafka(-191)
        public static let unknownPartition = rdKafka(-190)
        public static let unknownTopic = rdKafka(-188)
        public static let allBrokersDown = rdKafka(-187)
        public static let invalidArgument = rdKafka(-186)
        public static let timedOut = rdKafka(-185)
        public static let queueFull = rdKafka(-184)
        public static let waitCoordinator = rdKafka(-180)
        public static let inProgress = rdKafka(-178)
        public static let state = rdKafka(-172)
        public static let notImplemented = rdKafka(-170)
        public static let noOffset = rdKafka(-168)
        public static let outdated = rdKafka(-167)
        public static let fatal = rdKafka(-150)
        public static let maxPollExceeded = rdKafka(-147)
        public static let fenced = rdKafka(-144)
        public static let assignmentLost = rdKafka(-142)
        public static let autoOffsetReset = rdKafka(-140)

        // MARK: Broker codes

        public static let unknown = rdKafka(-1)
        public static let offsetOutOfRange = rdKafka(1)
        public static let unknownTopicOrPartition = rdKafka(3)
        public static let leaderNotAvailable = rdKafka(5)
        public static let notLeaderForPartition = rdKafka(6)
        public static let requestTimedOut = rdKafka(7)
        public static let brokerNotAvailable = rdKafka(8)
        public static let messageSizeTooLarge = rdKafka(10)
        public static let networkException = rdKafka(13)
        public static let coordinatorLoadInProgress = rdKafka(14)
        public static let coordinatorNotAvailable = rdKafka(15)
        public static let notCoordinator = rdKafka(16)
        public static let notEnoughReplicas = rdKafka(19)
        public static let illegalGeneration = rdKafka(22)
        public static let unknownMemberID = rdKafka(25)
        public static let rebalanceInProgress = rdKafka(27)
        public static let topicAlreadyExists = rdKafka(36)
        public static let invalidPartitions = rdKafka(37)
        public static let invalidConfig = rdKafka(40)
        public static let outOfOrderSequenceNumber = rdKafka(45)
        public static let unsupportedVersion = rdKafka(35)

        /// Classification when librdkafka hands out a bare code without an `rd_kafka_error_t`.
        var isFatalByDefault: Bool {
            self == .fatal || self == .fenced || self == .outOfOrderSequenceNumber
        }

        /// Classification when librdkafka hands out a bare code without an `rd_kafka_error_t`.
        var isRetriableByDefault: Bool {
            switch self {
            case .transport, .resolve, .messageTimedOut, .allBrokersDown, .timedOut, .queueFull,
                .waitCoordinator, .inProgress, .leaderNotAvailable, .notLeaderForPartition, .requestTimedOut,
                .brokerNotAvailable, .networkException, .coordinatorLoadInProgress, .coordinatorNotAvailable,
                .notCoordinator, .notEnoughReplicas, .rebalanceInProgress, .unknownTopicOrPartition:
                true
            default:
                false
            }
        }
    }
}
