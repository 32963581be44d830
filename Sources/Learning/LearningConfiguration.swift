import Foundation

/// Every setting of the learning core, with the tuned defaults.
///
/// Keys are addressed with dotted snake-case names (`ranking.factors`, `meta.interval`), the same names the JSON
/// form uses, so `--set ranking.factors=48` and a config file `{"ranking": {"factors": 48}}` mean the same thing.
public struct LearningConfiguration: Codable, Sendable, Equatable {
    /// What the model learns and is evaluated on.
    public enum Objective: String, Codable, Sendable, CaseIterable {
        /// Explicit ratings, squared loss, predictions clipped to ``Rating-swift.struct/minimum``…`maximum`.
        case rating
        /// Implicit interactions: every event is a positive; the model ranks the whole catalogue.
        case ranking
    }

    /// How the shared initialization θ is updated from what the per-user inner loops learned.
    public enum MetaAlgorithm: String, Codable, Sendable, CaseIterable {
        /// First-order MAML: the query loss (each new event, measured before it is learned) differentiated at the
        /// user's adapted weights.
        case fomaml
        /// Reptile: θ moves towards the users' adapted weights.
        case reptile
    }

    /// The query loss of the ranking blend that the meta-update descends.
    public enum RankingMetaLoss: String, Codable, Sendable, CaseIterable {
        /// Cross-entropy of a softmax over the whole unseen catalogue.
        case softmax
        /// Pairwise logistic loss against the best-scored unseen items (a top-of-list surrogate of HR@K).
        case top
        /// Softmax over the best-scored unseen items plus the target only (the head of the list).
        case headSoftmax = "head_softmax"
    }

    /// Which items the ranking objective scores for a user (learning's query loss and ``Recommender/topK``).
    public enum RankingRetrieval: String, Codable, Sendable, CaseIterable {
        /// Every catalogue item: exact, O(catalogue) per event and per top-K.
        case full
        /// Candidates only: the co-occurrence neighbours of the user's recent items plus the most popular items and
        /// the most popular cold-start items, or those of the user's stage with `stage_popularity` (exactly the items
        /// whose neighbour or popularity components can be high),
        /// each scored exactly with the same blend. Cost grows with the neighbour rows, not with the catalogue.
        case candidates
        /// Top-K (and the served rank) is exactly the full catalogue's, found by a threshold merge over per-column
        /// item orders (``ExactRetrieval``) rather than by scoring every item; learning scores what
        /// ``Ranking-swift.struct/exactLearning`` says.
        case exact
    }

    /// What learning scores under `ranking.retrieval: exact`.
    public enum RankingExactLearning: String, Codable, Sendable, CaseIterable {
        /// The whole catalogue, as `retrieval: full`: the same model as `full`, so the same served lists.
        case full
        /// The candidates, as `retrieval: candidates`: cheaper, but a model that learned only its candidates ranks
        /// the rest of the catalogue worse (BENCHMARKS.md).
        case candidates
    }

    /// Meta-learning of the shared initialization θ.
    public struct Meta: Codable, Sendable, Equatable {
        /// `false` freezes θ at its initial value (the `--no-meta` ablation).
        public var enabled: Bool = true
        public var algorithm: MetaAlgorithm = .fomaml
        /// A meta-update runs every this many learned events.
        public var interval: Int = 100
        /// Adam step size of the meta-update for the blend weights (ranking).
        public var learningRate: Double = 0.05
        /// Step size of the meta-update for the initial user weights (vector, and bias under rating) and the
        /// user-feature embeddings.
        public var vectorLearningRate: Double = 0.01
        /// Share of users (chosen by a hash of the user id) held out of meta-learning: they start from the initial,
        /// never meta-updated θ and contribute nothing to meta-updates — the live control arm that measures what
        /// meta-learning buys (0 disables it).
        public var holdoutShare: Double = 0
        /// With a control arm (`holdout_share` > 0): fall back to the initial θ for good when meta-learning is
        /// measured to hurt on the stream at hand (``MetaGuard``: in some bucket the meta arm's HR@10 is below the
        /// control arm's with z < −`fallback_z`, both arms with at least `fallback_min_trials` scored events there).
        public var fallback: Bool = true
        /// Each user contributes to at most this many meta-update rounds (user-level differential privacy: the
        /// privacy spent per user is that of this many rounds, however many the stream has); 0: no cap. The count
        /// is part of the user's state (4 bytes), so it survives eviction and restarts.
        public var maxParticipations: Int = 0
        public var fallbackMinTrials: Int = 2_000
        public var fallbackZ: Double = 3.5
        /// Meta-SGD (ranking): learn the inner step sizes of the users' blend offsets, one per event-count bucket and
        /// component, starting at `ranking.blend_learning_rate` (first-order meta-gradient, Adam on their logarithms).
        public var innerStepSizes: Bool = false
        /// Adam step size of the meta-update for the logarithms of the learned inner step sizes.
        public var stepSizeLearningRate: Double = 0.01
        public init() {}
    }

