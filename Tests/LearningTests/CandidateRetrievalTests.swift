import Clickstream
import Testing

@testable import Learning

func candidateConfiguration(pool: Int, neighbors: Int) -> LearningConfiguration {
    var c = configuration(.ranking)
    c.ranking.retrieval = .candidates
    c.ranking.candidatePool = pool
    c.ranking.candidateNeighbors = neighbors
    return c
}

@Suite struct CandidateRetrievalTests {
    @Test func topSetIsTheExactTopUnderIncreases() {
        var generator = SplitMix64(seed: 11)
        var values = [Float](repeating: 0, count: 300)
        let set = IncreasingTopSet(capacity: 12)
        func reference(_ n: Int) -> Set<Int32> {
            func stronger(_ a: Int, _ b: Int) -> Bool {
                if values[a] != values[b] { return values[a] > values[b] }
                return a < b
            }
            // Items enter only by an increase: those still at zero are never members.
            let order: [Int] = (0..<n).filter { values[$0] > 0 }.sorted(by: stronger)
            return Set(order.prefix(12).map { Int32($0) })
        }
        for step in 0..<5000 {
            // A growing catalogue with skewed increments, small integer steps so that ties happen.
            let n: Int = min(300, 20 + step / 10)
            let hot: Bool = generator.next(below: 4) != 0
            let range: Int = hot ? max(n / 5, 1) : n
            let i: Int = generator.next(below: range)
            let increment: Int = 1 + generator.next(below: 3)
            values[i] += Float(increment)
            values.withUnsafeBufferPointer { set.noteIncrease(Int32(i), values: $0.baseAddress!) }
            if step % 250 == 0 {
                #expect(Set(set.members) == reference(n), "step \(step)")
            }
        }
        let maintained = Set(set.members)
        values.withUnsafeBufferPointer { set.rebuild(values: $0.baseAddress!, count: 300) }
        #expect(Set(set.members) == maintained)
        #expect(maintained == reference(300))
    }

    @Test func candidatesCoveringTheCatalogueRankExactlyLikeTheFullCatalogue() throws {
        // Pools larger than the catalogue make every item a candidate: top-K and the served rank must then equal
        // the full-catalogue ranking of the same model.
        let model = try Recommender(configuration: candidateConfiguration(pool: 1000, neighbors: 1000))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[..<2000], interval: 100, counter: &counter)
        var compared = 0
        for event in events[2000..<2060] {
            let e = try model.encode(event, users: table)
            let top = model.topK(user: event.user, k: 10, users: table)
            let all = (0..<model.itemCount).map { model.itemIdentifier(Int32($0)) }
            let scores = model.score(user: event.user, items: all, users: table)
            let seen = Set(
                table.existingSlot(for: event.user).map { table.seen[Int($0)].map { model.itemIdentifier($0) } } ?? [])
            let reference = all.indices.filter { !seen.contains(all[$0]) }
                .sorted { scores[$0]! != scores[$1]! ? scores[$0]! > scores[$1]! : $0 < $1 }
                .prefix(10).map { all[$0] }
            #expect(top.map(\.item) == Array(reference))
            for (item, score) in top { #expect(scores[all.firstIndex(of: item)!] == score) }
            let full = model.rank(of: e, users: table)
            model.learn(e, users: table)
            if let full, !seen.contains(event.item) {
                #expect(model.lastServedRank == full)
                compared += 1
            }
        }
        #expect(compared > 20)
    }

