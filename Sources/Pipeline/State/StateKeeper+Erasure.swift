import Dispatch
import StateStore

/// Erasure in the store: after the checkpoint being written (the same serial queue), so that no later write
/// brings the user back.
extension StateKeeper {
    /// One user to erase from the store.
    struct Erasure: Sendable {
        var user: String
        var pseudonym: ErasureDenylist.Pseudonym
        var partition: Int32
        /// When the request was handled (ms since the epoch): the denylist entry's time.
        var erasedAt: Int64
        /// The partition's users to publish again after a restore, without the erased one: the stored list
        /// (`refresh/<p>`) is rewritten, so the id does not stay in it.
        var refresh: [String]
    }

    /// Makes `erasure` durable on the checkpoint queue, then calls `completion` there: the denylist entry is
    /// appended and `fsync`ed, the user's row deleted (`secure_delete` overwrites its bytes) in the transaction
    /// that rewrites the refresh list, and the write-ahead log checkpointed with `TRUNCATE` — retried, with a
    /// growing pause, until it succeeds: a reader holding the log (a backup, `sqlite3` in another shell) only
    /// delays the erasure. A failed write is retried the same way (the steps are idempotent); between attempts
    /// the queue runs checkpoints as usual.
    func erase(
        _ erasure: Erasure, denylist: ErasureDenylist, completion: @escaping @Sendable () -> Void
    ) {
        writer.async { [self] in
            attemptErasure(erasure, denylist: denylist, written: false, pause: .milliseconds(20), completion)
        }
    }

    private func attemptErasure(
        _ erasure: Erasure, denylist: ErasureDenylist, written: Bool, pause: Duration,
        _ completion: @escaping @Sendable () -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(writer))
        var written = written
        do {
            if !written {
                try denylist.record(erasure.pseudonym, at: erasure.erasedAt)
                try store.checkpoint(
                    StateStore.Checkpoint(
                        removedUsers: [partition(erasure.partition): [erasure.user]],
                        meta: [Self.refreshKey(erasure.partition): Array(erasure.refresh.joined(separator: "\n").utf8)]
                    ))
                written = true
            }
            if try store.foldLog() {
                completion()
                return
            }
            logger.notice(
                "erasure: the write-ahead log is held by a reader; truncating it again",
                metadata: [PipelineLoggingKeys.pseudonym: "\(erasure.pseudonym)", "retry_in": "\(pause)"])
        } catch {
            logger.error(
                "erasure: cannot write the state store; retrying",
                metadata: [
                    PipelineLoggingKeys.pseudonym: "\(erasure.pseudonym)", "error": "\(error)", "retry_in": "\(pause)",
                ])
        }
        let (seconds, attoseconds) = pause.components
        let delay = DispatchTimeInterval.milliseconds(Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        writer.asyncAfter(deadline: .now() + delay) { [self, written] in
            attemptErasure(
                erasure, denylist: denylist, written: written, pause: min(pause * 2, .seconds(2)), completion)
        }
    }
}
