import RealModule

/// How much each of a user's recent items weighs in the co-occurrence component: `context_decay^age` (age 0 = the
/// newest), and with sessions also `session_context_weight` for the items of the user's latest session and
/// `session_decay` per session boundary between an item and the newest one. Sessions are read from the past
/// events' timestamps only (what a top-K served now could know).
final class NeighbourContext {
    /// `context_decay^age` per age.
    let positional: [Float]
    /// The weights of the last ``fill(user:context:)`` (newest first).
    private(set) var weights: [Float]
    let sessions: Bool
    let sessionWeight: Float
    let sessionDecay: Float

    init(configuration: LearningConfiguration, sessions: Bool) {
        let r = configuration.ranking
        positional = (0..<max(r.window, 1)).map { Float(Double.pow(r.contextDecay, Double($0))) }
        weights = [Float](repeating: 0, count: max(r.window, 1))
        self.sessions = sessions
        sessionWeight = Float(r.sessionContextWeight)
        sessionDecay = Float(r.sessionDecay)
    }

    /// Fills ``weights`` for the user's last `context` items and returns their sum.
    @inline(__always)
    func fill(user: UserView, context: Int) -> Float {
        var sum: Float = 0
        guard sessions else {
            for a in 0..<context {
                weights[a] = positional[a]
                sum += positional[a]
            }
            return sum
        }
        var latest = true
        var sessionFactor: Float = 1
        for a in 0..<context {
            let w = positional[a] * (latest ? sessionWeight : sessionFactor)
            weights[a] = w
            sum += w
            // Item `a` started its session: the items before it (`a + 1`, …) belong to earlier sessions.
            if user.startsSession(at: user.ringPosition(age: a)) {
                latest = false
                sessionFactor *= sessionDecay
            }
        }
        return sum
    }
}
