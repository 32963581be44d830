import Clickstream

/// One user's contribution to a meta-update: what that user's inner loop says θ should move by.
///
/// `direction` is dense over the meta-parameters that every user shares (the model's ``Recommender/metaWidth``
/// values: blend weights and the initial user vector under `ranking`, the initial user bias and vector under
/// `rating`), already averaged over the user's events in the window. The user's side-feature embeddings move with
/// the initial-vector part of `direction` (see ``Recommender/metaUpdate(_:)``), so bounding `direction` bounds the
/// user's whole influence up to the factor `sqrt(1 + features.count)`.
public struct MetaContribution: Sendable, Equatable {
    /// The user this contribution comes from (for per-user accounting such as clipping).
    public var user: String
    /// How many of the user's events it summarises.
    public var events: Int
    /// The user's mean descent direction for θ.
    public var direction: [Float]
    /// The user's hashed side-feature rows (their embeddings are part of θ).
    public var features: [Int32]

    public init(user: String, events: Int, direction: [Float], features: [Int32]) {
        self.user = user
        self.events = events
        self.direction = direction
        self.features = features
    }
}
