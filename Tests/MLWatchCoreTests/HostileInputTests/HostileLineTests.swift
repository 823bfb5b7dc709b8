import Foundation
import Testing
@testable import MLWatchCore

/// One hostile line among 600 good ones: it is counted (as malformed, or as an event of its own) and
/// every good event is still counted, with the same metrics as without it.
@Suite("Hostile lines in a normal log")
struct HostileLineTests {
    static let start = 1_767_600_000

    static func good(_ i: Int) -> [UInt8] {
        Array(#"{"ts":\#(start + i),"model":"good","version":"v1","request_id":"r\#(i)","latency_ms":\#(10 + i % 30),"status":"ok","features":{"amount":\#(i % 97),"country":"\#(["DE", "FR"][i % 2])"},"prediction":\#(i % 2),"score":0.\#(i % 10)}"#.utf8)
    }

    /// Hostile lines, each stamped inside the good lines' time range.
    static func hostile(at i: Int) -> [(String, [UInt8])] {
        let ts = start + i
        func line(_ s: String) -> [UInt8] { Array(s.utf8) }
        return [
            ("bad UTF-8", line(#"{"ts":\#(ts),"model":"bad"#) + [0xFF, 0xC0, 0x80] + line(#""}"#)),
            ("raw control bytes", line(#"{"ts":\#(ts),"model":""#) + [0x1B, 0x00, 0x07] + line(#""}"#)),
            ("deep arrays", line(#"{"ts":\#(ts),"model":"bad","features":{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}")),
            ("deep objects", line(#"{"ts":\#(ts),"model":"bad","features":"# + String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_001))),
            ("only brackets", line(String(repeating: "[", count: 200_000))),
            ("extreme numbers", line(#"{"ts":\#(ts),"model":"bad","latency_ms":1e308,"score":-1.7976931348623157e308,"features":{"amount":1e400,"b":-1e-400,"c":\#(String(repeating: "9", count: 10_000))}}"#)),
            ("escapes in names", line(#"{"ts":\#(ts),"model":"bad\u001b]0;x\u0007","version":"\ud800","features":{"\u009b2J":"\u0000"}}"#)),
            ("10,000 features", line(#"{"ts":\#(ts),"model":"bad","features":{"# + (0..<10_000).map { #""f\#($0)":\#($0)"# }.joined(separator: ",") + "}}")),
            ("a 500 kB value", line(#"{"ts":\#(ts),"model":"bad","features":{"note":""# + String(repeating: "x", count: 500_000) + #""}}"#)),
            ("duplicate keys", line(#"{"ts":\#(ts),"ts":\#(ts),"model":"bad","model":"bad","features":{"amount":1,"amount":"x"}}"#)),
            ("wrong types", line(#"{"ts":\#(ts),"model":["bad"],"latency_ms":"fast","features":[1,2],"prediction":{"a":1}}"#)),
            ("truncated", line(#"{"ts":\#(ts),"model":"bad","features":{"amount":1"#)),
        ]
    }

    static func run(_ hostile: [UInt8]?) -> Snapshot {
        let state = MonitorState(options: CollectorOptions(window: .all(slide: 30), lateness: 30))
        for i in 0..<600 {
            if i == 300, let hostile { hostile.withUnsafeBufferPointer { state.ingestLine($0) } }
            good(i).withUnsafeBufferPointer { state.ingestLine($0) }
        }
        state.finish()
        return state.snapshot(now: 0)
    }

    @Test("every good event is counted and measured the same, whatever the hostile line")
    func everyGoodEventCounted() {
        let clean = Self.run(nil)
        let expected = clean.metrics.filter { $0.labels["model"] == "good" }
        #expect(clean.value("events_total", ["model": "good"]) == 600)
        for (name, line) in Self.hostile(at: 300) {
            let s = Self.run(line)
            #expect(s.events + s.malformed.total >= 601, "\(name): the hostile line was neither an event nor malformed")
            #expect(s.late == 0, "\(name)")
            let got = s.metrics.filter { $0.labels["model"] == "good" }
            let exact = Dictionary(got.map { ("\($0.name)\($0.labels)", $0.value) }, uniquingKeysWith: { a, _ in a })
            for m in expected where !m.name.hasPrefix("drift") {
                let value = exact["\(m.name)\(m.labels)"]
                #expect(value == m.value || (value?.isNaN == true && m.value.isNaN), "\(name): \(m.name)\(m.labels) \(String(describing: value)) vs \(m.value)")
            }
            for line in s.malformed.recent {
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(name)")
                #expect(line.unicodeScalars.count < 400, "\(name): a remembered line is not cut")
            }
        }
    }
}
