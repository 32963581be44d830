import Clickstream
import RealModule

/// The meta-learner: θ, the initialization every user starts from (laid out by ``ThetaLayout``), and the
/// user-feature embeddings, moved by the users' contributions.
///
/// Each event's inner loop adds to its user's pending contribution (FOMAML: the query loss's descent direction at
/// the user's adapted weights; Reptile: how far the user moved from θ); ``update(_:generator:)`` averages the
/// users' contributions — or, with ``privacy``, takes their clipped and noised sum (``MetaPrivacy``, the one place
/// for per-user clipping and noise) — and steps θ: Adam for the blend rows and Meta-SGD's step sizes (their
/// gradients differ by orders of magnitude), a plain averaged step for the vector part and the embeddings of the
/// contributing users' features.
final class MetaLearner {
    /// Bounds of the Meta-SGD inner step sizes.
    static let minimumStepSize: Double = 1e-5
    static let maximumStepSize: Double = 1

    let layout: ThetaLayout
    let theta: GrowableBuffer<Float>
    /// θ as it was before any meta-update: where held-out users (``LearningConfiguration/Meta/holdoutShare``)
    /// start, and what they blend with.
    let initialTheta: GrowableBuffer<Float>
    /// Adam's moments, per θ entry.
    let moment1: GrowableBuffer<Float>
    let moment2: GrowableBuffer<Float>
    private(set) var steps = 0
    /// Meta-updates applied so far (the model version).
    private(set) var updates = 0
    /// One row of θ's vector width per hashed user-feature bucket.
    let userFeatureEmbeddings: GrowableBuffer<Float>
    /// User-level differential privacy of ``update(_:generator:)`` (per-user clipping and noise); `nil`: off.
    var privacy: MetaPrivacy?
    /// Whether meta-learning was judged harmful on this stream (``MetaGuard``) and θ put back to its initial values
    /// for good: ``update(_:generator:)`` does nothing from then on.
    private(set) var fallenBack = false
    private let settings: Settings

    private struct Settings {
        var enabled: Bool
        var learningRate: Float
        var vectorLearningRate: Float
        var stepSizeLearningRate: Float
        /// `features.user_features`: the meta-update moves the contributing users' feature embeddings.
        var userFeatures: Bool
        var featureBuckets: Int
        var featureSlots: Int
    }

    init(configuration: LearningConfiguration, layout: ThetaLayout) {
        self.layout = layout
        let m = configuration.meta
        settings = Settings(
            enabled: m.enabled, learningRate: Float(m.learningRate), vectorLearningRate: Float(m.vectorLearningRate),
            stepSizeLearningRate: Float(m.stepSizeLearningRate), userFeatures: configuration.features.userFeatures,
            featureBuckets: configuration.features.buckets, featureSlots: configuration.features.maxPerEntity)
        theta = Self.initialParameters(configuration: configuration, layout: layout)
        initialTheta = GrowableBuffer(capacity: layout.width)
        for k in 0..<layout.width { initialTheta.append(theta[k]) }
        moment1 = GrowableBuffer(capacity: layout.width)
        moment1.append(0, count: layout.width)
        moment2 = GrowableBuffer(capacity: layout.width)
        moment2.append(0, count: layout.width)
        userFeatureEmbeddings = GrowableBuffer(capacity: 1)
        userFeatureEmbeddings.append(0, count: settings.featureBuckets * layout.vectorWidth)
    }

