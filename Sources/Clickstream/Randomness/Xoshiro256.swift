import Foundation

/// xoshiro256** (Blackman & Vigna), seeded through SplitMix64: a fast, deterministic generator, so a seed gives the
/// same stream on every platform and run (unlike `SystemRandomNumberGenerator`).
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// - Parameter seed: any value; SplitMix64 spreads it over the 256-bit state (never all zero).
    public init(seed: UInt64) {
        var spread = SplitMix64(seed: seed)
        s0 = spread.next()
        s1 = spread.next()
        s2 = spread.next()
        s3 = spread.next()
    }

    /// A well-mixed hash of `values` (SplitMix64 steps as a stateless hash), for deriving per-entity randomness
    /// without storing it.
    static func hash(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) -> UInt64 {
        var mix = SplitMix64(seed: a ^ 0x5851_F42D_4C95_7F2D)
        _ = mix.next()
        mix.state ^= b
        let h = mix.next()
        mix.state ^= c ^ h
        return mix.next()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the bias is below 2^-32 for any bound here).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Fisher–Yates with this generator's own bounded draws: unlike the standard library's `shuffle(using:)`,
    /// whose algorithm may change between toolchains, the permutation depends on the seed alone.
    mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for k in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(k, below(k + 1))
        }
    }

    /// A standard normal deviate (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(unit(), 0x1.0p-60)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ k: UInt64) -> UInt64 {
        (self << k) | (self >> (64 - k))
    }
}
