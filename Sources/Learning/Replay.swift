import Clickstream
import Foundation

/// Offline test-then-train replay: events in timestamp order (stable), each scored before it is learned, with a
/// meta-update every `meta.interval` events. Every event is learned; under `ranking` an event is scored only where a
/// served list could have shown its item: while seen items are excluded (the default, as the daemon serves),
/// an event on an item the user interacted with before is a repeat, counted but not scored.
public struct Replay {
    /// What a replay measured.
    public struct Result: Sendable {
        public var objective: LearningConfiguration.Objective
        public var events: Int
        public var users: Int
        public var items: Int
        /// Wall time of the replay loop only (events already in memory).
        public var seconds: Double
        public var evaluator: PrequentialEvaluator
        public var metaUpdates: Int
        /// Under `ranking.retrieval: candidates`: each event's rank among the candidates it was learned against
        /// (a miss when the candidates did not contain it) — the quality of a served top-K. Under `exact`: its rank
        /// in the exact top 10 served just before it.
        public var served: PrequentialEvaluator? = nil
        /// Under `ranking.retrieval: exact`: what the merges did.
        public var exact: ExactRetrievalStatistics? = nil
        /// The serving policy replayed (``Replay/excludeSeen``).
        public var excludeSeen = true
        /// With a control arm (`meta.holdout_share` > 0): what the guard saw, and (with `meta.fallback`) why and
        /// after how many events meta-learning fell back, if it did.
        public var metaGuard: MetaGuard? = nil
        public var fallback: (finding: MetaGuard.Finding, afterEvents: Int)? = nil
        public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    }

    public let configuration: LearningConfiguration
    /// The serving policy replayed (the daemon's `scoring.exclude_seen`): whether served lists leave out seen items.
    public let excludeSeen: Bool

    /// User-level differential privacy of the meta-update (each user's cap on rounds is
    /// `meta.max_participations`); `nil`: the meta-update averages the contributions exactly.
    public let privacy: MetaPrivacy?

    public init(configuration: LearningConfiguration, excludeSeen: Bool = true, privacy: MetaPrivacy? = nil) {
        self.configuration = configuration
        self.excludeSeen = excludeSeen
        self.privacy = privacy
    }

    /// Sorts by timestamp, keeping file order for equal timestamps.
    public static func timeOrdered(_ events: [InteractionEvent]) -> [InteractionEvent] {
        events.enumerated().sorted {
            $0.element.timestamp != $1.element.timestamp
                ? $0.element.timestamp < $1.element.timestamp : $0.offset < $1.offset
        }.map(\.element)
    }

    /// Replays `events` (already time-ordered) through a fresh model.
    /// - Parameter keep: receives the trained model and table afterwards (for state measurements).
    public func run(
        _ events: [InteractionEvent], keep: ((Recommender, UserTable) -> Void)? = nil
    ) throws -> Result {
        let model = try Recommender(configuration: configuration)
        model.excludesSeen = excludeSeen
        let ranking = configuration.objective == .ranking
        model.metaPrivacy = privacy
        let meta = configuration.meta
        var metaGuard =
            ranking && meta.enabled && meta.holdoutShare > 0
            ? MetaGuard(minimumTrials: meta.fallbackMinTrials, threshold: meta.fallbackZ) : nil
        var fallback: (finding: MetaGuard.Finding, afterEvents: Int)? = nil
        let table = model.makeUserTable()
        var evaluator = PrequentialEvaluator(k: 10)
        var served: PrequentialEvaluator? = model.hasServedRank ? PrequentialEvaluator(k: 10) : nil
        let interval = configuration.meta.interval
        var sinceMeta = 0
        let clock = ContinuousClock()
        let start = clock.now
        try events.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                let e = try model.encode(buffer[index], users: table)
                let n = table.view(e.user).eventsSeen + 1
                if ranking && model.usesCandidates {
                    // Learning scores only the candidates: the full-catalogue rank is computed separately, and the
                    // rank among the candidates is what a served top-K would have shown.
                    let repeated = model.isRepeat(e, users: table)
                    let rank = repeated ? nil : model.rank(of: e, users: table)
                    model.learn(e, users: table)
                    evaluator.recordRank(rank, userEventNumber: n, isRepeat: repeated)
                    served?.recordRank(model.lastServedRank, userEventNumber: n, isRepeat: repeated)
                    if !repeated, fallback == nil {
                        let hit = model.lastServedRank.map { $0 < 10 } ?? false
                        metaGuard?.record(
                            bucket: ColdStartBucket(userEventNumber: n), meta: !model.isHoldout(e, users: table),
                            hit: hit)
                    }
                } else if ranking {
                    // Learning scores the catalogue before it learns; the rank it returns is the prequential one.
                    let repeated = model.isRepeat(e, users: table)
                    let rank = model.learn(e, users: table)
                    evaluator.recordRank(rank, userEventNumber: n, isRepeat: repeated)
                    served?.recordRank(model.lastServedRank, userEventNumber: n, isRepeat: repeated)
                    if !repeated, fallback == nil {
                        let shown = model.hasServedRank ? model.lastServedRank : rank
                        metaGuard?.record(
                            bucket: ColdStartBucket(userEventNumber: n), meta: !model.isHoldout(e, users: table),
                            hit: shown.map { $0 < 10 } ?? false)
                    }
                } else {
                    evaluator.recordRating(
                        predicted: model.predictRating(e, users: table), actual: buffer[index].value ?? .nan,
                        userEventNumber: n)
                    model.learn(e, users: table)
                }
                sinceMeta += 1
                if sinceMeta == interval {
                    sinceMeta = 0
                    if meta.fallback, fallback == nil, let finding = metaGuard?.verdict() {
                        model.metaFallback = true
                        fallback = (finding, index + 1)
                    }
                    model.metaUpdate(table.drainContributions())
                }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        keep?(model, table)
        return Result(
            objective: configuration.objective, events: events.count, users: table.count, items: model.itemCount,
            seconds: seconds, evaluator: evaluator, metaUpdates: model.metaUpdates, served: served,
            exact: model.exactRetrievalStatistics, excludeSeen: excludeSeen, metaGuard: metaGuard, fallback: fallback)
    }
}