    /// θ before any meta-update. Ranking: every bucket's blend row is `ranking.initial_blend`, Meta-SGD's step
    /// sizes start at `ranking.blend_learning_rate`, and the initial user vector is drawn from
    /// `N(0, initial_scale²)` (not zero, so that item factors get a gradient from the start) with a generator of
    /// its own. Rating: zero.
    private static func initialParameters(
        configuration: LearningConfiguration, layout: ThetaLayout
    ) -> GrowableBuffer<Float> {
        let theta = GrowableBuffer<Float>(capacity: max(layout.width, 1))
        theta.append(0, count: layout.width)
        guard layout.objective == .ranking else { return theta }
        let r = configuration.ranking
        let C = RankingModelLayout.components
        for b in 0..<RankingModelLayout.buckets {
            for c in 0..<C { theta[b * C + c] = Float(r.initialBlend[c]) }
        }
        if layout.stepSizes {
            let start = Float.log(Float(max(r.blendLearningRate, minimumStepSize)))
            for k in layout.stepSizeOffset..<layout.width { theta[k] = start }
        }
        var generator = SplitMix64(seed: configuration.seed ^ 0x7468_6574_61)
        for k in 0..<layout.factors {
            theta[layout.vectorOffset + k] = generator.nextGaussian() * Float(r.initialScale)
        }
        return theta
    }

    /// θ's current values.
    var parameters: [Float] { Array(theta.buffer) }

    // MARK: - Users

    /// θ's vector part plus the embeddings of the side features `features` (`featureSlots` values, `-1` unused).
    @inline(__always)
    func initialVector(features: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Float>) {
        let t = theta.base
        let width = layout.vectorWidth
        for k in 0..<width { out[k] = t[layout.vectorOffset + k] }
        let e = userFeatureEmbeddings.base
        for s in 0..<settings.featureSlots {
            let h = Int(features[s])
            if h < 0 { continue }
            let row = e + h * width
            for k in 0..<width { out[k] += row[k] }
        }
    }

    /// Starts a new user's weights: θ's vector part plus the user's feature embeddings, or the initial θ's vector
    /// part alone for a user held out of meta-learning.
    @inline(__always)
    func start(_ user: UserView) {
        let f = user.weights
        if user.isHoldout {
            for k in 0..<layout.vectorWidth { f[k] = initialTheta[layout.vectorOffset + k] }
        } else {
            initialVector(features: user.features, into: f)
        }
    }

    // MARK: - Update

    /// Moves θ (and the user-feature embeddings) by the mean of the users' contributions; does nothing with
    /// `meta.enabled == false` (θ stays frozen).
    ///
    /// The mean is applied with `meta.learning_rate` for the blend rows / user bias and `meta.vector_learning_rate`
    /// for the initial user vector; a user's side-feature embeddings move with the vector part of that user's
    /// direction. With ``privacy`` the round always runs, also without contributions: the clipped sums plus noise
    /// (every θ entry and every embedding row) over the public denominator (``MetaPrivacy``), the noise of round
    /// ``updates``. `generator` is not drawn from either way.
    func update(_ contributions: [MetaContribution], generator: inout SplitMix64) {
        guard settings.enabled, !fallenBack else { return }
        if let privacy {
            let buckets = settings.userFeatures ? settings.featureBuckets : 0
            let sum = privacy.noisySum(contributions, layout: layout, embeddingBuckets: buckets, round: UInt64(updates))
            let inv = Float(1 / privacy.denominator)
            step(mean: sum.direction, scale: inv)
            if buckets > 0 { moveEveryEmbedding(by: sum.embeddings, scale: inv) }
            updates += 1
            return
        }
        guard !contributions.isEmpty else { return }
        let width = layout.width
        var sum = [Float](repeating: 0, count: width)
        for c in contributions {
            precondition(c.direction.count == width, "contribution of another model shape")
            for k in 0..<width { sum[k] += c.direction[k] }
        }
        let inv = 1 / Float(contributions.count)
        step(mean: sum, scale: inv)
        if settings.userFeatures { moveEmbeddings(contributions, scale: inv) }
        updates += 1
    }

    /// Falls back to the initial θ for good (what `--no-meta` serves): θ takes its initial values, the user-feature
    /// embeddings and the optimizer's moments go back to zero, and meta-updates stop.
    func fallBack() {
        fallenBack = true
        for k in 0..<layout.width {
            theta[k] = initialTheta[k]
            moment1[k] = 0
            moment2[k] = 0
        }
        userFeatureEmbeddings.base.update(repeating: 0, count: userFeatureEmbeddings.count)
    }

