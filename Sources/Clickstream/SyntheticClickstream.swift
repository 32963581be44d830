import Foundation

/// A deterministic, streaming, synthetic clickstream with a learnable cold-start signal, for demos, tests and
/// benchmarks that must not depend on a licensed data set.
///
/// The world: users belong to latent taste ``Configuration/clusters``. A user's side features (`age`, `region`,
/// `occupation`) lean towards their cluster's typical values (correlated, not identical: see
/// ``Configuration/featureCorrelation``); `device` is pure noise. Every item has a home cluster and genres that
/// lean towards that cluster's genres; users mostly interact with items of their own cluster (weighted by
/// ``Configuration/affinity``), sometimes with a personal secondary cluster, sometimes with anything popular.
/// So identifying the cluster, from side features or from the first one or two events, recommends far better than
/// global popularity.
///
/// Realism: new users arrive throughout the stream (only ``Configuration/initialUserFraction`` are there at the
/// start); how many events a user produces is heavy-tailed (log-normal), so many users have only a handful;
/// item popularity is Zipf-like; popularity drifts, new items are released over time and tastes drift towards a
/// neighbouring cluster (``Configuration/phases``); kinds are `view`, `click`, `purchase` and `rating` (with a value
/// 1–5), with purchases and high ratings likelier on in-cluster items; timestamps strictly increase.
///
/// User ids are `u<index>` (index = arrival order), item ids `i<index>`. Memory is O(users + clusters × items),
/// independent of ``Configuration/events``.
public struct SyntheticClickstream: Sequence, Sendable {
    /// The knobs of the synthetic world. Defaults give a learnable but noisy stream.
    public struct Configuration: Sendable, Hashable {
        /// How many distinct users arrive over the stream.
        public var users: Int
        /// How many items exist (some are released only later, see ``newItemFraction``).
        public var items: Int
        /// How many events the stream has.
        public var events: Int
        /// How many latent taste clusters.
        public var clusters: Int
        /// The seed: equal configurations give identical streams (on one platform: the transcendental functions of
        /// the C library may differ in the last bit elsewhere).
        public var seed: UInt64
        /// How much more an in-cluster item weighs than another item of the same popularity.
        public var affinity: Double
        /// The share of a user's events drawn from their personal secondary cluster.
        public var secondaryTasteProbability: Double
        /// The share of events drawn from global popularity, regardless of taste.
        public var explorationProbability: Double
        /// The probability that a side feature takes its cluster's typical value (else uniform).
        public var featureCorrelation: Double
        /// The Zipf exponent of item popularity (by rank within the item's home cluster, so each cluster has its own
        /// head items and the catalogue as a whole is still long-tailed).
        public var zipfExponent: Double
        /// The share of users present at the start; the rest arrive uniformly over the first
        /// ``arrivalHorizon`` of the stream.
        public var initialUserFraction: Double
        /// The fraction of the stream over which users keep arriving.
        public var arrivalHorizon: Double
        /// The spread (log-normal sigma) of events per user; larger means a longer tail and more one-event users.
        public var activitySpread: Double
        /// The probability that the next event comes from the same user as the previous one (a session).
        public var sessionContinuation: Double
        /// How many drift phases the stream is cut into; popularity and tastes change at each boundary.
        public var phases: Int
        /// The fraction of items whose popularity rank is reshuffled at each phase boundary.
        public var popularityDrift: Double
        /// How strongly a cluster's taste moves towards the next cluster by the last phase (0 = no taste drift).
        public var tasteDrift: Double
        /// The fraction of items that are released during the stream rather than present from the start.
        public var newItemFraction: Double
        /// The first timestamp, epoch milliseconds (default 2024-01-01T00:00:00Z).
        public var startTimestamp: Int64
        /// The mean gap between consecutive events, milliseconds, in 1...86_400_000 (gaps are at least 1 ms and
        /// exponentially distributed, capped at 40 times the mean).
        public var meanGapMilliseconds: Double
        /// Whether events carry the user's and the item's side features.
        public var includeFeatures: Bool