    @Test func smallCandidateSetsStayConsistent() throws {
        // Few neighbours and small pools: top-K holds only candidates, sorted, unseen, with their exact scores,
        // and a served rank exists only when the target was retrieved.
        let model = try Recommender(configuration: candidateConfiguration(pool: 5, neighbors: 8))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[..<1500], interval: 100, counter: &counter)
        var served = 0
        for event in events[1500..<1600] {
            let e = try model.encode(event, users: table)
            let top = model.topK(user: event.user, k: 10, users: table)
            #expect(!top.isEmpty && top.count <= 10)
            let seen = Set(table.seen[Int(e.user)].map { model.itemIdentifier($0) })
            #expect(!top.contains { seen.contains($0.item) })
            #expect(zip(top, top.dropFirst()).allSatisfy { $0.score >= $1.score })
            let exact = model.score(user: event.user, items: top.map(\.item), users: table)
            #expect(exact == top.map { Optional($0.score) })
            model.learn(e, users: table)
            if let rank = model.lastServedRank {
                #expect(rank >= 0 && rank < 8 + 2 * 5)
                served += 1
            }
        }
        #expect(served > 10)
    }

    @Test func candidateRetrievalContinuesBitExactlyAfterRestore() throws {
        let events = syntheticEvents()
        let config = candidateConfiguration(pool: 6, neighbors: 12)
        let model = try Recommender(configuration: config)
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<1234], interval: 100, counter: &counter)
        let restored = try Recommender(restoring: try model.serialized())
        let restoredTable = restored.makeUserTable()
        try restoredTable.restore(from: table.serialized())
        func pools(_ model: Recommender) throws -> [[Int32]] {
            try #require(model.ranking).popularity.rows.map { try #require($0.pool).members }
        }
        #expect(try pools(model).count == 2 + config.ranking.stageEdges.count + 1)
        #expect(try pools(restored) == pools(model))
        #expect(try pools(model).dropFirst(2).contains { !$0.isEmpty })
        var counterA = counter
        var counterB = counter
        for event in events[1234...] {
            _ = try drive(model, table, [event][...], interval: 100, counter: &counterA)
            _ = try drive(restored, restoredTable, [event][...], interval: 100, counter: &counterB)
            #expect(model.lastServedRank == restored.lastServedRank)
        }
        let sameModel = try model.serialized() == restored.serialized()
        let sameTable = table.serialized() == restoredTable.serialized()
        #expect(sameModel)
        #expect(sameTable)
        #expect(
            model.topK(user: events[0].user, k: 10, users: table).map(\.item)
                == restored.topK(user: events[0].user, k: 10, users: restoredTable).map(\.item))
    }
}

@Suite struct HoldoutTests {
    @Test func heldOutUsersStartFromTheInitialThetaAndContributeNothing() throws {
        var config = configuration(.ranking, interval: 50)
        config.meta.holdoutShare = 0.3
        let model = try Recommender(configuration: config)
        let table = model.makeUserTable()
        var heldOut: Set<String> = []
        var all: Set<String> = []
        var sinceMeta = 0
        for event in syntheticEvents(users: 300, events: 4000) {
            let e = try model.encode(event, users: table)
            all.insert(event.user)
            if model.isHoldout(e, users: table) { heldOut.insert(event.user) }
            model.learn(e, users: table)
            sinceMeta += 1
            if sinceMeta == 50 {
                sinceMeta = 0
                let contributions = table.drainContributions()
                #expect(!contributions.isEmpty)
                #expect(!contributions.contains { heldOut.contains($0.user) })
                model.metaUpdate(contributions)
            }
        }
        // The share follows the configuration (a hash of the user id), and the choice is stable per user id.
        let share = Double(heldOut.count) / Double(all.count)
        #expect(share > 0.2 && share < 0.4)
        let other = try Recommender(configuration: config)
        let otherTable = other.makeUserTable()
        for user in all.sorted().prefix(60) {
            let e = try other.encode(
                InteractionEvent(user: user, item: "i1", kind: "click", timestamp: 0), users: otherTable)
            #expect(other.isHoldout(e, users: otherTable) == heldOut.contains(user))
        }
        // After meta-updates, a new held-out user starts from the initial θ, a new treated user from the updated θ.
        #expect(model.metaParameters != Array(model.meta.initialTheta.buffer))
        let d = config.ranking.factors
        var checked = (holdout: 0, treated: 0)
        for n in 0..<200 where checked.holdout < 3 || checked.treated < 3 {
            let user = "new-\(n)"
            let e = try model.encode(
                InteractionEvent(user: user, item: "i1", kind: "click", timestamp: 0), users: table)
            model.ensureInitialized(e.user, users: table)
            let f = Array(UnsafeBufferPointer(start: table.view(e.user).vector, count: d))
            let offset = model.meta.layout.vectorOffset
            let initial = Array(model.meta.initialTheta.buffer[offset..<(offset + d)])
            if model.isHoldout(e, users: table) {
                #expect(f == initial)
                checked.holdout += 1
            } else {
                #expect(f != initial)
                checked.treated += 1
            }
        }
        #expect(checked.holdout >= 3 && checked.treated >= 3)
    }

    @Test func holdoutShareIsValidated() {
        var config = configuration(.ranking)
        config.meta.holdoutShare = 0.9
        #expect(throws: LearningError.self) { _ = try Recommender(configuration: config) }
        var candidates = configuration(.ranking)
        candidates.ranking.retrieval = .candidates
        candidates.ranking.metaLoss = .softmax
        #expect(throws: LearningError.self) { _ = try Recommender(configuration: candidates) }
    }
}
