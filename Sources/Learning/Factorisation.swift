import Clickstream

/// The matrix factorisation: an item vector `q_i` and bias `b_i` per item, scored against a user vector `p` as
/// `b_i + p·q_i`.
///
/// Under `ranking` it learns by BPR (each event against uniformly drawn negatives, plus inner steps of the user
/// vector over the support window) and, with `ranking.head_learning_rate`, along the head-softmax query loss
/// (``applyHeadStep(entries:coefficients:count:items:user:factorScale:)``). Under `rating` the ``RatingModel``
/// steps its parameters against the squared error.
final class Factorisation {
    /// Latent dimension.
    let factors: Int
    /// `factors` floats per item.
    let vectors: GrowableBuffer<Float>
    let biases: GrowableBuffer<Float>
    /// Standard deviation of a new item's vector.
    private let initialScale: Float
    private let bpr: BPRSettings
    /// `ranking.head_learning_rate`: the step along the head-softmax query loss.
    let headRate: Float
    /// The user vector's gradient of the last BPR or head step (`factors` floats).
    let userGradient: GrowableBuffer<Float>
    /// Where BPR notes the items whose vectors and biases it steps (exact retrieval's orders), if anywhere.
    var changes: ItemChanges?

    /// BPR's settings (`ranking.*`).
    struct BPRSettings {
        var negatives = 0
        var innerSteps = 0
        var learningRate: Float = 0
        var userLearningRate: Float = 0
        var biasLearningRate: Float = 0
        var regularization: Float = 0
    }

    init(configuration: LearningConfiguration) {
        let r = configuration.ranking
        switch configuration.objective {
        case .ranking:
            factors = r.factors
            initialScale = Float(r.initialScale)
            bpr = BPRSettings(
                negatives: r.negatives, innerSteps: r.innerSteps, learningRate: Float(r.learningRate),
                userLearningRate: Float(r.userLearningRate), biasLearningRate: Float(r.biasLearningRate),
                regularization: Float(r.regularization))
            headRate = Float(r.headLearningRate)
        case .rating:
            factors = configuration.rating.factors
            initialScale = Float(configuration.rating.initialScale)
            bpr = BPRSettings()
            headRate = 0
        }
        vectors = GrowableBuffer(capacity: 1024 * factors)
        biases = GrowableBuffer(capacity: 1024)
        userGradient = GrowableBuffer(capacity: max(factors, 1))
        userGradient.append(0, count: max(factors, 1))
    }

    /// Adds a new item: a vector drawn from `N(0, initial_scale²)` (`factors` draws from `generator`), bias 0.
    func appendItem(generator: inout SplitMix64) {
        for _ in 0..<factors { vectors.append(generator.nextGaussian() * initialScale) }
        biases.append(0)
    }

    /// The factorisation score of item `i` for user vector `p`.
    @inline(__always)
    func score(user p: UnsafePointer<Float>, item i: Int) -> Float {
        biases.base[i] + Kernels.dot(p, vectors.base + i * factors, factors)
    }

    /// Writes the scores of items `0..<n` into `out` and returns their sum.
    @inline(__always)
    func fillScores(user p: UnsafePointer<Float>, count n: Int, into out: UnsafeMutablePointer<Float>) -> Float {
        let q = vectors.base
        let b = biases.base
        let d = factors
        var sum: Float = 0
        for i in 0..<n {
            out[i] = b[i] + Kernels.dot(p, q + i * d, d)
            sum += out[i]
        }
        return sum
    }

    // MARK: - BPR

