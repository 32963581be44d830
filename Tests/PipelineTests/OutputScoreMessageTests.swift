import Clickstream
import Foundation
import Kafka
import Testing

@testable import Pipeline

@Suite struct OutputScoreMessageTests {
    static let awkwardStrings = [
        "u42", "", "quote \" backslash \\ slash /", "line\nfeed\rreturn\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
        "ünïcødé ✓ 😀 \u{2028}\u{2029}", String(repeating: "x", count: 300),
    ]

    static let scores: [Double] = [
        0, -0.0, 1, -1, 3.91, 0.1, 1e-300, -2.5e-8, 123_456_789.123, 9_007_199_254_740_994, 1e300, .pi,
        Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude,
        // Scores widened from the learning core's `Float`.
        Double(Float(0.1)), Double(-Float.pi), Double(Float.leastNonzeroMagnitude),
        Double(Float.greatestFiniteMagnitude),
    ]

    static func messages() -> [ScoreMessage] {
        var messages: [ScoreMessage] = []
        for (index, user) in awkwardStrings.enumerated() where !user.isEmpty {
            let items = zip(awkwardStrings.filter { !$0.isEmpty }, scores.shuffledDeterministically(index)).map {
                ScoredItem(item: $0.0, score: $0.1)
            }
            messages.append(
                ScoreMessage(
                    user: user,
                    items: items,
                    modelVersion: index,
                    userEvents: index + 1,
                    updatedAt: 1_764_385_800_123 + Int64(index)
                )
            )
        }
        messages.append(ScoreMessage(user: "empty", items: [], modelVersion: 0, userEvents: 1, updatedAt: 0))
        let manyItems = Self.scores.enumerated().map { ScoredItem(item: "i\($0.offset)", score: $0.element) }
        messages.append(
            ScoreMessage(user: "many", items: manyItems, modelVersion: Int.max, userEvents: 7, updatedAt: .max)
        )
        return messages
    }

