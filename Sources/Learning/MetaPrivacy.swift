/// Independent standard normal draws for one round of the private meta-update.
///
/// The draws of a round depend only on the source's secret and the round number, never on `learning.seed` (which
/// sits in configuration files): the same round always gives the same draws, so that a round replayed after a
/// crash releases the same θ, never a second noisy value of the same sum.
public protocol GaussianNoiseSource: Sendable {
    /// Fills `values` with independent N(0, 1) draws of round `round`.
    func fill(_ values: inout [Float], round: UInt64)
}

/// User-level differential privacy of the meta-update: the Gaussian mechanism on the users' clipped
/// contributions.
///
/// In a round, each user's contributions are merged into one (their directions averaged, weighted by events), and
/// that user's whole contribution — the direction over θ's dense part and, for each of the user's side-feature
/// rows, the vector part that row's embedding moves by — is scaled down to L2 norm at most ``clipNorm`` (C).
/// The clipped sums get noise of standard deviation ``noiseMultiplier`` × C on every coordinate, touched or not
/// (all of θ's dense part and every embedding row), and are divided by ``denominator``, a public constant rather
/// than the number of contributors (which would leak). One round is then the Gaussian mechanism with L2
/// sensitivity C under adding or removing one user, and θ's optimizer step is post-processing.
public struct MetaPrivacy: Sendable {
    /// C: the bound on one user's contribution to a round.
    public var clipNorm: Double
    /// z: the noise's standard deviation over C.
    public var noiseMultiplier: Double
    /// What the noisy sums are divided by: about the number of users expected per round.
    public var denominator: Double
    /// Where the noise comes from (a keyed generator in the daemon).
    public var noise: any GaussianNoiseSource

    public init(clipNorm: Double, noiseMultiplier: Double, denominator: Double, noise: any GaussianNoiseSource) {
        precondition(clipNorm > 0 && noiseMultiplier >= 0 && denominator > 0, "invalid privacy settings")
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.denominator = denominator
        self.noise = noise
    }
}

/// The noisy, clipped sums of one private round, before they are divided by the denominator.
struct PrivateMetaSum {
    /// Over θ's dense part (``ThetaLayout/width``).
    var direction: [Float]
    /// Row `h` of the user-feature embeddings at `h × vectorWidth` (empty without user features).
    var embeddings: [Float]
    /// Distinct users who contributed (not released: the denominator is public).
    var users: Int
}

extension MetaPrivacy {
    /// One user's contributions of a round as one: directions averaged weighted by their events, the events
    /// added, the feature rows of the first.
    static func merged(_ contributions: [MetaContribution]) -> [MetaContribution] {
        var index: [String: Int] = [:]
        var merged: [MetaContribution] = []
        for c in contributions {
            guard let i = index[c.user] else {
                index[c.user] = merged.count
                merged.append(c)
                continue
            }
            let total = Float(merged[i].events + c.events)
            let a = Float(merged[i].events) / max(total, 1)
            let b = Float(c.events) / max(total, 1)
            for k in merged[i].direction.indices {
                merged[i].direction[k] = a * merged[i].direction[k] + b * c.direction[k]
            }
            merged[i].events += c.events
        }
        return merged
    }

    /// The embedding rows a contribution moves, each with how many of the user's feature slots hash to it.
    static func featureRows(of c: MetaContribution, buckets: Int) -> [(row: Int, count: Int)] {
        var rows: [(row: Int, count: Int)] = []
        for h in c.features where h >= 0 && Int(h) < buckets {
            if let i = rows.firstIndex(where: { $0.row == Int(h) }) {
                rows[i].count += 1
            } else {
                rows.append((Int(h), 1))
            }
        }
        return rows
    }

    /// The L2 norm of a user's whole contribution: the direction, and its vector part once per feature slot row
    /// (a row that two slots hash to moves twice as far).
    static func norm(of c: MetaContribution, layout: ThetaLayout, rows: [(row: Int, count: Int)]) -> Double {
        var direction: Double = 0
        for v in c.direction { direction += Double(v) * Double(v) }
        var vector: Double = 0
        for k in 0..<layout.vectorWidth {
            let v = Double(c.direction[layout.vectorOffset + k])
            vector += v * v
        }
        var squared = direction
        for r in rows { squared += Double(r.count * r.count) * vector }
        return squared.squareRoot()
    }

    /// The clipped sums of `contributions` plus the round's noise.
    ///
    /// - Parameters:
    ///   - layout: θ's layout.
    ///   - embeddingBuckets: Rows of the user-feature embeddings; 0 when they are not learned.
    ///   - round: Selects the round's noise.
    func noisySum(
        _ contributions: [MetaContribution], layout: ThetaLayout, embeddingBuckets: Int, round: UInt64
    ) -> PrivateMetaSum {
        let width = layout.width
        let vectorWidth = layout.vectorWidth
        var sum = PrivateMetaSum(
            direction: [Float](repeating: 0, count: width),
            embeddings: [Float](repeating: 0, count: embeddingBuckets * vectorWidth), users: 0)
        let users = Self.merged(contributions)
        sum.users = users.count
        for c in users {
            precondition(c.direction.count == width, "contribution of another model shape")
            let rows = embeddingBuckets > 0 ? Self.featureRows(of: c, buckets: embeddingBuckets) : []
            let norm = Self.norm(of: c, layout: layout, rows: rows)
            let scale = Float(norm > clipNorm ? clipNorm / norm : 1)
            for k in 0..<width { sum.direction[k] += scale * c.direction[k] }
            for r in rows {
                let base = r.row * vectorWidth
                let weight = scale * Float(r.count)
                for k in 0..<vectorWidth {
                    sum.embeddings[base + k] += weight * c.direction[layout.vectorOffset + k]
                }
            }
        }
        let deviation = Float(noiseMultiplier * clipNorm)
        guard deviation > 0 else { return sum }
        var draws = [Float](repeating: 0, count: width + sum.embeddings.count)
        noise.fill(&draws, round: round)
        for k in 0..<width { sum.direction[k] += deviation * draws[k] }
        for k in sum.embeddings.indices { sum.embeddings[k] += deviation * draws[width + k] }
        return sum
    }
}
