import Testing

@testable import Learning

/// ``Catalogue``: item identifiers and indices, item side features, learned counts.
@Suite struct CatalogueTests {
    func catalogue(features: Bool) -> Catalogue {
        Catalogue(featureSlots: 2, hasher: features ? FeatureHasher(slots: 2, buckets: 16) : nil)
    }

    @Test func itemsGetIndicesInFirstSeenOrder() {
        let c = catalogue(features: true)
        #expect(c.add("b", features: ["genre": ["x", "y", "z"]]) == 0)
        #expect(c.add("a", features: [:]) == 1)
        #expect(c.index(of: "a") == 1 && c.index(of: "b") == 0 && c.index(of: "c") == nil)
        #expect(c.names == ["b", "a"] && c.count == 2)
        // At most two hashed features, in 0..<16; none for "a".
        #expect((0..<2).allSatisfy { c.features[$0] >= 0 && c.features[$0] < 16 })
        #expect(c.features[2] == -1 && c.features[3] == -1)
        // Scoring covers only learned items.
        #expect(c.itemCount == 0)
        c.noteLearned(1)
        #expect(c.itemCount == 2)
        c.noteLearned(0)
        #expect(c.itemCount == 2)
        let plain = catalogue(features: false)
        _ = plain.add("b", features: ["genre": ["x"]])
        #expect(plain.features[0] == -1)
    }

    @Test func hashingIsStableAndSalted() {
        let hasher = FeatureHasher(slots: 3, buckets: 1 << 20)
        var user = [Int32](repeating: 0, count: 3)
        var item = user
        var again = user
        let features = ["age": ["30"], "occupation": ["a", "b"]]
        hasher.write(features, into: &user, salt: FeatureHasher.userSalt)
        hasher.write(features, into: &item, salt: FeatureHasher.itemSalt)
        hasher.write(features, into: &again, salt: FeatureHasher.userSalt)
        #expect(user == again && user != item)
        #expect(Set(user).count == 3)
    }

    @Test func catalogueRoundTripsThroughBytes() throws {
        let c = catalogue(features: true)
        for (k, id) in ["x", "y", "z"].enumerated() {
            _ = c.add(id, features: ["f": ["\(k)"]])
            c.counts[k] = Float(k) + 0.5
        }
        c.noteLearned(1)
        var w = BinaryWriter()
        c.write(to: &w)
        let copy = catalogue(features: true)
        var r = BinaryReader(w.bytes)
        try copy.read(from: &r)
        #expect(r.isAtEnd)
        #expect(copy.names == c.names && copy.itemCount == 2 && copy.index(of: "z") == 2)
        #expect(Array(copy.features.buffer) == Array(c.features.buffer))
        #expect(Array(copy.counts.buffer) == Array(c.counts.buffer))
        let wider = Catalogue(featureSlots: 3, hasher: nil)
        var again = BinaryReader(w.bytes)
        #expect(throws: LearningError.self) { try wider.read(from: &again) }
    }
}
