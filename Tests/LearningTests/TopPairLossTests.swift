import Clickstream
import Foundation
import Testing

@testable import Learning

/// ``TopPairLoss``: the pairwise query loss against the best-scored unseen items.
@Suite struct TopPairLossTests {
    /// A full-catalogue pass over `raw` (four components × entries) blended with `weights` and `multipliers`.
    func pass(_ raw: [[Float]], weights: [Float], multipliers: [Float], excluded: Set<Int>) -> ScoringPass {
        let n = raw[0].count
        let scores = ComponentScores()
        for _ in 0..<n { scores.appendItem() }
        for i in 0..<n {
            scores.set((raw[0][i], raw[1][i], raw[2][i], raw[3][i]), at: i)
            scores.scores[i] = (0..<4).reduce(Float(0)) { $0 + weights[$1] * multipliers[$1] * raw[$1][i] }
            scores.included[i] = excluded.contains(i) ? 0 : 1
        }
        return ScoringPass(
            components: scores, list: ScoredList(scores: scores.scores.base, count: n, candidates: nil), target: nil,
            targetRetrieved: true)
    }

    /// `L = (1/F) Σ_j log(1 + exp(s_j − s_target))` over the `F` best-scored included items other than the target;
    /// its gradient per blend weight against central differences, the top set held fixed.
    @Test func gradientIsThePairLossGradientOfEachWeight() {
        var generator = SplitMix64(seed: 17)
        let n = 12
        let raw = (0..<4).map { _ in (0..<n).map { _ in generator.nextGaussian() } }
        let multipliers: [Float] = [1.2, 0.7, 0.9, 1.5]
        var weights: [Float] = [0.6, -0.2, 1.1, 0.4]
        let target = 4
        let excluded: Set<Int> = [1, 7]
        let loss = TopPairLoss(negatives: 3)
        var gradient = [Float](repeating: 0, count: 4)
        let p = pass(raw, weights: weights, multipliers: multipliers, excluded: excluded)
        loss.gradient(p, target: target, multipliers: multipliers, gradient: &gradient)
        func score(_ w: [Float], _ i: Int) -> Double {
            (0..<4).reduce(0.0) { $0 + Double(w[$1] * multipliers[$1] * raw[$1][i]) }
        }
        let top = (0..<n).filter { $0 != target && !excluded.contains($0) }
            .sorted { score(weights, $0) > score(weights, $1) }.prefix(3)
        func pairLoss(_ w: [Float]) -> Double {
            top.reduce(0.0) { $0 + log(1 + exp(score(w, $1) - score(w, target))) } / Double(top.count)
        }
        for c in 0..<4 {
            let saved = weights[c]
            weights[c] = saved + 1e-3
            let up = pairLoss(weights)
            weights[c] = saved - 1e-3
            let down = pairLoss(weights)
            weights[c] = saved
            #expect(abs(Double(gradient[c]) - (up - down) / 2e-3) < 1e-3, "weight \(c)")
        }
        #expect(gradient.contains { $0 != 0 })
    }
}
