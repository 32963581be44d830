import RealModule

/// Cold-start popularity conditioned on the user's side features, for the `ranking` objective: what users sharing a
/// side-feature value (an age bucket, an occupation, …) interact with in their first events.
///
/// Each hashed user-feature row `f` keeps decayed counts `c_f(i)` of cold-start interactions (a bounded sparse row of
/// a ``CooccurrenceTable``, decayed with the model's cold-start popularity scale) and their total `T_f`. A user's
/// estimate is the mixture over the user's features of `(c_f(i) + κ·P(i)) / (T_f + κ)`, each smoothed towards the
/// global cold-start distribution `P(i)` with the prior strength `κ`, so a rare feature value falls back to plain
/// cold-start popularity.
final class FeaturePopularity {
    let table: CooccurrenceTable
    private(set) var totals: GrowableBuffer<Float>
    /// Decayed total of all cold-start interactions (same scale as the model's cold-start popularity).
    private(set) var total: Float = 0
    private var ones: GrowableBuffer<Float>
    private var mixture: GrowableBuffer<Float>
    let prior: Float
    let isActive: Bool

    init(configuration: LearningConfiguration) {
        let r = configuration.ranking
        isActive =
            configuration.objective == .ranking && r.coldFeatures && configuration.features.userFeatures
            && configuration.features.maxPerEntity > 0
        prior = Float(r.coldFeaturePrior)
        table = CooccurrenceTable(maxNeighbors: r.maxNeighbors)
        totals = GrowableBuffer(capacity: 1)
        ones = GrowableBuffer(capacity: 1024)
        mixture = GrowableBuffer(capacity: 1024)
        if isActive {
            table.ensureItems(configuration.features.buckets)
            totals.append(0, count: configuration.features.buckets)
        }
    }

    func ensureItems(_ n: Int) {
        guard isActive, n > ones.count else { return }
        ones.append(1, count: n - ones.count)
        mixture.append(0, count: n - mixture.count)
    }

    var allocatedBytes: Int { table.allocatedBytes + totals.count * 4 }

    /// Records a cold-start interaction with `x` (already multiplied by the cold-start popularity scale).
    @inline(__always)
    func record(_ x: Int32, amount: Float, features: UnsafePointer<Int32>, slots: Int) {
        total += amount
        for s in 0..<slots {
            let f = features[s]
            if f < 0 || Int(f) >= totals.count { continue }
            table.add(f, x, amount)
            totals[Int(f)] += amount
        }
    }

    /// Multiplies every count by `factor` (renormalisation together with the cold-start popularity).
    func scaleAll(_ factor: Float) {
        table.scaleAll(factor)
        for f in 0..<totals.count { totals[f] *= factor }
        total *= factor
    }

    /// Overwrites `out[i]` with `log(mixture_i / max_j P(j) + floor)` for a user with `features`, where `cold` holds
    /// the raw cold-start counts (`coldMax` their maximum) and `unit` the current cold-start popularity scale (the
    /// weight of one interaction now). Returns `false` (leaving `out` alone) when the user has
    /// no known feature.
    @inline(__always)
    func fill(
        features: UnsafePointer<Int32>, slots: Int, cold: UnsafePointer<Float>, coldMax: Float, unit: Float,
        count n: Int, floor: Float, logScale: Bool, into out: UnsafeMutablePointer<Float>
    ) -> Bool {
        guard total > 0, coldMax > 0 else { return false }
        var m = 0
        for s in 0..<slots where features[s] >= 0 && Int(features[s]) < totals.count { m += 1 }
        guard m > 0 else { return false }
        let mix = mixture.base
        mix.update(repeating: 0, count: n)
        var priorWeight: Float = 0
        // κ in the counts' current (growing) units.
        let kappa = prior * unit
        for s in 0..<slots {
            let f = features[s]
            if f < 0 || Int(f) >= totals.count { continue }
            let denominator = Float(m) * (totals[Int(f)] + kappa)
            table.accumulate(f, factor: 1 / denominator, damp: ones.base, into: mix)
            priorWeight += kappa / denominator
        }
        // Relative to the most popular item's global probability, like the plain cold-start component.
        let scale = total / coldMax
        let priorScale = priorWeight / coldMax
        if logScale {
            for i in 0..<n { out[i] = Kernels.fastLog(mix[i] * scale + cold[i] * priorScale + floor) }
        } else {
            for i in 0..<n { out[i] = mix[i] * scale + cold[i] * priorScale }
        }
        return true
    }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(total)
        totals.write(to: &w)
        table.write(to: &w)
    }

    func read(from r: inout BinaryReader, buckets: Int) throws {
        total = try r.readFloat()
        try totals.read(from: &r)
        try table.read(from: &r)
        let expected = isActive ? buckets : 0
        guard totals.count == expected, table.itemCount == expected else {
            throw LearningError(.corruptState, "feature popularity does not match the feature buckets")
        }
    }
}
