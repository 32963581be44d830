import RealModule

/// The ranking blend: a user's score of an item is `Σ_c w_c · m_c · z_c` over the four components `z`
/// (``RankingModelLayout``), with the user's weights `w` — θ's blend row for the user's event-count bucket plus
/// the user's adapted offsets — and the running component scales `m`.
///
/// A component's scale is the inverse of a running average of |target − catalogue mean| of its values, so that
/// blend weights act on comparable, unit-free values whatever the catalogue and the counts. The user's offsets
/// take an inner-loop step along the query loss's gradient per event: a fixed step, or Meta-SGD's step sizes
/// learned in θ.
final class Blend {
    /// The running component scales `m`.
    private(set) var scale = [Float](repeating: 1, count: RankingModelLayout.components)
    /// The running averages of |target − mean| behind ``scale``.
    private(set) var spread = [Float](repeating: 0, count: RankingModelLayout.components)
    private(set) var updates = 0
    /// `ranking.blend_learning_rate`: the users' fixed inner step.
    let learningRate: Float
    /// Meta-SGD: the inner steps are θ's (``ThetaLayout/stepSizeOffset``).
    private let layout: ThetaLayout
    private let fomaml: Bool

    init(configuration: LearningConfiguration, layout: ThetaLayout) {
        learningRate = Float(configuration.ranking.blendLearningRate)
        self.layout = layout
        fomaml = configuration.meta.algorithm == .fomaml
    }

    /// The weights of a user with `n` events seen: θ's row of the user's bucket plus the user's offsets.
    @inline(__always)
    func weights(
        theta t: UnsafePointer<Float>, offsets: UnsafePointer<Float>, eventsSeen n: Int,
        into w: UnsafeMutablePointer<Float>
    ) {
        let row = t + layout.blendRow(bucket: RankingModelLayout.bucket(eventsSeen: n))
        for c in 0..<RankingModelLayout.components { w[c] = row[c] + offsets[c] }
    }

    /// The weights of a user the model does not know: θ's first row.
    @inline(__always)
    func initialWeights(theta t: UnsafePointer<Float>, into w: UnsafeMutablePointer<Float>) {
        for c in 0..<RankingModelLayout.components { w[c] = t[c] }
    }

    /// The component scales `m`, one per component.
    @inline(__always)
    func multipliers(into m: UnsafeMutablePointer<Float>) {
        for c in 0..<RankingModelLayout.components { m[c] = scale[c] }
    }

    /// The component scales as a tuple (the blending loops keep them in registers).
    @inline(__always)
    var multipliers: (Float, Float, Float, Float) { (scale[0], scale[1], scale[2], scale[3]) }

    /// Tracks the typical gap between the target's component values and the catalogue means (in raw units) and
    /// refreshes the component scales from it.
    func updateScales(target: (Float, Float, Float, Float), means: (Float, Float, Float, Float)) {
        let rate: Float = 0.002
        updates += 1
        let correction = 1 - Float.pow(1 - rate, Float(min(updates, 100_000)))
        for c in 0..<RankingModelLayout.components {
            let (value, mean): (Float, Float)
            switch c {
            case 0: (value, mean) = (target.0, means.0)
            case 1: (value, mean) = (target.1, means.1)
            case 2: (value, mean) = (target.2, means.2)
            default: (value, mean) = (target.3, means.3)
            }
            let gap = abs(value - mean)
            spread[c] += rate * (gap - spread[c])
            // Bias-corrected like Adam's first moment: early estimates are not pulled towards zero.
            let corrected = spread[c] / correction
            scale[c] = corrected > 1e-12 ? 1 / corrected : 1
        }
    }

    // MARK: - Inner step

    /// The inner-loop step of the user's blend offsets along the query-loss gradient `g` (a fixed step, or
    /// Meta-SGD's learned ones from θ `t`), and the user's meta-direction for θ's blend row of the user's bucket
    /// (FOMAML: −g; Reptile: the adapted offsets).
    @inline(__always)
    func step(
        _ g: UnsafePointer<Float>, user: UserView, eventsSeen n: Int, theta t: UnsafePointer<Float>,
        direction: MetaDirection?
    ) {
        let C = RankingModelLayout.components
        let o = user.blendOffsets
        if layout.stepSizes {
            metaSGDStep(g, user: user, eventsSeen: n, theta: t, direction: direction)
        } else {
            for c in 0..<C { o[c] -= learningRate * g[c] }
        }
        if let direction {
            let row = direction.blendRow(bucket: RankingModelLayout.bucket(eventsSeen: n))
            if fomaml {
                for c in 0..<C { row[c] -= g[c] }
            } else {
                for c in 0..<C { row[c] += o[c] }
            }
        }
    }

    /// Meta-SGD inner step of the user's blend offsets: `o ← o − α_{b(n)} ⊙ g` with step sizes `α = exp(ℓ)` taken
    /// from θ for the user's event-count bucket. The first-order meta-gradient of this query loss with respect to
    /// the step sizes of the user's previous step is `∂L/∂ℓ = −α ⊙ g ⊙ g_prev` (the offsets moved by `−α ⊙ g_prev`
    /// then); its negative goes into the user's meta-contribution (first-order MAML only).
    @inline(__always)
    private func metaSGDStep(
        _ g: UnsafePointer<Float>, user: UserView, eventsSeen n: Int, theta t: UnsafePointer<Float>,
        direction: MetaDirection?
    ) {
        let C = RankingModelLayout.components
        let o = user.blendOffsets
        let previous = user.previousGradient
        if let direction, n > 0, fomaml {
            let bucket = RankingModelLayout.bucket(eventsSeen: n - 1)
            let steps = t + layout.stepSizeRow(bucket: bucket)
            let row = direction.stepSizeRow(bucket: bucket)
            for c in 0..<C { row[c] += Float.exp(steps[c]) * g[c] * previous[c] }
        }
        let steps = t + layout.stepSizeRow(bucket: RankingModelLayout.bucket(eventsSeen: n))
        for c in 0..<C {
            o[c] -= Float.exp(steps[c]) * g[c]
            previous[c] = g[c]
        }
    }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(scale)
        w.write(spread)
        w.write(UInt64(updates))
    }

    func read(from r: inout BinaryReader) throws {
        scale = try r.readFloats()
        spread = try r.readFloats()
        guard scale.count == RankingModelLayout.components, spread.count == RankingModelLayout.components else {
            throw LearningError(.corruptState, "component statistics have wrong length")
        }
        updates = Int(try r.read(UInt64.self))
    }
}
