/// The four component values of single items for one scoring context, read straight from the components' buffers:
/// for one item at a time, exactly what ``Scoring/scoreCatalogue(_:count:target:)`` computes for every item
/// (the feature-conditioned cold-start row aside). Candidate queries and ``ExactRetrieval``'s merges read items
/// through it, so that they score an item bit for bit as the full scan does.
struct ItemComponents {
    private let pop: UnsafePointer<Float>
    private let invPop: Float
    private let cold: UnsafePointer<Float>
    private let invCold: Float
    private let q: UnsafePointer<Float>
    private let b: UnsafePointer<Float>
    private let d: Int
    private let p: UnsafePointer<Float>
    /// The co-occurrence scores, dense by item.
    private let knn: UnsafePointer<Float>
    private let floor: Float
    private let logComponents: Bool
    private let logNeighbours: Bool

    /// - Parameters:
    ///   - row: the fourth component's row of the context's stage.
    ///   - vector: the user vector.
    ///   - neighbours: the co-occurrence scores accumulated for the context, dense by item.
    init(
        popularity: PopularityComponents, row: DecayedPopularity, factorisation: Factorisation,
        vector: UnsafePointer<Float>, neighbours: UnsafePointer<Float>, logComponents: Bool, logNeighbours: Bool,
        floor: Float
    ) {
        pop = UnsafePointer(popularity.global.counts.base)
        invPop = popularity.global.inverseMaximum
        cold = UnsafePointer(row.counts.base)
        invCold = row.inverseMaximum
        q = UnsafePointer(factorisation.vectors.base)
        b = UnsafePointer(factorisation.biases.base)
        d = factorisation.factors
        p = vector
        knn = neighbours
        self.floor = floor
        self.logComponents = logComponents
        self.logNeighbours = logNeighbours
    }

    /// Item `i`'s popularity, co-occurrence, factorisation and fourth-component values.
    @inline(__always)
    func values(_ i: Int) -> (Float, Float, Float, Float) {
        let mf = b[i] + Kernels.dot(p, q + i * d, d)
        if logComponents {
            let kn = logNeighbours ? Kernels.fastLog(knn[i] + floor) : knn[i]
            return (Kernels.fastLog(pop[i] * invPop + floor), kn, mf, Kernels.fastLog(cold[i] * invCold + floor))
        }
        return (pop[i] * invPop, knn[i], mf, cold[i] * invCold)
    }
}
