import Clickstream
import Foundation
import Testing

@Suite struct SyntheticClickstreamTests {
    static let small = SyntheticClickstream.Configuration(
        users: 3_000,
        items: 600,
        events: 60_000,
        clusters: 8,
        seed: 7
    )

    func bytes(_ configuration: SyntheticClickstream.Configuration) -> [UInt8] {
        var out: [UInt8] = []
        for event in SyntheticClickstream(configuration) {
            event.appendJSON(to: &out)
            out.append(0x0A)
        }
        return out
    }

    @Test func sameSeedSameBytes() {
        var configuration = Self.small
        configuration.events = 5_000
        let a = bytes(configuration)
        #expect(a == bytes(configuration))
        configuration.seed = 8
        #expect(a != bytes(configuration))
        #expect(Array(SyntheticClickstream(configuration)).count == 5_000)
    }

    @Test func eventsAreValidAndOrdered() throws {
        let decoder = EventDecoder(schema: EventSchema(allowedKinds: ["view", "click", "purchase", "rating"]))
        var previous = Int64.min
        var kinds: [String: Int] = [:]
        for event in SyntheticClickstream(Self.small) {
            #expect(event.timestamp > previous)
            previous = event.timestamp
            kinds[event.kind, default: 0] += 1
            if event.kind == "rating" {
                #expect(event.value.map { (1...5).contains($0) && $0 == $0.rounded() } == true)
            } else {
                #expect(event.value == nil)
            }
            #expect(try decoder.decode(event.jsonLine()) == event)
        }
        let total = Double(Self.small.events)
        #expect(Double(kinds["view", default: 0]) / total > 0.5)
        #expect(Double(kinds["click", default: 0]) / total > 0.1)
        #expect((0.01...0.1).contains(Double(kinds["purchase", default: 0]) / total))
        #expect((0.03...0.2).contains(Double(kinds["rating", default: 0]) / total))
    }

    @Test func usersArriveThroughoutWithALongTail() {
        var firstSeen: [String: Int] = [:]
        var counts: [String: Int] = [:]
        for (index, event) in SyntheticClickstream(Self.small).enumerated() {
            if firstSeen[event.user] == nil { firstSeen[event.user] = index }
            counts[event.user, default: 0] += 1
        }
        // New users in every quarter of the stream, not all at the start.
        let quarter = Self.small.events / 4
        let arrivals = (0..<4).map { q in firstSeen.values.filter { $0 / quarter == q }.count }
        #expect(arrivals.allSatisfy { $0 > firstSeen.count / 10 }, "arrivals per quarter: \(arrivals)")
        // A large cold-start bucket and a heavy tail.
        let few = counts.values.filter { $0 <= 5 }.count
        #expect(Double(few) / Double(counts.count) > 0.3, "\(few) of \(counts.count) users have 1-5 events")
        #expect(counts.values.max()! > 20 * Self.small.events / Self.small.users)
    }

    @Test func sideFeaturesCorrelateWithTheCluster() {
        let stream = SyntheticClickstream(Self.small)
        // For each cluster, the most common age bucket covers well above its uniform share, but not everyone.
        var ages: [Int: [String: Int]] = [:]
        var seen = Set<String>()
        for event in stream where seen.insert(event.user).inserted {
            let cluster = stream.cluster(ofUser: Int(event.user.dropFirst())!)
            ages[cluster, default: [:]][event.userFeatures["age"]![0], default: 0] += 1
        }
        #expect(ages.count == Self.small.clusters)
        for (cluster, histogram) in ages {
            let total = histogram.values.reduce(0, +)
            let top = Double(histogram.values.max()!) / Double(total)
            #expect(top > 0.4 && top < 0.9, "cluster \(cluster): top age share \(top)")
        }
    }

    /// The point of the generator: knowing the cluster (here, guessing it from side features) beats popularity.
    @Test func clusterSignalIsLearnable() {
        let configuration = Self.small
        let stream = SyntheticClickstream(configuration)
        let all = Array(stream)
        let split = all.count * 7 / 10
        var popularity: [String: Int] = [:]
        var byCluster: [Int: [String: Int]] = [:]
        var byFeature: [String: [String: Int]] = [:]
        func featureKeys(_ e: InteractionEvent) -> [String] {
            ["age", "region", "occupation"].map { "\($0)=\(e.userFeatures[$0]![0])" }
        }
        for e in all[..<split] {
            popularity[e.item, default: 0] += 1
            byCluster[stream.cluster(ofUser: Int(e.user.dropFirst())!), default: [:]][e.item, default: 0] += 1
            for key in featureKeys(e) { byFeature[key, default: [:]][e.item, default: 0] += 1 }
        }
        func top(_ scores: [String: Double]) -> Set<String> {
            Set(
                scores.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(10).map(\.key)
            )
        }
        let popular = top(popularity.mapValues(Double.init))
        var clusterTop: [Int: Set<String>] = [:]
        for (cluster, counts) in byCluster { clusterTop[cluster] = top(counts.mapValues(Double.init)) }
        var featureTop: [[String]: Set<String>] = [:]
        var hits = (popularity: 0, features: 0, cluster: 0)
        let test = all[split...]
        for e in test {
            let keys = featureKeys(e)
            if featureTop[keys] == nil {
                // Naive Bayes: P(item | f1, f2, f3) ∝ Π P(item | fj) / P(item)^2, add-one smoothed.
                var scores: [String: Double] = [:]
                let items = Double(popularity.count)
                let trainTotal = Double(split)
                for (item, count) in popularity {
                    var score = -2 * log((Double(count) + 1) / (trainTotal + items))
                    for key in keys {
                        let counts = byFeature[key] ?? [:]
                        let total = Double(counts.values.reduce(0, +))
                        score += log((Double(counts[item] ?? 0) + 1) / (total + items))
                    }
                    scores[item] = score
                }
                featureTop[keys] = top(scores)
            }
            if popular.contains(e.item) { hits.popularity += 1 }
            if featureTop[keys]!.contains(e.item) { hits.features += 1 }
            if clusterTop[stream.cluster(ofUser: Int(e.user.dropFirst())!)]?.contains(e.item) == true {
                hits.cluster += 1
            }
        }
        let n = Double(test.count)
        let rates = (Double(hits.popularity) / n, Double(hits.features) / n, Double(hits.cluster) / n)
        print("hit@10 popularity \(rates.0) features \(rates.1) cluster \(rates.2)")
        #expect(rates.2 > 1.5 * rates.0, "\(rates)")
        #expect(rates.1 > 1.25 * rates.0, "\(rates)")
    }

    @Test func memoryDoesNotGrowWithEvents() {
        var short = Self.small
        short.events = 1_000
        var long = Self.small
        long.events = 100_000_000
        var a = SyntheticClickstream(short).makeIterator()
        var b = SyntheticClickstream(long).makeIterator()
        for _ in 0..<1_000 {
            _ = a.next()
            _ = b.next()
        }
        #expect(a.stateBytes == b.stateBytes)
        #expect(a.stateBytes < 2_000_000)
    }
}
