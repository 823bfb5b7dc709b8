import Foundation
import Testing
@testable import MLWatchCore

@Suite("SnapshotJSON")
struct SnapshotJSONTests {
    static func parse(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        return try #require(object as? [String: Any])
    }

    @Test("a real snapshot: valid JSON with the documented keys")
    func documentedShape() throws {
        let rule = try AlertRule(name: "Errors", expr: "error_rate > 0.1", labels: ["severity": "warning"],
                                 annotations: ["summary": "error rate {{ $value }}"])
        let s = MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10), lateness: 0), mode: .check,
                             rules: RuleEngine(rules: [rule]))
        let t0 = 1_795_000_000.0
        for i in 0..<100 {
            s.ingestLine(#"{"ts":\#(t0 + Double(i)),"latency_ms":\#(i),"status":"\#(i > 50 ? "error" : "ok")","features":{"a":\#(i),"c":"x"},"prediction":1}"#)
        }
        s.ingestLine("not json")
        s.ingestLine("[1]")
        s.ingestLine(#"{"ts":\#(t0),"latency_ms":1}"#)  // late
        s.finish()
        let snap = s.snapshot(now: 0)
        let json = try Self.parse(SnapshotJSON.encode(snap))
        for key in ["events", "late", "malformed", "window", "metrics", "alerts"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["events"] as? Int == 100)
        #expect(json["late"] as? Int == 1)
        let malformed = try #require(json["malformed"] as? [String: Any])
        #expect(malformed["total"] as? Int == 2)
        #expect(malformed["by_reason"] as? [String: Int] == ["invalid_json": 1, "not_an_object": 1])
        let window = try #require(json["window"] as? [String: Any])
        #expect(window["from"] as? String == TimestampParser.format(t0 + 99 - 60))
        #expect(window["to"] as? String == TimestampParser.format(t0 + 99))
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        #expect(metrics.count == snap.metrics.count)
        for m in metrics {
            #expect(m["name"] is String && m["labels"] is [String: String] && m["value"] != nil)
        }
        let p99 = metrics.first { $0["name"] as? String == "latency_p99_ms" }
        #expect((p99?["value"] as? Double).map { abs($0 - snap.value("latency_p99_ms")!) < 1e-9 } == true)
        #expect((p99?["labels"] as? [String: String])?["model"] == "default")
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.first?["rule"] as? String == "Errors")
        #expect(alerts.first?["to"] as? String == "firing")
    }

    @Test("NaN and infinities become null with a `special` marker")
    func specialValues() throws {
        var snap = Snapshot()
        snap.metrics = [
            MetricSample(name: "a", value: .nan), MetricSample(name: "b", value: .infinity),
            MetricSample(name: "c", value: -.infinity), MetricSample(name: "d", value: 1.5),
            MetricSample(name: "e", value: 1e300), MetricSample(name: "f", value: -0.0), MetricSample(name: "g", value: 3e-7),
        ]
        let text = SnapshotJSON.encode(snap)
        let metrics = try #require(try Self.parse(text)["metrics"] as? [[String: Any]])
        #expect(metrics.count == 7)
        #expect(metrics[0]["value"] is NSNull && metrics[0]["special"] as? String == "NaN")
        #expect(metrics[1]["value"] is NSNull && metrics[1]["special"] as? String == "+Inf")
        #expect(metrics[2]["value"] is NSNull && metrics[2]["special"] as? String == "-Inf")
        #expect(metrics[3]["value"] as? Double == 1.5 && metrics[3]["special"] == nil)
        #expect(metrics[4]["value"] as? Double == 1e300)
        #expect(metrics[6]["value"] as? Double == 3e-7)
        #expect(!text.contains("nan") && !text.contains("inf"))
    }

    @Test("strings with quotes, backslashes and control characters are escaped", arguments: [
        "plain", "quote \" here", "back\\slash", "new\nline", "tab\t", "\u{0}\u{1}\u{1b}[31m\u{7f}", "\u{85}\u{2028}é😀",
        "</script>", "{\"json\":[1]}",
    ])
    func escaping(_ text: String) throws {
        var snap = Snapshot()
        snap.malformed = MalformedStats(total: 1, byReason: [text: 1], recent: [text])
        snap.metrics = [MetricSample(name: text, labels: Labels(["feature": text, text: "v"]), value: 1, text: text)]
        let encoded = SnapshotJSON.encode(snap)
        #expect(!encoded.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "raw control in \(encoded.debugDescription)")
        let json = try Self.parse(encoded)
        let m = try #require((json["metrics"] as? [[String: Any]])?.first)
        #expect(m["name"] as? String == text)
        #expect(m["text"] as? String == text)
        #expect((m["labels"] as? [String: String]) == ["feature": text, text: "v"])
        let malformed = try #require(json["malformed"] as? [String: Any])
        #expect((malformed["recent"] as? [String]) == [text])
        #expect((malformed["by_reason"] as? [String: Int]) == [text: 1])
    }

    @Test("an empty monitor encodes nulls for its window")
    func emptyMonitor() throws {
        let json = try Self.parse(SnapshotJSON.encode(MonitorState(options: CollectorOptions()).snapshot(now: 0)))
        let window = try #require(json["window"] as? [String: Any])
        #expect(window["from"] is NSNull && window["to"] is NSNull)
        #expect(json["events"] as? Int == 0)
        #expect((json["alerts"] as? [Any])?.isEmpty == true)
    }
}
