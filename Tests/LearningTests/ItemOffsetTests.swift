import Clickstream
import Foundation
import Testing

@testable import Learning

/// Per-item score offsets (`ranking.item_offset_learning_rate`): one step along the head-softmax query loss, in
/// catalogue and in candidate indexing, and what the step does to a model.
@Suite struct ItemOffsetTests {
    /// Entries of a small scoring problem: four raw component values each, blend weights and multipliers.
    struct Problem {
        var raw: [[Float]]  // [component][entry]
        var weights: [Float]
        var multipliers: [Float]
        var included: [Float]
        let target: Int
        let head: Int

        var count: Int { raw[0].count }

        func scores(offsets: [Float], items: [Int]) -> [Float] {
            (0..<count).map { i in
                var s = offsets[items[i]]
                for c in 0..<4 { s += weights[c] * multipliers[c] * raw[c][i] }
                return s
            }
        }
    }

    func problem(seed: UInt64, count: Int) -> Problem {
        var g = SplitMix64(seed: seed)
        let raw = (0..<4).map { _ in (0..<count).map { _ in g.nextGaussian() } }
        var included = [Float](repeating: 1, count: count)
        included[2] = 0  // a seen item: never in the head, never moved
        return Problem(
            raw: raw, weights: [0.7, 1.3, 0.4, 0.9], multipliers: [1.1, 0.8, 1.5, 0.6], included: included,
            target: 5, head: 4)
    }

