/// Where each meta-parameter sits in θ, the shared initialization every user starts from (its dense part, the
/// width of a ``MetaContribution``'s direction).
///
/// Ranking: the blend rows (one per event-count bucket, ``RankingModelLayout``), the initial user vector and, with
/// Meta-SGD, the logarithms of the blend offsets' inner step sizes (one row per bucket). Rating: the initial user
/// bias and vector. The user-feature embeddings (``MetaLearner/userFeatureEmbeddings``) have the width of the
/// vector part: a user starts from θ's vector part plus the embeddings of the user's side features.
struct ThetaLayout: Sendable, Equatable {
    let objective: LearningConfiguration.Objective
    /// Latent dimension of the user vector.
    let factors: Int
    /// Where the vector part starts (the user-feature embeddings have its width).
    let vectorOffset: Int
    /// Ranking: the user vector; rating: the user bias and vector.
    let vectorWidth: Int
    /// Meta-SGD (ranking): θ ends with the logarithms of the inner step sizes.
    let stepSizes: Bool
    let stepSizeOffset: Int
    /// Width of θ.
    let width: Int

    init(configuration: LearningConfiguration) {
        objective = configuration.objective
        let C = RankingModelLayout.components
        switch objective {
        case .ranking:
            factors = configuration.ranking.factors
            vectorOffset = RankingModelLayout.buckets * C
            vectorWidth = factors
            stepSizes = configuration.meta.innerStepSizes
        case .rating:
            factors = configuration.rating.factors
            vectorOffset = 0
            vectorWidth = 1 + factors
            stepSizes = false
        }
        stepSizeOffset = vectorOffset + vectorWidth
        width = stepSizeOffset + (stepSizes ? RankingModelLayout.buckets * C : 0)
    }

    /// Ranking: where the blend row of event-count bucket `b` starts.
    @inline(__always)
    func blendRow(bucket b: Int) -> Int { b * RankingModelLayout.components }

    /// Ranking with Meta-SGD: where the row of inner step sizes (their logarithms) of bucket `b` starts.
    @inline(__always)
    func stepSizeRow(bucket b: Int) -> Int { stepSizeOffset + b * RankingModelLayout.components }

    /// θ's entries before this offset (ranking: the blend rows) take Adam at `meta.learning_rate` in the
    /// meta-update; the vector part a plain averaged step at `meta.vector_learning_rate`.
    var adamEnd: Int { objective == .ranking ? vectorOffset : 0 }
}
