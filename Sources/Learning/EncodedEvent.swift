/// An event whose ids are mapped to the model's dense indices (``Recommender/encode(_:users:)``).
public struct EncodedEvent: Sendable, Equatable {
    /// The user's slot in the ``UserTable`` it was encoded against.
    public var user: Int32
    /// The item's index in the catalogue (first-seen order).
    public var item: Int32
    /// Interaction weight (ranking) from the event's kind.
    public var weight: Float
    /// The rating normalised to `0…1` (rating objective), `nan` otherwise.
    public var target: Float
    /// When it happened, in milliseconds since the Unix epoch (sessions of the ranking objective).
    public var timestamp: Int64
}
