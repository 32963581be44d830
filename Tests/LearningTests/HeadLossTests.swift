import Clickstream
import Foundation
import Testing

@testable import Learning

/// What the head-softmax query loss teaches besides the blend weights: per-item score offsets
/// (`ranking.item_offset_learning_rate`) and the factorisation (`ranking.head_learning_rate`).
@Suite struct HeadLossTests {
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

    /// Runs the head-softmax gradient; returns its entries and coefficients, the head (entries whose score
    /// reached the `head`-th best included non-target score) and the gradient per blend weight.
    func entries(
        _ p: Problem, offsets: [Float], items: [Int]
    ) -> (entries: [Int], coefficients: [Float], head: Set<Int>, gradient: [Float]) {
        let s = p.scores(offsets: offsets, items: items)
        let others = (0..<p.count).filter { $0 != p.target && p.included[$0] != 0 }.map { s[$0] }.sorted(by: >)
        let threshold = others[p.head - 1]
        let head = Set((0..<p.count).filter { $0 != p.target && p.included[$0] != 0 && s[$0] >= threshold })
        var (c0, c1, c2, c3) = (p.raw[0], p.raw[1], p.raw[2], p.raw[3])
        var included = p.included
        var multipliers = p.multipliers
        var work = [Float](repeating: 0, count: p.count)
        var gradient = [Float](repeating: 0, count: 4)
        var entries = [Int32](repeating: -1, count: p.count)
        var coefficients = [Float](repeating: 0, count: p.count)
        var written = 0
        s.withUnsafeBufferPointer { sb in
            c0.withUnsafeMutableBufferPointer { r0 in
                c1.withUnsafeMutableBufferPointer { r1 in
                    c2.withUnsafeMutableBufferPointer { r2 in
                        c3.withUnsafeMutableBufferPointer { r3 in
                            written = HeadSoftmaxLoss.gradient(
                                scores: sb.baseAddress!,
                                components: (r0.baseAddress!, r1.baseAddress!, r2.baseAddress!, r3.baseAddress!),
                                included: &included, count: p.count, target: p.target, head: p.head,
                                multipliers: &multipliers, work: &work, gradient: &gradient, entries: &entries,
                                coefficients: &coefficients)
                        }
                    }
                }
            }
        }
        return (entries.prefix(written).map(Int.init), Array(coefficients.prefix(written)), head, gradient)
    }

    /// The head-softmax loss for fixed head entries: `log Σ_{j ∈ head ∪ {target}} exp(s_j) − s_target`.
    func loss(_ p: Problem, offsets: [Float], items: [Int], head: Set<Int>) -> Double {
        let s = p.scores(offsets: offsets, items: items).map(Double.init)
        let members = head.union([p.target])
        let m = members.map { s[$0] }.max()!
        return log(members.map { exp(s[$0] - m) }.reduce(0, +)) + m - s[p.target]
    }

    /// The loss's entries are the head then the target, and each coefficient is `∂L/∂s` of its entry (central
    /// differences of the loss in an offset, which moves that entry's score one for one).
    @Test func coefficientsAreTheLossGradientOfEachScore() {
        let p = problem(seed: 11, count: 12)
        var g = SplitMix64(seed: 5)
        let offsets = (0..<p.count).map { _ in 0.3 * g.nextGaussian() }
        let items = Array(0..<p.count)
        let (entries, coefficients, head, _) = entries(p, offsets: offsets, items: items)
        #expect(head.count == p.head)
        #expect(entries.count == p.head + 1)
        #expect(Set(entries.dropLast()) == head)
        #expect(entries.last == p.target)
        for i in 0..<p.count {
            let h: Float = 1e-3
            var up = offsets
            up[i] += h
            var down = offsets
            down[i] -= h
            let numeric =
                (loss(p, offsets: up, items: items, head: head) - loss(p, offsets: down, items: items, head: head))
                / Double(2 * h)
            let coefficient = entries.firstIndex(of: i).map { Double(coefficients[$0]) } ?? 0
            #expect(abs(coefficient - numeric) < 1e-4, "entry \(i): coefficient \(coefficient), gradient \(numeric)")
        }
        #expect(coefficients.last! < 0)
        #expect(abs(coefficients.reduce(0, +)) < 1e-5)
    }

