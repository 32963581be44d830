import Foundation
import Testing

@testable import WarmstartCommands

/// The pieces `status` and `top` read the operations endpoint with: the exposition parser, histogram quantiles,
/// HTTP responses and `--http` addresses.
@Suite struct AdminParsingTests {
    @Test func parsesSamplesLabelsAndEscapes() {
        let text = MetricsText(
            parsing: """
                # HELP warmstart_consumer_lag Messages behind.
                # TYPE warmstart_consumer_lag gauge
                warmstart_consumer_lag{partition="0"} 12.0
                warmstart_consumer_lag{partition="1"} 3
                warmstart_dead_letters_total{reason="odd \\"quoted\\", back\\\\slash"} 2
                process_resident_memory_bytes 5.2736e+07
                warmstart_event_to_publish_seconds_bucket{le="+Inf"} 7
                not a sample line
                """)
        #expect(text.sum("warmstart_consumer_lag") == 15)
        #expect(text.sum("warmstart_consumer_lag", ["partition": "1"]) == 3)
        #expect(text.sum("warmstart_consumer_lag", ["partition": "9"]) == nil)
        #expect(text.values("warmstart_dead_letters_total").first?.labels["reason"] == #"odd "quoted", back\slash"#)
        #expect(text.sum("process_resident_memory_bytes") == 52_736_000)
        #expect(text.histogram("warmstart_event_to_publish_seconds").map(\.upperBound) == [.infinity])
        #expect(!text.names.contains("not"))
    }

    @Test func histogramQuantilesInterpolateLikePrometheus() {
        // 100 observations in (0.3, 0.5]: the p99 is 99% of the way through that bucket, as histogram_quantile.
        let buckets: [(upperBound: Double, count: Double)] = [(0.1, 0), (0.3, 0), (0.5, 100), (.infinity, 100)]
        #expect(abs(histogramQuantile(0.99, buckets)! - 0.498) < 1e-9)
        #expect(abs(histogramQuantile(0.5, buckets)! - 0.4) < 1e-9)
        #expect(histogramQuantile(0.99, [(0.1, 0), (.infinity, 0)]) == nil)
        #expect(histogramQuantile(0.99, [(0.1, 1), (.infinity, 10)]) == 0.1, "beyond the last finite bound")
    }

    @Test func readsPlainAndChunkedResponses() throws {
        let plain = try OperationsEndpoint.parse(
            Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 6\r\n\r\nnot ok".utf8), from: "test")
        #expect(plain.status == 503)
        #expect(plain.body == "not ok")
        let chunked = try OperationsEndpoint.parse(
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwarm\r\n5\r\nstart\r\n0\r\n\r\n".utf8),
            from: "test")
        #expect(chunked.body == "warmstart")
        #expect(throws: AdminCommandError.self) { try OperationsEndpoint.parse(Array("garbage".utf8), from: "x") }
    }

    @Test func parsesHTTPAddresses() throws {
        let plain = try OperationsEndpoint("127.0.0.1:9464")
        #expect(plain.host == "127.0.0.1" && plain.port == 9464)
        let url = try OperationsEndpoint("http://warmstart-1:19464/")
        #expect(url.host == "warmstart-1" && url.port == 19464)
        let v6 = try OperationsEndpoint("[::1]:9464")
        #expect(v6.host == "::1" && v6.description == "[::1]:9464")
        for bad in ["9464", "host:", "host:0", ":9464", "host:99999"] {
            #expect(throws: AdminCommandError.self, "\(bad)") { try OperationsEndpoint(bad) }
        }
    }

    @Test func formatsCountsAndTables() {
        #expect(Formatting.count(2_001) == "2,001")
        #expect(Formatting.count(999) == "999")
        #expect(Formatting.count(-1_234_567) == "-1,234,567")
        #expect(Formatting.count(1_234.5, decimals: 1) == "1,234.5")
        #expect(Formatting.bytes(52_736_000) == "50.3 MiB")
        #expect(Formatting.seconds(0.25) == "250 ms")
        #expect(Formatting.table(["a", "bb"], [["xyz", "1"]]) == "  a    bb\n  xyz   1\n")
    }
}