    /// Hashed categorical side features.
    public struct Features: Codable, Sendable, Equatable {
        /// Hash buckets for side-feature embeddings (`name=value` pairs are hashed into this many rows).
        public var buckets: Int = 4096
        /// Condition the initial user weights on the user's side features.
        public var userFeatures: Bool = true
        /// Use the items' side features (e.g. genres) as item embeddings (rating objective).
        public var itemFeatures: Bool = false
        /// At most this many feature values are kept per user and per item.
        public var maxPerEntity: Int = 4
        public init() {}
    }

    /// The `ranking` objective: a blend of item-to-item co-occurrence, BPR matrix factorisation and recent
    /// popularity whose per-user mixing weights start from meta-learned values that depend on the user's event count.
    ///
    /// Over 40 stored properties, past the ~25 guide on purpose: each is one `ranking.*` key, flat so that its
    /// dotted name, its JSON member and its `--set` override are the same word; grouping them would rename keys
    /// that operators' configurations hold.
    public struct Ranking: Codable, Sendable, Equatable {
        /// Latent dimension of the BPR model.
        public var factors: Int = 24
        /// Uniformly sampled negatives per event for BPR.
        public var negatives: Int = 4
        /// BPR step size for item parameters.
        public var learningRate: Double = 0.05
        /// BPR step size for item biases.
        public var biasLearningRate: Double = 0.01
        /// BPR step size for the user vector.
        public var userLearningRate: Double = 0.05
        /// Standard deviation of the initial item factors and of θ's initial user vector.
        public var initialScale: Double = 0.1
        /// Standard deviation of per-user noise added to θ's initial user vector.
        public var userInitNoise: Double = 0
        /// L2 regularisation of BPR parameters.
        public var regularization: Double = 0.002
        /// Extra BPR steps on the user vector per event over the user's support window.
        public var innerSteps: Int = 2
        /// Length of the user's recent-item window (support set, kNN context and co-occurrence window).
        public var window: Int = 32
        /// The kNN context uses the user's last this many items.
        public var neighborContext: Int = 16
        /// Weight of a recent item in the kNN context is `decay^age` (age 0 = the newest).
        public var contextDecay: Double = 0.8
        /// A new item co-occurs with the user's last this many items.
        public var cooccurrenceWindow: Int = 32
        /// Co-occurrence increment is `decay^distance` between the two items in the user's sequence.
        public var cooccurrenceDecay: Double = 0.95
        /// Session awareness of the kNN context: consecutive events of a user at most `session_gap` seconds apart
        /// form a session, and the items of the user's latest session weigh more. Costs a bit per window item (the
        /// session starts) and the last timestamp: 12 bytes per user at the default window. `false` keeps the
        /// context purely positional.
        public var sessions: Bool = true
        /// Events at most this many seconds after the user's previous event continue its session (0: only events
        /// with the same timestamp, e.g. ratings submitted together).
        public var sessionGap: Double = 60
        /// With `sessions`: items of the user's latest session weigh this much more in the kNN context (on top of
        /// `context_decay^age`). Sessions are read from past events only, as a top-K served now would see them.
        public var sessionContextWeight: Double = 2
        /// With `sessions`: the kNN context weight of an older item is also multiplied by this per session boundary
        /// between it and the newest item (1: position alone).
        public var sessionDecay: Double = 1
        /// Half-life of co-occurrence weights, in events (0: no decay).
        public var cooccurrenceHalfLife: Double = 0
        /// Weight of the reverse direction: item x following item j adds to `c(j, x)` and this fraction to `c(x, j)`.
        public var reverseWeight: Double = 1
        /// At most this many neighbours per item (a bounded sparse table; the weakest half is pruned when full).
        public var maxNeighbors: Int = 512
        /// Similarity is `c(j, i) / (n_j^alpha · n_i^beta)`: normalisation by the context item's count…
        public var neighborAlpha: Double = 0.5
        /// …and damping of popular candidates.
        public var neighborBeta: Double = 0.5
        /// Events of a user that count as cold-start for the cold-start popularity component.
        public var coldEvents: Int = 5
        /// Half-life of the cold-start popularity, in cold-start events.
        public var coldPopularityHalfLife: Double = 300
        /// Stage-conditioned popularity: past the cold start, a user's cold-start popularity component becomes the
        /// decayed popularity among the events of users at the same stage of their history (a range of event
        /// counts, see `stage_edges`), each stage with its own counts and half-life. Users early in their history
        /// interact with other items than long-time users do; cold-start popularity says little about the latter.
        /// `false`: every user blends the cold-start popularity.
        public var stagePopularity: Bool = true
        /// With `stage_popularity`: the event counts where a stage after the cold start ends (increasing, each above
        /// `cold_events`): `[20, 50, 100]` gives the stages `cold_events…19`, `20…49`, `50…99` and `100+`.
        public var stageEdges: [Int] = [20, 50, 100]
        /// Half-life of each stage's popularity, in that stage's events (one per stage: `stage_edges` + 1).
        public var stageHalfLives: [Double] = [2000, 3000, 3000, 3000]
        /// Condition the cold-start popularity on the user's side features (needs `features.user_features`): what
        /// users sharing an age bucket, an occupation, … interacted with first. With `stage_popularity`, only users
        /// in their cold start blend it.
        public var coldFeatures: Bool = false
        /// Prior strength κ of that estimate, in cold-start interactions: each feature's distribution is smoothed
        /// towards the global cold-start distribution as `(c_f(i) + κ·P(i)) / (T_f + κ)`.
        public var coldFeaturePrior: Double = 10
        /// Half-life of the decayed popularity, in events.
        public var popularityHalfLife: Double = 1000
        /// Inner-loop step size of the user's blend-weight offsets.
        public var blendLearningRate: Double = 0.005
        /// Step size of the per-item score offsets (0: none). Each item has a learned offset added to its blended
        /// score, one for users in their cold start (`cold_events`) and one for everyone else, moved by the same
        /// head-softmax query loss as the blend weights (`meta_loss` `head_softmax` only): an item the blend keeps
        /// ranking above what users pick next loses score, an item picked from below gains. 8 bytes per item.
        public var itemOffsetLearningRate: Double = 0.01
        /// Step size of the factorisation along the same head-softmax query loss (0: BPR alone trains it). Besides its
        /// BPR steps, the factorisation then learns what the blend gets wrong: each event moves the item vectors and
        /// biases of the head's items and the target, and the user's vector, along the loss gradient with respect
        /// to their factorisation scores, in units of the component's running scale. The head's items are the
        /// hardest negatives there are: the unseen items the blend ranks highest.
        public var headLearningRate: Double = 0.4
        /// Query loss of the blend weights.
        public var metaLoss: RankingMetaLoss = .headSoftmax
        /// Negatives of the `top` and `head_softmax` query losses: this many best-scored unseen items.
        public var topNegatives: Int = 500
        /// Items scored for learning and top-K: `full` catalogue, `candidates`, or `exact` (see
        /// ``RankingRetrieval``).
        public var retrieval: RankingRetrieval = .full
        /// With `exact`: what learning scores (see ``RankingExactLearning``).
        public var exactLearning: RankingExactLearning = .full
        /// Whether learning scores the candidates rather than the whole catalogue.
        public var learnsFromCandidates: Bool {
            retrieval == .candidates || (retrieval == .exact && exactLearning == .candidates)
        }
        /// With `candidates`: the most popular items and the most popular items of the user's stage (cold-start
        /// popularity, or the user's `stage_popularity` stage) always among the candidates (this many of each).
        public var candidatePool: Int = 500
        /// With `candidates`: at most this many co-occurrence neighbours (the strongest) are candidates.
        public var candidateNeighbors: Int = 1000
        /// Blend popularity, cold-start popularity and co-occurrence on a log scale (a product of experts).
        public var logComponents: Bool = true
        /// With `log_components`, also put the co-occurrence score on a log scale.
        public var logNeighbors: Bool = false
        /// Floor added inside those logarithms (relative popularity / co-occurrence score).
        public var logFloor: Double = 0.001
        /// Initial blend weights (popularity, co-occurrence, BPR, cold-start popularity) before meta-learning moves
        /// them.
        public var initialBlend: [Double] = [1.0, 1.0, 1.0, 1.0]
        public init() {}
    }