    /// BPR with `ranking.negatives` uniform negatives from `0..<catalogue` (drawn from `generator`): steps the item
    /// parameters of `positive` and of each negative, then the user vector `p` (the user step follows the summed
    /// gradient, left in ``userGradient``).
    @inline(__always)
    func learnPair(
        user p: UnsafeMutablePointer<Float>, positive x: Int32, catalogue: Int, weight: Float,
        generator: inout SplitMix64
    ) {
        let d = factors
        let lr = bpr.learningRate
        let lrBias = bpr.biasLearningRate
        let lambda = bpr.regularization
        let gp = userGradient.base
        for k in 0..<d { gp[k] = 0 }
        let qx = vectors.base + Int(x) * d
        for _ in 0..<bpr.negatives {
            let j = Int32(generator.next(below: catalogue))
            if j == x { continue }
            changes?.note(j)
            let qj = vectors.base + Int(j) * d
            let g = Kernels.bprCoefficient(
                p: p, qPositive: qx, qNegative: qj, bPositive: biases[Int(x)], bNegative: biases[Int(j)],
                factors: d, weight: weight)
            for k in 0..<d {
                let pk = p[k]
                gp[k] += g * (qx[k] - qj[k])
                qx[k] += lr * (g * pk - lambda * qx[k])
                qj[k] += lr * (-g * pk - lambda * qj[k])
            }
            biases[Int(x)] += lrBias * g
            biases[Int(j)] -= lrBias * g
        }
        changes?.note(x)
        let lrU = bpr.userLearningRate
        for k in 0..<d { p[k] += lrU * (gp[k] - lambda * p[k]) }
    }

    /// `ranking.inner_steps` BPR steps of the user vector alone, each on an item drawn from the user's last
    /// `length` items against a uniform negative (both drawn from `generator`).
    @inline(__always)
    func innerSteps(user: UserView, length: Int, catalogue: Int, generator: inout SplitMix64) {
        guard length > 0 else { return }
        let d = factors
        let p = user.vector
        let lrU = bpr.userLearningRate
        let lambda = bpr.regularization
        for _ in 0..<bpr.innerSteps {
            let a = generator.next(below: length)
            let pos = user.recent(a)
            let j = Int32(generator.next(below: catalogue))
            if j == pos { continue }
            let qp = vectors.base + Int(pos) * d
            let qj = vectors.base + Int(j) * d
            let g = Kernels.bprCoefficient(
                p: p, qPositive: qp, qNegative: qj, bPositive: biases[Int(pos)], bNegative: biases[Int(j)],
                factors: d, weight: 1)
            for k in 0..<d { p[k] += lrU * (g * (qp[k] - qj[k]) - lambda * p[k]) }
        }
    }

    // MARK: - Head-softmax steps

    /// Steps along the head-softmax loss from its `count` entries and coefficients `∂L/∂s`: each entry's item
    /// vector and bias and the user vector `p`, along `∂L/∂s` times the gradient of the score `b_i + p·q_i`, at
    /// `head_learning_rate` times the component's scale `factorScale`. `items` maps entries to catalogue indices
    /// (`nil`: entries are catalogue indices).
    /// - Returns: the user vector's loss gradient (``userGradient``), `nil` when the factorisation does not learn
    ///   from the head.
    @inline(__always)
    func applyHeadStep(
        entries: UnsafePointer<Int32>, coefficients: UnsafePointer<Float>, count: Int, items: UnsafePointer<Int32>?,
        user p: UnsafeMutablePointer<Float>, factorScale m: Float
    ) -> UnsafePointer<Float>? {
        let d = factors
        guard headRate > 0, d > 0 else { return nil }
        let eta = headRate * m
        let gp = userGradient.base
        for k in 0..<d { gp[k] = 0 }
        let q = vectors.base
        for h in 0..<count {
            let i = items.map { Int($0[Int(entries[h])]) } ?? Int(entries[h])
            let c = coefficients[h]
            let qi = q + i * d
            let step = eta * c
            for k in 0..<d {
                gp[k] += c * qi[k]
                qi[k] -= step * p[k]
            }
            biases[i] -= step
        }
        for k in 0..<d { p[k] -= eta * gp[k] }
        return UnsafePointer(gp)
    }

    var allocatedBytes: Int { (vectors.count + biases.count) * 4 }

    // MARK: - Serialization

    func write(to w: inout BinaryWriter) {
        vectors.write(to: &w)
        biases.write(to: &w)
    }

    func read(from r: inout BinaryReader, items: Int) throws {
        try vectors.read(from: &r)
        try biases.read(from: &r)
        try checkLengths(items: items)
    }

    func checkLengths(items: Int) throws {
        guard vectors.count == items * factors, biases.count == items else {
            throw LearningError(.corruptState, "factorisation has wrong length")
        }
    }
}
