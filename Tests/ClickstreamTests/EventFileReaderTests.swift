import Clickstream
import Foundation
import Testing

@Suite struct EventFileReaderTests {
    /// A fresh temporary directory, removed afterwards.
    func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clickstream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url)
    }

    func reason(_ record: EventFileReader.Record) -> EventDecodingError.Reason? {
        guard case .failure(let error) = record.result else { return nil }
        return error.reason
    }

    func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    func events(_ path: String, _ format: EventFileFormat) throws -> [InteractionEvent] {
        try EventFileReader(path: path, format: format).readAll().map { try $0.result.get() }
    }

    /// A tiny synthetic data set in the MovieLens 100K layout (never the real one).
    func writeMovieLens(in directory: URL, badLine: Bool = false) throws {
        let genres = ["unknown", "Action", "Sci, Fi \"quoted\"", "Drama"]
        try write(
            genres.enumerated().map { "\($1)|\($0)" }.joined(separator: "\n") + "\n\n",
            to: directory.appendingPathComponent("u.genre")
        )
        var items = ""
        for item in 1...12 {
            let flags = (0..<genres.count).map { ($0 + item) % 3 == 0 ? "1" : "0" }.joined(separator: "|")
            items += "\(item)|Movie \(item) (1995)|01-Jan-1995||http://example.invalid/\(item)|\(flags)\n"
        }
        try write(items, to: directory.appendingPathComponent("u.item"))
        var users = ""
        let occupations = ["technician", "writer", "other"]
        for user in 1...6 {
            users += "\(user)|\(15 + user * 7)|\(user % 2 == 0 ? "M" : "F")|\(occupations[user % 3])|0\(user)123\n"
        }
        try write(users, to: directory.appendingPathComponent("u.user"))
        var data = ""
        var rng = Xoshiro256(seed: 5)
        for k in 0..<200 {
            if badLine && k == 17 { data += "3\tnot-a-rating\t881250949\n" }
            if k == 40 { data += "\n" }
            // User 7 and item 13 have no side-feature rows.
            data += "\(1 + rng.next() % 7)\t\(1 + rng.next() % 13)\t\(1 + rng.next() % 5)\t\(881_250_000 + k * 37)\n"
        }
        try write(data, to: directory.appendingPathComponent("u.data"))
    }

    func csvCell(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    @Test func movieLensJSONLinesAndCSVGiveIdenticalEvents() throws {
        try withTemporaryDirectory { directory in
            try writeMovieLens(in: directory)
            let fromReader = try events(directory.path, .movielens)
            let legacy = try MovieLensReader(path: directory.path).readAll()
            #expect(fromReader.count == 200)
            #expect(fromReader == legacy)
            #expect(fromReader.contains { $0.userFeatures["occupation"] == ["writer"] })
            #expect(fromReader.contains { $0.itemFeatures["genre"]?.contains("Sci, Fi \"quoted\"") == true })

            // JSON lines written by the encoder read back identically.
            let jsonl = directory.appendingPathComponent("events.jsonl")
            try write(fromReader.map { $0.jsonLine() + "\n" }.joined(), to: jsonl)
            #expect(try events(jsonl.path, .jsonl) == fromReader)

            // So does CSV with feature columns.
            let userColumns = ["age", "gender", "occupation"]
            var csv =
                "user,item,kind,value,ts," + userColumns.map { "user.\($0)" }.joined(separator: ",") + ",item.genre\r\n"
            for e in fromReader {
                var cells = [e.user, e.item, e.kind, e.value.map { "\($0)" } ?? "", String(e.timestamp)]
                cells += userColumns.map { (e.userFeatures[$0] ?? []).joined(separator: "|") }
                cells.append((e.itemFeatures["genre"] ?? []).joined(separator: "|"))
                csv += cells.map(csvCell).joined(separator: ",") + "\r\n"
            }
            let csvURL = directory.appendingPathComponent("events.csv")
            try write(csv, to: csvURL)
            #expect(try events(csvURL.path, .csv) == fromReader)
        }
    }

    @Test func badRecordsKeepTheirLineNumbers() throws {
        try withTemporaryDirectory { directory in
            try writeMovieLens(in: directory, badLine: true)
            let records = try EventFileReader(path: directory.appendingPathComponent("u.data").path, format: .movielens)
                .readAll()
            let failures = records.filter { reason($0) != nil }
            #expect(records.count == 201)
            #expect(failures.map(\.lineNumber) == [18])
            #expect(failures.first.flatMap(reason) == .malformedRecord)
            // The blank line still counts: the record after it is on line 43.
            #expect(records.map(\.lineNumber).contains(43) && !records.map(\.lineNumber).contains(42))

            let jsonl = directory.appendingPathComponent("mixed.jsonl")
            let good = #"{"user":"u","item":"i","kind":"view","ts":1}"#
            let huge = #"{"user":""# + String(repeating: "x", count: 3 << 20) + #"","item":"i","kind":"view","ts":1}"#
            try write(
                [
                    good, "", "{not json", good + "\r", "   ", #"{"user":"u","item":"i","kind":"view","ts":"x"}"#, huge,
                    good,
                ]
                .joined(separator: "\n"),
                to: jsonl
            )
            let results = try EventFileReader(path: jsonl.path, format: .jsonl).readAll()
            #expect(results.map(\.lineNumber) == [1, 3, 4, 6, 7, 8])
            let reasons = results.map { reason($0)?.rawValue ?? "ok" }
            #expect(reasons == ["ok", "malformed_json", "ok", "bad_timestamp", "oversize", "ok"])
        }
    }

    @Test func csvQuotingAndErrors() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("events.csv")
            let lines = [
                "ts,kind,user,item,value,ignored,user.tags,item.genre",
                #"2024-05-01T12:00:00Z,view,"a,b","say ""hi""",,x,t1|t2,"#,
                #"5,rating,u2,"multi"#,
                #"line",4.5,,,Drama"#,
                "6,view,u3",
                "7,view,u4,i4,abc,,,",
                #"8,view,u5,"unterminated,1,,,"#,
            ]
            try write(
                lines.joined(separator: "\n") + "\n",
                to: url
            )
            let records = try EventFileReader(path: url.path, format: .csv).readAll()
            #expect(records.map(\.lineNumber) == [2, 3, 5, 6, 7])
            #expect(
                try records[0].result.get()
                    == InteractionEvent(
                        user: "a,b",
                        item: "say \"hi\"",
                        kind: "view",
                        timestamp: 1_714_564_800_000,
                        userFeatures: ["tags": ["t1", "t2"]]
                    )
            )
            #expect(
                try records[1].result.get()
                    == InteractionEvent(
                        user: "u2",
                        item: "multi\nline",
                        kind: "rating",
                        value: 4.5,
                        timestamp: 5,
                        itemFeatures: ["genre": ["Drama"]]
                    )
            )
            let reasons = records.dropFirst(2).map(reason)
            #expect(reasons == [.malformedRecord, .wrongType, .malformedRecord])

            let missing = directory.appendingPathComponent("missing.csv")
            try write("user,item,kind\nu,i,view\n", to: missing)
            #expect(throws: EventFileReader.ReadError.self) { try EventFileReader(path: missing.path, format: .csv) }
            #expect(throws: EventFileReader.ReadError.self) {
                try EventFileReader(path: directory.appendingPathComponent("absent.jsonl").path, format: .jsonl)
            }
        }
    }
}