        public init(
            users: Int = 10_000,
            items: Int = 2_000,
            events: Int = 200_000,
            clusters: Int = 8,
            seed: UInt64 = 42,
            affinity: Double = 40,
            secondaryTasteProbability: Double = 0.1,
            explorationProbability: Double = 0.05,
            featureCorrelation: Double = 0.6,
            zipfExponent: Double = 1.0,
            initialUserFraction: Double = 0.05,
            arrivalHorizon: Double = 0.9,
            activitySpread: Double = 1.5,
            sessionContinuation: Double = 0.3,
            phases: Int = 8,
            popularityDrift: Double = 0.05,
            tasteDrift: Double = 0.25,
            newItemFraction: Double = 0.2,
            startTimestamp: Int64 = 1_704_067_200_000,
            meanGapMilliseconds: Double = 20,
            includeFeatures: Bool = true
        ) {
            self.users = users
            self.items = items
            self.events = events
            self.clusters = clusters
            self.seed = seed
            self.affinity = affinity
            self.secondaryTasteProbability = secondaryTasteProbability
            self.explorationProbability = explorationProbability
            self.featureCorrelation = featureCorrelation
            self.zipfExponent = zipfExponent
            self.initialUserFraction = initialUserFraction
            self.arrivalHorizon = arrivalHorizon
            self.activitySpread = activitySpread
            self.sessionContinuation = sessionContinuation
            self.phases = phases
            self.popularityDrift = popularityDrift
            self.tasteDrift = tasteDrift
            self.newItemFraction = newItemFraction
            self.startTimestamp = startTimestamp
            self.meanGapMilliseconds = meanGapMilliseconds
            self.includeFeatures = includeFeatures
        }
    }

