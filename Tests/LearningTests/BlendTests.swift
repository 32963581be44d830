import Foundation
import Testing

@testable import Learning

/// ``Blend``: the users' blend weights, the running component scales and the inner step of the blend offsets.
@Suite struct BlendTests {
    /// (The user's view is valid while the table lives: a test keeps it with `withExtendedLifetime`.)
    struct Setup {
        let blend: Blend
        let layout: ThetaLayout
        let table: UserTable
        let user: UserView
        var theta: [Float]

        /// A user's pending direction over `values`.
        func direction(_ values: UnsafeMutableBufferPointer<Float>) -> MetaDirection {
            MetaDirection(values: values.baseAddress!, layout: layout)
        }
    }

    func setUp(_ adjust: (inout LearningConfiguration) -> Void = { _ in }) -> Setup {
        var c = configuration(.ranking)
        c.ranking.blendLearningRate = 0.5
        adjust(&c)
        let layout = ThetaLayout(configuration: c)
        let table = UserTable(layout: UserLayout(configuration: c), metaWidth: layout.width)
        let user = table.view(table.slot(for: "u"))
        let theta = (0..<layout.width).map { Float($0) * 0.01 }
        let blend = Blend(configuration: c, layout: layout)
        return Setup(blend: blend, layout: layout, table: table, user: user, theta: theta)
    }

    @Test func weightsAreTheBucketsRowPlusTheUsersOffsets() {
        let s = setUp()
        for c in 0..<4 { s.user.blendOffsets[c] = Float(c) }
        var w = [Float](repeating: 0, count: 4)
        // 5 events seen: bucket 4, θ entries 16…19.
        s.blend.weights(theta: s.theta, offsets: s.user.blendOffsets, eventsSeen: 5, into: &w)
        #expect(w == (0..<4).map { s.theta[16 + $0] + Float($0) })
        s.blend.initialWeights(theta: s.theta, into: &w)
        #expect(w == Array(s.theta[0..<4]))
        withExtendedLifetime(s.table) {}
    }

    /// The first update sets each scale to 1 / |target − mean| (the bias correction undoes the running average's
    /// start at zero); a component without a gap keeps scale 1.
    @Test func scalesFollowTheGapBetweenTargetAndMean() throws {
        let s = setUp()
        #expect(s.blend.multipliers == (1, 1, 1, 1))
        s.blend.updateScales(target: (2, 0.5, -1, 3), means: (1, 0.25, 1, 3))
        let m = s.blend.multipliers
        #expect(abs(m.0 - 1) < 1e-4 && abs(m.1 - 4) < 1e-3 && abs(m.2 - 0.5) < 1e-4 && m.3 == 1)
        for _ in 0..<2000 { s.blend.updateScales(target: (3, 0, 0, 0), means: (0, 0, 0, 0)) }
        #expect(abs(s.blend.multipliers.0 - 1.0 / 3) < 0.01)
        var w = BinaryWriter()
        s.blend.write(to: &w)
        let copy = setUp().blend
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r)
        #expect(copy.scale == s.blend.scale && copy.spread == s.blend.spread && copy.updates == 2001)
    }

    @Test func fixedStepMovesTheOffsetsAndRecordsTheDirection() {
        for algorithm in LearningConfiguration.MetaAlgorithm.allCases {
            let s = setUp { $0.meta.algorithm = algorithm }
            let g: [Float] = [0.2, -0.4, 1, 0]
            var direction = [Float](repeating: 0, count: s.layout.width)
            direction.withUnsafeMutableBufferPointer {
                s.blend.step(g, user: s.user, eventsSeen: 1, theta: s.theta, direction: s.direction($0))
            }
            let offsets = Array(UnsafeBufferPointer(start: s.user.blendOffsets, count: 4))
            #expect(offsets == g.map { -0.5 * $0 })
            // Bucket 1: θ entries 4…7.
            let row = Array(direction[4..<8])
            #expect(row == (algorithm == .fomaml ? g.map { -$0 } : offsets))
            #expect(direction.enumerated().allSatisfy { (4..<8).contains($0.offset) || $0.element == 0 })
            withExtendedLifetime(s.table) {}
        }
    }

    /// Meta-SGD: the offsets step by `exp(ℓ)` from θ's step-size row of the user's bucket, and the direction for the
    /// previous bucket's step sizes is `exp(ℓ) ⊙ g ⊙ g_prev`.
    @Test func metaSGDStepsWithTheLearnedStepSizes() {
        let s = setUp { $0.meta.innerStepSizes = true }
        let first: [Float] = [1, 2, 0, -1]
        let second: [Float] = [0.5, 0.5, 1, 1]
        var direction = [Float](repeating: 0, count: s.layout.width)
        s.blend.step(first, user: s.user, eventsSeen: 0, theta: s.theta, direction: nil)
        direction.withUnsafeMutableBufferPointer {
            s.blend.step(second, user: s.user, eventsSeen: 1, theta: s.theta, direction: s.direction($0))
        }
        let rows = (0..<2).map { b in (0..<4).map { s.theta[s.layout.stepSizeOffset + b * 4 + $0] } }
        for c in 0..<4 {
            let expected = -Float.exp(rows[0][c]) * first[c] - Float.exp(rows[1][c]) * second[c]
            #expect(abs(s.user.blendOffsets[c] - expected) < 1e-6)
            #expect(s.user.previousGradient[c] == second[c])
            #expect(direction[s.layout.stepSizeOffset + c] == Float.exp(rows[0][c]) * second[c] * first[c])
            #expect(direction[4 + c] == -second[c])
        }
        withExtendedLifetime(s.table) {}
    }
}
