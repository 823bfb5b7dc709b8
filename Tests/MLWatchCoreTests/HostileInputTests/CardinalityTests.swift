import Foundation
import Testing
@testable import MLWatchCore

/// A producer that invents a model or feature name on every line: the metrics layer keeps at most
/// `maxGroups` groups and `maxFeaturesPerGroup` features apart, counts the rest in `(other)`, reports
/// the cap, and never mixes a group's events: what it keeps apart is exactly what an uncapped window says.
@Suite("Hostile cardinality")
struct CardinalityTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func line(_ i: Int, model: String, features: [(String, String)], version: String = "v1") -> String {
        let f = features.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        return #"{"ts":\#(1_767_600_000 + i),"model":"\#(model)","version":"\#(version)","latency_ms":\#(i % 50),"status":"\#(i % 7 == 0 ? "error" : "ok")","features":{\#(f)},"prediction":\#(i % 2),"score":0.\#(i % 10)}"#
    }

    static func state(maxGroups: Int, maxFeatures: Int, segmentBy: String? = nil, window: WindowSpec = .time(size: 60, slide: 10)) -> MonitorState {
        MonitorState(options: CollectorOptions(window: window, lateness: 0,
                                               metrics: MetricOptions(segmentBy: segmentBy, maxGroups: maxGroups, maxFeaturesPerGroup: maxFeatures)))
    }

    @Test("skewed traffic over many models: kept groups are exact, (other) holds the rest, busy models win places",
          arguments: [nil, "country"] as [String?])
    func keptGroupsAreExact(segmentBy: String?) {
        var rng = Rng(state: 7)
        let capped = Self.state(maxGroups: 6, maxFeatures: 4, segmentBy: segmentBy)
        let full = Self.state(maxGroups: 100_000, maxFeatures: 100_000, segmentBy: segmentBy)
        for i in 0..<3000 {
            // A few busy models (changing over time) and a long tail of rare ones; a long tail of features too.
            let model = rng.below(3) > 0 ? "busy\((rng.below(3) + i / 1000) % 5)" : "rare\(rng.below(60))"
            var features = [("amount", String(rng.below(100))), ("country", "\"\(["DE", "FR", "US"][rng.below(3)])\"")]
            if rng.below(4) == 0 { features.append(("f\(rng.below(12))", String(rng.below(5)))) }
            let line = Self.line(i / 20, model: model, features: features)
            capped.ingestLine(line)
            full.ingestLine(line)
        }
        let a = capped.snapshot(now: 0)
        let b = full.snapshot(now: 0)
        #expect(a.cardinality.overflowGroups > 0 && a.cardinality.maxGroups == 6, "\(a.cardinality)")
        #expect(a.cardinality.groups <= 6 * (segmentBy == nil ? 1 : 2))
        let other = Cardinality.overflowName
        let exact = Dictionary(b.metrics.map { ("\($0.name)\($0.labels)", $0.value) }, uniquingKeysWith: { x, _ in x })
        var compared = 0
        for m in a.metrics where m.labels["model"] != nil && m.labels["model"] != other {
            // A kept feature's metrics, or a group's own: the same as without a cap.
            guard let expected = exact["\(m.name)\(m.labels)"] else {
                Issue.record("\(m.name)\(m.labels) is not in the uncapped window")
                continue
            }
            #expect(m.value == expected || (m.value.isNaN && expected.isNaN), "\(m.name)\(m.labels): \(m.value) vs \(expected)")
            compared += 1
        }
        #expect(compared > 50)
        // Every event of the window is counted once at each level: kept groups plus (other).
        let plain = a.metrics.filter { $0.name == "events_total" && $0.labels["segment"] == nil }.map(\.value).reduce(0, +)
        let total = b.metrics.filter { $0.name == "events_total" && $0.labels["segment"] == nil }.map(\.value).reduce(0, +)
        #expect(plain == total)
        let overflow = a.metrics.first { $0.name == "events_total" && $0.labels["model"] == other && $0.labels["segment"] == nil }
        #expect(overflow?.value == Double(a.cardinality.overflowEvents))
        // The busy models of the end of the log have their own groups.
        for busy in ["busy2", "busy3", "busy4"] {
            #expect(a.metrics.contains { $0.name == "events_total" && $0.labels["model"] == busy && $0.labels["segment"] == nil },
                    "\(busy) is not kept apart")
        }
    }

    @Test("a new model and a new feature name on every line: groups and features stay within their caps")
    func newNamesEveryLine() {
        let state = Self.state(maxGroups: 50, maxFeatures: 20, window: .time(size: 30, slide: 5))
        for i in 0..<20_000 {
            state.ingestLine(Self.line(i / 10, model: "m\(i)", features: [("x\(i)", "1"), ("amount", "2")]))
        }
        let s = state.snapshot(now: 0)
        let models = Set(s.metrics.compactMap { $0.labels["model"] })
        #expect(models.count <= 51, "\(models.count) groups")
        #expect(s.cardinality.overflowGroups > 0 && s.cardinality.overflowGroups <= 310)
        #expect(s.events == 20_000)
        let json = SnapshotJSON.encode(s)
        #expect(json.contains("\"cardinality\":{\"max_groups\":50,"), "\(json.prefix(300))")
    }

    @Test("one group with a new feature name on every line keeps at most maxFeaturesPerGroup features")
    func newFeatureEveryLine() {
        let state = Self.state(maxGroups: 10, maxFeatures: 8, window: .time(size: 30, slide: 5))
        for i in 0..<5_000 {
            state.ingestLine(Self.line(i / 10, model: "m", features: [("x\(i)", "1"), ("amount", "\(i % 9)")]))
        }
        let s = state.snapshot(now: 0)
        let features = Set(s.metrics.compactMap { $0.labels["feature"] })
        #expect(features.count <= 8 && features.contains("amount"), "\(features.sorted())")
        #expect(s.cardinality.overflowFeatures > 0)
        #expect(s.value("feature_count", ["feature": "amount"]) == s.value("events_total", ["model": "m"]))
    }
}
