import RealModule

/// Test-then-train (prequential) metrics, overall and by cold-start bucket of the user's n-th event.
///
/// Every event is scored before it is learned; the caller records the outcome with the user's 1-based event number.
/// Rating: RMSE and MAE. Ranking: HR@K and NDCG@K from the target's 0-based rank among the items the user has not
/// interacted with (an item that cannot be ranked — not in the catalogue yet — counts as a miss).
public struct PrequentialEvaluator: Sendable {
    /// Cold-start buckets: the user's 1st–5th, 6th–20th and 21st-or-later event.
    public enum Bucket: Int, Sendable, CaseIterable, CustomStringConvertible {
        case first5 = 0
        case sixTo20 = 1
        case later = 2

        public init(userEventNumber n: Int) {
            self = n <= 5 ? .first5 : (n <= 20 ? .sixTo20 : .later)
        }

        public var description: String {
            switch self {
            case .first5: "1-5"
            case .sixTo20: "6-20"
            case .later: "21+"
            }
        }
    }

    /// Accumulated sums of one bucket (or of all events).
    public struct Tally: Sendable, Equatable {
        public var events = 0
        public var squaredError = 0.0
        public var absoluteError = 0.0
        public var hits = 0
        public var discountedGain = 0.0

        public var rmse: Double { events > 0 ? (squaredError / Double(events)).squareRoot() : .nan }
        public var mae: Double { events > 0 ? absoluteError / Double(events) : .nan }
        public var hitRate: Double { events > 0 ? Double(hits) / Double(events) : .nan }
        public var ndcg: Double { events > 0 ? discountedGain / Double(events) : .nan }
    }

    /// Cut-off of the ranking metrics.
    public let k: Int
    public private(set) var overall = Tally()
    public private(set) var buckets = [Tally](repeating: Tally(), count: Bucket.allCases.count)

    public init(k: Int = 10) { self.k = k }

    /// Records a rating prediction made before the event was learned.
    public mutating func recordRating(predicted: Double, actual: Double, userEventNumber n: Int) {
        let e = predicted - actual
        let b = Bucket(userEventNumber: n).rawValue
        overall.events += 1
        overall.squaredError += e * e
        overall.absoluteError += abs(e)
        buckets[b].events += 1
        buckets[b].squaredError += e * e
        buckets[b].absoluteError += abs(e)
    }

    /// Records the target's 0-based rank (`nil`: not rankable, a miss).
    public mutating func recordRank(_ rank: Int?, userEventNumber n: Int) {
        let b = Bucket(userEventNumber: n).rawValue
        overall.events += 1
        buckets[b].events += 1
        guard let rank, rank < k else { return }
        let gain = 1 / Double.log2(Double(rank) + 2)
        overall.hits += 1
        overall.discountedGain += gain
        buckets[b].hits += 1
        buckets[b].discountedGain += gain
    }

    /// The tally of one bucket.
    public func tally(_ bucket: Bucket) -> Tally { buckets[bucket.rawValue] }
}
