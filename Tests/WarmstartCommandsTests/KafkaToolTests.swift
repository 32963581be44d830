import Clickstream
import Foundation
import Testing

/// `warmstart dev-broker`, `produce` and `tail` as real processes talking real Kafka protocol over loopback.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct KafkaToolTests {
    @Test func devBrokerWritesBootstrapAndStopsCleanlyOnSignals() async throws {
        for signal in [SIGTERM, SIGINT] {
            let broker = try await DevBrokerProcess(topics: ["t:3"], brokers: 2)
            let servers = broker.bootstrap.split(separator: ",")
            #expect(servers.count == 2)
            #expect(servers.allSatisfy { $0.hasPrefix("127.0.0.1:") })
            #expect(try await broker.stop(signal: signal) == 0)
            #expect(!FileManager.default.fileExists(atPath: broker.bootstrapFile.path))
        }
    }

    @Test func produceReportsBadRecordsAndTailReadsEverythingBack() async throws {
        let broker = try await DevBrokerProcess(topics: ["events:4"])
        let directory = broker.directory
        // 50 good events with a bad line in the middle (line 26).
        var lines: [String] = []
        for index in 0..<50 {
            let event = InteractionEvent(
                user: "u\(index % 7)", item: "i\(index)", kind: "click", timestamp: 1_000 + Int64(index))
            lines.append(event.jsonLine())
            if index == 24 { lines.append("{\"user\": \"u1\", \"item\": ") }
        }
        let input = directory.appendingPathComponent("events.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)

        let produced = try await ToolProcess.run([
            "produce", "--bootstrap", broker.bootstrap, "--topic", "events", "--input", input.path,
        ])
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(produced.stdout.contains("50 acknowledged, 0 failed, 1 unreadable records skipped"))
        #expect(produced.stderr.contains("events.jsonl:26:"))

        let tailed = try await ToolProcess.run([
            "tail", "--bootstrap", broker.bootstrap, "--topic", "events", "--from-beginning", "--count", "50",
        ])
        #expect(tailed.status == 0, "\(tailed.stderr)")
        let records = tailed.stdout.split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(records.count == 50)
        var usersByPartition: [Int: Set<String>] = [:]
        var itemsSeen = Set<String>()
        for record in records {
            let record = try #require(record)
            let key = try #require(record["key"] as? String)
            let value = try #require(record["value"] as? String)
            let event = try EventDecoder().decode(value)
            #expect(event.user == key, "messages are keyed by user id")
            usersByPartition[try #require(record["partition"] as? Int), default: []].insert(key)
            itemsSeen.insert(event.item)
        }
        #expect(itemsSeen.count == 50)
        // A user's events all land on one partition.
        let allUsers = usersByPartition.values.flatMap { $0 }
        #expect(allUsers.count == Set(allUsers).count)

        let counted = try await ToolProcess.run([
            "tail", "--bootstrap", broker.bootstrap, "--topic", "events", "--from-beginning", "--exit-at-end",
            "--quiet",
        ])
        #expect(counted.status == 0)
        #expect(counted.stdout == "50\n")
        _ = try await broker.stop()
    }

    @Test func groupTailCommitsWhatItPrinted() async throws {
        let broker = try await DevBrokerProcess(topics: ["g:2"])
        let input = broker.directory.appendingPathComponent("g.jsonl")
        let text = (0..<20).map {
            InteractionEvent(user: "u\($0)", item: "i\($0)", kind: "view", timestamp: Int64($0)).jsonLine()
        }.joined(separator: "\n")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let produced = try await ToolProcess.run([
            "produce", "--bootstrap", broker.bootstrap, "--topic", "g", "--input", input.path,
        ])
        #expect(produced.status == 0)

        // The mock cluster only forgets a departed member after its session timeout, so keep it short.
        let group = ["--group", "tools", "--property", "session.timeout.ms=6000"]
        let first = try await ToolProcess.run(
            ["tail", "--bootstrap", broker.bootstrap, "--topic", "g", "--from-beginning", "--count", "8"] + group
        )
        #expect(first.status == 0)
        let rest = try await ToolProcess.run(
            ["tail", "--bootstrap", broker.bootstrap, "--topic", "g", "--from-beginning", "--exit-at-end"] + group
        )
        #expect(rest.status == 0)
        let offsets = { (output: String) -> [String] in
            output.split(separator: "\n").compactMap {
                guard let object = try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                    return nil
                }
                return "\(object["partition"]!)/\(object["offset"]!)"
            }
        }
        let firstOffsets = offsets(first.stdout)
        let restOffsets = offsets(rest.stdout)
        #expect(firstOffsets.count == 8)
        #expect(restOffsets.count == 12, "nothing committed is re-read, nothing is skipped")
        #expect(Set(firstOffsets).isDisjoint(with: restOffsets))
        _ = try await broker.stop()
    }
}
