/// The one error type of the `Pipeline` module.
///
/// A configuration that does not validate throws with ``Code-swift.struct/invalidConfiguration`` and lists every
/// problem in ``configurationIssues``, each naming its key, so an operator fixes them all in one round.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The problems found in the configuration, for ``Code-swift.struct/invalidConfiguration``; empty otherwise.
    public var configurationIssues: [ConfigurationIssue]
    /// The file of this module that raised the error.
    public var file: String
    /// The line of ``file`` that raised the error.
    public var line: UInt

    public init(
        code: Code,
        message: String,
        configurationIssues: [ConfigurationIssue] = [],
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.configurationIssues = configurationIssues
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "PipelineError(\(code)): \(message)"
        for issue in configurationIssues {
            text += "\n  \(issue)"
        }
        return text
    }
}

// MARK: - Code

extension PipelineError {
    /// An extensible error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalidConfiguration
            case configurationFileUnreadable
            case systemdNotify
            case stateUnusable
            case stateLost
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// The configuration does not validate; see ``PipelineError/configurationIssues``.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The configuration file is missing, unreadable or not YAML.
        public static let configurationFileUnreadable = Code(.configurationFileUnreadable)
        /// A message could not be sent to the service manager over `$NOTIFY_SOCKET`.
        public static let systemdNotify = Code(.systemdNotify)
        /// The state directory cannot be used: corrupt, unreadable, or written for other learning settings.
        public static let stateUnusable = Code(.stateUnusable)
        /// The state store is behind what the consumer group committed: learned state was lost (see
        /// `state.accept_loss`).
        public static let stateLost = Code(.stateLost)

        public var description: String {
            switch backing {
            case .invalidConfiguration: "invalidConfiguration"
            case .configurationFileUnreadable: "configurationFileUnreadable"
            case .systemdNotify: "systemdNotify"
            case .stateUnusable: "stateUnusable"
            case .stateLost: "stateLost"
            }
        }
    }
}
