import ArgumentParser

/// The `warmstart` command-line tool: offline replay, feeding and tailing topics, the development broker, and
/// the admin commands an operator reaches for (`inspect`, `status`, `top`).
public struct Warmstart: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "warmstart",
        abstract: "Tools for Warmstart: real-time recommendation that learns from the live clickstream.",
        subcommands: [
            DevBrokerCommand.self, ProduceCommand.self, TailCommand.self, GenerateCommand.self, ReplayCommand.self,
            DigestCommand.self, InspectCommand.self, StatusCommand.self, TopCommand.self, ForgetCommand.self,
        ]
    )

    public init() {}
}

/// Lets the thin executable call the asynchronous `main()` without importing ArgumentParser (whose synchronous
/// `main()` would otherwise win overload resolution at the call site).
public protocol AsyncParsableCommandEntry {
    static func main() async
}

extension Warmstart: AsyncParsableCommandEntry {}
