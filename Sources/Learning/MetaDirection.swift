/// One user's pending meta-contribution in the current window, seen through ``ThetaLayout``: where each part of the
/// user's direction for θ goes. The user's inner loop adds to it event by event; ``UserTable/drainContributions()``
/// hands the per-user means to the ``MetaLearner`` as ``MetaContribution``s.
struct MetaDirection {
    let values: UnsafeMutablePointer<Float>
    let layout: ThetaLayout

    /// The direction for θ's vector part: ranking, the initial user vector; rating, the initial user bias, then
    /// the vector.
    @inline(__always)
    var vectorPart: UnsafeMutablePointer<Float> { values + layout.vectorOffset }

    /// Ranking: the direction for θ's blend row of event-count bucket `b`.
    @inline(__always)
    func blendRow(bucket b: Int) -> UnsafeMutablePointer<Float> { values + layout.blendRow(bucket: b) }

    /// Ranking with Meta-SGD: the direction for θ's row of inner step sizes of bucket `b`.
    @inline(__always)
    func stepSizeRow(bucket b: Int) -> UnsafeMutablePointer<Float> { values + layout.stepSizeRow(bucket: b) }
}