    /// Runs the head-softmax gradient with an offset step; returns the new offsets and the head (entries whose
    /// score reached the `head`-th best included non-target score).
    func step(_ p: Problem, offsets: [Float], items: [Int]?, rate: Float) -> (offsets: [Float], head: Set<Int>) {
        let map = items ?? Array(0..<p.count)
        let s = p.scores(offsets: offsets, items: map)
        let others = (0..<p.count).filter { $0 != p.target && p.included[$0] != 0 }.map { s[$0] }.sorted(by: >)
        let threshold = others[p.head - 1]
        let head = Set((0..<p.count).filter { $0 != p.target && p.included[$0] != 0 && s[$0] >= threshold })
        var o = offsets
        var (c0, c1, c2, c3) = (p.raw[0], p.raw[1], p.raw[2], p.raw[3])
        var included = p.included
        var multipliers = p.multipliers
        var work = [Float](repeating: 0, count: p.count)
        var gradient = [Float](repeating: 0, count: 4)
        let items32 = map.map { Int32($0) }
        s.withUnsafeBufferPointer { sb in
            c0.withUnsafeMutableBufferPointer { r0 in
                c1.withUnsafeMutableBufferPointer { r1 in
                    c2.withUnsafeMutableBufferPointer { r2 in
                        c3.withUnsafeMutableBufferPointer { r3 in
                            o.withUnsafeMutableBufferPointer { ob in
                                items32.withUnsafeBufferPointer { ib in
                                    Recommender.headSoftmaxGradient(
                                        scores: sb.baseAddress!,
                                        components: (r0.baseAddress!, r1.baseAddress!, r2.baseAddress!, r3.baseAddress!),
                                        included: &included, count: p.count, target: p.target, head: p.head,
                                        multipliers: &multipliers, work: &work, gradient: &gradient,
                                        offsetStep: (ob.baseAddress!, items == nil ? nil : ib.baseAddress!, rate))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (o, head)
    }

    /// The head-softmax loss for fixed head entries: `log Σ_{j ∈ head ∪ {target}} exp(s_j) − s_target`.
    func loss(_ p: Problem, offsets: [Float], items: [Int], head: Set<Int>) -> Double {
        let s = p.scores(offsets: offsets, items: items).map(Double.init)
        let members = head.union([p.target])
        let m = members.map { s[$0] }.max()!
        return log(members.map { exp(s[$0] - m) }.reduce(0, +)) + m - s[p.target]
    }

    @Test(arguments: [false, true])
    func offsetStepFollowsTheLossGradient(permuted: Bool) {
        let p = problem(seed: 11, count: 12)
        // Candidates: entry i is catalogue item items[i] (a catalogue of 20 items, most not candidates).
        let items: [Int]? = permuted ? [7, 19, 0, 3, 12, 8, 15, 1, 10, 4, 17, 6] : nil
        let catalogue = permuted ? 20 : p.count
        var g = SplitMix64(seed: 5)
        let before = (0..<catalogue).map { _ in 0.3 * g.nextGaussian() }
        let rate: Float = 0.05
        let (after, head) = step(p, offsets: before, items: items, rate: rate)
        #expect(head.count == p.head)
        let map = items ?? Array(0..<p.count)
        for i in 0..<p.count {
            // Central difference of the loss in the entry's offset (the head held fixed).
            let h: Float = 1e-3
            var up = before
            up[map[i]] += h
            var down = before
            down[map[i]] -= h
            let numeric = (loss(p, offsets: up, items: map, head: head) - loss(p, offsets: down, items: map, head: head))
                / Double(2 * h)
            let moved = Double(after[map[i]] - before[map[i]])
            #expect(abs(moved + Double(rate) * numeric) < 1e-4, "entry \(i): moved \(moved), gradient \(numeric)")
            if i != p.target && !head.contains(i) { #expect(moved == 0) }
        }
        // The target gains, every head entry loses, and items that are not candidates keep their offsets.
        #expect(after[map[p.target]] > before[map[p.target]])
        for i in head { #expect(after[map[i]] < before[map[i]]) }
        for item in 0..<catalogue where !map.contains(item) { #expect(after[item] == before[item]) }
        // One step lowers the loss.
        #expect(loss(p, offsets: after, items: map, head: head) < loss(p, offsets: before, items: map, head: head))
    }

    /// A trained model's offsets are non-zero and enter its scores: a settled user's scores carry the settled row,
    /// a user in the cold start the cold-start row.
    @Test func scoresCarryTheRowOfTheUsersStage() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[...], interval: 100, counter: &counter)
        try model.learn(InteractionEvent(user: "newcomer", item: events[0].item, kind: "click", timestamp: 1), users: table)
        let counts = Dictionary(events.map { ($0.user, 1) }, uniquingKeysWith: +)
        let settled = counts.first { $0.value >= 20 }!.key
        let items = (0..<model.itemCount).map { model.itemIdentifier(Int32($0)) }
        #expect((0..<model.itemCount).contains { model.itemOffsets[$0] != 0 })
        #expect((0..<model.itemCount).contains { model.coldItemOffsets[$0] != 0 })
        for (user, row) in [(settled, model.itemOffsets), ("newcomer", model.coldItemOffsets)] {
            let with = model.score(user: user, items: items, users: table).map { $0! }
            let saved = (0..<model.itemCount).map { row[$0] }
            for i in 0..<model.itemCount { row[i] = 0 }
            let without = model.score(user: user, items: items, users: table).map { $0! }
            for i in 0..<model.itemCount {
                row[i] = saved[i]
                #expect(abs(with[i] - without[i] - saved[i]) <= 1e-4 * max(1, abs(with[i])), "\(user) item \(i)")
            }
        }
    }

    @Test func settingsAreValidated() throws {
        for (key, value) in [("ranking.item_offset_learning_rate", "-0.1")] {
            var c = LearningConfiguration()
            try c.apply(overrides: [(key, value)])
            #expect(throws: LearningError.self) { try c.validate() }
        }
        var softmax = LearningConfiguration()
        softmax.ranking.metaLoss = .softmax
        do {
            try softmax.validate()
            Issue.record("item offsets with the softmax loss were accepted")
        } catch let error as LearningError {
            #expect(error.key == "ranking.item_offset_learning_rate")
        }
        softmax.ranking.itemOffsetLearningRate = 0
        try softmax.validate()
    }
}