    /// The configuration, clamped to sane values (at least one user, item and cluster; probabilities in [0, 1]).
    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        var c = configuration
        c.users = Swift.max(1, c.users)
        c.items = Swift.max(1, c.items)
        c.events = Swift.max(0, c.events)
        c.clusters = Swift.max(1, Swift.min(c.clusters, 65_535))
        c.phases = Swift.max(1, c.phases)
        func unitClamp(_ x: Double) -> Double { x.isFinite ? Swift.min(Swift.max(x, 0), 1) : 0 }
        c.secondaryTasteProbability = unitClamp(c.secondaryTasteProbability)
        c.explorationProbability = unitClamp(c.explorationProbability)
        c.featureCorrelation = unitClamp(c.featureCorrelation)
        c.initialUserFraction = unitClamp(c.initialUserFraction)
        c.arrivalHorizon = unitClamp(c.arrivalHorizon)
        c.sessionContinuation = unitClamp(c.sessionContinuation)
        c.popularityDrift = unitClamp(c.popularityDrift)
        c.newItemFraction = unitClamp(c.newItemFraction)
        c.affinity = c.affinity.isFinite ? Swift.max(c.affinity, 0) : 1
        c.tasteDrift = c.tasteDrift.isFinite ? Swift.max(c.tasteDrift, 0) : 0
        c.zipfExponent = c.zipfExponent.isFinite ? Swift.max(c.zipfExponent, 0) : 1
        c.activitySpread = c.activitySpread.isFinite ? Swift.max(c.activitySpread, 0) : 1
        c.meanGapMilliseconds =
            c.meanGapMilliseconds.isFinite ? Swift.min(Swift.max(c.meanGapMilliseconds, 1), 86_400_000) : 1
        self.configuration = c
    }

    public func makeIterator() -> Iterator { Iterator(configuration) }

    // MARK: - Ground truth

    /// The latent cluster of user `u<index>`: ground truth for diagnostics and tests, never seen by a model.
    public func cluster(ofUser index: Int) -> Int {
        Self.primaryCluster(user: index, configuration)
    }

    /// The home cluster of item `i<index>`.
    public func cluster(ofItem index: Int) -> Int {
        Int(Xoshiro256.hash(configuration.seed, 0x17E3, UInt64(index)) % UInt64(configuration.clusters))
    }

    static func primaryCluster(user: Int, _ c: Configuration) -> Int {
        Int(Xoshiro256.hash(c.seed, 0x05E5, UInt64(user)) % UInt64(c.clusters))
    }

    static func secondaryCluster(user: Int, primary: Int, _ c: Configuration) -> Int {
        guard c.clusters > 1 else { return primary }
        let offset = 1 + Int(Xoshiro256.hash(c.seed, 0x5EC0, UInt64(user)) % UInt64(c.clusters - 1))
        return (primary + offset) % c.clusters
    }

    // MARK: - Vocabulary

    static let ageBuckets = ["under18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+"]
    static let regions = ["north", "south", "east", "west", "central", "coast", "mountain", "islands"]
    static let occupations = [
        "student", "engineer", "artist", "educator", "healthcare", "sales", "writer", "retired", "technician",
        "lawyer", "scientist", "administrator",
    ]
    static let devices = ["ios", "android", "web"]
    static let genres = [
        "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]

    // MARK: - Iterator

    /// Produces the events one at a time; its state is O(users + clusters × items).
    public struct Iterator: IteratorProtocol {
        let c: Configuration
        var rng: Xoshiro256
        /// Events produced so far.
        public private(set) var produced = 0

        // Users, indexed by arrival order.
        var primary: [Int32]
        var secondary: [Int32]
        var remaining: [Int32]
        var userFeatureKey: [Int32]
        var activePool: [Int32]
        var poolPosition: [Int32]
        var arrived = 0
        let initialUsers: Int
        var lastUser = -1

        // Items.
        var itemCluster: [Int32]
        var itemFeatures: [[String: [String]]]
        var releasePhase: [Int32]
        /// An item's popularity rank among the items of its home cluster: every cluster has its own hits.
        var rank: [Int32]
        /// The items of each cluster, for rank swaps within a cluster.
        var members: [[Int32]]
        var phase = -1
        var phaseEnd = 0
        var clusterTables: [AliasTable] = []
        var globalTable = AliasTable(weights: [1])

        // Feature dictionaries shared by all users with the same combination.
        var userFeatureCache: [[String: [String]]?]
        var ageHome: [Int]
        var regionHome: [Int]
        var occupationHome: [Int]

        var timestamp: Int64
        var logMeanBudget: Double

        init(_ c: Configuration) {
            self.c = c
            var rng = Xoshiro256(seed: c.seed)
            let combos =
                SyntheticClickstream.ageBuckets.count * SyntheticClickstream.regions.count
                * SyntheticClickstream.occupations.count * SyntheticClickstream.devices.count
            userFeatureCache = Array(repeating: nil, count: combos)

            // Typical feature values per cluster: shuffled so neighbouring clusters differ.
            func homes(_ count: Int) -> [Int] {
                var values = Array(0..<count)
                rng.shuffle(&values)
                return (0..<c.clusters).map { values[$0 % count] }
            }
            ageHome = homes(SyntheticClickstream.ageBuckets.count)
            regionHome = homes(SyntheticClickstream.regions.count)
            occupationHome = homes(SyntheticClickstream.occupations.count)
            var genreOrder = Array(0..<SyntheticClickstream.genres.count)
            rng.shuffle(&genreOrder)

            // Items: home cluster, genres leaning towards the cluster's two genres, release phase, initial rank.
            itemCluster = []
            itemCluster.reserveCapacity(c.items)
            itemFeatures = []
            itemFeatures.reserveCapacity(c.items)
            releasePhase = []
            releasePhase.reserveCapacity(c.items)
            let genreCount = SyntheticClickstream.genres.count
            for index in 0..<c.items {
                let home = Int(Xoshiro256.hash(c.seed, 0x17E3, UInt64(index)) % UInt64(c.clusters))
                itemCluster.append(Int32(home))
                let clusterGenres = [genreOrder[(2 * home) % genreCount], genreOrder[(2 * home + 1) % genreCount]]
                var chosen: [Int] = []
                chosen.append(rng.unit() < 0.8 ? clusterGenres[rng.below(2)] : rng.below(genreCount))
                for _ in 0..<2 where rng.unit() < 0.35 {
                    let g = rng.unit() < 0.5 ? clusterGenres[rng.below(2)] : rng.below(genreCount)
                    if !chosen.contains(g) { chosen.append(g) }
                }
                chosen.sort()
                itemFeatures.append(["genre": chosen.map { SyntheticClickstream.genres[$0] }])
                let isNew = rng.unit() < c.newItemFraction && c.phases > 1
                releasePhase.append(isNew ? Int32(1 + rng.below(c.phases - 1)) : 0)
            }
            members = Array(repeating: [], count: c.clusters)
            for index in 0..<c.items { members[Int(itemCluster[index])].append(Int32(index)) }
            rank = Array(repeating: 0, count: c.items)
            for cluster in 0..<c.clusters {
                var order = Array(0..<members[cluster].count)
                rng.shuffle(&order)
                for (position, item) in members[cluster].enumerated() { rank[Int(item)] = Int32(order[position]) }
            }

            // Users: clusters from a hash (so ground truth needs no state), budgets log-normal with the mean that
            // makes the budgets add up to about `events`.
            let meanBudget = Swift.max(1.0, Double(c.events) / Double(c.users))
            logMeanBudget = log(meanBudget) - c.activitySpread * c.activitySpread / 2
            primary = []
            primary.reserveCapacity(c.users)
            secondary = []
            secondary.reserveCapacity(c.users)
            userFeatureKey = []
            userFeatureKey.reserveCapacity(c.users)
            for user in 0..<c.users {
                let p = SyntheticClickstream.primaryCluster(user: user, c)
                primary.append(Int32(p))
                secondary.append(Int32(SyntheticClickstream.secondaryCluster(user: user, primary: p, c)))
                func pick(_ home: Int, _ count: Int) -> Int {
                    rng.unit() < c.featureCorrelation ? home : rng.below(count)
                }
                let age = pick(ageHome[p], SyntheticClickstream.ageBuckets.count)
                let region = pick(regionHome[p], SyntheticClickstream.regions.count)
                let occupation = pick(occupationHome[p], SyntheticClickstream.occupations.count)
                let device = rng.below(SyntheticClickstream.devices.count)
                let key =
                    ((age * SyntheticClickstream.regions.count + region) * SyntheticClickstream.occupations.count
                        + occupation) * SyntheticClickstream.devices.count + device
                userFeatureKey.append(Int32(key))
            }
            remaining = Array(repeating: 0, count: c.users)
            poolPosition = Array(repeating: -1, count: c.users)
            activePool = []
            activePool.reserveCapacity(Swift.min(c.users, 1 << 20))
            initialUsers = Swift.max(1, Swift.min(c.users, Int((Double(c.users) * c.initialUserFraction).rounded())))
            timestamp = c.startTimestamp
            self.rng = rng
            for _ in 0..<initialUsers { arrive() }
        }

        /// Approximate bytes held by the generator state (for the bounded-memory property).
        public var stateBytes: Int {
            let perUser = 7 * MemoryLayout<Int32>.stride
            let tables = clusterTables.reduce(globalTable.bytes) { $0 + $1.bytes }
            return c.users * perUser + c.items * (4 * MemoryLayout<Int32>.stride + 64) + tables
        }

        // MARK: Users

        mutating func drawBudget() -> Int32 {
            let x = exp(logMeanBudget + c.activitySpread * rng.gaussian())
            return Int32(Swift.max(1, Swift.min(x.rounded(), 1_000_000)))
        }

        mutating func arrive() {
            let user = arrived
            arrived += 1
            remaining[user] = drawBudget()
            poolPosition[user] = Int32(activePool.count)
            activePool.append(Int32(user))
        }

        mutating func retire(_ user: Int) {
            let position = Int(poolPosition[user])
            let last = Int(activePool.removeLast())
            if last != user {
                activePool[position] = Int32(last)
                poolPosition[last] = Int32(position)
            }
            poolPosition[user] = -1
        }

        /// The event index at which the next user arrives.
        func nextArrivalIndex() -> Int {
            let later = c.users - initialUsers
            guard later > 0 else { return Int.max }
            let k = arrived - initialUsers + 1
            return Int(Double(k) * c.arrivalHorizon * Double(c.events) / Double(later))
        }

        mutating func chooseUser() -> Int {
            if arrived < c.users, produced >= nextArrivalIndex() || activePool.isEmpty {
                arrive()
                return arrived - 1
            }
            if activePool.isEmpty {
                // Everyone has spent their budget: a past user returns.
                let user = rng.below(c.users)
                remaining[user] = drawBudget()
                poolPosition[user] = Int32(activePool.count)
                activePool.append(Int32(user))
                return user
            }
            if lastUser >= 0, poolPosition[lastUser] >= 0, rng.unit() < c.sessionContinuation {
                return lastUser
            }
            return Int(activePool[rng.below(activePool.count)])
        }

        // MARK: Items

        /// Rebuilds the sampling tables for the phase holding event `produced`.
        mutating func enterPhase(_ newPhase: Int) {
            if phase >= 0 {
                // Popularity drift: random rank swaps within a cluster.
                let swaps = Int(Double(c.items) * c.popularityDrift / 2)
                for _ in 0..<swaps {
                    let a = rng.below(c.items)
                    let cluster = members[Int(itemCluster[a])]
                    let b = Int(cluster[rng.below(cluster.count)])
                    rank.swapAt(a, b)
                }
            }
            phase = newPhase
            phaseEnd = c.phases == 1 ? Int.max : Int(Double(c.events) * Double(newPhase + 1) / Double(c.phases))
            var popularity = [Double](repeating: 0, count: c.items)
            for index in 0..<c.items {
                let released = Int(releasePhase[index])
                guard released <= newPhase else { continue }
                var weight = 1 / pow(Double(rank[index]) + 1, c.zipfExponent)
                if released > 0 && released == newPhase { weight *= 3 }  // novelty
                popularity[index] = weight
            }
            globalTable = AliasTable(weights: popularity)
            let progress = c.phases > 1 ? Double(newPhase) / Double(c.phases - 1) : 0
            clusterTables = (0..<c.clusters).map { cluster in
                let next = (cluster + 1) % c.clusters
                var weights = popularity
                for index in 0..<c.items {
                    let home = Int(itemCluster[index])
                    if home == cluster {
                        weights[index] *= c.affinity
                    } else if home == next {
                        weights[index] *= Swift.max(1, c.affinity * c.tasteDrift * progress)
                    }
                }
                return AliasTable(weights: weights)
            }
        }

        // MARK: Events

        public mutating func next() -> InteractionEvent? {
            guard produced < c.events else { return nil }
            if produced >= phaseEnd || phase < 0 {
                enterPhase(phase + 1)
            }
            let user = chooseUser()
            lastUser = user
            let own = Int(primary[user])
            let r = rng.unit()
            let item: Int
            if r < c.explorationProbability {
                item = globalTable.sample(&rng)
            } else if r < c.explorationProbability + c.secondaryTasteProbability {
                item = clusterTables[Int(secondary[user])].sample(&rng)
            } else {
                item = clusterTables[own].sample(&rng)
            }
            let match = Int(itemCluster[item]) == own

            // Kinds: views dominate; clicks, purchases and good ratings are likelier for in-cluster items.
            let k = rng.unit()
            let kind: String
            var value: Double?
            if match {
                if k < 0.58 {
                    kind = "view"
                } else if k < 0.83 {
                    kind = "click"
                } else if k < 0.88 {
                    kind = "purchase"
                } else {
                    kind = "rating"
                    value = Self.rating(rng.unit(), cumulative: (0.02, 0.07, 0.25, 0.65))
                }
            } else {
                if k < 0.78 {
                    kind = "view"
                } else if k < 0.91 {
                    kind = "click"
                } else if k < 0.92 {
                    kind = "purchase"
                } else {
                    kind = "rating"
                    value = Self.rating(rng.unit(), cumulative: (0.15, 0.40, 0.70, 0.90))
                }
            }

            timestamp += 1 + Int64(Swift.min(-log(1 - rng.unit()), 40) * (c.meanGapMilliseconds - 1))
            produced += 1
            remaining[user] -= 1
            if remaining[user] <= 0, poolPosition[user] >= 0 { retire(user) }

            return InteractionEvent(
                user: "u" + String(user),
                item: "i" + String(item),
                kind: kind,
                value: value,
                timestamp: timestamp,
                userFeatures: c.includeFeatures ? userFeatures(user) : [:],
                itemFeatures: c.includeFeatures ? itemFeatures[item] : [:]
            )
        }

        static func rating(_ u: Double, cumulative: (Double, Double, Double, Double)) -> Double {
            if u < cumulative.0 { return 1 }
            if u < cumulative.1 { return 2 }
            if u < cumulative.2 { return 3 }
            if u < cumulative.3 { return 4 }
            return 5
        }

        mutating func userFeatures(_ user: Int) -> [String: [String]] {
            let key = Int(userFeatureKey[user])
            if let cached = userFeatureCache[key] { return cached }
            var rest = key
            let device = rest % SyntheticClickstream.devices.count
            rest /= SyntheticClickstream.devices.count
            let occupation = rest % SyntheticClickstream.occupations.count
            rest /= SyntheticClickstream.occupations.count
            let region = rest % SyntheticClickstream.regions.count
            let age = rest / SyntheticClickstream.regions.count
            let features = [
                "age": [SyntheticClickstream.ageBuckets[age]],
                "region": [SyntheticClickstream.regions[region]],
                "occupation": [SyntheticClickstream.occupations[occupation]],
                "device": [SyntheticClickstream.devices[device]],
            ]
            userFeatureCache[key] = features
            return features
        }
    }
}