    @Test func roundTripsThroughJSONSerialization() throws {
        for message in Self.messages() {
            let bytes = try message.encoded()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["user"] as? String == message.user)
            #expect((object["model_version"] as? NSNumber)?.int64Value == Int64(message.modelVersion))
            #expect((object["user_events"] as? NSNumber)?.intValue == message.userEvents)
            #expect((object["updated_at"] as? NSNumber)?.int64Value == message.updatedAt)
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.count == message.items.count)
            for (decoded, original) in zip(items, message.items) {
                #expect(decoded["item"] as? String == original.item)
                let score = try #require((decoded["score"] as? NSNumber)?.doubleValue)
                // Exact: an integer, or the shortest text that reads back as the same Double — or as the same
                // Float, for a score that is exactly a Float.
                let isFloat = Double(Float(original.score)) == original.score
                #expect(score == original.score || (isFloat && Float(score) == Float(original.score)))
            }
        }
    }

    @Test func encodesTheDocumentedShape() throws {
        let message = ScoreMessage(
            user: "u42",
            items: [ScoredItem(item: "i7", score: 3.91), ScoredItem(item: "i19", score: 2)],
            modelVersion: 12,
            userEvents: 5,
            updatedAt: 1_764_385_800_123
        )
        let text = String(decoding: try message.encoded(), as: UTF8.self)
        #expect(
            text == #"{"user":"u42","items":[{"item":"i7","score":3.91},{"item":"i19","score":2}],"#
                + #""model_version":12,"user_events":5,"updated_at":1764385800123}"#
        )
    }

    /// Every byte escaped to six, numbers at their longest: the size bound holds (a wrong bound would crash here).
    @Test func worstCaseSizes() throws {
        let escaped = String(repeating: "\u{1}", count: 1_000)
        let items = (0..<50).map { ScoredItem(item: escaped, score: -2.2250738585072014e-308 * Double($0 + 1)) }
        let message = ScoreMessage(user: escaped, items: items, modelVersion: .min, userEvents: .max, updatedAt: .min)
        var prefixed: [UInt8] = [1, 2, 3]
        try message.encode(into: &prefixed)
        let bytes = try message.encoded()
        #expect(Array(prefixed.dropFirst(3)) == bytes)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["user"] as? String == escaped)
        #expect((object["model_version"] as? NSNumber)?.int64Value == Int64.min)
        #expect((object["updated_at"] as? NSNumber)?.int64Value == Int64.min)
        #expect((object["items"] as? [[String: Any]])?.count == 50)
    }

    @Test func floatScoresAreWrittenAtFloatPrecision() throws {
        let message = ScoreMessage(
            user: "u",
            items: [ScoredItem(item: "a", score: Double(Float(0.1))), ScoredItem(item: "b", score: 0.1)],
            modelVersion: 0,
            userEvents: 1,
            updatedAt: 0
        )
        let text = String(decoding: try message.encoded(), as: UTF8.self)
        // Float(0.1) widened is 0.100000001490116…; its Float text is "0.1". The Double 0.1 is "0.1" too.
        #expect(text.contains(#"{"item":"a","score":0.1}"#))
        #expect(text.contains(#"{"item":"b","score":0.1}"#))
    }

    @Test func escapesControlCharactersAndQuotes() throws {
        let message = ScoreMessage(
            user: "a\"b\\c\n\u{1}\u{1F}\r\t\u{8}\u{C}é/",
            items: [],
            modelVersion: 0,
            userEvents: 1,
            updatedAt: 0
        )
        let text = String(decoding: try message.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"user":"a\"b\\c\n\u0001\u001f\r\t\b\fé/","#))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func rejectsNonFiniteScores(_ score: Double) {
        let message = ScoreMessage(
            user: "u",
            items: [ScoredItem(item: "ok", score: 1), ScoredItem(item: "bad", score: score)],
            modelVersion: 0,
            userEvents: 1,
            updatedAt: 0
        )
        var buffer: [UInt8] = Array("prefix".utf8)
        #expect(throws: ScoreMessage.EncodingError.self) { try message.encode(into: &buffer) }
        #expect(buffer == Array("prefix".utf8))
    }

    /// Validates real encoder output against `config/score.schema.json` with Python's `jsonschema` (draft 2020-12).
    @Test func validatesAgainstTheSchema() throws {
        guard Self.pythonHasJSONSchema() else {
            // The round-trip test above covers the shape; this one needs the validator.
            print("skipping schema validation: python3 -c 'import jsonschema' fails")
            return
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let schema = root.appendingPathComponent("config/score.schema.json").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines: [UInt8] = []
        for message in Self.messages() {
            try message.encode(into: &lines)
            lines.append(UInt8(ascii: "\n"))
        }
        let messagesFile = directory.appendingPathComponent("messages.jsonl")
        try Data(lines).write(to: messagesFile)

        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            validator = jsonschema.Draft202012Validator(schema)
            count = 0
            for line in open(sys.argv[2], encoding="utf-8"):
                instance = json.loads(line)
                errors = list(validator.iter_errors(instance))
                if errors:
                    print("INVALID", errors[0].message)
                    sys.exit(1)
                count += 1
            print("valid", count)
            """
        let (status, output) = try Self.run("/usr/bin/env", ["python3", "-c", script, schema, messagesFile.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid \(Self.messages().count)"))

        // The validator does reject what the schema forbids: a message without user_events.
        let bad = directory.appendingPathComponent("bad.jsonl")
        try Data(#"{"user":"u","items":[],"model_version":0,"updated_at":0}"#.utf8).write(to: bad)
        let (badStatus, _) = try Self.run("/usr/bin/env", ["python3", "-c", script, schema, bad.path])
        #expect(badStatus == 1)
    }

    static func pythonHasJSONSchema() -> Bool {
        (try? run("/usr/bin/env", ["python3", "-c", "import jsonschema"]).0) == 0
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension Array {
    /// A rotation, so each message gets a different mix of scores without randomness.
    fileprivate func shuffledDeterministically(_ seed: Int) -> [Element] {
        guard !isEmpty else { return self }
        let shift = seed % count
        return Array(self[shift...] + self[..<shift])
    }
}
