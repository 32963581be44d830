/// The `top` query loss of the ranking blend: `Σ_j log(1 + exp(s_j − s_target))` over the `top_negatives`
/// best-scored unseen items other than the target (the items standing between the target and the top of the
/// list), a pairwise surrogate of HR@K. Full-catalogue retrieval only.
final class TopPairLoss {
    /// The best-scored items of the last loss, best first.
    private let top: GrowableBuffer<Int32>
    private let limit: Int

    init(negatives: Int) {
        top = GrowableBuffer(capacity: max(negatives, 1))
        top.append(0, count: max(negatives, 1))
        limit = min(negatives, top.count)
    }

    /// The gradient per blend weight into `g` over the pass's included entries (a full-catalogue pass).
    func gradient(
        _ pass: ScoringPass, target x: Int, multipliers m: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>
    ) {
        precondition(pass.items == nil, "the top loss scores the whole catalogue")
        let components = pass.components
        let s = components.scores.base
        let included = components.included.base
        let top = self.top.base
        var filled = 0
        for i in 0..<pass.count where i != x && included[i] != 0 {
            let v = s[i]
            if filled == limit && !(v > s[Int(top[limit - 1])]) { continue }
            var pos = filled < limit ? filled : limit - 1
            while pos > 0 && v > s[Int(top[pos - 1])] {
                top[pos] = top[pos - 1]
                pos -= 1
            }
            top[pos] = Int32(i)
            if filled < limit { filled += 1 }
        }
        for c in 0..<RankingModelLayout.components { g[c] = 0 }
        let st = s[x]
        for k in 0..<filled {
            let j = Int(top[k])
            let weight = Kernels.sigmoid(s[j] - st) / Float(max(filled, 1))
            for c in 0..<RankingModelLayout.components {
                g[c] += weight * m[c] * (components.raw(c, at: j) - components.raw(c, at: x))
            }
        }
    }
}
