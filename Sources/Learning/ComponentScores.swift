/// The four component scores and the blended score per entry of a scoring pass, and what the query loss needs per
/// entry (whether it counts, scratch). One instance covers the whole catalogue (grown with it: entry `i` is item
/// `i`), another the gathered candidates (reserved per query).
final class ComponentScores {
    /// The components, in the blend's order (``RankingModelLayout/componentNames``).
    let popularity: GrowableBuffer<Float>
    let neighbours: GrowableBuffer<Float>
    let factors: GrowableBuffer<Float>
    /// The fourth component: cold-start or stage popularity.
    let stage: GrowableBuffer<Float>
    /// The blended scores.
    let scores: GrowableBuffer<Float>
    /// Per entry 1 if the query loss counts it, 0 if not (a mask rather than a branch keeps loops vectorisable).
    let included: GrowableBuffer<Float>
    /// Scratch of the head-softmax selection and the neighbour pruning.
    let work: GrowableBuffer<Float>
    /// The components' means over the catalogue (exact, or from a sample for candidates), for the component
    /// scales (``Blend/updateScales(target:means:)``).
    var means: (Float, Float, Float, Float) = (0, 0, 0, 0)

    init() {
        popularity = GrowableBuffer(capacity: 1024)
        neighbours = GrowableBuffer(capacity: 1024)
        factors = GrowableBuffer(capacity: 1024)
        stage = GrowableBuffer(capacity: 1024)
        scores = GrowableBuffer(capacity: 1024)
        included = GrowableBuffer(capacity: 1024)
        work = GrowableBuffer(capacity: 1024)
    }

    /// Adds an entry for a new catalogue item (included, all scores 0).
    func appendItem() {
        popularity.append(0)
        neighbours.append(0)
        factors.append(0)
        stage.append(0)
        scores.append(0)
        included.append(1)
        work.append(0)
    }

    /// Makes room for `n` entries (written by the query before they are read).
    func reserve(_ n: Int) {
        popularity.reserve(n)
        neighbours.reserve(n)
        factors.reserve(n)
        stage.reserve(n)
        scores.reserve(n)
        included.reserve(n)
        work.reserve(n)
    }

    /// Component `c`'s score of entry `i`.
    @inline(__always)
    func raw(_ c: Int, at i: Int) -> Float {
        switch c {
        case 0: popularity[i]
        case 1: neighbours[i]
        case 2: factors[i]
        default: stage[i]
        }
    }

    /// The four component scores of entry `i`.
    @inline(__always)
    func values(at i: Int) -> (Float, Float, Float, Float) { (popularity[i], neighbours[i], factors[i], stage[i]) }

    /// Stores the four component scores of entry `i`.
    @inline(__always)
    func set(_ v: (Float, Float, Float, Float), at i: Int) {
        popularity[i] = v.0
        neighbours[i] = v.1
        factors[i] = v.2
        stage[i] = v.3
    }

    /// Blended scores of entries `0..<count`: `Σ_c w_c · m_c · z_c`, plus the item offsets `offsets` if given
    /// (`items` maps entries to catalogue indices; `nil`: entry `i` is item `i`).
    @inline(__always)
    func combine(
        weights w: UnsafePointer<Float>, multipliers m: (Float, Float, Float, Float), count: Int,
        offsets o: UnsafePointer<Float>?, items: UnsafePointer<Int32>?
    ) {
        let a0 = w[0] * m.0
        let a1 = w[1] * m.1
        let a2 = w[2] * m.2
        let a3 = w[3] * m.3
        let s = scores.base
        let pop = popularity.base
        let knn = neighbours.base
        let mf = factors.base
        let cold = stage.base
        if let o, let items {
            for c in 0..<count { s[c] = a0 * pop[c] + a1 * knn[c] + a2 * mf[c] + a3 * cold[c] + o[Int(items[c])] }
        } else if let o {
            for i in 0..<count { s[i] = a0 * pop[i] + a1 * knn[i] + a2 * mf[i] + a3 * cold[i] + o[i] }
        } else {
            for i in 0..<count { s[i] = a0 * pop[i] + a1 * knn[i] + a2 * mf[i] + a3 * cold[i] }
        }
    }
}
