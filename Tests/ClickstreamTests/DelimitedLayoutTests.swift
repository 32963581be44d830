import Clickstream
import Foundation
import Testing

@Suite struct DelimitedLayoutTests {
    /// Writes `text` to a fresh temporary file, reads it under `layout` and removes it.
    func records(
        _ text: String,
        format: EventFileFormat = .csv,
        layout: DelimitedLayout? = nil
    ) throws -> [EventFileReader.Record] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("delimited-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try EventFileReader(path: url.path, format: format, layout: layout).readAll()
    }

    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aTabSeparatedExportWithHeaderFractionalSecondsAndNoKindColumn() throws {
        // The YOOCHOOSE clicks layout, with made-up rows.
        let layout = DelimitedLayout(
            delimiter: try DelimitedLayout.parseDelimiter("tab"),
            columns: try DelimitedLayout.parseColumns("user=SessionId,item=ItemId,ts=Time"),
            timestampUnit: .seconds,
            constantKind: "click"
        )
        let rows = try records(
            "SessionId\tItemId\tTime\n1\t214\t1396437466.94\n1\t215\t1396437467\n2\t9\t1396437468.1239\n",
            format: .tsv,
            layout: layout
        )
        let events = try rows.map { try $0.result.get() }
        #expect(events.map(\.user) == ["1", "1", "2"])
        #expect(events.map(\.item) == ["214", "215", "9"])
        #expect(events.map(\.kind) == ["click", "click", "click"])
        #expect(events.map(\.timestamp) == [1_396_437_466_940, 1_396_437_467_000, 1_396_437_468_123])
        #expect(rows.map(\.lineNumber) == [2, 3, 4])
    }

    @Test func aHeaderlessFileByPositionWithKindMappingAndAnItemFeature() throws {
        // The Taobao UserBehavior layout, with made-up rows.
        let layout = DelimitedLayout(
            hasHeader: false,
            columns: try DelimitedLayout.parseColumns("user=1,item=2,item.category=3,kind=4,ts=5"),
            timestampUnit: .seconds,
            kinds: try DelimitedLayout.parseKinds("pv=view, fav=favorite, buy=purchase")
        )
        let text = "1,100,7,pv,1511544070\n1,101,7,buy,1511544071\n2,100,7,cart,1511544072\n"
        let events = try records(text, layout: layout).map { try $0.result.get() }
        #expect(events.map(\.kind) == ["view", "purchase", "cart"])
        #expect(events.map(\.itemFeatures) == Array(repeating: ["category": ["7"]], count: 3))
        #expect(events.map(\.timestamp) == [1_511_544_070_000, 1_511_544_071_000, 1_511_544_072_000])
    }

    @Test func aBadCellIsAFailureNamingItsLineAndColumn() throws {
        let layout = DelimitedLayout(
            hasHeader: false,
            columns: try DelimitedLayout.parseColumns("user=1,item=2,kind=3,ts=4"),
            timestampUnit: .seconds
        )
        let rows = try records("u,i,view,12\nu,i,view,soon\nu,i\nu,i,view,13\n", layout: layout)
        #expect(rows.count == 4)
        #expect((try? rows[0].result.get()) != nil)
        guard case .failure(let timestamp) = rows[1].result else {
            Issue.record("line 2 was read")
            return
        }
        #expect(rows[1].lineNumber == 2)
        #expect(timestamp.reason == .badTimestamp)
        #expect(timestamp.message.contains("column 4"))
        #expect(timestamp.message.contains("'soon'"))
        guard case .failure(let short) = rows[2].result else {
            Issue.record("line 3 was read")
            return
        }
        #expect(short.reason == .malformedRecord)
        #expect(short.message.contains("at least 4 fields"))
        #expect((try? rows[3].result.get())?.timestamp == 13_000)
    }

    @Test func aLayoutThatDoesNotFitTheFileIsRefusedWithWhatToFix() throws {
        let named = message {
            _ = try records("a,b\n", layout: DelimitedLayout(columns: ["user": .named("SessionId")]))
        }
        #expect(named?.contains("lacks 'item'") == true)
        let missing = message {
            _ = try records(
                "SessionId,ItemId,Time\n",
                layout: DelimitedLayout(
                    columns: try DelimitedLayout.parseColumns("user=SessionId,item=Item,ts=Time"),
                    constantKind: "click"
                )
            )
        }
        #expect(missing?.contains("no column 'Item'") == true)
        let headerless = message {
            _ = try records(
                "1,2,3\n",
                layout: DelimitedLayout(
                    hasHeader: false,
                    columns: try DelimitedLayout.parseColumns("user=SessionId,item=2,ts=3,kind=1")
                )
            )
        }
        #expect(headerless?.contains("by 1-based position") == true)
        let noKind = message {
            let columns: [String: DelimitedLayout.Column] = [
                "user": .named("u"), "item": .named("i"), "ts": .named("t"),
            ]
            _ = try records("u,i,t\n", layout: DelimitedLayout(columns: columns))
        }
        #expect(noKind?.contains("lacks 'kind'") == true)
        #expect(message { _ = try DelimitedLayout.parseColumns("user=1,colour=2") }?.contains("'colour'") == true)
        #expect(message { _ = try DelimitedLayout.parseColumns("user=0") }?.contains("start at 1") == true)
        #expect(message { _ = try DelimitedLayout.parseKinds("pv") }?.contains("key=value") == true)
        #expect(message { _ = try DelimitedLayout.parseDelimiter("ab") } != nil)
    }

    @Test func theDefaultCSVLayoutStillReadsHeaderNamedColumnsAndQuotedCells() throws {
        let rows = try records("user,item,kind,ts,item.genre\nu1,i1,view,5,\"a|b\"\n\"u,2\",i2,click,6,\n")
        let events = try rows.map { try $0.result.get() }
        #expect(events.map(\.user) == ["u1", "u,2"])
        #expect(events[0].itemFeatures == ["genre": ["a", "b"]])
        #expect(events[1].itemFeatures == [:])
    }

    @Test(arguments: [
        ("1396437466.94", DelimitedLayout.TimestampUnit.seconds, Int64?.some(1_396_437_466_940)),
        ("-1.5", .seconds, -1500),
        ("0.0009", .seconds, 0),
        ("1700000000123", .milliseconds, 1_700_000_000_123),
        ("1700000000123.9", .milliseconds, 1_700_000_000_123),
        ("1700000000123456", .microseconds, 1_700_000_000_123),
        ("9223372036854775807", .seconds, nil),
        ("1.", .seconds, nil),
        (".5", .seconds, nil),
        ("1e3", .seconds, nil),
        ("", .seconds, nil),
        ("2024-05-01T12:00:00Z", .seconds, nil),
        ("2024-05-01T12:00:00Z", .auto, 1_714_564_800_000),
    ])
    func timestampUnits(cell: String, unit: DelimitedLayout.TimestampUnit, expected: Int64?) throws {
        let layout = DelimitedLayout(
            hasHeader: false,
            columns: try DelimitedLayout.parseColumns("user=1,item=2,ts=3"),
            timestampUnit: unit,
            constantKind: "view"
        )
        let row = try records("u,i,\(cell)\n", layout: layout)
        #expect(row.count == 1)
        #expect((try? row.first?.result.get())?.timestamp == expected)
    }
}
