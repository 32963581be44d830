/// The head-softmax query loss of the ranking blend: cross-entropy of a softmax over the head of the list — the
/// `top_negatives` best-scored unseen entries (ties at the threshold included) — plus the target. Its gradient per
/// blend weight steps the users' blend offsets and θ; its coefficients `∂L/∂s` per entry step the item offsets and
/// the factorisation (``ItemOffsets``, ``Factorisation``).
final class HeadSoftmaxLoss {
    /// `ranking.top_negatives`: the head's size.
    let head: Int
    /// The last loss's entries: the head, then the target.
    let entries: GrowableBuffer<Int32>
    /// Their coefficients `∂L/∂s_j = p_j − [j = target]`.
    let coefficients: GrowableBuffer<Float>

    init(head: Int) {
        self.head = head
        entries = GrowableBuffer(capacity: 1024)
        entries.append(0)
        coefficients = GrowableBuffer(capacity: 1024)
        coefficients.append(0)
    }

    /// Makes room for a loss over one more catalogue item.
    func appendItem() {
        entries.append(0)
        coefficients.append(0)
    }

    /// The gradient over the pass's included entries into `g` (one per component); the entries and coefficients go
    /// to ``entries`` and ``coefficients``, and their number is returned.
    @inline(__always)
    func gradient(
        _ pass: ScoringPass, target t: Int, multipliers m: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>
    ) -> Int {
        let s = pass.components
        return Self.gradient(
            scores: s.scores.base, components: (s.popularity.base, s.neighbours.base, s.factors.base, s.stage.base),
            included: s.included.base, count: pass.count, target: t, head: head, multipliers: m, work: s.work.base,
            gradient: g, entries: entries.base, coefficients: coefficients.base)
    }

    /// The head-softmax gradient over `count` scored entries (the whole catalogue, or the gathered candidates):
    /// `Σ_j p_j z_j − z_target` per blend weight, over the `head` best-scored included entries other than the
    /// target (ties at the threshold included) plus the target. `components` are the raw component scores behind
    /// `scores`; `work` is scratch for the selection (at least `count` floats). Allocates nothing.
    ///
    /// Also writes the loss's entries into `entries` and `coefficients` (room for `count` values each) — the head,
    /// then the target last — with their coefficients `∂L/∂s_j = p_j − [j = target]`, and returns their number (0
    /// when nothing is included).
    @discardableResult
    static func gradient(
        scores s: UnsafePointer<Float>,
        components: (
            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
            UnsafeMutablePointer<Float>
        ),
        included: UnsafePointer<Float>, count n: Int, target x: Int, head: Int, multipliers m: UnsafePointer<Float>,
        work: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
        entries: UnsafeMutablePointer<Int32>, coefficients: UnsafeMutablePointer<Float>
    ) -> Int {
        let C = RankingModelLayout.components
        for c in 0..<C { g[c] = 0 }
        var count = 0
        // The best included score is in the head whatever the threshold: the softmax's shift, found in this pass.
        var maxS = s[x]
        for i in 0..<n where i != x && included[i] != 0 {
            work[count] = s[i]
            if s[i] > maxS { maxS = s[i] }
            count += 1
        }
        guard count > 0 else { return 0 }
        let threshold = Selection.kthLargest(work, count: count, k: min(head, count))
        @inline(__always)
        func raw(_ c: Int, _ i: Int) -> Float {
            switch c {
            case 0: components.0[i]
            case 1: components.1[i]
            case 2: components.2[i]
            default: components.3[i]
            }
        }
        let st = s[x]
        let et = Kernels.fastExp(st - maxS)
        var total = et
        // Per-component sums in registers (the components are the four arrays of `components`).
        let (m0, m1, m2, m3) = (m[0], m[1], m[2], m[3])
        var (g0, g1, g2, g3) = (et * m0 * raw(0, x), et * m1 * raw(1, x), et * m2 * raw(2, x), et * m3 * raw(3, x))
        var headCount = 0
        for i in 0..<n where i != x && included[i] != 0 && s[i] >= threshold {
            let e = Kernels.fastExp(s[i] - maxS)
            total += e
            g0 += e * m0 * components.0[i]
            g1 += e * m1 * components.1[i]
            g2 += e * m2 * components.2[i]
            g3 += e * m3 * components.3[i]
            entries[headCount] = Int32(truncatingIfNeeded: i)
            coefficients[headCount] = e
            headCount += 1
        }
        (g[0], g[1], g[2], g[3]) = (g0, g1, g2, g3)
        for c in 0..<C { g[c] = g[c] / total - m[c] * raw(c, x) }
        for h in 0..<headCount { coefficients[h] /= total }
        entries[headCount] = Int32(truncatingIfNeeded: x)
        coefficients[headCount] = et / total - 1
        return headCount + 1
    }
}
