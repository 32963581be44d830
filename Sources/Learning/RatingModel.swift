import Clickstream
import RealModule

/// The `rating` objective: biased matrix factorisation `μ + b_u + c_u·b_i + p·v_i` with optional item side-feature
/// embeddings (`v_i` is the item vector plus the mean embedding of its features), per-item step-size decay, and
/// a per-user inner loop over the user's last ratings started from θ's initial user bias and vector.
final class RatingModel: ObjectiveModel {
    let factorisation: Factorisation
    /// One row of `factors` floats per hashed item-feature bucket.
    let itemFeatureEmbeddings: GrowableBuffer<Float>
    /// The running mean rating μ (normalised).
    private(set) var globalMean: Double = 0.5
    private(set) var ratingsSeen = 0
    private let catalogue: Catalogue
    private let meta: MetaLearner
    private let layout: UserLayout
    private let settings: Settings
    /// Effective item vectors of the support window (`window × factors`).
    private let windowVectors: GrowableBuffer<Float>
    /// `μ + c_u·b_i` of the support window's items.
    private let windowBase: GrowableBuffer<Float>
    private let gradient: GrowableBuffer<Float>
    /// A user's weights built from θ for an unknown user, or an item vector of a prediction.
    private let userScratch: GrowableBuffer<Float>
    /// Predictions of the whole catalogue.
    private let scores: GrowableBuffer<Float>

    private struct Settings {
        var rating: LearningConfiguration.Rating
        var itemFeatures: Bool
        var featureSlots: Int
        var fomaml: Bool
        var metaEnabled: Bool
    }

    init(configuration: LearningConfiguration, catalogue: Catalogue, meta: MetaLearner, layout: UserLayout) {
        self.catalogue = catalogue
        self.meta = meta
        self.layout = layout
        let d = configuration.rating.factors
        let window = configuration.rating.window
        factorisation = Factorisation(configuration: configuration)
        itemFeatureEmbeddings = GrowableBuffer(capacity: 1)
        itemFeatureEmbeddings.append(0, count: configuration.features.buckets * d)
        settings = Settings(
            rating: configuration.rating,
            itemFeatures: configuration.features.itemFeatures && configuration.features.maxPerEntity > 0,
            featureSlots: configuration.features.maxPerEntity, fomaml: configuration.meta.algorithm == .fomaml,
            metaEnabled: configuration.meta.enabled)
        windowVectors = GrowableBuffer(capacity: max(window * d, 1))
        windowVectors.append(0, count: max(window * d, 1))
        windowBase = GrowableBuffer(capacity: max(window, 1))
        windowBase.append(0, count: max(window, 1))
        gradient = GrowableBuffer(capacity: 1 + d)
        gradient.append(0, count: 1 + d)
        userScratch = GrowableBuffer(capacity: max(1 + d, layout.floatStride))
        userScratch.append(0, count: max(1 + d, layout.floatStride))
        scores = GrowableBuffer(capacity: 1024)
    }

    func appendItem(generator: inout SplitMix64) {
        factorisation.appendItem(generator: &generator)
        scores.append(0)
    }

    func start(_ user: UserView, generator: inout SplitMix64) {}

    // MARK: - Predictions

    /// Effective item vector: factors plus the mean of the item's side-feature embeddings.
    @inline(__always)
    private func effectiveVector(_ x: Int, into out: UnsafeMutablePointer<Float>) {
        let d = factorisation.factors
        let q = factorisation.vectors.base + x * d
        for k in 0..<d { out[k] = q[k] }
        guard settings.itemFeatures else { return }
        let slots = settings.featureSlots
        let fs = catalogue.features.base + x * slots
        var count = 0
        for s in 0..<slots where fs[s] >= 0 { count += 1 }
        guard count > 0 else { return }
        let inv = 1 / Float(count)
        for s in 0..<slots where fs[s] >= 0 {
            let row = itemFeatureEmbeddings.base + Int(fs[s]) * d
            for k in 0..<d { out[k] = Relaxed.multiplyAdd(inv, row[k], out[k]) }
        }
    }

