import Clickstream

/// A model and user table written by the code before the model was laid out by component (model format 4), with
/// what that code computed from them: top-K lists and scores right after the state was written, then the
/// outputs of learning `events` on top of it (a meta-update every 50 events, counting on from the 360 events
/// the state had learned) and the top-K lists after them.
///
/// Made by a test that the pre-change code ran once (in a debug build: the values are exact there): a
/// ``Recommender`` per configuration of ``LegacyFormatTests/configurations`` trained on the first 360 of 420
/// events of ``SyntheticClickstream`` (40 users, 30 items, 3 clusters, seed 5; under `rating` every event a rating
/// `1 + (index · 7 + item-id length) mod 5` where it had none), serialized, then probed and continued on the
/// remaining 60. Float values are bit patterns.
struct LegacyFormatFixture {
    /// The model state, base64.
    let model: String
    /// The user table, base64.
    let table: String
    /// Items scored for the first probed user (the last one is in no catalogue).
    let probeItems: [String]
    /// Per probed user (the last one unknown): the top 5 items and scores right after the state was written.
    let topBefore: [(String, [(String, UInt32)])]
    /// The first probed user's scores of ``probeItems`` then.
    let scoresBefore: [UInt32?]
    /// The events learned next.
    let events: [InteractionEvent]
    /// Ranking: each event's prequential rank as ``Recommender/learn(_:users:)`` returned it.
    let ranks: [Int?]
    /// Rating: each event's predicted rating before it was learned.
    let predictions: [UInt64]
    /// Candidate retrieval: each event's ``Recommender/lastServedRank``.
    let served: [Int?]
    /// The top 5 lists after the events.
    let topAfter: [(String, [(String, UInt32)])]
    let metaUpdates: Int
}
