import ArgumentParser
import Foundation
import Logging
import StateStore

/// `warmstart digest`: one SHA-256 over a daemon's learned state, to compare two runs.
public struct DigestCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print one SHA-256 over the learned state in a warmstartd state directory.",
        discussion: """
            The digest covers the shared model (meta-parameters and shared parameters), every user's adapted \
            weights and task state, and each partition's next offset, in a canonical order; two state directories \
            hold the same learned state at the same offsets exactly when their digests are equal. The store is \
            opened read-only and verified (checksums); a damaged store is an error. Stop warmstartd first, or the \
            digest is of whatever checkpoint was last written.
            """
    )

    @Option(help: "The state directory (warmstartd's state.directory).")
    var state: String

    public init() {}

    public func run() throws {
        var configuration = StateStore.Configuration()
        configuration.accessMode = .readOnly
        var logger = Logger(label: "warmstart.digest")
        logger.logLevel = .warning
        do {
            let store = try StateStore(directory: state, configuration: configuration, logger: logger)
            print(try store.contentDigest())
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
