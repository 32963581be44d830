import RealModule

/// Test-then-train (prequential) metrics, overall and by cold-start bucket of the user's n-th event.
///
/// Every event is learned; the caller records each with the user's 1-based event number (counting all of the user's
/// events, so buckets are by position in the user's history). Rating: RMSE and MAE over every rated event. Ranking:
/// HR@K and NDCG@K from the target's 0-based rank among what a served list could show. While served lists leave out
/// seen items, an event on an item the user has interacted with before is a *repeat*: no served list could have
/// shown it, so it is counted (`repeats`) but not scored. An item that cannot be ranked — not in the catalogue yet —
/// is scored as a miss.
public struct PrequentialEvaluator: Sendable {
    /// Accumulated sums of one bucket (or of all events).
    public struct Tally: Sendable, Equatable {
        /// Events recorded, repeats included.
        public var events = 0
        /// Events scored: the denominator of every metric.
        public var scored = 0
        /// Ranking events not scored because the user had interacted with the item before.
        public var repeats = 0
        public var squaredError = 0.0
        public var absoluteError = 0.0
        public var hits = 0
        public var discountedGain = 0.0

        public var rmse: Double { scored > 0 ? (squaredError / Double(scored)).squareRoot() : .nan }
        public var mae: Double { scored > 0 ? absoluteError / Double(scored) : .nan }
        public var hitRate: Double { scored > 0 ? Double(hits) / Double(scored) : .nan }
        public var ndcg: Double { scored > 0 ? discountedGain / Double(scored) : .nan }
    }

    /// Cut-off of the ranking metrics.
    public let k: Int
    public private(set) var overall = Tally()
    public private(set) var buckets = [Tally](repeating: Tally(), count: ColdStartBucket.allCases.count)

    public init(k: Int = 10) { self.k = k }

    /// Records a rating prediction made before the event was learned.
    public mutating func recordRating(predicted: Double, actual: Double, userEventNumber n: Int) {
        let e = predicted - actual
        let b = ColdStartBucket(userEventNumber: n).rawValue
        overall.events += 1
        overall.scored += 1
        overall.squaredError += e * e
        overall.absoluteError += abs(e)
        buckets[b].events += 1
        buckets[b].scored += 1
        buckets[b].squaredError += e * e
        buckets[b].absoluteError += abs(e)
    }

    /// Records the target's 0-based rank (`nil`: not rankable, a miss), or a repeat (`isRepeat`: counted, not
    /// scored; its rank is ignored).
    public mutating func recordRank(_ rank: Int?, userEventNumber n: Int, isRepeat: Bool = false) {
        let b = ColdStartBucket(userEventNumber: n).rawValue
        overall.events += 1
        buckets[b].events += 1
        if isRepeat {
            overall.repeats += 1
            buckets[b].repeats += 1
            return
        }
        overall.scored += 1
        buckets[b].scored += 1
        guard let rank, rank < k else { return }
        let gain = 1 / Double.log2(Double(rank) + 2)
        overall.hits += 1
        overall.discountedGain += gain
        buckets[b].hits += 1
        buckets[b].discountedGain += gain
    }

    /// The tally of one bucket.
    public func tally(_ bucket: ColdStartBucket) -> Tally { buckets[bucket.rawValue] }
}
