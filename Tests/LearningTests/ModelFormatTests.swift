import Testing

@testable import Learning

/// Model format 5: the state laid out by component, each in a tagged section.
@Suite struct ModelFormatTests {
    /// Where the first section's tag starts: after the magic, the version, the configuration and the generator's
    /// state and events learned.
    func firstSection(_ bytes: [UInt8]) -> Int {
        let length = bytes[8..<16].reversed().reduce(0) { $0 << 8 | Int($1) }
        return 16 + length + 16
    }

    @Test(arguments: LearningConfiguration.Objective.allCases)
    func stateIsWrittenByComponentAndRestoresToItself(objective: LearningConfiguration.Objective) throws {
        let events = objective == .rating ? rated(syntheticEvents()) : syntheticEvents()
        let model = try Recommender(configuration: configuration(objective))
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<700], interval: 100, counter: &counter)
        let bytes = try model.serialized()
        #expect(LegacyFormatTests.version(bytes) == 5)
        let start = firstSection(bytes)
        let tag = bytes[start..<(start + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        #expect(tag == ModelSection.catalogue.rawValue)
        let restored = try Recommender(restoring: bytes)
        #expect(try restored.serialized() == bytes)
        #expect(restored.itemCount == model.itemCount && restored.eventsLearned == 700)
        #expect(restored.metaParameters == model.metaParameters && restored.metaUpdates == 7)

        // A section out of place is refused, naming it.
        var misplaced = bytes
        misplaced[start] ^= 0x01
        #expect(throws: LearningError.self) { _ = try Recommender(restoring: misplaced) }
        // So is a format this code never wrote.
        var future = bytes
        future[4] = 6
        let error = #expect(throws: LearningError.self) { _ = try Recommender(restoring: future) }
        #expect(error?.code == .incompatibleState)
    }
}