    /// The `rating` objective: biased matrix factorisation with genre embeddings, per-item step-size decay and a
    /// per-user inner loop on the user's last events, started from a meta-learned initialization.
    public struct Rating: Codable, Sendable, Equatable {
        /// Ratings are clipped to `minimum…maximum` and normalised to `0…1` internally, so the step sizes below do
        /// not depend on the scale.
        public var minimum: Double = 1
        public var maximum: Double = 5
        public var factors: Int = 8
        /// Standard deviation of the initial item factors.
        public var initialScale: Double = 0.01
        /// Step size of item factors (in normalised units), decayed per item by
        /// `(1 + n_i / itemDecayCount)^-itemDecayPower`.
        public var learningRate: Double = 0.08
        public var itemDecayCount: Double = 3
        public var itemDecayPower: Double = 0.75
        /// Item biases step at `learning_rate × bias_learning_rate_scale`.
        public var biasLearningRateScale: Double = 3
        /// Step size of the user's inner loop for the user bias…
        public var userLearningRate: Double = 0.15
        /// …and for the user vector.
        public var userFactorLearningRate: Double = 0.2
        /// The user's steps decay as `(1 + n_u / userDecayCount)^-userDecayPower` with the user's event count.
        public var userDecayCount: Double = 10
        public var userDecayPower: Double = 1
        /// The user's decayed steps never fall below this fraction of their initial values (a floor that keeps
        /// settled users tracking drift).
        public var userDecayFloor: Double = 0.45
        public var regularization: Double = 0.001
        /// Support window: the user's last this many ratings.
        public var window: Int = 1
        /// Inner-loop steps per event over the support window.
        public var innerSteps: Int = 1
        /// Shrinkage: the window loss is divided by `|window| + shrinkage`, so young users move cautiously.
        public var shrinkage: Double = 0
        /// Condition the initial user weights on the user's side features (needs `features.user_features`).
        public var userFeatures: Bool = false
        /// Step size of the user's scale of item biases `c_u` (prediction `μ + b_u + c_u·b_i + p·v`, `c_u` starting
        /// at 1: how strongly this user follows the consensus quality of items), decayed like the user's other
        /// steps; 0 keeps `c_u = 1`.
        public var biasScaleLearningRate: Double = 3
        /// L2 pull of `c_u` back towards 1.
        public var biasScaleRegularization: Double = 0.01
        public init() {}
    }

