import Foundation
import Testing

@testable import MLWatchCore

/// `compare` and `fairness` through the engine: the metrics in snapshots and in rule evaluations, the
/// versions and fairness summaries, labels of shadowed requests, and the warnings for a configuration the
/// data do not support.
@Suite("Versions side by side and fairness in the engine")
struct VersionComparisonTests {
    static let t0 = 1_795_000_000.0

    /// 1200 s at 2 predictions/s of v1 (baseline); v2 (canary) answers other requests and its `x` is shifted;
    /// v3 (shadow) answers every other v1 request with the same id, disagreeing on every fifth pair. Group
    /// C is selected far less often. Labels arrive 30 s after each v1 prediction.
    static func lines(count: Int = 2400, shadowFlipsEvery: Int = 5) -> [String] {
        var rng = PTRandom(seed: 7)
        var out: [(Double, String)] = []
        for i in 0..<count {
            let t = t0 + Double(i) * 0.5
            let group = ["A", "B", "C"][i % 3]
            let x = rng.uniform() * 10
            let p = group == "C" ? (i % 7 == 0 ? 1 : 0) : (rng.uniform() < 0.6 ? 1 : 0)
            if i % 10 == 9 {
                // The canary: its own request ids, x shifted.
                out.append((t, #"{"ts":\#(t),"model":"m","version":"v2","request_id":"c\#(i)","latency_ms":\#(30 + rng.uniform() * 10),"features":{"x":\#(x + 5),"grp":"\#(group)"},"prediction":\#(p),"score":0.5}"#))
                continue
            }
            out.append((t, #"{"ts":\#(t),"model":"m","version":"v1","request_id":"r\#(i)","latency_ms":\#(20 + rng.uniform() * 10),"features":{"x":\#(x),"grp":"\#(group)"},"prediction":\#(p),"score":0.5}"#))
            if i % 2 == 0 {
                let q = (i / 2) % shadowFlipsEvery == 0 ? 1 - p : p
                out.append((t + 0.01, #"{"ts":\#(t + 0.01),"model":"m","version":"v3","request_id":"r\#(i)","latency_ms":\#(20 + rng.uniform() * 10),"features":{"x":\#(x),"grp":"\#(group)"},"prediction":\#(q),"score":0.5}"#))
            }
            let truth = rng.uniform() < 0.8 ? p : 1 - p
            out.append((t + 30, #"{"ts":\#(t + 30),"type":"label","request_id":"r\#(i)","label":\#(truth)}"#))
        }
        return out.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func state(baseline: String? = "v1", fairness: FairnessOptions? = FairnessOptions(groupBy: "grp"),
                      rules: [AlertRule] = []) -> MonitorState {
        let metrics = MetricOptions(compare: baseline.map { CompareOptions(baseline: $0) }, fairness: fairness)
        return MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5, metrics: metrics),
                            mode: .check, rules: rules.isEmpty ? nil : RuleEngine(rules: rules))
    }

    static func run(_ s: MonitorState, _ lines: [String] = lines()) -> Snapshot {
        for l in lines { s.ingestLine(l) }
        s.finish()
        return s.snapshot(now: 0)
    }

    @Test("traffic share, drift against the baseline, shadow agreement and labels for both versions")
    func snapshotMetrics() throws {
        let snap = Self.run(Self.state())
        #expect(snap.warnings.isEmpty)
        let shares = ["v1", "v2", "v3"].map { snap.value("traffic_share", ["version": $0]) ?? -1 }
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12 && shares.allSatisfy { $0 > 0 })

        // v2 against v1 in the same window: the same numbers as the drift calculator on the two columns.
        let window = try #require(snap.windowFrom).nextUp...(try #require(snap.windowTo))
        var v1: [Double] = []
        var v2: [Double] = []
        for l in Self.lines() where !l.contains("\"label\"") {
            guard case .event(.prediction(let p)) = EventParser().parse(l), window.contains(p.timestamp),
                  case .number(let x) = p.feature("x") else { continue }
            if p.version == "v1" { v1.append(x) } else if p.version == "v2" { v2.append(x) }
        }
        let direct = try DriftCalculator.numeric(reference: NumericReference(values: v1), current: v2)
        let labels = ["version": "v2", "baseline": "v1", "feature": "x"]
        #expect(snap.value("drift_psi", labels) == direct.psi)
        #expect(snap.value("drift_ks_stat", labels) == direct.ksStatistic)
        #expect(snap.value("drift_detected", labels) == 1)
        #expect(snap.metric("drift_psi", ["version": "v1", "baseline": "v1"]) == nil, "the baseline is not compared with itself")
        #expect(snap.value("drift_detected", ["version": "v3", "baseline": "v1", "feature": "x"]) == 0)

        // The shadow: every fifth pair disagrees; the canary has no pairs.
        let rate = try #require(snap.value("shadow_agreement_rate", ["version": "v3", "baseline": "v1"]))
        #expect(abs(rate - 0.8) < 0.01)
        #expect(snap.value("shadow_pairs_total", ["version": "v2"]) == 0)
        #expect(snap.metric("shadow_agreement_rate", ["version": "v2"]) == nil)

        // A label for a shadowed request counts for both versions: each has as many labels as predictions
        // old enough for their label (30 s) to have arrived.
        let v1Labelled = try #require(snap.value("labelled_total", ["version": "v1"]))
        let v3Labelled = try #require(snap.value("labelled_total", ["version": "v3"]))
        let v1Events = try #require(snap.value("events_total", ["version": "v1"]))
        let v3Events = try #require(snap.value("events_total", ["version": "v3"]))
        #expect(v1Events - v1Labelled <= 60 && v1Labelled > 900)
        #expect(v3Events - v3Labelled <= 31 && v3Labelled > 450)

        // The versions view's summary: baseline first, the shadow's disagreements, significance tests.
        let summary = try #require(snap.versions.first)
        #expect(summary.baselinePresent && summary.versions.map(\.version) == ["v1", "v2", "v3"])
        let v3 = summary.versions[2]
        #expect(v3.shadow?.pairs == Int(try #require(snap.value("shadow_pairs_total", ["version": "v3"]))))
        #expect(v3.shadow?.disagreements.count == ShadowPairing.maxDisagreements)
        #expect(summary.versions[1].latencyDrift?.detected == true, "v2's latency is 10 ms higher")
        #expect(v3.latencyDrift?.detected == false)
        #expect(summary.versions[1].featureDrift["x"]?.detected == true)
        #expect(summary.versions[1].errorRatePValue == 1, "no errors on either side")
        #expect(v3.accuracyPValue.map { $0 < 0.05 } == true, "the shadow is wrong where it disagrees")
    }

    @Test("fairness per version: group C's low selection rate shows in the gaps")
    func fairnessMetrics() throws {
        let snap = Self.run(Self.state())
        let c = try #require(snap.value("selection_rate", ["version": "v1", "group": "C"]))
        let a = try #require(snap.value("selection_rate", ["version": "v1", "group": "A"]))
        #expect(c < 0.2 && a > 0.5)
        let dpd = try #require(snap.value("demographic_parity_difference", ["version": "v1"]))
        let rates = ["A", "B", "C"].compactMap { snap.value("selection_rate", ["version": "v1", "group": $0]) }
        #expect(dpd == rates.max()! - rates.min()!)
        #expect(snap.value("demographic_parity_ratio", ["version": "v1"]) == rates.min()! / rates.max()!)
        #expect(snap.value("equalized_odds_difference", ["version": "v1"]) != nil)
        let summary = try #require(snap.fairness.first { $0.labels["version"] == "v1" })
        #expect(summary.groups.map(\.name) == ["A", "B", "C"])
        // v2 has ~40 predictions per group in the window and no labels: selection rates, no TPR (n/a).
        let v2 = try #require(snap.fairness.first { $0.labels["version"] == "v2" })
        #expect(v2.groups.allSatisfy { $0.truePositiveRate == nil && $0.labelled == 0 })
        #expect(snap.metric("true_positive_rate", ["version": "v2"]) == nil)
        #expect(snap.metric("equalized_odds_difference", ["version": "v2"]) == nil)
    }

    @Test("an unknown baseline or group_by feature is a warning in the snapshot and its JSON, not silence")
    func badConfigurationWarns() throws {
        let snap = Self.run(Self.state(baseline: "v9", fairness: FairnessOptions(groupBy: "applicant_group")))
        let topics = snap.warnings.map(\.topic)
        #expect(topics.filter { $0 == "compare" }.count == 1)
        #expect(topics.filter { $0 == "fairness" }.count == 3, "one per version")
        #expect(snap.warnings.contains { $0.message.contains("baseline version v9") && $0.message.contains("versions: v1, v2, v3") })
        #expect(snap.metrics.allSatisfy { $0.labels["baseline"] == nil })
        #expect(snap.metric("selection_rate") == nil)
        let json = SnapshotJSON.encode(snap)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let warnings = try #require(doc["warnings"] as? [[String: Any]])
        #expect(warnings.count == 4)
        #expect((warnings.first?["message"] as? String)?.contains("v9") == true)
    }

    @Test("without compare and fairness: no comparison, no scan, labels join the newest prediction as before")
    func offChangesNothing() throws {
        let snap = Self.run(Self.state(baseline: nil, fairness: nil))
        #expect(snap.versions.isEmpty && snap.fairness.isEmpty && snap.warnings.isEmpty)
        #expect(snap.metrics.allSatisfy { $0.labels["baseline"] == nil && $0.labels["group"] == nil })
        #expect(snap.metric("traffic_share", ["version": "v1"]) != nil, "traffic share needs no config")
        // The shadow's prediction came second: the label joins it, and v1's shadowed requests stay unlabelled.
        let v1Labelled = try #require(snap.value("labelled_total", ["version": "v1"]))
        let v1Events = try #require(snap.value("events_total", ["version": "v1"]))
        #expect(v1Events - v1Labelled > 400)
    }

    @Test("rules read the new metrics at evaluations: shadow agreement, drift against the baseline, fairness gaps")
    func rulesFire() throws {
        let rules = [
            try AlertRule(name: "ShadowDisagrees", expr: #"shadow_agreement_rate{version="v3"} < 0.9"#, forDuration: 60),
            try AlertRule(name: "CanaryDrift", expr: #"drift_psi{feature="x", baseline="v1"} > 0.2"#, forDuration: 60),
            try AlertRule(name: "Parity", expr: #"demographic_parity_difference{version="v1"} > 0.3"#, forDuration: 60),
            try AlertRule(name: "Traffic", expr: #"traffic_share{version="v2"} > 0.05"#, forDuration: 60),
            try AlertRule(name: "NeverV1", expr: #"drift_psi{version="v1", baseline="v1"} > 0"#),
        ]
        let s = Self.state(rules: rules)
        _ = Self.run(s)
        let fired = Set((s.rules?.timeline ?? []).filter { $0.to == .firing }.map(\.rule))
        #expect(fired == ["ShadowDisagrees", "CanaryDrift", "Parity", "Traffic"])
        let canary = try #require(s.rules?.timeline.first { $0.rule == "CanaryDrift" && $0.to == .firing })
        #expect(canary.labels["version"] == "v2" && canary.labels["baseline"] == "v1")
    }

    @Test("which comparison columns rule evaluations need")
    func evaluationScope() throws {
        func scope(_ exprs: String...) throws -> DriftScope {
            VersionComparison.scope(for: try exprs.enumerated().map { try AlertRule(name: "r\($0.offset)", expr: $0.element) },
                                    baseline: "v1")
        }
        #expect(try scope("latency_p99_ms > 1") == .none)
        #expect(try scope(#"drift_psi{feature="x", version="v1"} > 0.2"#) == .none)
        #expect(try scope(#"drift_psi{feature="x", baseline="v0"} > 0.2"#) == .none)
        #expect(try scope(#"drift_psi{feature="x"} > 0.2"#) == .columns(["x"], ksPValue: false))
        #expect(try scope(#"drift_ks_pvalue{feature="x", baseline="v1"} < 0.05"#) == .columns(["x"], ksPValue: true))
        #expect(try scope(#"drift_share{baseline="v1"} > 0.5"#) == .all)
        #expect(try scope(#"drift_psi > 0.2"#) == .all)
    }
}

@Suite("Versions and fairness on free text")
struct VersionComparisonTextTests {
    @Test("a free-text feature is compared by its lengths and is not a fairness group")
    func freeText() throws {
        let metrics = MetricOptions(maxCategories: 10, compare: CompareOptions(baseline: "v1"),
                                    fairness: FairnessOptions(groupBy: "note"))
        let s = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5, metrics: metrics), mode: .check)
        for i in 0..<400 {
            let version = i % 2 == 0 ? "v1" : "v2"
            // v2 writes notes twice as long.
            let note = String(repeating: "x", count: (i % 2 == 0 ? 5 : 10) + i % 7) + "\(i)"
            s.ingestLine(#"{"ts":\#(1_795_000_000 + i),"version":"\#(version)","request_id":"r\#(i)","features":{"note":"\#(note)"},"prediction":1}"#)
        }
        let snap = s.snapshot(now: 0)
        #expect(snap.value("drift_detected", ["version": "v2", "baseline": "v1", "feature": "note"]) == 1)
        #expect(snap.metric("selection_rate") == nil)
        #expect(snap.warnings.count == 2 && snap.warnings.allSatisfy { $0.message.contains("free text") })
    }
}