    /// The gradient per blend weight is the loss's gradient in each weight (central differences, head fixed).
    @Test func weightGradientIsTheLossGradientOfEachWeight() {
        let p = problem(seed: 23, count: 14)
        let items = Array(0..<p.count)
        let zero = [Float](repeating: 0, count: p.count)
        let (_, _, head, gradient) = entries(p, offsets: zero, items: items)
        for c in 0..<4 {
            var up = p
            up.weights[c] += 1e-3
            var down = p
            down.weights[c] -= 1e-3
            let numeric =
                (loss(up, offsets: zero, items: items, head: head)
                    - loss(down, offsets: zero, items: items, head: head)) / 2e-3
            #expect(abs(Double(gradient[c]) - numeric) < 1e-3, "weight \(c): \(gradient[c]) vs \(numeric)")
        }
        #expect(gradient.contains { $0 != 0 })
    }

    /// `applyHeadSteps` on candidate entries: each item's offset moves by `−rate · ∂L/∂s`, and the factorisation's
    /// parameters move along `−η ∂/∂θ Σ_h c_h (b_h + p·q_h)` (checked by central differences of that sum); items
    /// that are not entries keep their parameters; the user's meta-direction gains the user vector's gradient.
    @Test func headStepsFollowTheCoefficients() throws {
        var c = configuration(.ranking)
        c.ranking.factors = 3
        c.ranking.itemOffsetLearningRate = 0.05
        c.ranking.headLearningRate = 0.2
        let recommender = try Recommender(configuration: c)
        let table = recommender.makeUserTable()
        for (k, item) in ["a", "b", "c", "d", "e", "f"].enumerated() {
            try recommender.learn(
                InteractionEvent(user: "u\(k)", item: item, kind: "click", timestamp: Int64(k)), users: table)
        }
        let model = try #require(recommender.ranking)
        let factors = model.factorisation.vectors
        let bias = model.factorisation.biases
        let offsets = model.offsets.settled
        let d = 3
        var g = SplitMix64(seed: 9)
        for i in 0..<(6 * d) { factors[i] = g.nextGaussian() }
        for i in 0..<6 {
            bias[i] = g.nextGaussian()
            offsets[i] = 0
        }
        // Three candidate entries at positions 0, 1, 2 standing for catalogue items 4, 1 and 3 (the target).
        let items: [Int32] = [4, 1, 3]
        let coefficients: [Float] = [0.25, 0.35, -0.6]
        for h in 0..<3 {
            model.headLoss.entries[h] = Int32(h)
            model.headLoss.coefficients[h] = coefficients[h]
        }
        var user: [Float] = [0.3, -0.7, 0.5]
        let factorsBefore = (0..<(6 * d)).map { factors[$0] }
        let biasBefore = (0..<6).map { bias[$0] }
        let userBefore = user
        let scale: Float = 1.5
        var direction = [Float](repeating: 0.25, count: recommender.metaWidth)
        items.withUnsafeBufferPointer { ib in
            user.withUnsafeMutableBufferPointer { ub in
                direction.withUnsafeMutableBufferPointer { db in
                    model.applyHeadSteps(
                        count: 3, items: ib.baseAddress!, user: ub.baseAddress!, offsets: offsets.base,
                        factorScale: scale,
                        direction: MetaDirection(values: db.baseAddress!, layout: recommender.meta.layout))
                }
            }
        }
        // The user's FOMAML contribution to θ's initial vector gains the loss's negative gradient in the same units
        // as the step (the step divided by the rate); the rest of the direction is untouched.
        let vectorOffset = recommender.meta.layout.vectorOffset
        for k in 0..<recommender.metaWidth {
            let isVector = k >= vectorOffset && k < vectorOffset + d
            let expected: Float = isVector ? 0.25 + (user[k - vectorOffset] - userBefore[k - vectorOffset]) / 0.2 : 0.25
            #expect(abs(direction[k] - expected) < 1e-5, "direction \(k)")
        }
        // The sum whose gradient the factorisation follows, as a function of (q, b, p).
        func surrogate(_ q: [Float], _ b: [Float], _ p: [Float]) -> Double {
            var total = 0.0
            for h in 0..<3 {
                let i = Int(items[h])
                var score = Double(b[i])
                for k in 0..<d { score += Double(p[k]) * Double(q[i * d + k]) }
                total += Double(coefficients[h]) * score
            }
            return total
        }
        func central(_ f: (Float) -> Double) -> Double { (f(1e-2) - f(-1e-2)) / 2e-2 }
        let eta = Double(0.2 * scale)
        for j in 0..<(6 * d) {
            let numeric = central { e in
                var q = factorsBefore
                q[j] += e
                return surrogate(q, biasBefore, userBefore)
            }
            let moved = Double(factors[j] - factorsBefore[j])
            #expect(abs(moved + eta * numeric) < 1e-4, "factor \(j): moved \(moved), gradient \(numeric)")
        }
        for i in 0..<6 {
            let numeric = central { e in
                var b = biasBefore
                b[i] += e
                return surrogate(factorsBefore, b, userBefore)
            }
            #expect(abs(Double(bias[i] - biasBefore[i]) + eta * numeric) < 1e-4, "bias \(i)")
            let expectedOffset = items.firstIndex(of: Int32(i)).map { -0.05 * coefficients[$0] } ?? 0
            #expect(abs(offsets[i] - expectedOffset) < 1e-6, "offset \(i)")
        }
        for k in 0..<d {
            let numeric = central { e in
                var p = userBefore
                p[k] += e
                return surrogate(factorsBefore, biasBefore, p)
            }
            #expect(abs(Double(user[k] - userBefore[k]) + eta * numeric) < 1e-4, "user \(k)")
        }
        // Items 0, 2 and 5 are not entries.
        for i in [0, 2, 5] {
            #expect(bias[i] == biasBefore[i])
            for k in 0..<d { #expect(factors[i * d + k] == factorsBefore[i * d + k]) }
        }
    }

    /// A trained model's offsets are non-zero and enter its scores: a settled user's scores carry the settled row,
    /// a user in the cold start the cold-start row.
    @Test func scoresCarryTheRowOfTheUsersStage() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[...], interval: 100, counter: &counter)
        try model.learn(
            InteractionEvent(user: "newcomer", item: events[0].item, kind: "click", timestamp: 1), users: table)
        let counts = Dictionary(events.map { ($0.user, 1) }, uniquingKeysWith: +)
        let settled = counts.first { $0.value >= 20 }!.key
        let items = (0..<model.itemCount).map { model.itemIdentifier(Int32($0)) }
        let offsets = try #require(model.ranking).offsets
        #expect((0..<model.itemCount).contains { offsets.settled[$0] != 0 })
        #expect((0..<model.itemCount).contains { offsets.cold[$0] != 0 })
        for (user, row) in [(settled, offsets.settled), ("newcomer", offsets.cold)] {
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
        for (key, value) in [("ranking.item_offset_learning_rate", "-0.1"), ("ranking.head_learning_rate", "-1")] {
            var c = LearningConfiguration()
            try c.apply(overrides: [(key, value)])
            expectRefused(c, key: key)
        }
        // Both learn from the head-softmax loss: another query loss needs them off.
        var softmax = LearningConfiguration()
        softmax.ranking.metaLoss = .softmax
        expectRefused(softmax, key: "ranking.item_offset_learning_rate")
        softmax.ranking.itemOffsetLearningRate = 0
        expectRefused(softmax, key: "ranking.head_learning_rate")
        softmax.ranking.headLearningRate = 0
        try softmax.validate()
    }
}