    public var objective: Objective = .ranking
    public var seed: UInt64 = 42
    /// `seen_limit`: the most items a user's seen list holds — the user's most recently interacted items, kept
    /// exactly (served lists leave them out, and an event on one is a repeat); past it the oldest is forgotten, so
    /// per-user state stays bounded (4 bytes per item) whatever a user (or a bot) sends.
    public var seenLimit: Int = 4096
    /// Verification mode for the daemon: meta-updates and checkpoints only by event counts, and partitions learned
    /// in a fixed interleaving (rounds of a fixed number of events per partition, in partition order), so two runs
    /// over the same (unchanging) topic end with bit-identical state. The learning core itself is deterministic
    /// for a seed either way.
    public var deterministic: Bool = false
    public var meta = Meta()
    public var features = Features()
    public var ranking = Ranking()
    public var rating = Rating()
    /// Weight of an event by its kind under `ranking` (``defaultKindWeights``; `ranking.kind_weights.<kind>` is
    /// the same key). A replay refuses events of a kind without a weight, naming the key to set; the daemon
    /// accepts the kinds of `input.kinds` (these weights by default) and dead-letters the others.
    public var kindWeights: [String: Double] = Self.defaultKindWeights

    /// The kinds of e-commerce clickstreams, weighted by intent: a view 0.5, a click 1, a cart or a favourite 1.5,
    /// a purchase 2; a rating 1 (its value is the label under `rating`). The daemon's `input.kinds` default to these.
    public static let defaultKindWeights: [String: Double] = [
        "view": 0.5, "click": 1, "cart": 1.5, "favorite": 1.5, "purchase": 2, "rating": 1,
    ]

