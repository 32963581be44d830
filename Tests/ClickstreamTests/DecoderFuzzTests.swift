import Clickstream
import Foundation
import Testing

/// Mutation fuzzing of the decoder: ~200k mutated events, seeded so a failure reproduces.
@Suite struct DecoderFuzzTests {
    typealias Member = (key: String, value: String)

    static let tokens: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array("\"".utf8), Array("\\".utf8),
        Array(",".utf8), Array(":".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("\\udc00".utf8),
        Array("\\ud83d\\ude00".utf8), Array("1e999".utf8), Array("-".utf8), Array("null".utf8), Array("true".utf8),
        Array("0".utf8), Array("-0.0e-7".utf8), Array("9223372036854775808".utf8), [0xC3], [0xED, 0xA0, 0x80],
        [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82, 0xAC], [0x00], [0x0A], [0x09], Array(" ".utf8),
        Array(String(repeating: "[", count: 64).utf8),
    ]

    static let replacementValues: [String] = [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e-400", "1E+2", "\"\"", "\"x\"", "[]", "{}", "[\"a\",1]",
        "{\"a\":\"b\"}", "\"2024-05-01T12:00:00.5+02:00\"", "\"2024-02-30T00:00:00Z\"",
        "123456789012345678901234567890",
        "\"\\ud800\"", "\"\\u00e9\\n\\t\\\"\"", "\"" + String(repeating: "x", count: 300) + "\"",
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        "{\"user\":{\"a\":[\"1\",\"2\"],\"b\":7},\"item\":{\"g\":\"x\"}}", "{\"user\":{\"a\":{\"b\":1}}}",
        "{\"user\":{" + (0..<70).map { "\"f\($0)\":\"v\"" }.joined(separator: ",") + "}}",
    ]

    static func members(of event: InteractionEvent) -> [Member] {
        // Split the canonical encoding at the top level: re-encoding each member separately keeps them valid.
        var result: [Member] = [
            ("user", quoted(event.user)), ("item", quoted(event.item)), ("kind", quoted(event.kind)),
        ]
        if let value = event.value {
            let line = InteractionEvent(user: "u", item: "i", kind: "k", value: value, timestamp: 0).jsonLine()
            let start = line.range(of: "\"value\":")!.upperBound
            let end = line.range(of: ",\"ts\"")!.lowerBound
            result.append(("value", String(line[start..<end])))
        }
        result.append(("ts", String(event.timestamp)))
        if !event.userFeatures.isEmpty || !event.itemFeatures.isEmpty {
            let line = InteractionEvent(
                user: "u",
                item: "i",
                kind: "k",
                timestamp: 0,
                userFeatures: event.userFeatures,
                itemFeatures: event.itemFeatures
            ).jsonLine()
            let start = line.range(of: "\"features\":")!.upperBound
            result.append(("features", String(line[start..<line.index(before: line.endIndex)])))
        }
        return result
    }

    static func quoted(_ s: String) -> String {
        let line = InteractionEvent(user: s, item: "i", kind: "k", timestamp: 0).jsonLine()
        let start = line.index(line.startIndex, offsetBy: 8)
        let end = line.range(of: ",\"item\":")!.lowerBound
        return String(line[start..<end])
    }

    static func join(_ members: [Member], spaced: Bool) -> [UInt8] {
        let separator = spaced ? " , " : ","
        let body = members.map { "\"\($0.key)\"" + (spaced ? " : " : ":") + $0.value }.joined(separator: separator)
        return Array(("{" + body + "}").utf8)
    }

    static var seeds: [InteractionEvent] {
        var events = Array(
            SyntheticClickstream(.init(users: 50, items: 40, events: 60, clusters: 4, seed: 3)).prefix(60)
        )
        events.append(InteractionEvent(user: "é\"\\\n😀", item: "-5", kind: "click", value: -0.0, timestamp: -1))
        events.append(
            InteractionEvent(
                user: "u",
                item: "i",
                kind: "rating",
                value: 1e-300,
                timestamp: .max,
                userFeatures: ["x": [], "y": ["", "\u{0}"]],
                itemFeatures: ["z": ["a", "b", "c"]]
            )
        )
        return events
    }

