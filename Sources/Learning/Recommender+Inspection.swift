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
    /// Ranking objective: the user's offsets of the component blend (popularity, co-occurrence, factors, stage
    /// popularity: ``RankingModelLayout/componentNames``); empty for the rating objective.
    public var blendOffsets: [Double]
    /// Smallest and largest adapted weight.
    public var weightRange: ClosedRange<Double>
}

extension Recommender {
    /// A read-only summary of `user`'s state in `users`; `nil` when the table does not hold the user.
    public func inspect(user: String, users: UserTable) -> UserInspection? {
        guard let slot = users.existingSlot(for: user) else { return nil }
        let view = users.view(slot)
        let events = view.eventsSeen
        var recent: [String] = []
        for back in 0..<min(events, layout.window) {
            let item = Int(view.recent(back))
            if item >= 0, item < itemCount { recent.append(itemIdentifier(Int32(item))) }
        }

        let reference = view.isHoldout ? meta.initialTheta : meta.theta
        let weights = view.weights
        var norm = 0.0
        var distance = 0.0
        for k in 0..<meta.layout.vectorWidth {
            let value = Double(weights[k])
            norm += value * value
            let difference = value - Double(reference[meta.layout.vectorOffset + k])
            distance += difference * difference
        }
        let stride = layout.floatStride
        var low = Double.infinity
        var high = -Double.infinity
        for k in 0..<stride {
            low = min(low, Double(view.floats[k]))
            high = max(high, Double(view.floats[k]))
        }
        let blend =
            ranking != nil ? (0..<RankingModelLayout.components).map { Double(view.blendOffsets[$0]) } : []
        return UserInspection(
            events: events,
            heldOut: view.isHoldout,
            initialized: view.isInitialized,
            recentItems: recent,
            interactedItems: users.seen[Int(slot)].count,
            weightCount: stride,
            vectorNorm: norm.squareRoot(),
            distanceFromInitialization: distance.squareRoot(),
            blendOffsets: blend,
            weightRange: stride > 0 ? low...high : 0...0
        )
    }
}
