/// How many private meta-update rounds each user has taken part in, and the cap on it
/// (`privacy.dp.max_participations`).
///
/// Under user-level differential privacy a round in which a user does not contribute costs that user nothing
/// (an individual Rényi filter, Feldman & Zrnic 2021), so with each user in at most `cap` rounds the privacy
/// spent per user is that of `min(rounds, cap)` Gaussian rounds however long the stream runs. A user at the cap
/// still learns (their own weights adapt); only their contributions to θ are dropped.
public struct ParticipationLedger: Sendable, Equatable {
    /// Rounds per user so far.
    public private(set) var counts: [String: Int] = [:]
    /// At most this many rounds per user; `nil`: no cap.
    public let cap: Int?
    /// Contributions left out because their user had reached the cap.
    public private(set) var dropped = 0

    public init(cap: Int?) {
        precondition(cap.map { $0 > 0 } ?? true, "the participation cap must be positive")
        self.cap = cap
    }

    /// The contributions of users below the cap (one user's several contributions in a round count as one
    /// participation), each admitted user's count raised by one.
    public mutating func admit(_ contributions: [MetaContribution]) -> [MetaContribution] {
        var admitted: [MetaContribution] = []
        admitted.reserveCapacity(contributions.count)
        var counted: Set<String> = []
        for c in contributions {
            let seen = counts[c.user, default: 0]
            if counted.contains(c.user) {
                admitted.append(c)
                continue
            }
            if let cap, seen >= cap {
                dropped += 1
                continue
            }
            counts[c.user] = seen + 1
            counted.insert(c.user)
            admitted.append(c)
        }
        return admitted
    }

    /// Forgets a user (erasure).
    public mutating func remove(_ user: String) { counts[user] = nil }
}