    /// One mutated event: structural mutations (drop, retype, duplicate, add members), then byte-level ones.
    static func mutant(_ seeds: [InteractionEvent], _ rng: inout Xoshiro256) -> [UInt8] {
        let seed = seeds[Int(rng.next() % UInt64(seeds.count))]
        var members = Self.members(of: seed)

        // Structural mutations: drop, retype, duplicate, add unknown members.
        for _ in 0..<Int(rng.next() % 3) {
            let index = Int(rng.next() % UInt64(members.count))
            switch rng.next() % 5 {
            case 0: members.remove(at: index)
            case 1, 2:
                let replacement = replacementValues[Int(rng.next() % UInt64(replacementValues.count))]
                members[index].value = replacement
            case 3: members.append(members[index])
            default: members.insert(("extra\(rng.next() % 3)", replacementValues[Int(rng.next() % 10)]), at: index)
            }
            if members.isEmpty { break }
        }
        var bytes = join(members, spaced: rng.next() % 4 == 0)

        // Byte-level mutations: flips, deletions, insertions of tokens and random bytes, truncation.
        for _ in 0..<Int(rng.next() % 4) where !bytes.isEmpty {
            let at = Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 6 {
            case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: bytes.removeSubrange(at..<Swift.min(bytes.count, at + 1 + Int(rng.next() % 8)))
            case 3: bytes.insert(contentsOf: tokens[Int(rng.next() % UInt64(tokens.count))], at: at)
            case 4: bytes.removeSubrange(at...)
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }

        return bytes
    }

    /// Async, and yielding every few hundred inputs: a minute of CPU work in debug builds must not hold one of the
    /// cooperative pool's threads (two on this machine) while timing-sensitive suites run beside it.
    @Test(.timeLimit(.minutes(5))) func mutatedEventsNeverCrashAndRoundTrip() async throws {
        let decoder = EventDecoder()
        let seeds = Self.seeds
        var rng = Xoshiro256(seed: 0xF022)
        var reasons: [EventDecodingError.Reason: Int] = [:]
        var decoded = 0
        // CLICKSTREAM_FUZZ_ITERATIONS / CLICKSTREAM_FUZZ_SEED run a longer or different campaign by hand.
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["CLICKSTREAM_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 200_000
        rng = Xoshiro256(seed: environment["CLICKSTREAM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xF022)
        for iteration in 0..<iterations {
            if iteration % 256 == 0 { await Task.yield() }
            let bytes = Self.mutant(seeds, &rng)

            do {
                let event = try decoder.decode(bytes)
                decoded += 1
                let again = try decoder.decode(event.jsonLine())
                #expect(again == event, "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
                if again != event { return }
            } catch {
                reasons[error.reason, default: 0] += 1
                #expect(!error.message.isEmpty)
            }
        }
        print(
            "fuzz: \(iterations) inputs, \(decoded) decoded, failures "
                + "\(reasons.map { "\($0.key.rawValue)=\($0.value)" }.sorted())"
        )
        // The mutations must exercise both outcomes and most failure classes, or this test proves little.
        #expect(decoded > iterations / 20)
        #expect(decoded < iterations * 19 / 20)
        for reason in EventDecodingError.Reason.allCases where reason != .unknownKind && reason != .malformedRecord {
            #expect(reasons[reason, default: 0] > 0, "no failure with reason \(reason.rawValue)")
        }
    }

    /// Differential check of the syntax layer against Foundation's parser: what it parses as an object is never
    /// `malformed_json` for us, and what we decode it parses too.
    @Test func agreesWithFoundationOnSyntax() throws {
        let decoder = EventDecoder(schema: EventSchema(limits: .init(maxDepth: EventSchema.Limits.depthCeiling)))
        let seeds = Self.seeds
        var rng = Xoshiro256(seed: 4242)
        var compared = 0
        for _ in 0..<20_000 {
            let bytes = Self.mutant(seeds, &rng)
            // Foundation refuses numbers beyond a Double's range anywhere; we only where the value is used (an
            // ignored member or a feature's literal text may hold any number the JSON grammar allows).
            let text = String(decoding: bytes, as: UTF8.self)
            if text.contains("e400") || text.contains("e999") { continue }
            // Foundation also accepts trailing commas, which RFC 8259 (and we) do not.
            if text.contains(where: { $0 == "}" || $0 == "]" }),
                text.replacingOccurrences(of: " ", with: "").contains(",}")
                    || text.replacingOccurrences(of: " ", with: "").contains(",]")
            {
                continue
            }
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [])
            switch bytes.withUnsafeBytes({ decoder.result(decoding: $0) }) {
            case .success(let event):
                let object = foundation as? [String: Any]
                #expect(object != nil, "\(String(decoding: bytes, as: UTF8.self))")
                if let user = object?["user"] as? String { #expect(user == event.user) }
                compared += 1
            case .failure(let error):
                if foundation is [String: Any] {
                    #expect(error.reason != .malformedJSON, "\(String(decoding: bytes, as: UTF8.self)): \(error)")
                    compared += 1
                }
            }
        }
        #expect(compared > 2_000)
    }

    @Test func arbitraryBytesNeverCrash() throws {
        let decoder = EventDecoder()
        var rng = Xoshiro256(seed: 99)
        let alphabet =
            Array("{}[]\":,\\u0123456789eE+-.tfnrl \"user\"item\"kind\"ts\"".utf8) + [0xC3, 0xA9, 0xED, 0xFF, 0x80]
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 64)
            let bytes = (0..<count).map { _ in
                rng.next() % 2 == 0
                    ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: rng.next())
            }
            if case .success(let event) = bytes.withUnsafeBytes({ decoder.result(decoding: $0) }) {
                #expect(try decoder.decode(event.jsonLine()) == event)
            }
        }
    }
}
