import ArgumentParser
import Foundation
import Learning
import Logging
import StateStore

/// `warmstart inspect`: one user's learned state as of the last checkpoint in a state directory.
public struct InspectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show one user's learned state in a warmstartd state directory: events, recent items, top-K.",
        discussion: """
            Reads the state store (state.directory) read-only, so it can be run beside a running daemon: it sees \
            the last durable checkpoint (every state.checkpoint_ms), which a running daemon's newest events may be \
            ahead of. The top-K is computed the way the daemon serves it, from the checkpointed shared model and \
            the user's adapted weights; nothing is written back.
            """
    )

    @Option(help: "The state directory (warmstartd's state.directory).")
    var state: String

    @Option(help: "The user id (the events' user field or Kafka key).")
    var user: String

    @Option(name: .customLong("top"), help: "How many items to recommend (scoring.top_k).")
    var topK = 10

    @Flag(help: "Recommend items the user already interacted with too (scoring.exclude_seen=false).")
    var includeSeen = false

    public init() {}

    public func validate() throws {
        guard (1...10_000).contains(topK) else { throw ValidationError("--top must be in 1...10000") }
    }

    public func run() throws {
        var configuration = StateStore.Configuration()
        configuration.accessMode = .readOnly
        // The user's blob is verified when it is read; the other users need not be read at all.
        configuration.verification = .shared
        var logger = Logger(label: "warmstart.inspect")
        logger.logLevel = .warning
        let store: StateStore
        let model: Recommender
        do {
            store = try StateStore(directory: state, configuration: configuration, logger: logger)
            guard let bytes = try store.loadShared().model else {
                throw AdminCommandError("\(store.path) holds no model yet: the daemon has not checkpointed")
            }
            model = try Recommender(restoring: bytes)
        } catch let error as AdminCommandError {
            throw error
        } catch {
            throw AdminCommandError("cannot read the state in \(state): \(error)")
        }
        let (partition, users) = try load(user, from: store, model: model)
        guard let inspection = model.inspect(user: user, users: users) else {
            throw AdminCommandError("user \(user) could not be restored from \(partition)")
        }
        let offsets = (try? store.offsets()) ?? [:]
        let top = model.topK(user: user, k: topK, excludingSeen: !includeSeen, users: users)
        let report = Self.report(
            user: user, partition: partition, nextOffset: offsets[partition], model: model, inspection: inspection,
            top: top)
        print(report, terminator: "")
    }

    /// The user's table (holding only that user) and the partition the user was found in.
    private func load(
        _ user: String, from store: StateStore, model: Recommender
    ) throws -> (StateStore.Partition, UserTable) {
        do {
            for partition in try store.partitions() {
                guard let bytes = try store.user(partition: partition, id: user) else { continue }
                let users = model.makeUserTable()
                try users.importUser(user, bytes: bytes)
                return (partition, users)
            }
        } catch {
            throw AdminCommandError("cannot read user \(user) from \(store.path): \(error)")
        }
        throw AdminCommandError(
            "user \(user) is not in \(store.path) (no events of theirs were checkpointed yet, or the id is wrong)")
    }

    static func report(
        user: String, partition: StateStore.Partition, nextOffset: Int64?, model: Recommender,
        inspection: UserInspection, top: [(item: String, score: Float)]
    ) -> String {
        var text = "user \(user)\n"
        let checkpoint = nextOffset.map { ", checkpointed up to offset \($0)" } ?? ""
        let lines: [(String, String)] = [
            ("partition", "\(partition)\(checkpoint)"),
            ("events", "\(inspection.events) learned, \(inspection.interactedItems) distinct items"),
            ("arm", inspection.heldOut ? "no_meta (held-out control arm)" : "meta (meta-learned initialization)"),
            ("model", "version \(model.metaUpdates), \(model.itemCount) items, \(model.eventsLearned) events learned"),
        ]
        for (key, value) in lines {
            text += "  " + key.padding(toLength: 10, withPad: " ", startingAt: 0) + value + "\n"
        }
        text += "\nrecent items (newest first, the support window of \(inspection.recentItems.count))\n"
        text += "  " + (inspection.recentItems.isEmpty ? "none" : inspection.recentItems.joined(separator: " ")) + "\n"
        text += "\nadapted weights\n"
        text += String(
            format: "  %d floats in [%.4f, %.4f]; user vector norm %.4f, %.4f from the shared initialization\n",
            inspection.weightCount, inspection.weightRange.lowerBound, inspection.weightRange.upperBound,
            inspection.vectorNorm, inspection.distanceFromInitialization)
        if !inspection.blendOffsets.isEmpty {
            let offsets = zip(RankingModelLayout.componentNames, inspection.blendOffsets).map {
                "\($0) " + String(format: "%+.4f", $1)
            }
            text += "  blend offsets: " + offsets.joined(separator: ", ") + "\n"
        }
        text += "\ntop \(top.count)\n"
        text += Formatting.table(
            ["rank", "item", "score"],
            top.enumerated().map { ["\($0.offset + 1)", $0.element.item, String(format: "%.4f", $0.element.score)] })
        return text
    }
}
