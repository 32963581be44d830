/// The online check that meta-learning helps on the stream at hand: the live control arm (users held out of
/// meta-learning, `meta.holdout_share`, who start from the initial θ) against everyone else, bucket by bucket.
///
/// Each scored event adds a trial (and maybe a hit) to its bucket and arm. ``verdict()`` finds the first bucket
/// where the meta arm's HR@10 is below the control arm's by more than chance explains: both arms have at least
/// `minimum_trials` trials there and the two-proportion z statistic (pooled) is below `−z`. The model then falls
/// back (``Recommender/metaFallback``): every new user starts from the initial θ and θ stops moving — what
/// `--no-meta` serves, which is what the control arm measured.
///
/// The check runs at every meta-update, so it is a repeated test; the default `z` of 3.5 keeps the chance of a
/// false fallback small over thousands of checks while a real loss of a few points of HR@10 is found after some
/// thousand scored events per arm and bucket.
public struct MetaGuard: Sendable, Equatable {
    /// Hits and trials of one arm in one bucket.
    public struct Arm: Sendable, Equatable {
        public var hits = 0
        public var trials = 0

        public var hitRate: Double { trials == 0 ? 0 : Double(hits) / Double(trials) }
    }

    /// Why meta-learning was judged harmful.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var bucket: ColdStartBucket
        public var meta: Arm
        public var control: Arm
        /// The two-proportion z statistic of meta − control (negative: meta is worse).
        public var z: Double

        public var description: String {
            "bucket \(bucket): HR@10 \(rounded(meta.hitRate)) with meta-learning over \(meta.trials) scored events, "
                + "\(rounded(control.hitRate)) without over \(control.trials) (z = \(rounded(z)))"
        }

        private func rounded(_ x: Double) -> String { String(Double(Int((x * 10_000).rounded())) / 10_000) }
    }

    /// `meta.guard_min_trials`.
    public let minimumTrials: Int
    /// `meta.guard_z`.
    public let threshold: Double
    /// Per bucket (``ColdStartBucket/rawValue``): the meta arm, then the control arm.
    public private(set) var arms: [Arm]

    public init(minimumTrials: Int, threshold: Double) {
        self.minimumTrials = minimumTrials
        self.threshold = threshold
        arms = Array(repeating: Arm(), count: 2 * ColdStartBucket.allCases.count)
    }

    /// One scored event: whether its user is in the meta arm, and whether the item was in the top 10.
    public mutating func record(bucket: ColdStartBucket, meta: Bool, hit: Bool) {
        let index = 2 * bucket.rawValue + (meta ? 0 : 1)
        arms[index].trials += 1
        if hit { arms[index].hits += 1 }
    }

    /// The meta and control arms of `bucket`.
    public func arms(_ bucket: ColdStartBucket) -> (meta: Arm, control: Arm) {
        (arms[2 * bucket.rawValue], arms[2 * bucket.rawValue + 1])
    }

    /// The first bucket in which meta-learning is significantly worse than the control arm, if any.
    public func verdict() -> Finding? {
        for bucket in ColdStartBucket.allCases {
            let (meta, control) = arms(bucket)
            guard meta.trials >= minimumTrials, control.trials >= minimumTrials else { continue }
            let pooled = Double(meta.hits + control.hits) / Double(meta.trials + control.trials)
            let variance = pooled * (1 - pooled) * (1 / Double(meta.trials) + 1 / Double(control.trials))
            guard variance > 0 else { continue }
            let z = (meta.hitRate - control.hitRate) / variance.squareRoot()
            if z < -threshold { return Finding(bucket: bucket, meta: meta, control: control, z: z) }
        }
        return nil
    }

    // MARK: - Persistence

    /// The counts as bytes (the daemon keeps them with its checkpoints, so a restart judges on what it saw).
    public func serialized() -> [UInt8] {
        var w = BinaryWriter()
        w.write(UInt32(arms.count))
        for arm in arms {
            w.write(UInt64(arm.hits))
            w.write(UInt64(arm.trials))
        }
        return w.bytes
    }

    /// Restores the counts of ``serialized()``; the settings stay this guard's.
    /// - Throws: ``LearningError`` when the bytes are not a guard's counts.
    public mutating func restore(_ bytes: [UInt8]) throws {
        var r = BinaryReader(bytes)
        guard Int(try r.read(UInt32.self)) == arms.count else {
            throw LearningError(.corruptState, "meta guard counts of another shape")
        }
        var restored = arms
        for k in restored.indices {
            restored[k].hits = Int(try r.read(UInt64.self))
            restored[k].trials = Int(try r.read(UInt64.self))
            guard restored[k].hits <= restored[k].trials else {
                throw LearningError(.corruptState, "meta guard counts: more hits than trials")
            }
        }
        guard r.isAtEnd else { throw LearningError(.corruptState, "trailing bytes after meta guard counts") }
        arms = restored
    }
}
