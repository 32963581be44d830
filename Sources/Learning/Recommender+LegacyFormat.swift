// MARK: - Format 4

extension Recommender {
    /// Reads a format-4 state after the generator's state: one flat sequence in which every component's state
    /// sits where the single model class once wrote its properties. Each part goes to its component; the parts
    /// of the other objective (format 4 held both) are checked and dropped.
    func restoreFormat4(_ r: inout BinaryReader) throws {
        eventsLearned = Int(try r.read(UInt64.self))
        try meta.readCounters(from: &r)
        let active = Int(try r.read(UInt64.self))
        try catalogue.readNames(from: &r)
        try catalogue.restore(itemCount: active)
        growModel()
        let items = catalogue.count
        try meta.readParameters(from: &r)
        // The per-item and embedding arrays, in format 4's order.
        try meta.readEmbeddings(from: &r)
        if let rating {
            try rating.readEmbeddings(from: &r)
        } else {
            try Self.skipFloats(&r, count: 1)
        }
        let factorisation = model.factorisation
        try factorisation.vectors.read(from: &r)
        try factorisation.biases.read(from: &r)
        try factorisation.checkLengths(items: items)
        try catalogue.counts.read(from: &r)
        if let ranking {
            try ranking.popularity.global.readCounts(from: &r, items: items)
            try ranking.popularity.cold.readCounts(from: &r, items: items)
            try ranking.neighbours.readNormalisation(from: &r, items: items)
            try ranking.offsets.read(from: &r, items: items)
        } else {
            for _ in 0..<6 { try Self.skipFloats(&r, count: items) }
        }
        try catalogue.features.read(from: &r)
        try catalogue.checkLengths()
        try restoreFormat4Statistics(&r, items: items)
    }

    /// The rest of a format-4 state: the popularity and co-occurrence scales, the component statistics, the
    /// rating statistics, the co-occurrence rows, the feature-conditioned counts and the stage rows.
    private func restoreFormat4Statistics(_ r: inout BinaryReader, items: Int) throws {
        if let ranking {
            try ranking.popularity.global.readStatistics(from: &r)
            try ranking.popularity.cold.readStatistics(from: &r)
            try ranking.neighbours.readScale(from: &r)
            try ranking.blend.read(from: &r)
        } else {
            for _ in 0..<5 { _ = try r.readFloat() }
            try Blend(configuration: configuration, layout: meta.layout).read(from: &r)
        }
        if let rating {
            try rating.readStatistics(from: &r)
        } else {
            _ = try r.readDouble()
            _ = try r.read(UInt64.self)
        }
        let popularity = ranking?.popularity
        if let ranking {
            try ranking.neighbours.readTable(from: &r, items: items)
        } else {
            let table = CooccurrenceTable(maxNeighbors: configuration.ranking.maxNeighbors)
            try table.read(from: &r)
            guard table.itemCount == items else { throw LearningError(.corruptState, "co-occurrence rows mismatch") }
        }
        if let popularity {
            try popularity.readFeatures(from: &r)
            try popularity.readStageCount(from: &r)
            for row in popularity.stages {
                try row.readCounts(from: &r, items: items)
                try row.readStatistics(from: &r)
            }
        } else {
            try FeaturePopularity(configuration: configuration).read(from: &r, buckets: configuration.features.buckets)
            guard try r.read(UInt64.self) == 0 else {
                throw LearningError(.corruptState, "stage popularity has another number of stages")
            }
        }
    }

    /// Reads and drops an array of `count` floats.
    private static func skipFloats(_ r: inout BinaryReader, count: Int) throws {
        let dropped = GrowableBuffer<Float>(capacity: 1)
        try dropped.read(from: &r)
        guard dropped.count == count else { throw LearningError(.corruptState, "parameter array has wrong length") }
    }
}
