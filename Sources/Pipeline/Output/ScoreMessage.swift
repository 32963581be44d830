import Clickstream

/// One item of a ``ScoreMessage``.
public struct ScoredItem: Sendable, Hashable {
    /// The item id, as in the events.
    public var item: String
    /// The model's score; higher is better. Must be finite.
    public var score: Double

    public init(item: String, score: Double) {
        self.item = item
        self.score = score
    }
}

/// The value of a message on the scores topic, as `config/score.schema.json` describes it:
/// `{"user", "items": [{"item", "score"}], "model_version", "user_events", "updated_at"}`.
///
/// Encoded with ``JSONWriter`` (no `JSONEncoder`, no intermediate strings), so the only allocation per message is
/// the buffer the producer message keeps. Scores are written as integers when integral, else in the shortest form
/// that reads back as the same value (`3.91`, `1e-05`) — the same `Float` for a score that is exactly a `Float` (the
/// learning core's precision), else the same `Double`.
public struct ScoreMessage: Sendable, Hashable {
    /// A score that JSON cannot carry (NaN or infinite).
    public struct EncodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The item whose score is not finite.
        public var item: String
        /// The score.
        public var score: Double

        public var description: String { "score of item \"\(item)\" is not finite (\(score))" }
    }

    /// The user id (the message key too).
    public var user: String
    /// The top-K items, best first.
    public var items: [ScoredItem]
    /// The version of the shared initialization: the number of meta-updates applied.
    public var modelVersion: Int
    /// How many of the user's events were learned, the triggering one included; at least 1.
    public var userEvents: Int
    /// When the scores were computed, in milliseconds since the Unix epoch.
    public var updatedAt: Int64

    public init(user: String, items: [ScoredItem], modelVersion: Int, userEvents: Int, updatedAt: Int64) {
        self.user = user
        self.items = items
        self.modelVersion = modelVersion
        self.userEvents = userEvents
        self.updatedAt = updatedAt
    }

    /// The JSON object as bytes, in one allocation of an upper bound of its size: the preferred form on the hot
    /// path (the producer message keeps the array anyway).
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite.
    public func encoded() throws(EncodingError) -> [UInt8] {
        try checkScores()
        var json = JSONWriter(reservingCapacity: maximumEncodedCount)
        write(to: &json)
        return json.bytes
    }

    /// Appends the JSON object to `buffer`.
    ///
    /// - Throws: ``EncodingError`` when a score is NaN or infinite; `buffer` is then left as it was.
    public func encode(into buffer: inout [UInt8]) throws(EncodingError) {
        try checkScores()
        buffer.reserveCapacity(buffer.count + maximumEncodedCount)
        JSONWriter.append(to: &buffer) { write(to: &$0) }
    }

    private func checkScores() throws(EncodingError) {
        for item in items where !item.score.isFinite {
            throw EncodingError(item: item.item, score: item.score)
        }
    }

    /// An upper bound of the encoded size: every string byte escaped as `\u00XX` (6 bytes), numbers at their
    /// longest (a `Double`'s text is at most 24 bytes, an `Int64`'s 20), plus the fixed member names.
    private var maximumEncodedCount: Int {
        var count = 160 + 6 * user.utf8.count
        for item in items {
            count += 64 + 6 * item.item.utf8.count
        }
        return count
    }

    private func write(to writer: inout JSONWriter) {
        writer.literal(#"{"user":"#)
        writer.string(user)
        writer.literal(#","items":["#)
        var first = true
        for item in items {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.literal(#"{"item":"#)
            writer.string(item.item)
            writer.literal(#","score":"#)
            writer.score(item.score)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.literal(#"],"model_version":"#)
        writer.integer(Int64(modelVersion))
        writer.literal(#","user_events":"#)
        writer.integer(Int64(userEvents))
        writer.literal(#","updated_at":"#)
        writer.integer(updatedAt)
        writer.byte(UInt8(ascii: "}"))
    }
}
