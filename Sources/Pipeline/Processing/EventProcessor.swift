import Clickstream
import Kafka
import Learning

/// The per-event step of the learner: what happens to one decoded event of a partition the learner owns.
///
/// In order: the label of the event's kind (`input.kinds`: a constant, or the event's own value, which a rating
/// kind must have), the user's state brought into memory, the event encoded against the model (which may refuse
/// it), then learned, with its prequential outcome (scored before it was learned) added to ``tally``. An event the
/// step cannot learn becomes a dead letter with reason ``DeadLetterReason/processingFailed``; the decoder's
/// reasons come earlier (``EventPipeline/decode(_:decoder:)``).
///
/// Plain synchronous code on the learner's queue, which owns the model and the user tables: no lock, and no
/// allocation beyond what encoding and learning do.
struct EventProcessor {
    /// What became of one event.
    enum Outcome {
        /// Learned: the user's state and the shared model changed.
        case learned
        /// Not learned: the message goes to the dead-letter topic.
        case deadLetter(DeadLetter)
        /// Not learned, and nothing is sent: the user's state exists but cannot be read back (the learner halts).
        case unreadableUser
    }

    let model: Recommender
    /// Where each kind's label comes from; a kind not listed keeps the event's value.
    let kindLabels: [String: DaemonConfiguration.KindMapping.Label]
    /// The prequential quality of the events learned since the last flush into the metrics.
    var tally = PrequentialTally()
    /// The live control arm against the meta arm, since the state began (``MetaGuard``); `nil` without a control
    /// arm (`learning.meta.holdout_share` 0), without meta-learning, or under `rating`.
    var metaGuard: MetaGuard?

    init(model: Recommender, kindLabels: [String: DaemonConfiguration.KindMapping.Label]) {
        self.model = model
        self.kindLabels = kindLabels
        let meta = model.configuration.meta
        if model.configuration.objective == .ranking, meta.enabled, meta.holdoutShare > 0 {
            metaGuard = MetaGuard(minimumTrials: meta.fallbackMinTrials, threshold: meta.fallbackZ)
        }
    }

    /// Learns `event`, decoded from `message`, into `users` (the user table of the message's partition).
    ///
    /// - Parameters:
    ///   - event: The decoded event; its `value` becomes the kind's label.
    ///   - makeResident: Brings a user evicted from memory back into `users` (a user found nowhere is new);
    ///     `false` when the user's state exists and cannot be read.
    mutating func learn(
        _ event: inout InteractionEvent, from message: KafkaMessage, users: UserTable,
        makeResident: (String) -> Bool
    ) -> Outcome {
        switch kindLabels[event.kind] {
        case .constant(let value):
            event.value = value
        case .eventValue where event.value == nil:
            return .deadLetter(
                DeadLetter(
                    source: message, reason: .processingFailed,
                    error: "a \"\(event.kind)\" event is learned from its value, and it has none",
                    failedAt: PipelineClock.epochMilliseconds()))
        case .eventValue, nil:
            break
        }
        guard makeResident(event.user) else { return .unreadableUser }
        let userEvents = users.eventCount(of: event.user) + 1
        let encoded: EncodedEvent
        do {
            encoded = try model.encode(event, users: users)
        } catch {
            return .deadLetter(
                DeadLetter(
                    source: message, reason: .processingFailed, error: "\(error)",
                    failedAt: PipelineClock.epochMilliseconds()))
        }
        learnAndRecord(encoded, event: event, userEvents: userEvents, users: users)
        return .learned
    }

    /// Learns the event, and records the prequential outcome (scored before it was learned).
    private mutating func learnAndRecord(
        _ encoded: EncodedEvent, event: InteractionEvent, userEvents: Int, users: UserTable
    ) {
        let bucket = ColdStartBucket(userEventNumber: userEvents)
        // Users held out of meta-learning (learning.meta.holdout_share) are the live control arm.
        let variant: PrequentialVariant = model.isHoldout(encoded, users: users) ? .noMeta : .meta
        if model.configuration.objective == .ranking {
            // Full retrieval ranks the whole catalogue while learning; candidate retrieval ranks the candidates,
            // i.e. what the user's published top-K would have shown just before this event; exact retrieval ranks the
            // exact top 10 published just before it (the full scan's). A repeat (an item the
            // user has seen, while served lists leave seen items out) could not have been shown: not scored.
            let repeated = model.isRepeat(encoded, users: users)
            let fullRank = model.learn(encoded, users: users)
            let rank = model.hasServedRank ? model.lastServedRank : fullRank
            let hit = repeated ? nil : rank.map { $0 < 10 } ?? false
            tally.record(bucket: bucket, variant: variant, hit: hit, isRepeat: repeated)
            // After a fallback both arms serve the initial θ: the counts stay those of the verdict, which a restart
            // re-derives from them.
            if let hit, !model.metaFallback { metaGuard?.record(bucket: bucket, meta: variant == .meta, hit: hit) }
        } else {
            let predicted = model.predictRating(encoded, users: users)
            model.learn(encoded, users: users)
            if let actual = event.value {
                let error = predicted - actual
                tally.record(bucket: bucket, variant: variant, hit: nil, squaredError: error * error)
            }
        }
    }
}