    public init() {}

    // MARK: - Validation

    /// Checks every value.
    /// - Throws: ``LearningError`` naming the offending key; when several values are bad, the error lists every one
    ///   of them (``LearningError/issues``), so one correction round fixes them all.
    public func validate() throws {
        try LearningError.throwing(problems())
    }

    /// Every bad value, one error per key (empty when the configuration is valid).
    public func problems() -> [LearningError] {
        var problems: [LearningError] = []
        func check(_ ok: Bool, _ key: String, _ message: String) {
            if !ok { problems.append(LearningError(.invalidConfiguration, key: key, message)) }
        }
        check(meta.interval >= 1, "meta.interval", "must be at least 1")
        check(seenLimit >= 1 && seenLimit <= 1 << 24, "seen_limit", "must be between 1 and 16777216")
        check(
            meta.holdoutShare.isFinite && meta.holdoutShare >= 0 && meta.holdoutShare <= 0.5, "meta.holdout_share",
            "must be in 0…0.5")
        check(meta.maxParticipations >= 0, "meta.max_participations", "must be ≥ 0 (0: no cap)")
        check(meta.fallbackMinTrials >= 1, "meta.fallback_min_trials", "must be at least 1")
        check(meta.fallbackZ.isFinite && meta.fallbackZ > 0, "meta.fallback_z", "must be > 0")
        check(meta.learningRate.isFinite && meta.learningRate >= 0, "meta.learning_rate", "must be ≥ 0")
        check(
            meta.vectorLearningRate.isFinite && meta.vectorLearningRate >= 0, "meta.vector_learning_rate", "must be ≥ 0"
        )
        check(
            meta.stepSizeLearningRate.isFinite && meta.stepSizeLearningRate >= 0, "meta.step_size_learning_rate",
            "must be ≥ 0")
        check(features.buckets >= 1 && features.buckets <= 1 << 24, "features.buckets", "must be in 1…16777216")
        check(features.maxPerEntity >= 0 && features.maxPerEntity <= 64, "features.max_per_entity", "must be in 0…64")
        let r = ranking
        check(r.factors >= 1 && r.factors <= 1024, "ranking.factors", "must be in 1…1024")
        check(r.negatives >= 1 && r.negatives <= 1024, "ranking.negatives", "must be in 1…1024")
        check(r.learningRate.isFinite && r.learningRate >= 0, "ranking.learning_rate", "must be ≥ 0")
        check(r.biasLearningRate.isFinite && r.biasLearningRate >= 0, "ranking.bias_learning_rate", "must be ≥ 0")
        check(r.userLearningRate.isFinite && r.userLearningRate >= 0, "ranking.user_learning_rate", "must be ≥ 0")
        check(r.regularization.isFinite && r.regularization >= 0, "ranking.regularization", "must be ≥ 0")
        check(r.innerSteps >= 0 && r.innerSteps <= 100, "ranking.inner_steps", "must be in 0…100")
        check(r.window >= 1 && r.window <= 1024, "ranking.window", "must be in 1…1024")
        check(
            r.neighborContext >= 0 && r.neighborContext <= r.window, "ranking.neighbor_context",
            "must be in 0…ranking.window")
        check(
            r.cooccurrenceWindow >= 0 && r.cooccurrenceWindow <= r.window, "ranking.cooccurrence_window",
            "must be in 0…ranking.window")
        check(r.contextDecay > 0 && r.contextDecay <= 1, "ranking.context_decay", "must be in (0, 1]")
        check(r.cooccurrenceDecay > 0 && r.cooccurrenceDecay <= 1, "ranking.cooccurrence_decay", "must be in (0, 1]")
        check(r.sessionGap.isFinite && r.sessionGap >= 0, "ranking.session_gap", "must be ≥ 0")
        check(
            r.sessionContextWeight.isFinite && r.sessionContextWeight > 0, "ranking.session_context_weight",
            "must be > 0")
        check(r.sessionDecay > 0 && r.sessionDecay <= 1, "ranking.session_decay", "must be in (0, 1]")
        check(r.maxNeighbors >= 4 && r.maxNeighbors <= 1 << 20, "ranking.max_neighbors", "must be in 4…1048576")
        check(r.neighborAlpha.isFinite && r.neighborAlpha >= 0, "ranking.neighbor_alpha", "must be ≥ 0")
        check(r.neighborBeta.isFinite && r.neighborBeta >= 0, "ranking.neighbor_beta", "must be ≥ 0")
        check(
            r.cooccurrenceHalfLife >= 0 && r.cooccurrenceHalfLife.isFinite, "ranking.cooccurrence_half_life",
            "must be ≥ 0")
        check(r.reverseWeight >= 0 && r.reverseWeight.isFinite, "ranking.reverse_weight", "must be ≥ 0")
        check(r.topNegatives >= 1 && r.topNegatives <= 1000, "ranking.top_negatives", "must be in 1…1000")
        check(
            r.candidateNeighbors >= 1 && r.candidateNeighbors <= 1_000_000, "ranking.candidate_neighbors",
            "must be in 1…1000000")
        check(r.candidatePool >= 1 && r.candidatePool <= 100_000, "ranking.candidate_pool", "must be in 1…100000")
        check(
            !r.learnsFromCandidates || r.metaLoss == .headSoftmax, "ranking.retrieval",
            "learning from the candidates works with ranking.meta_loss head_softmax only")
        check(
            !r.learnsFromCandidates || !r.coldFeatures, "ranking.retrieval",
            "learning from the candidates does not support ranking.cold_features yet")
        check(r.logFloor > 0 && r.logFloor.isFinite, "ranking.log_floor", "must be > 0")
        check(r.coldEvents >= 1, "ranking.cold_events", "must be at least 1")
        check(
            r.coldPopularityHalfLife > 0 && r.coldPopularityHalfLife.isFinite, "ranking.cold_popularity_half_life",
            "must be > 0")
        check(
            r.stageEdges.count <= 64 && zip([r.coldEvents] + r.stageEdges, r.stageEdges).allSatisfy { $0 < $1 },
            "ranking.stage_edges", "must be increasing, above ranking.cold_events, at most 64")
        check(
            r.stageHalfLives.count == r.stageEdges.count + 1
                && r.stageHalfLives.allSatisfy { $0 > 0 && $0.isFinite }, "ranking.stage_half_lives",
            "must hold one positive number per stage (ranking.stage_edges + 1)")
        check(
            r.coldFeaturePrior.isFinite && r.coldFeaturePrior >= 0, "ranking.cold_feature_prior", "must be ≥ 0")
        check(r.popularityHalfLife > 0 && r.popularityHalfLife.isFinite, "ranking.popularity_half_life", "must be > 0")
        check(r.blendLearningRate.isFinite && r.blendLearningRate >= 0, "ranking.blend_learning_rate", "must be ≥ 0")
        check(
            r.itemOffsetLearningRate.isFinite && r.itemOffsetLearningRate >= 0, "ranking.item_offset_learning_rate",
            "must be ≥ 0")
        check(
            r.itemOffsetLearningRate == 0 || r.metaLoss == .headSoftmax, "ranking.item_offset_learning_rate",
            "item offsets are learned with ranking.meta_loss head_softmax only (set it to 0)")
        check(r.headLearningRate.isFinite && r.headLearningRate >= 0, "ranking.head_learning_rate", "must be ≥ 0")
        check(
            r.headLearningRate == 0 || r.metaLoss == .headSoftmax, "ranking.head_learning_rate",
            "the head-softmax step needs ranking.meta_loss head_softmax (set it to 0)")
        check(
            r.initialBlend.count == RankingModelLayout.components && r.initialBlend.allSatisfy(\.isFinite),
            "ranking.initial_blend", "must hold \(RankingModelLayout.components) finite numbers")
        let g = rating
        check(
            g.minimum.isFinite && g.maximum.isFinite && g.maximum > g.minimum, "rating.maximum",
            "must exceed rating.minimum")
        check(g.factors >= 1 && g.factors <= 1024, "rating.factors", "must be in 1…1024")
        check(g.learningRate.isFinite && g.learningRate >= 0, "rating.learning_rate", "must be ≥ 0")
        check(g.itemDecayCount > 0, "rating.item_decay_count", "must be > 0")
        check(g.itemDecayPower.isFinite && g.itemDecayPower >= 0, "rating.item_decay_power", "must be ≥ 0")
        check(g.userLearningRate.isFinite && g.userLearningRate >= 0, "rating.user_learning_rate", "must be ≥ 0")
        check(
            g.userFactorLearningRate.isFinite && g.userFactorLearningRate >= 0, "rating.user_factor_learning_rate",
            "must be ≥ 0")
        check(
            g.biasLearningRateScale.isFinite && g.biasLearningRateScale >= 0, "rating.bias_learning_rate_scale",
            "must be ≥ 0")
        check(g.userDecayCount > 0 && g.userDecayCount.isFinite, "rating.user_decay_count", "must be > 0")
        check(g.userDecayPower >= 0 && g.userDecayPower.isFinite, "rating.user_decay_power", "must be ≥ 0")
        check(g.userDecayFloor >= 0 && g.userDecayFloor <= 1, "rating.user_decay_floor", "must be in 0…1")
        check(g.regularization.isFinite && g.regularization >= 0, "rating.regularization", "must be ≥ 0")
        check(
            g.biasScaleLearningRate.isFinite && g.biasScaleLearningRate >= 0, "rating.bias_scale_learning_rate",
            "must be ≥ 0")
        check(
            g.biasScaleRegularization.isFinite && g.biasScaleRegularization >= 0, "rating.bias_scale_regularization",
            "must be ≥ 0")
        check(g.window >= 1 && g.window <= 1024, "rating.window", "must be in 1…1024")
        check(g.innerSteps >= 0 && g.innerSteps <= 100, "rating.inner_steps", "must be in 0…100")
        check(g.shrinkage.isFinite && g.shrinkage >= 0, "rating.shrinkage", "must be ≥ 0")
        for (kind, w) in kindWeights.sorted(by: { $0.key < $1.key }) {
            check(w.isFinite && w >= 0, "kind_weights.\(kind)", "must be ≥ 0")
        }
        return problems
    }