/// Vose's alias method: O(n) to build, O(1) to sample from a discrete distribution.
struct AliasTable: Sendable {
    private var probability: [Double]
    private var alias: [Int32]

    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        probability = [Double](repeating: 1, count: n)
        alias = (0..<n).map { Int32($0) }
        guard total > 0, total.isFinite else { return }
        var scaled = weights.map { $0 * Double(n) / total }
        var small: [Int32] = []
        var large: [Int32] = []
        for (index, w) in scaled.enumerated() {
            if w < 1 { small.append(Int32(index)) } else { large.append(Int32(index)) }
        }
        while let s = small.popLast() {
            guard let l = large.last else {
                probability[Int(s)] = 1
                continue
            }
            probability[Int(s)] = scaled[Int(s)]
            alias[Int(s)] = l
            scaled[Int(l)] -= 1 - scaled[Int(s)]
            if scaled[Int(l)] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        for l in large { probability[Int(l)] = 1 }
    }

    var bytes: Int { probability.count * (MemoryLayout<Double>.stride + MemoryLayout<Int32>.stride) }

    @inline(__always)
    func sample(_ rng: inout Xoshiro256) -> Int {
        let column = rng.below(probability.count)
        return rng.unit() < probability[column] ? column : Int(alias[column])
    }
}