    /// Normalised (0…1, unclipped) rating prediction for a user's floats `f` (``UserLayout``) and item `x`.
    @inline(__always)
    private func prediction(_ f: UnsafePointer<Float>, _ x: Int, vector v: UnsafeMutablePointer<Float>) -> Float {
        effectiveVector(x, into: v)
        return Float(globalMean) + f[0] + factorisation.biases[x] * (1 + f[layout.biasScaleOffset])
            + Kernels.dot(f + layout.vectorOffset, v, factorisation.factors)
    }

    /// Predicts `user`'s rating of `item` (normalised, unclipped).
    func predict(_ user: UserView, item: Int32) -> Float {
        prediction(user.floats, Int(item), vector: userScratch.base)
    }

    func scoreCatalogue(_ user: UserView?) -> ScoredList {
        let n = catalogue.itemCount
        let s = scores.base
        guard n > 0 else { return ScoredList(scores: s, count: 0, candidates: nil) }
        let f: UnsafePointer<Float>
        if let user {
            f = UnsafePointer(user.floats)
        } else {
            // θ's initial bias and vector, with `c_u = 1`.
            let p = userScratch.base
            let t = meta.theta.base
            for k in 0...factorisation.factors { p[k] = t[k] }
            p[layout.biasScaleOffset] = 0
            f = UnsafePointer(p)
        }
        let v = windowVectors.base
        for i in 0..<n { s[i] = prediction(f, i, vector: v) }
        return ScoredList(scores: s, count: n, candidates: nil)
    }

    func best(_ k: Int, user: UserView?, excluding seen: [Int32]) -> [(item: Int32, score: Float)] {
        guard catalogue.itemCount > 0, k > 0 else { return [] }
        return scoreCatalogue(user).best(k, excluding: seen, included: nil)
    }

    // MARK: - Learning

    /// The user's step-size decay with `n` events seen: young users adapt fast, settled users move less.
    @inline(__always)
    private func userDecay(eventsSeen n: Int) -> Float {
        let g = settings.rating
        return g.userDecayPower > 0
            ? max(Float.pow(1 + Float(n) / Float(g.userDecayCount), -Float(g.userDecayPower)), Float(g.userDecayFloor))
            : 1
    }

    func learn(_ step: LearningStep, generator: inout SplitMix64) -> Int? {
        let g = settings.rating
        let user = step.user
        let f = user.floats
        let d = factorisation.factors
        let n = user.eventsSeen
        let xi = Int(step.event.item)
        let y = step.event.target
        let v = windowVectors.base
        let grad = gradient.base
        // Query error at the adapted weights, before learning.
        let err = prediction(f, xi, vector: v) - y
        if let direction = step.direction, settings.fomaml {
            // θ's vector part under `rating`: the user bias, then the vector.
            let dir = direction.vectorPart
            dir[0] -= err
            for k in 0..<d { dir[1 + k] -= err * v[k] }
        }
        let oldBias = learnItem(xi, error: err, user: user)
        ratingsSeen += 1
        globalMean += (Double(y) - globalMean) / Double(ratingsSeen)

        // Support window: push the event, then k inner steps on the window.
        user.pushRated(step.event.item, rating: y)
        let count = min(n + 1, g.window)
        if g.innerSteps > 0 {
            let base = windowBase.base
            let ring = user.ring
            for w in 0..<count {
                let item = Int(ring[w])
                effectiveVector(item, into: v + w * d)
                base[w] = Float(globalMean) + factorisation.biases[item] * (1 + user.biasScale)
            }
            let decay = userDecay(eventsSeen: n)
            let lrU = Float(g.userLearningRate) * decay
            let lrP = Float(g.userFactorLearningRate) * decay
            for _ in 0..<g.innerSteps {
                _ = Kernels.ratingWindowLoss(
                    userBias: f[0], p: f + 1, base: base, vectors: v, targets: user.windowRatings, count: count,
                    factors: d, shrinkage: Float(g.shrinkage), regularization: Float(g.regularization),
                    gradient: grad)
                f[0] -= lrU * grad[0]
                for k in 1...d { f[k] -= lrP * grad[k] }
            }
        }
        if g.biasScaleLearningRate > 0 { learnBiasScale(user, error: err, itemBias: oldBias, eventsSeen: n) }
        if let direction = step.direction, !settings.fomaml {
            let dir = direction.vectorPart
            let initial = userScratch.base
            meta.initialVector(features: user.features, into: initial)
            for k in 0...d { dir[k] += f[k] - initial[k] }
        }
        return nil
    }

