/// A user's cold-start stage when an event arrives: how many events of theirs the daemon has seen, this one
/// included. Live quality is reported per stage because meta-learning matters most for the first few events.
public enum ColdStartBucket: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The user's 1st to 5th event.
    case first5 = 0
    /// The 6th to 20th.
    case upTo20 = 1
    /// The 21st and later.
    case over20 = 2

    /// The bucket of a user's `userEventNumber`-th event (1 for the first).
    @inlinable
    public init(userEventNumber: Int) {
        self = userEventNumber <= 5 ? .first5 : (userEventNumber <= 20 ? .upTo20 : .over20)
    }

    /// The metric label: `1-5`, `6-20`, `21+`.
    public var label: String {
        switch self {
        case .first5: "1-5"
        case .upTo20: "6-20"
        case .over20: "21+"
        }
    }

    public var description: String { label }
}
