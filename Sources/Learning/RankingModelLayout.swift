/// Shape constants of the ranking blend.
public enum RankingModelLayout {
    /// Blend components: recent popularity, item-to-item co-occurrence, BPR factorisation, and recent popularity
    /// among cold-start events (what new users interact with first) — past the cold start, with
    /// `ranking.stage_popularity`, among the events of users at the same stage of their history.
    public static let components = 4
    /// The components' names, in the order of their weights.
    public static let componentNames = ["popularity", "co-occurrence", "factors", "stage popularity"]
    /// The blend's initial weights θ depend on the user's event count through these buckets:
    /// `0, 1, 2, 3–4, 5–8, 9–16, 17–32, 33–64, 65+` events seen before.
    public static let buckets = 9

    @inline(__always)
    public static func bucket(eventsSeen n: Int) -> Int {
        if n < 3 { return n }
        return min(buckets - 1, 1 + (64 - (n - 1).leadingZeroBitCount))
    }
}
