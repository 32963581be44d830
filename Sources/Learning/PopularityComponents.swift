/// The blend's popularity components: decayed popularity over every event (the first component), and the fourth
/// component's rows — popularity among cold-start events (a user's first `cold_events`), optionally conditioned on
/// the user's side features (``FeaturePopularity``), and with `ranking.stage_popularity` one row per later stage of
/// a user's history. Each row is a ``DecayedPopularity``.
final class PopularityComponents {
    let global: DecayedPopularity
    let cold: DecayedPopularity
    /// The rows of the stages after the cold start (empty without `ranking.stage_popularity`).
    let stages: [DecayedPopularity]
    /// Cold-start popularity conditioned on the user's side features (in the cold-start row's units).
    let features: FeaturePopularity
    private let stageEdges: [Int]
    private let coldEvents: Int
    private let featureSlots: Int
    private let featureBuckets: Int

    init(configuration: LearningConfiguration, candidates: Bool) {
        let r = configuration.ranking
        let pool = candidates ? r.candidatePool : nil
        global = DecayedPopularity(halfLife: r.popularityHalfLife, pool: pool)
        cold = DecayedPopularity(halfLife: r.coldPopularityHalfLife, pool: pool)
        let stageCount = r.stagePopularity ? r.stageEdges.count + 1 : 0
        stages = r.stageHalfLives.prefix(stageCount).map { DecayedPopularity(halfLife: $0, pool: pool) }
        features = FeaturePopularity(configuration: configuration)
        stageEdges = r.stageEdges
        coldEvents = r.coldEvents
        featureSlots = configuration.features.maxPerEntity
        featureBuckets = configuration.features.buckets
    }

    /// Every row, in serialization order.
    var rows: [DecayedPopularity] { [global, cold] + stages }

    func appendItem(itemCount: Int) {
        global.appendItem()
        cold.appendItem()
        for row in stages { row.appendItem() }
        features.ensureItems(itemCount)
    }

    /// The stage of a user's history that selects the fourth component's row: 0 (the cold-start popularity)
    /// during the cold start or without `ranking.stage_popularity`, else `1 +` the stage edges passed.
    @inline(__always)
    func stage(eventsSeen n: Int) -> Int {
        guard !stages.isEmpty, n >= coldEvents else { return 0 }
        var s = 1
        for e in stageEdges where n >= e { s += 1 }
        return s
    }

    /// The fourth component's row for a stage.
    @inline(__always)
    func row(stage s: Int) -> DecayedPopularity { s == 0 ? cold : stages[s - 1] }

    /// Counts one event of weight `weight` on `item` by a user with `n` events before it, at stage `stage`, with
    /// side features `userFeatures`: in the global row, and in the cold-start row (and the feature-conditioned
    /// counts) or the user's stage row.
    @inline(__always)
    func record(
        _ weight: Float, item: Int32, eventsSeen n: Int, stage: Int, userFeatures: UnsafePointer<Int32>
    ) {
        let i = Int(item)
        global.add(weight, at: i)
        if n < coldEvents {
            if let inv = cold.add(weight, at: i), features.isActive { features.scaleAll(inv) }
            if features.isActive {
                features.record(item, amount: weight * cold.scale, features: userFeatures, slots: featureSlots)
            }
        } else if stage > 0 {
            stages[stage - 1].add(weight, at: i)
        }
    }

    /// Recomputes the candidate pools from the counts (after a restore).
    func rebuildPools() {
        for row in rows { row.rebuildPool() }
    }

    var allocatedBytes: Int { rows.reduce(0) { $0 + $1.counts.count * 4 } + features.allocatedBytes }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(UInt64(stages.count))
        for row in rows { row.write(to: &w) }
        features.write(to: &w)
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try readStageCount(from: &r)
        for row in rows { try row.read(from: &r, items: items) }
        try readFeatures(from: &r)
    }

    /// Checks the number of stage rows a state holds against this model's.
    /// The feature-conditioned counts alone (format 4 keeps the parts apart).
    func readFeatures(from r: inout BinaryReader) throws { try features.read(from: &r, buckets: featureBuckets) }

    func readStageCount(from r: inout BinaryReader) throws {
        guard try r.read(UInt64.self) == UInt64(stages.count) else {
            throw LearningError(.corruptState, "stage popularity has another number of stages")
        }
    }
}
