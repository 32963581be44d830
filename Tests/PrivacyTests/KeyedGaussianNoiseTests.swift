import Foundation
import Testing

@testable import Privacy

@Suite("Keyed Gaussian noise")
struct KeyedGaussianNoiseTests {
    let secret = [UInt8](repeating: 7, count: 32)

    @Test("the draws are standard normal: mean, variance and a χ² test of the histogram")
    func standardNormal() {
        let noise = KeyedGaussianNoise(secret: secret)
        var values = [Float](repeating: 0, count: 200_001)  // odd: the last pair is half used
        noise.fill(&values, round: 3)
        let n = Double(values.count)
        let mean = values.reduce(0) { $0 + Double($1) } / n
        let variance = values.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        #expect(abs(mean) <= 5 / n.squareRoot())
        #expect(abs(variance - 1) <= 5 * (2 / n).squareRoot())
        // Ten bins of equal probability under N(0, 1) (deciles); χ² with 9 degrees of freedom, p < 1e-6 fails.
        let deciles: [Double] = [-1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416, 1.2816]
        var counts = [Double](repeating: 0, count: 10)
        for v in values { counts[deciles.firstIndex { Double(v) < $0 } ?? 9] += 1 }
        let expected = n / 10
        let chiSquare = counts.reduce(0) { $0 + ($1 - expected) * ($1 - expected) / expected }
        #expect(chiSquare < 42.6, "χ² \(chiSquare), counts \(counts)")
    }

    @Test("a round's draws depend on the round and the secret only")
    func deterministicPerRoundAndSecret() {
        let noise = KeyedGaussianNoise(secret: secret)
        var a = [Float](repeating: 0, count: 1000)
        var b = a
        var c = a
        var d = a
        noise.fill(&a, round: 11)
        noise.fill(&b, round: 11)
        noise.fill(&c, round: 12)
        KeyedGaussianNoise(secret: [UInt8](repeating: 8, count: 32)).fill(&d, round: 11)
        #expect(a == b)
        #expect(a != c && a != d)
        var prefix = [Float](repeating: 0, count: 10)
        noise.fill(&prefix, round: 11)
        #expect(prefix == Array(a[..<10]))
    }
}
