import Clickstream

/// One event as the model learns it: the encoded event and the user's state, with what the ``Recommender`` facade
/// knows around it.
struct LearningStep {
    let event: EncodedEvent
    let user: UserView
    /// The user's seen list before this event.
    let seen: [Int32]
    /// Whether the user has interacted with the item before (a repeat).
    let repeated: Bool
    /// The user's pending meta-contribution, `nil` when the user contributes nothing (meta-learning off, or a
    /// held-out user).
    let direction: MetaDirection?
    /// Events the model learned before this one.
    let eventsLearned: Int
    /// The serving policy: whether ranks leave out the user's seen items.
    let excludesSeen: Bool
}

/// An objective's model behind the ``Recommender`` facade: ``RankingModel`` or ``RatingModel``.
///
/// The facade owns what both objectives share — the catalogue, θ's meta-learner, the generator, the users' seen
/// lists — and calls its model once per event or query (one dynamic dispatch); the per-item loops are the
/// model's own.
protocol ObjectiveModel: AnyObject {
    /// The factorisation both objectives learn.
    var factorisation: Factorisation { get }

    /// Grows the per-item state for the catalogue's newest item, drawing its initial parameters from `generator`.
    func appendItem(generator: inout SplitMix64)

    /// Finishes starting a new user whose copy of θ's vector part was just set (per-user noise from `generator`).
    func start(_ user: UserView, generator: inout SplitMix64)

    /// Learns one event (the user already started), drawing from `generator`; under `ranking` returns the
    /// event's prequential rank, scored before anything is learned.
    func learn(_ step: LearningStep, generator: inout SplitMix64) -> Int?

    /// Scores every catalogue item for `user` (`nil`: a user the model does not know, scored from θ).
    func scoreCatalogue(_ user: UserView?) -> ScoredList

    /// The `k` best items for `user` (`nil`: unknown) leaving out `seen`, best first.
    func best(_ k: Int, user: UserView?, excluding seen: [Int32]) -> [(item: Int32, score: Float)]

    /// Bytes of the model's own shared state.
    var allocatedBytes: Int { get }

    /// Writes the model's own state, by component.
    func write(to w: inout BinaryWriter)

    /// Reads ``write(to:)``'s bytes for a catalogue of `items` items.
    func read(from r: inout BinaryReader, items: Int) throws

    /// Whatever must be recomputed from the restored state.
    func didRestore()
}
