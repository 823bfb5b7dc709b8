import Foundation
import Testing

@testable import MLWatchCore

/// `drift.min_samples`: a column with fewer values than that in the window (or, against a `compare`
/// baseline, on either side) is not tested — no `drift_*` samples, left out of `drift_share`, and said so.
@Suite("Drift is not tested below min_samples")
struct DriftMinSamplesTests {
    static let t0 = 1_795_000_000.0

    /// 300 reference events (the stream's first, `x` around 0), then, 2000 s later, `v1` with 40 events and
    /// `v2` with 5, both with `x` shifted by 3 (drift when tested).
    static func lines() -> [String] {
        var rng = PTRandom(seed: 11)
        var out: [String] = []
        for i in 0..<300 {
            let t = t0 + Double(i) * 0.1
            out.append(#"{"ts":\#(t),"model":"m","version":"v1","features":{"x":\#(rng.uniform()),"c":"\#(["a", "b"][i % 2])"},"prediction":\#(i % 2),"score":\#(rng.uniform())}"#)
        }
        for i in 0..<45 {
            let t = t0 + 2000 + Double(i)
            let version = i % 9 == 4 ? "v2" : "v1"
            out.append(#"{"ts":\#(t),"model":"m","version":"\#(version)","features":{"x":\#(3 + rng.uniform()),"c":"a"},"prediction":1,"score":\#(rng.uniform())}"#)
        }
        return out
    }

    static func snapshot(minSamples: Int, rules: [AlertRule] = []) -> Snapshot {
        let options = CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5,
                                       metrics: MetricOptions(driftMinSamples: minSamples))
        let s = MonitorState(options: options, mode: .check, drift: DriftMonitor(source: .firstEvents(300)),
                             rules: rules.isEmpty ? nil : RuleEngine(rules: rules))
        for l in lines() { s.ingestLine(l) }
        s.finish()
        return s.snapshot(now: 0)
    }

    static func driftSamples(_ snap: Snapshot, _ labels: [String: String]) -> [MetricSample] {
        snap.metrics.filter { m in m.name.hasPrefix("drift_") && labels.allSatisfy { m.labels[$0.key] == $0.value } }
    }

    @Test("at N−1 values a column is not tested, at N it is, with the same numbers as without the gate")
    func gateAtTheBoundary() throws {
        let ungated = Self.snapshot(minSamples: 1)
        let n = Int(try #require(ungated.value("feature_count", ["version": "v1", "feature": "x"])))
        #expect(n >= 30)
        let v1x = ["version": "v1", "feature": "x"]
        #expect(ungated.value("drift_detected", v1x) == 1)

        let tested = Self.snapshot(minSamples: n)
        #expect(Self.driftSamples(tested, v1x) == Self.driftSamples(ungated, v1x), "the gate changes no number")
        #expect(tested.features.first { $0.labels["version"] == "v1" && $0.name == "x" }?.driftUntested == nil)

        let untested = Self.snapshot(minSamples: n + 1)
        #expect(Self.driftSamples(untested, v1x).isEmpty)
        let feature = try #require(untested.features.first { $0.labels["version"] == "v1" && $0.name == "x" })
        #expect(feature.drift == nil)
        let note = try #require(feature.driftUntested)
        #expect(note.values == n && note.minSamples == n + 1 && note.side == .window)
        #expect(note.short == "n \(n)<\(n + 1)")
        #expect(note.message == "not tested: \(n) values < min_samples \(n + 1)")
        #expect(note.fleetBins != nil, "the window's fleet bins are still exported")
        #expect(untested.driftUntested.contains(note))
        // Every column of v1 is now below the gate: no share over nothing.
        #expect(untested.metric("drift_share", ["version": "v1"]) == nil)
    }

    @Test("the gate is per model/version group, and drift_share counts only the tested columns")
    func perGroup() throws {
        let snap = Self.snapshot(minSamples: 30)
        #expect(snap.value("drift_detected", ["version": "v1", "feature": "x"]) == 1)
        #expect(Self.driftSamples(snap, ["version": "v2"]).isEmpty, "v2 has 5 events: nothing of it is tested")
        let untested = snap.driftUntested.filter { $0.labels["version"] == "v2" }
        #expect(Set(untested.map { $0.labels["feature"] ?? "" }) == ["x", "c", "prediction", "score"])
        #expect(untested.allSatisfy { $0.values == 5 && $0.minSamples == 30 })
        #expect(snap.outputs.first { $0.labels["version"] == "v2" }?.driftUntested["prediction"]?.values == 5)
        // v1: x drifted, c (all "a" against a/b) drifted: 2 of 2 tested.
        #expect(snap.value("drift_share", ["version": "v1"]) == 1)
        #expect(snap.value("drift_features_detected", ["version": "v1"]) == 2)
    }

    @Test("a rule cannot fire on an untested column")
    func rulesSeeNothing() throws {
        let rule = try AlertRule(name: "XDrift", expr: #"drift_detected{feature="x"} > 0.5"#)
        let snap = Self.snapshot(minSamples: 30, rules: [rule])
        let fired = Set(snap.timeline.filter { $0.to == .firing }.compactMap { $0.labels["version"] })
        #expect(fired == ["v1"])
    }

    @Test("JSON lists the untested columns with their counts")
    func json() throws {
        let snap = Self.snapshot(minSamples: 30)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(SnapshotJSON.encode(snap).utf8)) as? [String: Any])
        let list = try #require(doc["drift_untested"] as? [[String: Any]])
        let x = try #require(list.first { ($0["labels"] as? [String: String]) == ["model": "m", "version": "v2", "feature": "x"] })
        #expect(x["values"] as? Int == 5)
        #expect(x["min_samples"] as? Int == 30)
        #expect(x["side"] as? String == "window")
        #expect(x["message"] as? String == "not tested: 5 values < min_samples 30")
        let metrics = try #require(doc["metrics"] as? [[String: Any]])
        #expect(!metrics.contains { ($0["name"] as? String)?.hasPrefix("drift_") == true
            && ($0["labels"] as? [String: String])?["version"] == "v2" })
    }

    // MARK: compare

    /// In one window: `v1` (the baseline) with `base` events, `v2` with `current`, `x` shifted in v2.
    static func compareSnapshot(base: Int, current: Int, minSamples: Int) -> Snapshot {
        var rng = PTRandom(seed: 3)
        var lines: [String] = []
        for i in 0..<max(base, current) {
            let t = t0 + Double(i)
            if i < base {
                lines.append(#"{"ts":\#(t),"model":"m","version":"v1","features":{"x":\#(rng.uniform())},"prediction":1}"#)
            }
            if i < current {
                lines.append(#"{"ts":\#(t + 0.5),"model":"m","version":"v2","features":{"x":\#(2 + rng.uniform())},"prediction":1}"#)
            }
        }
        let metrics = MetricOptions(compare: CompareOptions(baseline: "v1", minSamples: minSamples), driftMinSamples: minSamples)
        let s = MonitorState(options: CollectorOptions(window: .all(slide: 30), lateness: 5, metrics: metrics), mode: .check)
        for l in lines { s.ingestLine(l) }
        s.finish()
        return s.snapshot(now: 0)
    }

    @Test("against a baseline both sides count: the baseline's window sample too", arguments: [
        (10, 50, DriftUntested.Side.baseline, 10), (50, 10, .window, 10), (12, 11, .window, 11), (11, 12, .baseline, 11),
    ])
    func compareSides(base: Int, current: Int, side: DriftUntested.Side, values: Int) throws {
        let labels = ["version": "v2", "baseline": "v1", "feature": "x"]
        let snap = Self.compareSnapshot(base: base, current: current, minSamples: 20)
        #expect(Self.driftSamples(snap, labels).isEmpty)
        #expect(snap.metric("drift_share", ["version": "v2", "baseline": "v1"]) == nil)
        let version = try #require(snap.versions.first?.versions.first { $0.version == "v2" })
        #expect(version.featureDrift["x"] == nil)
        let note = try #require(version.driftUntested["x"])
        #expect(note.side == side && note.values == values && note.minSamples == 20)
        #expect(snap.driftUntested.contains(note))
        if side == .baseline { #expect(note.message == "not tested: the baseline has \(values) values < min_samples 20") }
    }

    @Test("against a baseline with enough values on both sides: tested, the same numbers as without the gate")
    func compareTested() {
        let labels = ["version": "v2", "baseline": "v1", "feature": "x"]
        let gated = Self.compareSnapshot(base: 20, current: 20, minSamples: 20)
        let ungated = Self.compareSnapshot(base: 20, current: 20, minSamples: 1)
        #expect(gated.value("drift_detected", labels) == 1)
        #expect(Self.driftSamples(gated, labels) == Self.driftSamples(ungated, labels))
        #expect(gated.driftUntested.isEmpty)
    }

    // MARK: config

    @Test("drift.min_samples: default 30, reaches the metric and compare options")
    func config() throws {
        #expect(try MLWatchConfig.parse(yaml: "window: all").drift.minSamples == 30)
        let c = try MLWatchConfig.parse(yaml: "drift: {min_samples: 5}\ncompare: {baseline: v1}")
        #expect(c.drift.minSamples == 5)
        #expect(c.collectorOptions.metrics.driftMinSamples == 5)
        #expect(c.collectorOptions.metrics.compare?.minSamples == 5)
    }

    @Test("drift.min_samples must be a whole number ≥ 1, refused with its place", arguments: [
        ("drift: {min_samples: 0}", "at least 1"), ("drift: {min_samples: -3}", "at least 1"),
        ("drift: {min_samples: 2.5}", "whole number"), ("drift: {min_samples: many}", "whole number"),
        ("drift: {min_samples: 99999999999}", "at most"), ("drift: {min_sample: 3}", "min_sample"),
    ])
    func configErrors(_ yaml: String, _ mentions: String) {
        expectConfigRefused(yaml, mentioning: mentions)
    }
}