    /// Steps item `xi`'s parameters (vector, bias, feature embeddings) against the query error `err`, with
    /// per-item step-size decay, and counts the rating. Returns the item's bias before the step.
    @inline(__always)
    private func learnItem(_ xi: Int, error err: Float, user: UserView) -> Float {
        let g = settings.rating
        let f = user.floats
        let d = factorisation.factors
        let counts = catalogue.counts
        let lr = Float(g.learningRate) * Float.pow(1 + counts[xi] / Float(g.itemDecayCount), -Float(g.itemDecayPower))
        let lambda = Float(g.regularization)
        let q = factorisation.vectors.base + xi * d
        for k in 0..<d { q[k] -= lr * (err * f[1 + k] + lambda * q[k]) }
        // ∂/∂b_i of the prediction is the user's scale c_u.
        let biases = factorisation.biases
        let oldBias = biases[xi]
        biases[xi] -= lr * Float(g.biasLearningRateScale) * err * (1 + user.biasScale)
        if settings.itemFeatures {
            let slots = settings.featureSlots
            let fs = catalogue.features.base + xi * slots
            var count = 0
            for s in 0..<slots where fs[s] >= 0 { count += 1 }
            if count > 0 {
                let scale = lr / Float(count)
                for s in 0..<slots where fs[s] >= 0 {
                    let row = itemFeatureEmbeddings.base + Int(fs[s]) * d
                    for k in 0..<d { row[k] -= scale * (err * f[1 + k] + lambda * row[k]) }
                }
            }
        }
        counts[xi] += 1
        return oldBias
    }

    /// One step on the user's scale of item biases `c_u` (prediction `μ + b_u + c_u·b_i + p·v`, `c_u` starting at 1)
    /// against the query error, with the user's decayed step size and an L2 pull back to 1.
    @inline(__always)
    private func learnBiasScale(_ user: UserView, error err: Float, itemBias b: Float, eventsSeen n: Int) {
        let g = settings.rating
        let lr = Float(g.biasScaleLearningRate) * userDecay(eventsSeen: n)
        user.biasScale -= lr * (err * b + Float(g.biasScaleRegularization) * user.biasScale)
    }

    var allocatedBytes: Int { factorisation.allocatedBytes + itemFeatureEmbeddings.count * 4 }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        ModelSection.factorisation.write(to: &w)
        factorisation.write(to: &w)
        ModelSection.ratings.write(to: &w)
        itemFeatureEmbeddings.write(to: &w)
        w.write(globalMean)
        w.write(UInt64(ratingsSeen))
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try ModelSection.factorisation.expect(in: &r)
        try factorisation.read(from: &r, items: items)
        try ModelSection.ratings.expect(in: &r)
        try readEmbeddings(from: &r)
        try readStatistics(from: &r)
    }

    /// The item-feature embeddings alone (format 4 keeps the parts apart).
    func readEmbeddings(from r: inout BinaryReader) throws {
        let expected = itemFeatureEmbeddings.count
        try itemFeatureEmbeddings.read(from: &r)
        guard itemFeatureEmbeddings.count == expected else {
            throw LearningError(.corruptState, "parameter array has wrong length")
        }
    }

    /// The running mean rating and the ratings counted alone.
    func readStatistics(from r: inout BinaryReader) throws {
        globalMean = try r.readDouble()
        ratingsSeen = Int(try r.read(UInt64.self))
    }

    func didRestore() {}
}
