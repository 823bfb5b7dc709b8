import Foundation
import Testing

@testable import MLWatchCore

/// `drift.min_samples` applies to the reference's values of a column as to the window's: a reference of the
/// first 20 events, a profile of a tiny log, or a column mostly null in the reference is not a sample to
/// test against. The column is untested (`side: reference`, `ref 20<30`), however many values the window has.
@Suite("Drift is not tested against a reference below min_samples")
struct DriftReferenceMinSamplesTests {
    static let t0 = DriftMinSamplesTests.t0

    /// `DriftMinSamplesTests.lines()` (300 reference events, then v1 with 40 and v2 with 5 in the window)
    /// against a reference of its first `first` events.
    static func snapshot(first: Int, minSamples: Int, rules: [AlertRule] = [], compare: Bool = false,
                         segmentBy: String? = nil) -> Snapshot {
        let metrics = MetricOptions(segmentBy: segmentBy, compare: compare ? CompareOptions(baseline: "v1", minSamples: minSamples) : nil,
                                    driftMinSamples: minSamples)
        let options = CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5, metrics: metrics)
        let s = MonitorState(options: options, mode: .check, drift: DriftMonitor(source: .firstEvents(first)),
                             rules: rules.isEmpty ? nil : RuleEngine(rules: rules))
        for l in DriftMinSamplesTests.lines() { s.ingestLine(l) }
        s.finish()
        return s.snapshot(now: 0)
    }

    @Test("a reference of the first 20 events: every column untested for want of reference values, named as such")
    func firstEvents() throws {
        let snap = Self.snapshot(first: 20, minSamples: 30)
        #expect(snap.metrics.filter { $0.name.hasPrefix("drift_") }.isEmpty, "\(snap.metrics.filter { $0.name.hasPrefix("drift_") })")
        let v1 = snap.driftUntested.filter { $0.labels["version"] == "v1" }
        #expect(Set(v1.map { $0.labels["feature"] ?? "" }) == ["x", "c", "prediction", "score"])
        // v1 has 40 window values (enough), v2 has 5 (not): the reference is named for both, as it is what
        // keeps the column untested whatever the window holds.
        #expect(snap.driftUntested.allSatisfy { $0.side == .reference && $0.values == 20 && $0.minSamples == 30 })
        let x = try #require(snap.features.first { $0.labels["version"] == "v1" && $0.name == "x" })
        #expect(x.drift == nil)
        let note = try #require(x.driftUntested)
        #expect(note.short == "ref 20<30")
        #expect(note.message == "not tested: the reference has 20 values < min_samples 30")
        #expect(note.fleetBins != nil, "the window's counts on the reference's bins are still computed")
        #expect(snap.outputs.first { $0.labels["version"] == "v1" }?.driftUntested["prediction"]?.side == .reference)
        #expect(snap.metric("drift_share", ["version": "v1"]) == nil)

        let doc = try #require(try JSONSerialization.jsonObject(with: Data(SnapshotJSON.encode(snap).utf8)) as? [String: Any])
        let list = try #require(doc["drift_untested"] as? [[String: Any]])
        let entry = try #require(list.first { ($0["labels"] as? [String: String]) == ["model": "m", "version": "v1", "feature": "x"] })
        #expect(entry["side"] as? String == "reference")
        #expect(entry["values"] as? Int == 20)
        #expect(entry["message"] as? String == "not tested: the reference has 20 values < min_samples 30")
    }

    @Test("at min_samples reference values a column is tested, with the numbers it has without the gate")
    func boundary() throws {
        let v1x = ["version": "v1", "feature": "x"]
        let ungated = Self.snapshot(first: 30, minSamples: 1)
        let tested = Self.snapshot(first: 30, minSamples: 30)
        #expect(tested.value("drift_detected", v1x) == 1)
        #expect(DriftMinSamplesTests.driftSamples(tested, v1x) == DriftMinSamplesTests.driftSamples(ungated, v1x))
        #expect(!tested.driftUntested.contains { $0.side == .reference })
        let untested = Self.snapshot(first: 30, minSamples: 31)
        #expect(DriftMinSamplesTests.driftSamples(untested, v1x).isEmpty)
        #expect(untested.features.first { $0.labels["version"] == "v1" && $0.name == "x" }?.driftUntested?.short == "ref 30<31")
    }

    @Test("a rule cannot fire on a column tested against too small a reference")
    func rules() throws {
        let rule = try AlertRule(name: "XDrift", expr: #"drift_detected{feature="x"} > 0.5"#)
        #expect(Self.snapshot(first: 20, minSamples: 30, rules: [rule]).timeline.isEmpty)
        #expect(Self.snapshot(first: 300, minSamples: 30, rules: [rule]).timeline.contains { $0.to == .firing })
    }

    @Test("per group and per segment, and with a compare baseline: the reference's count gates each group's test")
    func groupsAndCompare() throws {
        let segmented = Self.snapshot(first: 20, minSamples: 30, segmentBy: "c")
        let segments = segmented.driftUntested.filter { $0.labels["segment"] != nil }
        #expect(!segments.isEmpty)
        #expect(segments.allSatisfy { $0.side == .reference && $0.values == 20 })
        #expect(!segmented.metrics.contains { $0.name.hasPrefix("drift_") })

        // With `compare`: v2 against the baseline v1 is gated by the baseline's and v2's window counts (v2 has
        // 5), the drift against the reference by the reference's count.
        let compared = Self.snapshot(first: 20, minSamples: 5, compare: true)
        #expect(compared.value("drift_detected", ["version": "v1", "feature": "x"]) == 1, "20 reference values ≥ 5: tested")
        let tight = Self.snapshot(first: 20, minSamples: 21, compare: true)
        let reference = tight.driftUntested.filter { $0.labels["baseline"] == nil }
        #expect(!reference.isEmpty && reference.allSatisfy { $0.side == .reference })
        let version = try #require(tight.versions.first?.versions.first { $0.version == "v2" })
        #expect(version.driftUntested["x"]?.side == .window, "v2's 5 values, not the reference, gate the comparison")
    }

    /// A categorical column present on 10 of 300 reference lines (null elsewhere) is untested; the numeric
    /// one beside it, present on every line, is tested.
    @Test("a column with few non-null reference values is untested while the others are tested")
    func sparseColumnInTheReference() throws {
        var rng = PTRandom(seed: 5)
        var lines: [String] = []
        for i in 0..<300 {
            let c = i % 30 == 0 ? #""a""# : "null"
            lines.append(#"{"ts":\#(Self.t0 + Double(i) * 0.1),"model":"m","features":{"x":\#(rng.uniform()),"c":\#(c)},"prediction":1}"#)
        }
        for i in 0..<40 {
            lines.append(#"{"ts":\#(Self.t0 + 2000 + Double(i)),"model":"m","features":{"x":\#(3 + rng.uniform()),"c":"b"},"prediction":1}"#)
        }
        let options = CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5, metrics: MetricOptions(driftMinSamples: 30))
        let s = MonitorState(options: options, mode: .check, drift: DriftMonitor(source: .firstEvents(300)))
        for l in lines { s.ingestLine(l) }
        s.finish()
        let snap = s.snapshot(now: 0)
        #expect(snap.value("drift_detected", ["feature": "x"]) == 1)
        let c = try #require(snap.features.first { $0.name == "c" }?.driftUntested)
        #expect(c.side == .reference && c.values == 10 && c.short == "ref 10<30")
        #expect(DriftMinSamplesTests.driftSamples(snap, ["feature": "c"]).isEmpty)
        // drift_share over the tested feature only.
        #expect(snap.value("drift_share", [:]) == 1 && snap.value("drift_features_detected", [:]) == 1)
    }

    /// A saved profile (written and read back) with 12 values of `x` and 40 of `c`.
    @Test("a saved profile of a tiny log gates the same way")
    func profile() throws {
        var rng = PTRandom(seed: 8)
        let profile = ReferenceProfile(sources: ["tiny.jsonl"], events: 40, from: Self.t0, to: Self.t0 + 40, columns: [
            "x": .numeric(NumericReference(values: (0..<12).map { _ in rng.uniform() })),
            "c": .categorical(CategoricalReference(counts: ["a": 20, "b": 20])),
        ])
        let loaded = try ReferenceProfile.decode(try profile.encoded(), path: "tiny.profile")
        let monitor = DriftMonitor(source: .profile(loaded))
        #expect(monitor.referenceCount(column: "x") == 12 && monitor.referenceCount(column: "c") == 40)
        #expect(monitor.referenceCount(column: "nope") == nil)
        let options = CollectorOptions(window: .all(slide: 30), lateness: 5, metrics: MetricOptions(driftMinSamples: 30))
        let s = MonitorState(options: options, mode: .check, drift: monitor)
        for i in 0..<50 {
            s.ingestLine(#"{"ts":\#(Self.t0 + Double(i)),"model":"m","features":{"x":\#(rng.uniform()),"c":"\#(i % 2 == 0 ? "a" : "b")"},"prediction":1}"#)
        }
        s.finish()
        let snap = s.snapshot(now: 0)
        #expect(snap.features.first { $0.name == "x" }?.driftUntested?.short == "ref 12<30")
        #expect(snap.features.first { $0.name == "c" }?.drift != nil, "40 reference values of c: tested")
        #expect(DriftMinSamplesTests.driftSamples(snap, ["feature": "x"]).isEmpty)
    }
}
