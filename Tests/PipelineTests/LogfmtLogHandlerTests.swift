import Foundation
import Logging
import Synchronization
import Testing

@testable import Pipeline

@Suite struct LogfmtLogHandlerTests {
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        func append(_ line: String) { storage.withLock { $0.append(line) } }
        var all: [String] { storage.withLock { $0 } }
    }

    private func logger(priorityPrefix: Bool = false, timestamps: Bool = false, level: Logger.Level = .info) -> (
        Logger, Lines
    ) {
        let lines = Lines()
        let logger = Logger(label: "warmstartd.test") { label in
            LogfmtLogHandler(
                label: label,
                logLevel: level,
                priorityPrefix: priorityPrefix,
                timestamps: timestamps,
                output: .init(lines.append)
            )
        }
        return (logger, lines)
    }

    @Test func oneLineWithSortedQuotedFields() {
        var (logger, lines) = logger()
        logger[metadataKey: "group"] = "warmstartd"
        logger.info(
            "joined group",
            metadata: [
                "partitions": "6",
                "topic": "warmstart.events",
                "note": "two words",
                "quote": "say \"hi\"\nbye",
                "empty": "",
                "nested": ["a": "1"],
                "list": ["x", "y"],
            ]
        )
        #expect(
            lines.all == [
                "level=info logger=warmstartd.test msg=\"joined group\" empty=\"\" group=warmstartd list=[x,y] "
                    + "nested.a=1 note=\"two words\" partitions=6 quote=\"say \\\"hi\\\"\\nbye\" "
                    + "topic=warmstart.events\n"
            ]
        )
    }

    @Test func levelsFilterAndMapToSyslogPriorities() {
        let (logger, lines) = logger(priorityPrefix: true, level: .notice)
        logger.info("dropped")
        logger.notice("kept")
        logger.warning("lagging")
        logger.error("failed", metadata: ["error": "boom"])
        let all = lines.all
        #expect(all.count == 3)
        #expect(all[0] == "<5>level=notice logger=warmstartd.test msg=kept\n")
        #expect(all[1] == "<4>level=warning logger=warmstartd.test msg=lagging\n")
        #expect(all[2].hasPrefix("<3>level=error logger=warmstartd.test msg=failed error=boom source="))
        #expect(all[2].contains("LogfmtLogHandlerTests.swift:"))
        #expect(LogfmtLogHandler.syslogPriority(.critical) == 2)
        #expect(LogfmtLogHandler.syslogPriority(.debug) == 7)
    }

    @Test func timestampsAreUTCWithMilliseconds() throws {
        let (logger, lines) = logger(timestamps: true)
        logger.info("tick")
        let line = try #require(lines.all.first)
        let regex = try Regex(
            #"^ts=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z level=info logger=warmstartd\.test msg=tick\n$"#
        )
        #expect(line.wholeMatch(of: regex) != nil, "\(line)")
    }

    @Test func controlCharactersNeverBreakTheLine() {
        #expect(logfmtValue("plain-value_1.2:3/4") == "plain-value_1.2:3/4")
        #expect(logfmtValue("a=b") == "\"a=b\"")
        #expect(logfmtValue("tab\there") == "\"tab\\there\"")
        #expect(logfmtValue("bell\u{07}") == "\"bell\\u{7}\"")
        #expect(logfmtValue("back\\slash") == "\"back\\\\slash\"")
        #expect(logfmtValue("line\u{2028}separator") == "\"line\\u{2028}separator\"")
        #expect(logfmtValue("naïve") == "naïve")
        #expect(logfmtKey("a key=x") == "a_key_x")
    }

    @Test func journalStreamIsRecognizedByDeviceAndInode() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("stream", "")
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var status = stat()
        #expect(fstat(descriptor, &status) == 0)
        let matching = ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]
        #expect(LogfmtLogHandler.isJournalStream(descriptor, environment: matching))
        #expect(
            !LogfmtLogHandler.isJournalStream(
                descriptor,
                environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino + 1)"]
            )
        )
        #expect(!LogfmtLogHandler.isJournalStream(descriptor, environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!LogfmtLogHandler.isJournalStream(descriptor, environment: [:]))
    }
}
