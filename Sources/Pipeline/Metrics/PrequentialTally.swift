import Learning

/// Which model made a prequential prediction: the user's weights adapted from the meta-learned shared
/// initialization, or the baseline adapted without it.
public enum PrequentialVariant: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Adapted from the meta-learned initialization.
    case meta = 0
    /// The baseline without meta-learning.
    case noMeta = 1

    /// The metric label: `meta`, `no_meta`.
    public var label: String {
        switch self {
        case .meta: "meta"
        case .noMeta: "no_meta"
        }
    }

    public var description: String { label }
}

/// Prequential ("test, then train") outcomes accumulated by one partition worker between flushes to
/// ``DaemonMetrics``.
///
/// Each event is evaluated before it is learned from: did its item rank in the user's top 10 (HR@10), and how far
/// off was the predicted rating (squared error, for explicit ratings) or the predicted probability (log-loss, for
/// implicit events). Recording is a few additions into a fixed table — no lock, no allocation — so the worker can
/// call it on every event, and hand the tally to ``DaemonMetrics/flush(_:)`` every N events or milliseconds.
public struct PrequentialTally: Sendable {
    /// The sums of one (bucket, variant) cell.
    public struct Cell: Sendable, Hashable {
        /// Events recorded, repeats included.
        public var events: Int = 0
        /// Ranking events on an item the user had interacted with before, while served lists leave seen items out:
        /// no served list could have shown them, so they are not scored.
        public var repeats: Int = 0
        /// Events scored for HR@10: not repeats (an item not in the catalogue yet is scored as a miss).
        public var hitTrials: Int = 0
        /// Of those, events whose item was in the top 10.
        public var hits: Int = 0
        /// Events with a squared error (rated events).
        public var squaredErrorCount: Int = 0
        public var squaredErrorSum: Double = 0
        /// Events with a log-loss (implicit events).
        public var logLossCount: Int = 0
        public var logLossSum: Double = 0

        public init() {}

        /// HR@10: hits / hitTrials, `nil` without trials.
        public var hitRate: Double? { hitTrials == 0 ? nil : Double(hits) / Double(hitTrials) }
        /// Root mean squared error, `nil` without rated events.
        public var rootMeanSquaredError: Double? {
            squaredErrorCount == 0 ? nil : (squaredErrorSum / Double(squaredErrorCount)).squareRoot()
        }
        /// Mean log-loss, `nil` without implicit events.
        public var meanLogLoss: Double? { logLossCount == 0 ? nil : logLossSum / Double(logLossCount) }

        mutating func merge(_ other: Cell) {
            events += other.events
            repeats += other.repeats
            hitTrials += other.hitTrials
            hits += other.hits
            squaredErrorCount += other.squaredErrorCount
            squaredErrorSum += other.squaredErrorSum
            logLossCount += other.logLossCount
            logLossSum += other.logLossSum
        }
    }

    static let cellCount = ColdStartBucket.allCases.count * PrequentialVariant.allCases.count

    /// Bucket-major: index = bucket × variants + variant. Allocated once; mutated in place.
    private var cells: [Cell]
    /// Events recorded since the last reset, over all cells.
    public private(set) var eventCount = 0

    public init() {
        cells = Array(repeating: Cell(), count: Self.cellCount)
    }

    static func index(_ bucket: ColdStartBucket, _ variant: PrequentialVariant) -> Int {
        bucket.rawValue * PrequentialVariant.allCases.count + variant.rawValue
    }

    /// Records one event's outcome for one variant.
    ///
    /// - Parameters:
    ///   - bucket: The user's cold-start stage.
    ///   - variant: The model evaluated.
    ///   - hit: Whether the item was in the top 10; `nil` when the event is not scored for HR@10 (a repeat, or
    ///     a rated event).
    ///   - squaredError: (predicted − actual)² for a rated event; non-finite values are ignored.
    ///   - logLoss: −log p(observed) for an implicit event; non-finite values are ignored.
    ///   - isRepeat: The user had interacted with the item before (counted in ``Cell/repeats``).
    public mutating func record(
        bucket: ColdStartBucket,
        variant: PrequentialVariant,
        hit: Bool?,
        squaredError: Double? = nil,
        logLoss: Double? = nil,
        isRepeat: Bool = false
    ) {
        let index = Self.index(bucket, variant)
        cells[index].events += 1
        if isRepeat { cells[index].repeats += 1 }
        if let hit {
            cells[index].hitTrials += 1
            if hit { cells[index].hits += 1 }
        }
        if let squaredError, squaredError.isFinite, squaredError >= 0 {
            cells[index].squaredErrorCount += 1
            cells[index].squaredErrorSum += squaredError
        }
        if let logLoss, logLoss.isFinite, logLoss >= 0 {
            cells[index].logLossCount += 1
            cells[index].logLossSum += logLoss
        }
        eventCount += 1
    }

    /// The sums of one cell.
    public subscript(bucket: ColdStartBucket, variant: PrequentialVariant) -> Cell {
        cells[Self.index(bucket, variant)]
    }

    /// Adds `other`'s sums to this tally.
    public mutating func merge(_ other: PrequentialTally) {
        for index in 0..<Self.cellCount {
            cells[index].merge(other.cells[index])
        }
        eventCount += other.eventCount
    }

    /// Clears every sum, keeping the storage.
    public mutating func reset() {
        for index in 0..<Self.cellCount {
            cells[index] = Cell()
        }
        eventCount = 0
    }
}
