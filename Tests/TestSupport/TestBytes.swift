import Clickstream

/// Deterministic bytes from a seed (``SplitMix64``), so a failing test can be replayed.
public struct TestBytes {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// `count` bytes: each draw's eight bytes, least significant first (the last draw's low bytes at the end).
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let word = next()
            for shift in 0..<Swift.min(8, count - offset) {
                result[offset + shift] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(shift)))
            }
            offset += 8
        }
        return result
    }
}
