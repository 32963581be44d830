import RealModule

/// The per-event numeric kernels: plain functions over raw buffers, shared by the model and by the
/// finite-difference gradient tests.
public enum Kernels {
    /// `Σ a[k]·b[k]`, vectorised (reassociation allowed through `Relaxed`).
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc: Float = 0
        for k in 0..<n { acc = Relaxed.multiplyAdd(a[k], b[k], acc) }
        return acc
    }

    /// Natural logarithm to about 1e-5 for positive normal `x`, branch-free so that loops over the catalogue
    /// vectorise: `ln x = e·ln 2 + 2 atanh((m − 1)/(m + 1))` with the mantissa `m ∈ [1, 2)` and four series terms.
    @inline(__always)
    public static func fastLog(_ x: Float) -> Float {
        let bits = x.bitPattern
        let exponent = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 127)
        let m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        let series = t * (2 + t2 * (2 / 3 + t2 * (2 / 5 + t2 * (2 / 7 + t2 * (2 / 9)))))
        return exponent * 0.693_147_18 + series
    }

    /// `e^x` to about 1e-5 relative for `x` in `[-87, 88]` (smaller `x` flushes to ~0), branch-free and built only
    /// from SSE2 operations so that softmax passes over the catalogue vectorise on baseline x86-64: `2^(x log₂e)`
    /// split into an integer power (rounded, put into the exponent bits) and a degree-6 polynomial of the
    /// fraction in `[−½, ½]`.
    @inline(__always)
    public static func fastExp(_ x: Float) -> Float {
        let t = min(max(x, -87), 88) * 1.442_695_04
        // Round to nearest by adding 1.5·2²³: the integer lands in the low mantissa bits (no trapping conversion).
        let shifted = t + 12_582_912
        let i = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        let f = t - (shifted - 12_582_912)
        let p =
            1 + f
            * (0.693_147_18 + f
                * (0.240_226_51 + f * (0.055_504_11 + f * (0.009_618_13 + f * (0.001_333_36 + f * 0.000_154_04)))))
        return p * Float(bitPattern: UInt32(bitPattern: i &+ 127) << 23)
    }

    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + Float.exp(-x)) }

    /// `log(1 + e^x)` without overflow.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float {
        x > 0 ? x + Float.log(1 + Float.exp(-x)) : Float.log(1 + Float.exp(x))
    }

    // MARK: - BPR

    /// BPR loss of one (positive, negative) pair: `-weight · log σ(x⁺ − x⁻)` with `x = b + p·q`.
    public static func bprLoss(
        p: UnsafePointer<Float>, qPositive: UnsafePointer<Float>, qNegative: UnsafePointer<Float>,
        bPositive: Float, bNegative: Float, factors d: Int, weight: Float
    ) -> Float {
        let diff = (bPositive - bNegative) + dot(p, qPositive, d) - dot(p, qNegative, d)
        return weight * softplus(-diff)
    }

    /// The coefficient `g = weight · σ(−(x⁺ − x⁻))` from which every BPR gradient follows:
    /// `∂L/∂p = −g (q⁺ − q⁻)`, `∂L/∂q⁺ = −g p`, `∂L/∂q⁻ = g p`, `∂L/∂b⁺ = −g`, `∂L/∂b⁻ = g`.
    @inline(__always)
    public static func bprCoefficient(
        p: UnsafePointer<Float>, qPositive: UnsafePointer<Float>, qNegative: UnsafePointer<Float>,
        bPositive: Float, bNegative: Float, factors d: Int, weight: Float
    ) -> Float {
        var diff = bPositive - bNegative
        for k in 0..<d { diff = Relaxed.multiplyAdd(p[k], qPositive[k] - qNegative[k], diff) }
        return weight * sigmoid(-diff)
    }

    // MARK: - Blend (sampled softmax over the candidates)

    /// Sampled-softmax loss of the blended score `s_x = Σ_c w_c z_{x,c}` where candidate 0 is the positive:
    /// `L = −s_0 + log Σ_x exp(s_x)`. Writes `∂L/∂w` into `gradient` (`components` values).
    /// - Parameters:
    ///   - z: `candidates × components` component values, row-major.
    @inline(__always)
    public static func blendLoss(
        weights w: UnsafePointer<Float>, z: UnsafePointer<Float>, candidates: Int, components: Int,
        gradient: UnsafeMutablePointer<Float>
    ) -> Float {
        var maxS = -Float.infinity
        for x in 0..<candidates {
            let s = dot(w, z + x * components, components)
            if s > maxS { maxS = s }
        }
        var total: Float = 0
        for c in 0..<components { gradient[c] = 0 }
        for x in 0..<candidates {
            let e = Float.exp(dot(w, z + x * components, components) - maxS)
            total += e
            for c in 0..<components { gradient[c] += e * z[x * components + c] }
        }
        let inv = 1 / total
        for c in 0..<components { gradient[c] = gradient[c] * inv - z[c] }
        let s0 = dot(w, z, components)
        return -(s0 - maxS) + Float.log(total)
    }

    /// Full-catalogue softmax loss of the blended score, the ranking objective's query loss:
    /// `s_i = Σ_c w_c · m_c · raw_c[i]`, `L = −s_target + log Σ_{i not excluded} exp(s_i)`.
    /// Writes `∂L/∂w` into `gradient` (4 values) and returns `L`.
    /// - Parameters:
    ///   - raw: the four component arrays, `count` items each.
    ///   - multipliers: per-component normalisation `m_c`.
    ///   - scratch: `count` floats of working space.
    ///   - included: per-item weights, 1 for a candidate and 0 for an item left out (the caller keeps the target at 1);
    ///     a mask rather than a branch keeps the loop vectorisable.
    public static func catalogueSoftmax(
        weights w: UnsafePointer<Float>, multipliers m: UnsafePointer<Float>,
        raw0: UnsafePointer<Float>, raw1: UnsafePointer<Float>, raw2: UnsafePointer<Float>, raw3: UnsafePointer<Float>,
        count n: Int, target: Int, included: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        gradient: UnsafeMutablePointer<Float>
    ) -> Float {
        let a0 = w[0] * m[0]
        let a1 = w[1] * m[1]
        let a2 = w[2] * m[2]
        let a3 = w[3] * m[3]
        var maxS = -Float.infinity
        for i in 0..<n {
            let s = a0 * raw0[i] + a1 * raw1[i] + a2 * raw2[i] + a3 * raw3[i]
            maxS = max(maxS, s)
        }
        // Separate passes (a pure map, then reductions with reassociation allowed) so each one vectorises.
        for i in 0..<n {
            scratch[i] = fastExp(a0 * raw0[i] + a1 * raw1[i] + a2 * raw2[i] + a3 * raw3[i] - maxS) * included[i]
        }
        var total: Float = 0
        var e0: Float = 0
        var e1: Float = 0
        var e2: Float = 0
        var e3: Float = 0
        for i in 0..<n { total = Relaxed.sum(total, scratch[i]) }
        for i in 0..<n { e0 = Relaxed.multiplyAdd(scratch[i], raw0[i], e0) }
        for i in 0..<n { e1 = Relaxed.multiplyAdd(scratch[i], raw1[i], e1) }
        for i in 0..<n { e2 = Relaxed.multiplyAdd(scratch[i], raw2[i], e2) }
        for i in 0..<n { e3 = Relaxed.multiplyAdd(scratch[i], raw3[i], e3) }
        let inv = 1 / total
        gradient[0] = m[0] * (e0 * inv - raw0[target])
        gradient[1] = m[1] * (e1 * inv - raw1[target])
        gradient[2] = m[2] * (e2 * inv - raw2[target])
        gradient[3] = m[3] * (e3 * inv - raw3[target])
        let st = a0 * raw0[target] + a1 * raw1[target] + a2 * raw2[target] + a3 * raw3[target]
        return -(st - maxS) + Float.log(total)
    }

    // MARK: - Rating window

    /// The per-user inner-loop loss over the support window and its gradient with respect to the user bias and
    /// vector: `L = Σ_w ½(μ + b_u + b_w + p·v_w − y_w)² / (|W| + τ) + ½λ|p|²`, where `v_w` is the item's effective
    /// vector (factors plus mean side-feature embedding), `base_w = μ + b_w` is passed in.
    /// - Parameters:
    ///   - vectors: `count × d` effective item vectors.
    ///   - gradient: receives `1 + d` values (`∂L/∂b_u`, then `∂L/∂p`).
    @inline(__always)
    public static func ratingWindowLoss(
        userBias: Float, p: UnsafePointer<Float>, base: UnsafePointer<Float>, vectors: UnsafePointer<Float>,
        targets: UnsafePointer<Float>, count: Int, factors d: Int, shrinkage: Float, regularization: Float,
        gradient: UnsafeMutablePointer<Float>
    ) -> Float {
        let norm = 1 / (Float(count) + shrinkage)
        var loss: Float = 0
        for k in 0...d { gradient[k] = 0 }
        for w in 0..<count {
            let v = vectors + w * d
            let e = base[w] + userBias + dot(p, v, d) - targets[w]
            loss += 0.5 * e * e
            gradient[0] += e
            for k in 0..<d { gradient[1 + k] = Relaxed.multiplyAdd(e, v[k], gradient[1 + k]) }
        }
        var reg: Float = 0
        for k in 0..<d {
            gradient[1 + k] = gradient[1 + k] * norm + regularization * p[k]
            reg += p[k] * p[k]
        }
        gradient[0] *= norm
        return loss * norm + 0.5 * regularization * reg
    }
}
