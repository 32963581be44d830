#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Rényi differential privacy (RDP) accountant for the Gaussian mechanism in which every user takes part in every
/// round (sampling rate q = 1): the privacy spent by the meta-update's noisy releases of θ.
///
/// One round that adds Gaussian noise of standard deviation z·C to a sum whose per-user L2 sensitivity is C
/// (contributions clipped to norm C) is (α, α / 2z²)-RDP at every order α > 1 (Mironov 2017, Proposition 7);
/// rounds compose by adding their RDP order by order. ``epsilon(delta:)`` converts the composed curve to an
/// (ε, δ) guarantee with the improved conversion of Canonne, Kamath & Steinke 2020 (Proposition 12; also Asoodeh
/// et al. 2020), minimised over the accountant's orders:
///
///     ε(α) = rdp(α) + log(1 − 1/α) − log(δ·α) / (α − 1)
///
/// with ε = 0 where the KL bound already gives δ (δ² > 1 − e^(−rdp(α))), and orders at or below 1.01 left out
/// (the formula is unstable there). The default orders are those of Google's `dp-accounting` library, so that its
/// ε can be checked against this one (`scripts/dp-fixtures.py`).
///
/// A value type: the daemon keeps it with θ and persists ``rounds`` (the curve follows from them), so that a
/// restart continues the count.
public struct RDPAccountant: Sendable, Equatable {
    /// 1.1 … 10.9 in tenths, 11 … 63, then 128, 256, 512 and 1024: `dp-accounting`'s default orders.
    public static let defaultOrders: [Double] =
        (1..<100).map { 1 + Double($0) / 10 } + (11..<64).map { Double($0) } + [128, 256, 512, 1024]

    /// The orders α the curve is kept at; each at least 1.
    public let orders: [Double]
    /// The composed RDP at each of ``orders`` (`+infinity` after a round without noise).
    public private(set) var curve: [Double]
    /// The rounds composed so far, by noise multiplier (what to persist).
    public private(set) var rounds: [Double: Int] = [:]

    /// An accountant that has spent nothing.
    /// - Parameter orders: The RDP orders, each ≥ 1 (the default: ``defaultOrders``).
    public init(orders: [Double] = RDPAccountant.defaultOrders) {
        precondition(!orders.isEmpty && orders.allSatisfy { $0 >= 1 }, "RDP orders must be at least 1")
        self.orders = orders
        curve = [Double](repeating: 0, count: orders.count)
    }

    /// An accountant that has composed `rounds` (from ``rounds`` of an earlier accountant).
    public init(orders: [Double] = RDPAccountant.defaultOrders, rounds: [Double: Int]) {
        self.init(orders: orders)
        for (noiseMultiplier, count) in rounds.sorted(by: { $0.key < $1.key }) {
            composeGaussian(noiseMultiplier: noiseMultiplier, count: count)
        }
    }

    /// The RDP of one round of the Gaussian mechanism with noise multiplier `z` (noise standard deviation over
    /// L2 sensitivity) at order `alpha`: α / 2z², infinite without noise.
    public static func gaussianRDP(noiseMultiplier z: Double, order alpha: Double) -> Double {
        precondition(z >= 0, "the noise multiplier must not be negative")
        return z == 0 ? .infinity : alpha / (2 * z * z)
    }

    /// Composes `count` rounds of the Gaussian mechanism with noise multiplier `z`.
    public mutating func composeGaussian(noiseMultiplier z: Double, count: Int = 1) {
        precondition(count >= 0, "the number of rounds must not be negative")
        guard count > 0 else { return }
        for index in orders.indices {
            curve[index] += Double(count) * Self.gaussianRDP(noiseMultiplier: z, order: orders[index])
        }
        rounds[z, default: 0] += count
    }

    /// The smallest ε over the orders such that the rounds composed so far are (ε, δ)-differentially private, and
    /// the order that gives it.
    ///
    /// δ = 0 gives ε = 0 if nothing was spent and infinity otherwise (RDP gives no pure-DP guarantee).
    public func epsilon(delta: Double) -> (epsilon: Double, order: Double) {
        precondition(delta >= 0, "delta must not be negative")
        if delta == 0 {
            return (curve.allSatisfy { $0 == 0 } ? 0 : .infinity, 0)
        }
        var best = Double.infinity
        var bestOrder = orders[0]
        for (alpha, rdp) in zip(orders, curve) {
            let epsilon: Double
            if rdp < 0 {
                epsilon = 0  // not reachable by composing Gaussian rounds; kept total
            } else if delta * delta + expm1(-rdp) > 0 {
                epsilon = 0  // the KL divergence alone bounds δ: δ ≤ √(1 − e^(−KL))
            } else if alpha > 1.01 {
                epsilon = rdp + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1)
            } else {
                epsilon = .infinity
            }
            if epsilon < best {
                best = epsilon
                bestOrder = alpha
            }
        }
        return (max(0, best), bestOrder)
    }
}
