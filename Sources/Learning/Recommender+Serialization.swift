import Foundation

// MARK: - Serialization

extension Recommender {
    static let magic: UInt32 = 0x5753_544D  // "WSTM"
    /// The format written. History:
    /// 2: the rating objective's per-user bias scale, Meta-SGD step sizes and feature-conditioned cold-start counts.
    /// 3: session settings of the ranking objective (`ranking.sessions`; its users' state holds the session fields)
    /// and stage-conditioned popularity.
    /// 4: per-item score offsets (`ranking.item_offset_learning_rate`: a row for cold-start users, one for the rest).
    /// 5: laid out by component (``ModelSection``), each component writing and reading its own tagged section;
    /// the parameters are those of format 4, which is still read (``restoreFormat4(_:)``).
    static let formatVersion: UInt32 = 5

    /// All shared state as versioned binary: configuration, generator, catalogue, θ and its optimizer state, and
    /// each component of the objective's model (item and feature parameters, popularity, co-occurrence rows,
    /// running statistics). Restoring it with ``init(restoring:)`` continues bit-identically. Per-user state lives
    /// in ``UserTable/serialized()``.
    public func serialized() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try serialize(into: &bytes)
        return bytes
    }

    /// ``serialized()`` into `buffer`, reusing its storage: a caller that keeps one buffer for every snapshot (the
    /// daemon's checkpoints) allocates nothing once the buffer has grown to the model's size, so memory stays level
    /// instead of rising and falling by a model's size at every checkpoint. `buffer`'s content is unspecified when
    /// this throws.
    public func serialize(into buffer: inout [UInt8]) throws {
        // The model's size changes little between snapshots: reserve the last size and a margin.
        var w = BinaryWriter(taking: &buffer, reservingCapacity: lastSerializedSize + lastSerializedSize / 16)
        defer {
            lastSerializedSize = w.bytes.count
            w.hand(to: &buffer)
        }
        w.write(Self.magic)
        w.write(Self.formatVersion)
        w.writeBytes(Array(try configuration.jsonData()))
        w.write(generator.state)
        w.write(UInt64(eventsLearned))
        ModelSection.catalogue.write(to: &w)
        catalogue.write(to: &w)
        ModelSection.meta.write(to: &w)
        meta.write(to: &w)
        model.write(to: &w)
    }

    /// Restores a model from ``serialized()`` bytes (format 5, or format 4 written before the model was laid out
    /// by component).
    /// - Throws: ``LearningError`` when the bytes are truncated, corrupt or of another format version.
    public convenience init(restoring bytes: [UInt8]) throws {
        var r = BinaryReader(bytes)
        guard try r.read(UInt32.self) == Self.magic else { throw LearningError(.corruptState, "not a model state") }
        let version = try r.read(UInt32.self)
        guard version == Self.formatVersion || version == 4 else {
            throw LearningError(.incompatibleState, "model state format \(version) is not supported")
        }
        let configData = try r.readBytes()
        // Merged over today's defaults: a state written before a setting existed keeps that setting's default.
        var configuration = LearningConfiguration()
        do {
            try configuration.merge(json: Data(configData))
        } catch {
            throw LearningError(.corruptState, "model state holds an unreadable configuration")
        }
        try self.init(configuration: configuration)
        let generatorState = try r.read(UInt64.self)
        if version == 4 {
            try restoreFormat4(&r)
        } else {
            try restore(&r)
        }
        guard r.isAtEnd else { throw LearningError(.corruptState, "trailing bytes after model state") }
        // Last: creating the catalogue drew initial factors from the generator.
        generator.state = generatorState
        model.didRestore()
    }

    /// Reads format 5 after the generator's state.
    private func restore(_ r: inout BinaryReader) throws {
        eventsLearned = Int(try r.read(UInt64.self))
        try ModelSection.catalogue.expect(in: &r)
        try catalogue.read(from: &r)
        growModel()
        try ModelSection.meta.expect(in: &r)
        try meta.read(from: &r)
        try model.read(from: &r, items: catalogue.count)
    }

    /// Gives every component its per-item state for a restored catalogue (the parameters are read next).
    func growModel() {
        for _ in 0..<catalogue.count { model.appendItem(generator: &generator) }
    }
}
