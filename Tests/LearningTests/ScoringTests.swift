import Clickstream
import Testing

@testable import Learning

/// ``Scoring``, ``ScoredList`` and ``Selection``: the catalogue and the candidates scored, ranked and cut to a
/// top-K the same way.
@Suite struct ScoringTests {
    /// A candidate query gives each candidate exactly the component values a full-catalogue pass gives its item.
    @Test func candidatesCarryTheCatalogueValuesOfTheirItems() throws {
        let recommender = try Recommender(configuration: candidateConfiguration(pool: 5, neighbors: 10))
        let table = recommender.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(recommender, table, events[..<1500], interval: 100, counter: &counter)
        let model = try #require(recommender.ranking)
        var checked = 0
        for event in events[1500..<1520] {
            let user = table.view(try recommender.encode(event, users: table).user)
            let context = Scoring.Context(
                vector: user.vector, user: user, recent: min(user.eventsSeen, 16),
                stage: model.popularity.stage(eventsSeen: user.eventsSeen))
            let catalogue = model.scoring.scoreCatalogue(context, count: recommender.itemCount, target: nil)
            let dense = (0..<catalogue.count).map { catalogue.components.values(at: $0) }
            let pass = model.scoring.gatherCandidates(
                context, count: recommender.itemCount, target: nil, sampleOffset: nil)
            #expect(pass.count > 0 && pass.count < recommender.itemCount)
            let items = try #require(pass.items)
            for c in 0..<pass.count {
                let (a, b) = (pass.components.values(at: c), dense[Int(items[c])])
                #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3, "candidate \(c)")
                checked += 1
            }
            _ = try drive(recommender, table, [event][...], interval: 100, counter: &counter)
        }
        #expect(checked > 100)
    }

    /// Ranks and top-K lists of a candidate list equal those of the same entries in catalogue order.
    @Test func ranksAndTopListsAgreeForCatalogueAndCandidates() {
        var generator = SplitMix64(seed: 3)
        let n = 40
        // Few distinct scores: ties everywhere.
        let values = (0..<n).map { _ in Float(generator.next(below: 6)) }
        var scores = values
        let seen: [Int32] = [3, 17, 25, 8]
        // The candidates: every item, in a shuffled entry order.
        var order = Array(0..<Int32(n))
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, generator.next(below: i + 1)) }
        let candidates = CandidateSet()
        candidates.begin(catalogue: n)
        var gathered = order.map { values[Int($0)] }
        for (c, item) in order.enumerated() {
            candidates.items[c] = item
            candidates.marks[Int(item)] = candidates.mark
            candidates.positions[Int(item)] = Int32(c)
        }
        func reference(_ x: Int, excluding: [Int32]) -> Int {
            (0..<n).filter { $0 != x && !excluding.contains(Int32($0)) }
                .filter { values[$0] > values[x] || (values[$0] == values[x] && $0 < x) }.count
        }
        scores.withUnsafeMutableBufferPointer { dense in
            gathered.withUnsafeMutableBufferPointer { sparse in
                let full = ScoredList(scores: dense.baseAddress!, count: n, candidates: nil)
                let list = ScoredList(scores: sparse.baseAddress!, count: n, candidates: candidates)
                for x in [0, 3, 11, 39] {
                    let c = Int(candidates.positions[x])
                    #expect(full.rank(of: x, excluding: seen) == reference(x, excluding: seen))
                    #expect(list.rank(of: c, excluding: seen) == reference(x, excluding: seen))
                    #expect(list.rank(of: c, excluding: []) == reference(x, excluding: []))
                }
            }
        }
        let included = order.map { seen.contains($0) ? Float(0) : 1 }
        let expected = (0..<n).filter { !seen.contains(Int32($0)) }
            .sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(7)
        let fromCandidates = Selection.best(
            7, scores: gathered, count: n, items: candidates.items.base, included: included)
        #expect(fromCandidates.map { Int($0.item) } == Array(expected))
        scores.withUnsafeMutableBufferPointer { dense in
            let full = ScoredList(scores: dense.baseAddress!, count: n, candidates: nil)
            let best = full.best(7, excluding: seen, included: nil)
            #expect(best.map { Int($0.item) } == Array(expected))
            #expect(best.map(\.score) == fromCandidates.map(\.score))
        }
    }

    @Test func kthLargestOfAFewValues() {
        var values: [Float] = [3, -1, 7, 7, 0, 2]
        let third = values.withUnsafeMutableBufferPointer { Selection.kthLargest($0.baseAddress!, count: 6, k: 3) }
        #expect(third == 3)
    }
}
