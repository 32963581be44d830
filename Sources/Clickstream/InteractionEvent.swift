/// One user–item interaction: the unit Warmstart consumes, learns from and evaluates on.
///
/// Identifiers and feature values are arbitrary strings (integers are carried as their decimal text); the learning
/// core maps them to dense indices. A feature value is a list because some features are multi-valued (an item's
/// genres); a single-valued feature is a one-element list.
public struct InteractionEvent: Sendable, Hashable {
    /// The user who interacted.
    public var user: String
    /// The item interacted with.
    public var item: String
    /// The kind of interaction, e.g. `view`, `click`, `rating`, `purchase`.
    public var kind: String
    /// A rating, or the strength of the interaction; `nil` when the kind alone says it all.
    public var value: Double?
    /// When it happened, in milliseconds since the Unix epoch.
    public var timestamp: Int64
    /// Categorical side features of the user (e.g. `age`, `occupation`).
    public var userFeatures: [String: [String]]
    /// Categorical side features of the item (e.g. `genre`).
    public var itemFeatures: [String: [String]]

    public init(
        user: String,
        item: String,
        kind: String,
        value: Double? = nil,
        timestamp: Int64,
        userFeatures: [String: [String]] = [:],
        itemFeatures: [String: [String]] = [:]
    ) {
        self.user = user
        self.item = item
        self.kind = kind
        self.value = value
        self.timestamp = timestamp
        self.userFeatures = userFeatures
        self.itemFeatures = itemFeatures
    }
}
