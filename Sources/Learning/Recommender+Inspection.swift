/// What an operator can learn about one user's adapted state without changing it: `warmstart inspect`.
public struct UserInspection: Sendable, Equatable {
    /// Events of the user that were learned.
    public var events: Int
    /// Whether the user is in the control arm: held out of meta-learning, started from the initial θ.
    public var heldOut: Bool
    /// Whether the user's weights were started from the initialization yet (false only before a first event).
    public var initialized: Bool
    /// The user's support window (the most recent items, newest first), at most the model's window.
    public var recentItems: [String]
    /// Distinct items the user interacted with (what `scoring.exclude_seen` leaves out of served lists).
    public var interactedItems: Int
    /// Floats of adapted weights held for the user.
    public var weightCount: Int
    /// Euclidean norm of the adapted user vector (the part of θ every user starts from).
    public var vectorNorm: Double
    /// Euclidean distance of the adapted user vector from that part of the current shared initialization θ
    /// (the initial θ for a control-arm user): how far adaptation has moved the user.
    public var distanceFromInitialization: Double
    /// Ranking objective: the user's offsets of the component blend (co-occurrence, popularity, stage popularity,
    /// factors); empty for the rating objective.
    public var blendOffsets: [Double]
    /// Smallest and largest adapted weight.
    public var weightRange: ClosedRange<Double>
}

extension Recommender {
    /// A read-only summary of `user`'s state in `users`; `nil` when the table does not hold the user.
    public func inspect(user: String, users: UserTable) -> UserInspection? {
        guard let slot = users.existingSlot(for: user) else { return nil }
        let floats = users.floats.base + Int(slot) * floatStride
        let ints = users.ints.base + Int(slot) * intStride
        let events = Int(ints[UserTable.eventsField])
        let flags = ints[UserTable.initializedField]
        let heldOut = flags & UserTable.holdoutFlag != 0

        let ring = ints + UserTable.featureBase + featureSlots
        let head = Int(ints[UserTable.headField])
        var recent: [String] = []
        for back in 0..<min(events, window) {
            let item = Int(ring[(head - 1 - back + 2 * window) % window])
            if item >= 0, item < itemCount { recent.append(itemIdentifier(Int32(item))) }
        }

        let reference = heldOut ? initialTheta : theta
        var norm = 0.0
        var distance = 0.0
        for k in 0..<vectorWidth {
            let value = Double(floats[k])
            norm += value * value
            let difference = value - Double(reference[vectorOffset + k])
            distance += difference * difference
        }
        var low = Double.infinity
        var high = -Double.infinity
        for k in 0..<floatStride {
            low = min(low, Double(floats[k]))
            high = max(high, Double(floats[k]))
        }
        let blend =
            objective == .ranking ? (0..<RankingModelLayout.components).map { Double(floats[d + $0]) } : []
        return UserInspection(
            events: events,
            heldOut: heldOut,
            initialized: flags & UserTable.initializedFlag != 0,
            recentItems: recent,
            interactedItems: users.seen[Int(slot)].count,
            weightCount: floatStride,
            vectorNorm: norm.squareRoot(),
            distanceFromInitialization: distance.squareRoot(),
            blendOffsets: blend,
            weightRange: floatStride > 0 ? low...high : 0...0
        )
    }
}
