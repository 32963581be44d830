/// Where each part of a user's state sits in a ``UserTable`` slot, for one model's shape.
///
/// A slot is `floatStride` floats and `intStride` 32-bit integers. Its floats under `ranking`: the user vector
/// (`factors`), one blend offset per component and, with Meta-SGD, the user's last blend gradient (one per
/// component). Under `rating`: the user bias, the user vector, the support window's ratings (`window`) and
/// `c_u − 1`, the user's scale of item biases less one. Its integers, either objective: the event count, the
/// ring's head, the flags, the link to the user's pending meta-contribution and the hashed side features
/// (`featureSlots`, `-1` when unused), then the support window's items (a ring of `window`), then under `ranking`
/// with sessions one session-start bit per ring position and the last timestamp (``sessionFields``).
///
/// ``UserView`` reads a slot through this layout; nothing else computes offsets into a slot.
struct UserLayout: Sendable, Equatable {
    // MARK: Integer fields of every slot

    static let eventsField = 0
    static let headField = 1
    static let flagsField = 2
    /// Bits of ``flagsField``: the user's weights were started from θ…
    static let initializedFlag: Int32 = 1
    /// …and the user is held out of meta-learning (the control arm).
    static let holdoutFlag: Int32 = 2
    /// The user's pending meta-contribution entry plus one (0: none in this window).
    static let pendingField = 3
    /// The first of the user's hashed side features.
    static let featureBase = 4

    // MARK: Shape

    let objective: LearningConfiguration.Objective
    /// Latent dimension of the user vector.
    let factors: Int
    /// Length of the support window (the ring of recent items).
    let window: Int
    let featureSlots: Int
    /// Session awareness (``LearningConfiguration/Ranking/sessions``): `⌈window / 32⌉` words of session-start
    /// bits (set when that ring position's event started a session: it came more than `session_gap` seconds after
    /// the user's previous event, or was the user's first) and the user's last timestamp (milliseconds, low and
    /// high 32 bits); 0 without sessions.
    let sessionFields: Int
    /// With `meta.max_participations`: one field counting the meta-update rounds the user contributed to, the
    /// slot's last; 0 without a cap.
    let participationFields: Int
    let floatStride: Int
    let intStride: Int

    init(configuration: LearningConfiguration) {
        objective = configuration.objective
        featureSlots = configuration.features.maxPerEntity
        let r = configuration.ranking
        let components = RankingModelLayout.components
        switch objective {
        case .ranking:
            factors = r.factors
            window = r.window
            floatStride = factors + components * (configuration.meta.innerStepSizes ? 2 : 1)
            sessionFields = r.sessions ? (window + 31) / 32 + 2 : 0
        case .rating:
            factors = configuration.rating.factors
            window = configuration.rating.window
            // User bias, user vector, support-window ratings, and the user's scale of item biases.
            floatStride = 1 + factors + window + 1
            sessionFields = 0
        }
        participationFields = configuration.meta.maxParticipations > 0 ? 1 : 0
        intStride = Self.featureBase + featureSlots + window + sessionFields + participationFields
    }

    // MARK: Float offsets

    /// Where the user vector starts: after the user bias under `rating`.
    var vectorOffset: Int { objective == .ranking ? 0 : 1 }
    /// Ranking: the blend offsets, after the vector.
    var blendOffsetsOffset: Int { factors }
    /// Ranking with Meta-SGD: the user's last blend gradient, after the blend offsets.
    var previousGradientOffset: Int { factors + RankingModelLayout.components }
    /// Rating: the support window's ratings, after the vector.
    var windowRatingsOffset: Int { 1 + factors }
    /// Rating: `c_u − 1`, after the support window's ratings.
    var biasScaleOffset: Int { 1 + factors + window }

    // MARK: Integer offsets

    /// The ring of the support window's items, after the side features.
    var ringOffset: Int { Self.featureBase + featureSlots }
    /// The session-start bits, after the ring.
    var sessionStartsOffset: Int { ringOffset + window }
    /// The last timestamp's two fields, after the session-start bits.
    var lastTimestampOffset: Int { ringOffset + window + sessionFields - 2 }
    /// The count of meta-update rounds contributed to, after the session fields (with ``participationFields``).
    var participationsOffset: Int { ringOffset + window + sessionFields }
}