    /// One optimizer step of θ along `sum × scale`: Adam with bias correction for the entries before
    /// ``ThetaLayout/adamEnd`` (at `meta.learning_rate`) and Meta-SGD's step sizes (at
    /// `meta.step_size_learning_rate`, then clamped to their bounds), a plain step at `meta.vector_learning_rate`
    /// for the rest.
    private func step(mean sum: [Float], scale inv: Float) {
        let headEnd = layout.adamEnd
        let stepSizeOffset = layout.stepSizeOffset
        steps += 1
        let b1: Float = 0.9
        let b2: Float = 0.999
        let c1 = 1 - Float.pow(b1, Float(min(steps, 10_000)))
        let c2 = 1 - Float.pow(b2, Float(min(steps, 10_000)))
        for k in 0..<layout.width {
            let g = sum[k] * inv
            if k < headEnd || (layout.stepSizes && k >= stepSizeOffset) {
                moment1[k] = b1 * moment1[k] + (1 - b1) * g
                moment2[k] = b2 * moment2[k] + (1 - b2) * g * g
                let v = moment2[k] / c2
                let lr = k < headEnd ? settings.learningRate : settings.stepSizeLearningRate
                if v > 0 { theta[k] += lr * (moment1[k] / c1) / (v.squareRoot() + 1e-8) }
                if k >= stepSizeOffset {
                    let low = Float.log(Float(Self.minimumStepSize))
                    theta[k] = min(max(theta[k], low), Float.log(Float(Self.maximumStepSize)))
                }
            } else {
                theta[k] += settings.vectorLearningRate * g
            }
        }
    }

    /// Moves the embeddings of each contributing user's side features with the vector part of that user's
    /// direction, `scale` times.
    private func moveEmbeddings(_ contributions: [MetaContribution], scale inv: Float) {
        let headEnd = layout.adamEnd
        let width = layout.vectorWidth
        let offset = layout.vectorOffset
        for c in contributions {
            for h in c.features where h >= 0 && Int(h) < settings.featureBuckets {
                let row = userFeatureEmbeddings.base + Int(h) * width
                for k in 0..<width {
                    let lr = (offset + k) < headEnd ? settings.learningRate : settings.vectorLearningRate
                    row[k] += lr * c.direction[offset + k] * inv
                }
            }
        }
    }

    /// Moves every user-feature embedding row by its row of `sums` (rows of ``ThetaLayout/vectorWidth``),
    /// `scale` times.
    private func moveEveryEmbedding(by sums: [Float], scale inv: Float) {
        let rate = layout.vectorOffset < layout.adamEnd ? settings.learningRate : settings.vectorLearningRate
        let e = userFeatureEmbeddings.base
        for k in sums.indices { e[k] += rate * sums[k] * inv }
    }

    var allocatedBytes: Int { (theta.count + userFeatureEmbeddings.count) * 4 }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        w.write(UInt64(updates))
        w.write(UInt64(steps))
        theta.write(to: &w)
        moment1.write(to: &w)
        moment2.write(to: &w)
        userFeatureEmbeddings.write(to: &w)
    }

    func read(from r: inout BinaryReader) throws {
        try readCounters(from: &r)
        try readParameters(from: &r)
        try readEmbeddings(from: &r)
    }

    /// The meta-update and optimizer step counts alone (format 4 keeps the parts apart).
    func readCounters(from r: inout BinaryReader) throws {
        updates = Int(try r.read(UInt64.self))
        steps = Int(try r.read(UInt64.self))
    }

    /// θ and Adam's moments alone.
    func readParameters(from r: inout BinaryReader) throws {
        try theta.read(from: &r)
        try moment1.read(from: &r)
        try moment2.read(from: &r)
        guard theta.count == layout.width, moment1.count == layout.width, moment2.count == layout.width else {
            throw LearningError(.incompatibleState, "θ has another width")
        }
    }

    /// The user-feature embeddings alone.
    func readEmbeddings(from r: inout BinaryReader) throws {
        let expected = userFeatureEmbeddings.count
        try userFeatureEmbeddings.read(from: &r)
        guard userFeatureEmbeddings.count == expected else {
            throw LearningError(.corruptState, "parameter array has wrong length")
        }
    }
}
