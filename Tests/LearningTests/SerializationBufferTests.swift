import Testing

@testable import Learning

/// ``Recommender/serialize(into:)``: the daemon's checkpoints serialize the model into one buffer they keep.
@Suite struct SerializationBufferTests {
    @Test func serializingIntoAKeptBufferGivesTheSameBytesAndReusesItsStorage() throws {
        let events = syntheticEvents()
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<1500], interval: 100, counter: &counter)

        var buffer: [UInt8] = []
        try model.serialize(into: &buffer)
        #expect(buffer == (try model.serialized()))
        // The second snapshot reserves the last size plus a margin; from then on the storage stays.
        try model.serialize(into: &buffer)
        let storage = buffer.withUnsafeBufferPointer { $0.baseAddress }

        // A few more events change the content, hardly the size: the same storage takes the next snapshot.
        _ = try drive(model, table, events[1500..<1510], interval: 100, counter: &counter)
        try model.serialize(into: &buffer)
        #expect(buffer == (try model.serialized()))
        #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == storage)

        let restored = try Recommender(restoring: buffer)
        #expect(try restored.serialized() == buffer)
    }
}
