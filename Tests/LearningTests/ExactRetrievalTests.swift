import Clickstream
import Testing

@testable import Learning

/// `ranking.retrieval: exact` serves the full scan's list: the same items, scores and tie order (higher score first,
/// then the lower catalogue index), whatever the weights' signs, the log components, the seen items and `k`.
@Suite struct ExactRetrievalTests {
    /// Configurations that exercise the merge's columns: log components on and off, the log neighbour score,
    /// stage rows, item offsets off, negative weights, and weights that leave many exact ties.
    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case defaults, candidateLearning, linear, logNeighbours, noOffsets, negativeWeights, ties, coldFeatures
        var testDescription: String { rawValue }

        func configuration() -> LearningConfiguration {
            var c = LearningTests.configuration(.ranking, interval: 50)
            c.ranking.retrieval = .exact
            c.ranking.candidatePool = 5
            c.ranking.candidateNeighbors = 6
            switch self {
            case .defaults: break
            case .candidateLearning: c.ranking.exactLearning = .candidates
            case .coldFeatures:
                // No order bounds the per-user feature-conditioned row: those queries fall back to the full scan.
                c.ranking.coldFeatures = true
            case .linear:
                c.ranking.logComponents = false
                c.ranking.stagePopularity = false
            case .logNeighbours: c.ranking.logNeighbors = true
            case .noOffsets:
                c.ranking.itemOffsetLearningRate = 0
                c.ranking.headLearningRate = 0
            case .negativeWeights:
                // Frozen weights of mixed signs: the popularity, bias and fourth-component orders are walked from
                // the bottom.
                c.meta.enabled = false
                c.ranking.blendLearningRate = 0
                c.ranking.initialBlend = [-0.6, 1.0, -0.8, -0.4]
            case .ties:
                // No factorisation weight and no offsets: items share their cold-start counts (many at zero), so
                // many scores tie exactly and the lower index must come first.
                c.meta.enabled = false
                c.ranking.blendLearningRate = 0
                c.ranking.itemOffsetLearningRate = 0
                c.ranking.headLearningRate = 0
                c.ranking.initialBlend = [0, 1.0, 0, 1.0]
            }
            return c
        }
    }

    /// The full scan's top `k` for `user`: every unseen item by its full-catalogue score.
    func reference(
        _ model: Recommender, _ table: UserTable, user: String, k: Int, excludingSeen: Bool
    ) -> [(item: Int32, score: Float)] {
        let all = (0..<model.itemCount).map { model.itemIdentifier(Int32($0)) }
        let scores = model.score(user: user, items: all, users: table).map { $0! }
        var seen = Set<Int32>()
        if excludingSeen, let slot = table.existingSlot(for: user) { seen = Set(table.seen[Int(slot)]) }
        let candidates: [Int] = (0..<all.count).filter { !seen.contains(Int32($0)) && scores[$0] != -.infinity }
        let ranked = candidates.sorted { (a: Int, b: Int) -> Bool in
            scores[a] != scores[b] ? scores[a] > scores[b] : a < b
        }
        return ranked.prefix(k).map { (Int32($0), scores[$0]) }
    }

    func expectExact(
        _ model: Recommender, _ table: UserTable, users: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for user in users {
            for excludingSeen in [true, false] {
                for k in [1, 3, 10, model.itemCount + 5] {
                    let want = reference(model, table, user: user, k: k, excludingSeen: excludingSeen)
                    let got = model.topKIndices(user: user, k: k, excludingSeen: excludingSeen, users: table)
                    #expect(got.map(\.item) == want.map(\.item), "\(user) k \(k)", sourceLocation: sourceLocation)
                    #expect(got.map(\.score) == want.map(\.score), "\(user) k \(k)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(arguments: Variant.allCases, [1, 3, 25, 160])
    func exactTopKIsTheFullScansTopK(variant: Variant, items: Int) throws {
        for seed in UInt64(1)...3 {
            let model = try Recommender(configuration: variant.configuration())
            let table = model.makeUserTable()
            let events = syntheticEvents(users: 40, items: items, events: 700, seed: seed * 31 + UInt64(items))
            var counter = 0
            _ = try drive(model, table, events[..<400], interval: 50, counter: &counter)
            let users = Array(Set(events[..<400].map(\.user))).sorted().prefix(6) + ["never-seen-user"]
            expectExact(model, table, users: Array(users))
            _ = try drive(model, table, events[400...], interval: 50, counter: &counter)
            expectExact(model, table, users: Array(users))
            let stats = try #require(model.exactRetrievalStatistics)
            #expect((stats.fullScans > 0) == (variant == .coldFeatures))
        }
    }

    /// After many learned events (counts, biases, vectors and offsets moved by BPR and the head steps) every order
    /// is still sorted by its live values, and its positions invert it.
    @Test func ordersStaySortedWhileLearning() throws {
        let model = try Recommender(configuration: Variant.candidateLearning.configuration())
        let table = model.makeUserTable()
        let events = syntheticEvents(users: 80, items: 120, events: 3000, seed: 5)
        var counter = 0
        for chunk in stride(from: 0, to: events.count, by: 500) {
            _ = try drive(model, table, events[chunk..<min(chunk + 500, events.count)], interval: 50, counter: &counter)
            let ranking = try #require(model.ranking)
            let index = try #require(ranking.exact?.index)
            index.settle()
            var orders: [(String, ItemOrder, UnsafeMutablePointer<Float>)] = [
                ("popularity", index.popularity, ranking.popularity.global.counts.base),
                ("biases", index.biases, ranking.factorisation.biases.base),
                ("norms", index.norms, index.normValues.base),
                ("cold offsets", index.offsets[0], ranking.offsets.cold.base),
                ("settled offsets", index.offsets[1], ranking.offsets.settled.base),
            ]
            for (s, order) in index.rows.enumerated() {
                orders.append(("row \(s)", order, ranking.popularity.row(stage: s).counts.base))
            }
            let n = ranking.factorisation.biases.count
            for (name, order, values) in orders {
                #expect(order.count == n, "\(name)")
                #expect((0..<n).allSatisfy { Int(order.position[Int(order.order[$0])]) == $0 }, "\(name)")
                #expect(
                    (1..<n).allSatisfy { values[Int(order.order[$0 - 1])] >= values[Int(order.order[$0])] }, "\(name)")
            }
            for i in 0..<n {
                let q = ranking.factorisation.vectors.base + i * ranking.factorisation.factors
                let norm = (0..<ranking.factorisation.factors).reduce(Float(0)) { $0 + q[$1] * q[$1] }.squareRoot()
                #expect(abs(index.normValues[i] - norm) <= 1e-6 * max(norm, 1))
            }
        }
        let stats = try #require(model.exactRetrievalStatistics)
        #expect(stats.queries > 2000)
        #expect(stats.scoredPerQuery < 120, "the merge stopped before scanning every item")
    }

    /// A restored model rebuilds its orders and serves the full scan's list.
    @Test func restoredModelServesExactly() throws {
        let config = Variant.defaults.configuration()
        let model = try Recommender(configuration: config)
        let table = model.makeUserTable()
        let events = syntheticEvents(users: 50, items: 90, events: 1500, seed: 9)
        var counter = 0
        _ = try drive(model, table, events[..<900], interval: 50, counter: &counter)
        let restored = try Recommender(restoring: try model.serialized())
        let users = Array(Array(Set(events.map(\.user))).sorted().prefix(5))
        expectExact(restored, table, users: users)
        _ = try drive(restored, table, events[900...], interval: 50, counter: &counter)
        expectExact(restored, table, users: users)
    }

    /// In a replay the exact served rank is the full scan's rank wherever it is within the top 10: the served
    /// list's HR@10 and NDCG@10 equal the full-catalogue metric of the same model, in every bucket.
    @Test(arguments: [Variant.defaults, .candidateLearning, .negativeWeights, .ties])
    func replayedServedListScoresLikeTheFullScan(variant: Variant) throws {
        let events = Replay.timeOrdered(syntheticEvents(users: 90, items: 140, events: 2500, seed: 13))
        let r = try Replay(configuration: variant.configuration()).run(events)
        let served = try #require(r.served)
        #expect(r.evaluator.overall.hits > 0)
        #expect(served.overall == r.evaluator.overall)
        for b in ColdStartBucket.allCases { #expect(served.tally(b) == r.evaluator.tally(b)) }
        #expect(r.exact?.queries ?? 0 > 2000)
    }

    /// Learning the whole catalogue, `exact` learns exactly what `full` learns: the same metrics, event by event.
    @Test func exactWithFullLearningIsTheFullModel() throws {
        let events = Replay.timeOrdered(syntheticEvents(users: 70, items: 110, events: 2000, seed: 17))
        var full = configuration(.ranking)
        full.ranking.retrieval = .full
        var exact = full
        exact.ranking.retrieval = .exact
        let a = try Replay(configuration: full).run(events)
        let b = try Replay(configuration: exact).run(events)
        #expect(a.evaluator.overall == b.evaluator.overall)
        for bucket in ColdStartBucket.allCases { #expect(a.evaluator.tally(bucket) == b.evaluator.tally(bucket)) }
        #expect(b.served?.overall == b.evaluator.overall)
        #expect(a.served == nil && a.exact == nil)
    }

    @Test func configurationAcceptsAndRefusesExact() {
        var c = configuration(.ranking)
        c.ranking.retrieval = .exact
        #expect(c.problems().isEmpty)
        var softmax = c
        softmax.ranking.metaLoss = .softmax
        softmax.ranking.itemOffsetLearningRate = 0
        softmax.ranking.headLearningRate = 0
        #expect(softmax.problems().isEmpty, "learning the catalogue takes any query loss")
        var features = c
        features.ranking.coldFeatures = true
        #expect(features.problems().isEmpty, "served by full scans where no order bounds the row")
        for var refused in [softmax, features] {
            refused.ranking.exactLearning = .candidates
            expectRefused(refused, key: "ranking.retrieval")
        }
    }
}