    // MARK: - Overrides

    /// Applies `key=value` overrides with dotted snake-case keys.
    ///
    /// The value is parsed as the type the key already has (number, boolean, string, or a comma-separated list of
    /// numbers); `kind_weights.<kind>` may add a kind.
    /// - Throws: ``LearningError`` naming the key when it is unknown or the value does not parse.
    ///   Every unknown key and unparsable value is reported at once (``LearningError/issues``).
    public mutating func apply(overrides: [(key: String, value: String)]) throws {
        var tree = try jsonTree()
        var problems: [LearningError] = []
        for (given, value) in overrides {
            let key = Self.canonical(given)
            let path = key.split(separator: ".").map(String.init)
            do {
                guard !path.isEmpty else {
                    throw LearningError(.unknownConfigurationKey, key: key, "empty key")
                }
                try Self.set(&tree, path: path[...], fullKey: key, raw: value)
            } catch let error as LearningError {
                problems.append(error)
            }
        }
        try LearningError.throwing(problems)
        self = try Self.decode(tree: tree, context: "--set")
    }

    /// Merges a JSON configuration file over the current values (missing keys keep their values).
    public mutating func merge(json data: Data) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw LearningError(.invalidConfiguration, "configuration file is not valid JSON: \(error)")
        }
        guard var patch = object as? [String: Any] else {
            throw LearningError(.invalidConfiguration, "configuration file must hold a JSON object")
        }
        if var ranking = patch["ranking"] as? [String: Any], let weights = ranking.removeValue(forKey: "kind_weights") {
            // `ranking.kind_weights` is `kind_weights` (the weights apply to the ranking objective).
            guard patch["kind_weights"] == nil else {
                throw LearningError(
                    .invalidConfiguration, key: "ranking.kind_weights",
                    "give kind_weights or ranking.kind_weights, not both")
            }
            patch["kind_weights"] = weights
            patch["ranking"] = ranking
        }
        var tree = try jsonTree()
        try Self.merge(&tree, patch, prefix: "")
        self = try Self.decode(tree: tree, context: "configuration file")
    }

    /// The configuration as JSON (snake-case keys, sorted), as dumped into replay reports.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(self)
    }

    /// `ranking.kind_weights.<kind>` is `kind_weights.<kind>`.
    private static func canonical(_ key: String) -> String {
        key.hasPrefix("ranking.kind_weights.") ? String(key.dropFirst("ranking.".count)) : key
    }

    private func jsonTree() throws -> [String: Any] {
        guard let tree = try JSONSerialization.jsonObject(with: jsonData()) as? [String: Any] else {
            throw LearningError(.invalidConfiguration, "cannot encode configuration")
        }
        return tree
    }

    private static func decode(tree: [String: Any], context: String) throws -> LearningConfiguration {
        let data = try JSONSerialization.data(withJSONObject: tree)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(LearningConfiguration.self, from: data)
        } catch DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
            DecodingError.dataCorrupted(let ctx)
        {
            let key = ctx.codingPath.map { Self.snake($0.stringValue) }.joined(separator: ".")
            throw LearningError(.invalidConfiguration, key: key, "\(context): \(ctx.debugDescription)")
        }
    }

    private static func snake(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase {
                out.append("_")
                out.append(contentsOf: ch.lowercased())
            } else {
                out.append(ch)
            }
        }
        return out
    }

    private static func merge(_ tree: inout [String: Any], _ patch: [String: Any], prefix: String) throws {
        for (k, v) in patch {
            let full = prefix.isEmpty ? k : prefix + "." + k
            guard let existing = tree[k] else {
                if prefix == "kind_weights" {
                    tree[k] = v
                    continue
                }
                throw LearningError(.unknownConfigurationKey, key: full, "no such setting")
            }
            if var sub = existing as? [String: Any], prefix != "kind_weights" || !(v is NSNumber) {
                guard let subPatch = v as? [String: Any] else {
                    throw LearningError(.invalidConfiguration, key: full, "expected an object")
                }
                try merge(&sub, subPatch, prefix: full)
                tree[k] = sub
            } else {
                tree[k] = v
            }
        }
    }

    private static func set(_ tree: inout [String: Any], path: ArraySlice<String>, fullKey: String, raw: String) throws
    {
        let head = path.first!
        if path.count > 1 {
            guard var sub = tree[head] as? [String: Any] else {
                throw LearningError(.unknownConfigurationKey, key: fullKey, "no such setting")
            }
            try set(&sub, path: path.dropFirst(), fullKey: fullKey, raw: raw)
            tree[head] = sub
            return
        }
        let existing = tree[head]
        if existing == nil && fullKey.hasPrefix("kind_weights.") {
            guard let d = Double(raw) else {
                throw LearningError(.invalidConfiguration, key: fullKey, "expected a number, got '\(raw)'")
            }
            tree[head] = d
            return
        }
        guard let existing else {
            throw LearningError(.unknownConfigurationKey, key: fullKey, "no such setting")
        }
        switch existing {
        case let number as NSNumber where String(cString: number.objCType) == "c":
            switch raw.lowercased() {
            case "true", "1", "yes", "on": tree[head] = true
            case "false", "0", "no", "off": tree[head] = false
            default: throw LearningError(.invalidConfiguration, key: fullKey, "expected true or false, got '\(raw)'")
            }
        case is NSNumber:
            guard let d = Double(raw), d.isFinite else {
                throw LearningError(.invalidConfiguration, key: fullKey, "expected a number, got '\(raw)'")
            }
            tree[head] = d
        case is String:
            tree[head] = raw
        case is [Any]:
            let parts = raw.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.allSatisfy({ $0 != nil }) else {
                throw LearningError(
                    .invalidConfiguration, key: fullKey, "expected comma-separated numbers, got '\(raw)'")
            }
            tree[head] = parts.map { $0! }
        default:
            throw LearningError(.unknownConfigurationKey, key: fullKey, "is a group of settings, not a setting")
        }
    }
}
