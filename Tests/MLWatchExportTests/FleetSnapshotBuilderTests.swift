import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// From the answers of the fleet queries to the snapshot the panels draw: names and labels of the
/// vocabulary, the fleet PSI with its bins or the worst instance's test, output summaries, alerts grouped
/// over instances, the Instances view's order, Alertmanager's states, range answers and history.
@Suite struct FleetSnapshotBuilderTests {
    private func s(_ stat: String, _ labels: [String: String], _ value: Double) -> PromSample {
        var l = labels
        l[FleetQueries.statLabel] = stat
        return PromSample(labels: l, value: value, time: 100)
    }

    private let mv = ["model": "fraud", "version": "v2"]
    private func mvf(_ f: String) -> [String: String] { ["model": "fraud", "version": "v2", "feature": f] }

    private func build(_ samples: [FleetQueries.Kind: [PromSample]], scope: String? = nil, drift: DriftSettings = DriftSettings(),
                       alertmanager: [AlertInstance]? = nil) -> Snapshot {
        FleetSnapshotBuilder(source: "prometheus http://p:9090", scope: scope, drift: drift)
            .build(FleetAnswers(samples: samples, alertmanager: alertmanager), at: 100, builtAt: 101)
    }

    @Test func softwareMetricsAndTotals() {
        let snap = build([.software: [
            s("events_per_second", mv, 12.5), s("latency_p99_ms", mv, 250), s("latency_p50_ms", mv, .nan),
            s("latency_p95_ms", mv, .infinity), s("error_rate", mv, 0.02),
            s("events_per_second", ["model": "idle", "version": "v1"], 0), s("error_rate", ["model": "idle", "version": "v1"], .nan),
            s("cpu_pct", ["host": "a1"], 63), s("monitor_rss_mb", [:], 48), s("events", [:], 1234), s("late", [:], 3),
            s("malformed", ["reason": "json"], 5), s("malformed", ["reason": "ts"], 2), s("newest_event", [:], 99.5),
        ]])
        let g = Labels(mv)
        #expect(snap.value("events_per_second", mv) == 12.5)
        #expect(snap.value("latency_p99_ms", mv) == 250)
        // NaN (a quantile without observations) and +Inf (all above the last bucket) are not numbers to show.
        #expect(snap.metric("latency_p50_ms", mv) == nil)
        #expect(snap.metric("latency_p95_ms", mv) == nil)
        // 0/0 with no traffic is no error at all, as on one instance.
        #expect(snap.value("error_rate", ["model": "idle"]) == 0)
        #expect(snap.metric("cpu_pct")?.labels == Labels(["host": "a1"]))
        #expect(snap.value("monitor_rss_mb") == 48)
        #expect(snap.events == 1234 && snap.late == 3)
        #expect(snap.malformed.total == 7 && snap.malformed.byReason == ["json": 5, "ts": 2])
        #expect(snap.newestEventTime == 99.5 && snap.windowTo == 100 && snap.builtAt == 101)
        // Every group gets an output summary, so the panels can cycle through them.
        #expect(DashboardGroups.of(snap) == [Labels(["model": "fraud", "version": "v2"]), Labels(["model": "idle", "version": "v1"])])
        #expect(snap.outputs.first { $0.labels == g }?.count == 0)
        #expect(snap.fleet?.source == "prometheus http://p:9090" && snap.fleet?.scope == nil)
    }

    @Test func fleetPSIWithItsBins() {
        let snap = build([.input: [
            s("drift_psi", mvf("amount"), 0.31), s("feature_count", mvf("amount"), 900), s("feature_missing_rate", mvf("amount"), 0.01),
            s("feature_mean", mvf("amount"), 42), s("drift_tested", mvf("amount"), 3), s("drift_detected", mvf("amount"), 2),
            s("bin_reference", mvf("amount").merging(["upper": "+Inf"]) { a, _ in a }, 0.5),
            s("bin_reference", mvf("amount").merging(["upper": "10"]) { a, _ in a }, 0.5),
            s("bin_window", mvf("amount").merging(["upper": "10"]) { a, _ in a }, 0.2),
            s("bin_window", mvf("amount").merging(["upper": "+Inf"]) { a, _ in a }, 0.8),
            s("drift_psi", mvf("country"), 0.05), s("feature_count", mvf("country"), 900),
            s("bin_reference", mvf("country").merging(["category": "__other__"]) { a, _ in a }, 0.6),
            s("bin_reference", mvf("country").merging(["category": "DE"]) { a, _ in a }, 0.3),
            s("bin_reference", mvf("country").merging(["category": "FR"]) { a, _ in a }, 0.1),
            s("bin_window", mvf("country").merging(["category": "DE"]) { a, _ in a }, 0.4),
            s("feature_category_share", mvf("country").merging(["category": "FR"]) { a, _ in a }, 0.25),
            s("feature_category_share", mvf("country").merging(["category": "DE"]) { a, _ in a }, 0.75),
        ]], drift: DriftSettings(features: ["country": DriftOptions(threshold: 0.01)]))
        let amount = try! #require(snap.features.first { $0.name == "amount" })
        #expect(amount.kind == .numeric && amount.count == 900 && amount.missingRate == 0.01 && amount.mean == 42)
        let d = try! #require(amount.drift)
        #expect(d.test == "psi" && d.score == 0.31 && d.threshold == 0.1 && d.detected)
        #expect(d.values == ["psi": 0.31, "instances tested": 3, "instances drifting": 2])
        // Bins by upper edge; the +Inf edge is not drawn as a number.
        #expect(d.referenceShares == [0.5, 0.5] && d.currentShares == [0.2, 0.8] && d.binEdges == [10])
        let country = try! #require(snap.features.first { $0.name == "country" })
        #expect(country.kind == .categorical)
        #expect(country.topCategories.map(\.0) == ["DE", "FR"])
        let c = try! #require(country.drift)
        // The config's threshold for the feature; categories by reference share, the catch-all last.
        #expect(c.threshold == 0.01 && c.detected)
        #expect(c.binLabels == ["DE", "FR", "__other__"] && c.referenceShares == [0.3, 0.1, 0.6] && c.currentShares == [0.4, 0, 0])
        #expect(snap.value("drift_score", ["feature": "amount"]) == 0.31)
        #expect(snap.metric("drift_test", ["feature": "amount"])?.text == "psi")
        #expect(snap.value("drift_detected", ["feature": "country"]) == 1)
    }

    /// The outputs have fleet bins too (`feature="prediction"`, `"score"`): their fleet PSI is the drift the
    /// Output panel reads; they are not listed as input features.
    @Test func outputDriftFromFleetBins() {
        var samples: [PromSample] = []
        for column in ["prediction", "score"] {
            samples += [
                s("drift_psi", mvf(column), column == "score" ? 0.4 : 0.02), s("drift_tested", mvf(column), 2),
                s("drift_detected", mvf(column), column == "score" ? 1 : 0),
                s("bin_reference", mvf(column).merging([column == "score" ? "upper" : "category": column == "score" ? "+Inf" : "1"]) { a, _ in a }, 1),
                s("bin_window", mvf(column).merging([column == "score" ? "upper" : "category": column == "score" ? "+Inf" : "1"]) { a, _ in a }, 1),
            ]
        }
        let snap = build([.input: samples + [s("feature_count", mvf("amount"), 10)]])
        #expect(snap.features.map(\.name) == ["amount"])
        #expect(snap.value("drift_psi", ["feature": "score"]) == 0.4)
        #expect(snap.metric("drift_test", ["feature": "score"])?.text == "psi")
        #expect(snap.value("drift_detected", ["feature": "score"]) == 1)
        #expect(snap.value("drift_psi", ["feature": "prediction"]) == 0.02)
    }

    /// `drift.min_samples` on the fleet's summed bin counts, for the outputs as for the inputs: below it the
    /// fleet PSI is not a test (no drift samples; `OutputSummary.driftUntested`, which the Output panel shows
    /// as `n 12<30` — DriftUntestedPanelTests), at it the drift is as before.
    @Test func outputDriftUnderMinSamplesIsNotTested() throws {
        func column(_ name: String, psi: Double, count: Double) -> [PromSample] {
            let bin = mvf(name).merging(["upper": "+Inf"]) { a, _ in a }
            return [s("drift_psi", mvf(name), psi), s("bin_count", mvf(name), count), s("bin_reference", bin, 1), s("bin_window", bin, 1)]
        }
        // prediction: 12 values in the fleet, under 30; score: exactly 30; the input amount: 5 (its feature
        // count, 9 with missing values, is not what the PSI is computed on).
        let snap = build([
            .input: column("prediction", psi: 0.9, count: 12) + column("score", psi: 0.4, count: 30) + column("amount", psi: 0.7, count: 5)
                + [s("feature_count", mvf("amount"), 40)],
            .output: [s("events_total", mv, 12)],
        ])
        let o = try #require(snap.outputs.first { $0.labels == Labels(mv) })
        #expect(o.driftUntested["prediction"]?.short == "n 12<30")
        #expect(o.driftUntested["score"] == nil)
        #expect(snap.metric("drift_psi", ["feature": "prediction"]) == nil && snap.metric("drift_score", ["feature": "prediction"]) == nil)
        #expect(snap.value("drift_psi", ["feature": "score"]) == 0.4 && snap.value("drift_detected", ["feature": "score"]) == 1)
        let amount = try #require(snap.features.first { $0.name == "amount" })
        #expect(amount.drift == nil && amount.driftUntested?.short == "n 5<30")
        #expect(snap.features.map(\.name) == ["amount"])
        #expect(snap.driftUntested.map { $0.labels["feature"] } == ["amount", "prediction"])
        // With min_samples 10 the prediction is tested again (and amount, at 5, still is not).
        let lower = build([.input: column("prediction", psi: 0.9, count: 12) + column("amount", psi: 0.7, count: 5)],
                          drift: DriftSettings(minSamples: 10))
        #expect(lower.value("drift_psi", ["feature": "prediction"]) == 0.9)
        #expect(lower.outputs.allSatisfy { $0.driftUntested.isEmpty })
        #expect(lower.features.first?.driftUntested?.short == "n 5<10")
    }

    /// A reference with fewer values than `drift.min_samples` behind the bins (`reference_values`, the same
    /// on every instance) leaves the fleet PSI untested whatever the window's count, and is named: `ref 12<30`.
    @Test func fleetDriftAgainstASmallReferenceIsNotTested() throws {
        func column(_ name: String, psi: Double, count: Double, reference: Double?) -> [PromSample] {
            let bin = mvf(name).merging(["upper": "+Inf"]) { a, _ in a }
            return [s("drift_psi", mvf(name), psi), s("bin_count", mvf(name), count), s("bin_reference", bin, 1), s("bin_window", bin, 1)]
                + (reference.map { [s("reference_values", mvf(name), $0)] } ?? [])
        }
        // amount: 500 window values against 12 reference values; x: 500 against 400; y: 500, reference not
        // exported (an older instance): tested; score: 5 window values and 12 reference values.
        let snap = build([
            .input: column("amount", psi: 0.7, count: 500, reference: 12) + column("x", psi: 0.3, count: 500, reference: 400)
                + column("y", psi: 0.3, count: 500, reference: nil) + column("score", psi: 0.9, count: 5, reference: 12)
                + [s("feature_count", mvf("amount"), 500), s("feature_count", mvf("x"), 500), s("feature_count", mvf("y"), 500)],
            .output: [s("events_total", mv, 500)],
        ])
        let amount = try #require(snap.features.first { $0.name == "amount" })
        #expect(amount.drift == nil)
        #expect(amount.driftUntested?.side == .reference && amount.driftUntested?.short == "ref 12<30")
        #expect(snap.metric("drift_psi", ["feature": "amount"]) == nil && snap.metric("drift_score", ["feature": "amount"]) == nil)
        #expect(snap.value("drift_psi", ["feature": "x"]) == 0.3 && snap.value("drift_psi", ["feature": "y"]) == 0.3)
        let o = try #require(snap.outputs.first { $0.labels == Labels(mv) })
        #expect(o.driftUntested["score"]?.short == "ref 12<30", "the reference is named before the window")
    }

    @Test func worstInstanceWhenThereAreNoFleetBins() {
        let snap = build([.input: [
            s("feature_count", mvf("age"), 10), s("drift_test", mvf("age").merging(["test": "ks"]) { a, _ in a }, 1),
            s("drift_score_min", mvf("age"), 0.001), s("drift_score_max", mvf("age"), 0.4), s("drift_threshold", mvf("age"), 0.05),
            s("drift_detected", mvf("age"), 1), s("drift_tested", mvf("age"), 4),
            // Output columns: drift metrics, never features.
            s("drift_test", mvf("prediction").merging(["test": "jensenshannon"]) { a, _ in a }, 1),
            s("drift_score_max", mvf("prediction"), 0.2), s("drift_score_min", mvf("prediction"), 0.01), s("drift_tested", mvf("prediction"), 4),
            s("drift_test", mvf("score").merging(["test": "wasserstein"]) { a, _ in a }, 1), s("drift_score_max", mvf("score"), 0.3),
        ]])
        let age = try! #require(snap.features.first { $0.name == "age" }?.drift)
        // A p-value test: the smallest p-value is the worst instance.
        #expect(age.test == "ks" && age.score == 0.001 && age.threshold == 0.05 && age.detected)
        #expect(age.values["ks_pvalue"] == 0.001 && age.values["instances drifting"] == 1 && age.values["instances tested"] == 4)
        #expect(snap.features.map(\.name) == ["age"])
        // A distance: the largest.
        #expect(snap.value("drift_score", ["feature": "prediction"]) == 0.2)
        #expect(snap.metric("drift_test", ["feature": "prediction"])?.text == "jensenshannon")
        #expect(snap.value("drift_score", ["feature": "score"]) == 0.3)
    }

    @Test func outputsAndTheirMetrics() {
        let snap = build([.output: [
            s("events_total", mv, 900), s("labelled_total", mv, 300), s("output_null_rate", mv, 0.04), s("accuracy", mv, 0.91),
            s("score_mean", mv, 0.7), s("low_confidence_rate", mv, 0.1), s("traffic_share", mv, 0.25),
            s("prediction_class_share", mv.merging(["class": "0"]) { a, _ in a }, 0.3),
            s("prediction_class_share", mv.merging(["class": "1"]) { a, _ in a }, 0.7),
            s("feedback_rate", mv.merging(["kind": "click"]) { a, _ in a }, 0.05),
        ]])
        let o = try! #require(snap.outputs.first)
        #expect(o.count == 900 && o.labelled == 300 && o.nullRate == 0.04 && o.accuracy == 0.91 && o.scoreMean == 0.7)
        #expect(o.classShares.map(\.0) == ["1", "0"] && o.feedbackRates.map(\.0) == ["click"])
        #expect(snap.value("traffic_share", mv) == 0.25)
        #expect(snap.value("prediction_class_share", ["class": "1"]) == 0.7)
    }

    private func alert(_ name: String, _ instance: String, _ rule: String, state: String = "firing", severity: String = "critical",
                       _ value: Double = 1) -> PromSample {
        PromSample(labels: ["__name__": name, "instance": instance, "job": "mlwatch", "alertname": rule, "state": state,
                            "severity": severity, "model": "fraud", "version": "v2"], value: value)
    }

    @Test func alertsAreGroupedOverInstances() {
        let samples = [
            alert("mlwatch_alert", "a:1", "LatencyHigh"), alert("mlwatch_alert", "b:1", "LatencyHigh"),
            alert("mlwatch_alert_value", "a:1", "LatencyHigh", 310), alert("mlwatch_alert_value", "b:1", "LatencyHigh", 420),
            alert("mlwatch_alert_active_since_timestamp_seconds", "a:1", "LatencyHigh", 50),
            alert("mlwatch_alert_active_since_timestamp_seconds", "b:1", "LatencyHigh", 40),
            alert("mlwatch_alert", "c:1", "LatencyHigh", state: "acknowledged"),
            alert("mlwatch_alert", "c:1", "NullsHigh", state: "pending", severity: "warning"),
        ]
        let snap = build([.alerts: samples])
        #expect(snap.alerts.count == 3)
        let firing = try! #require(snap.alerts.first)
        #expect(firing.rule == "LatencyHigh" && firing.state == .firing && firing.severity == .critical)
        #expect(firing.labels == Labels(["model": "fraud", "version": "v2"]))
        #expect(firing.value == 420 && firing.firedAt == 40 && firing.activeSince == 40)
        #expect(firing.summary == "on 2 instances: a:1, b:1")
        #expect(snap.alerts.map(\.state) == [.firing, .pending, .acknowledged])
        // One instance: its own alerts only.
        let scoped = build([.alerts: samples], scope: "c:1")
        #expect(scoped.alerts.map(\.rule).sorted() == ["LatencyHigh", "NullsHigh"])
        #expect(scoped.alerts.first { $0.rule == "NullsHigh" }?.summary == "on c:1")
        // Alertmanager's alerts replace them for the fleet, not for one instance.
        let am = [AlertInstance(rule: "FromAM", labels: [:], state: .firing, severity: .info, value: 1)]
        #expect(build([.alerts: samples], alertmanager: am).alerts.map(\.rule) == ["FromAM"])
        #expect(build([.alerts: samples], scope: "c:1", alertmanager: am).alerts.count == 2)
    }

    @Test func instancesDownFirstThenFiringThenByName() {
        func i(_ stat: String, _ instance: String, _ v: Double) -> PromSample { s(stat, ["instance": instance, "job": "mlwatch"], v) }
        let snap = build([
            .instances: [
                i("up", "a:1", 1), i("up", "b:1", 1), i("up", "c:1", 0), i("up", "d:1", 1),
                i("scrape_age", "a:1", 2), i("events_per_second", "a:1", 5), i("lag", "a:1", 1.5), i("error_rate", "a:1", 0.1),
                i("events_per_second", "b:1", 0), i("error_rate", "b:1", .nan),
            ],
            .alerts: [alert("mlwatch_alert", "d:1", "X"), alert("mlwatch_alert", "d:1", "Y", state: "pending")],
        ])
        let list = try! #require(snap.fleet?.instances)
        #expect(list.map(\.instance) == ["c:1", "d:1", "a:1", "b:1"])
        #expect(list[0].up == false && list[1].firing == ["X"] && list[1].otherAlerts == 1)
        #expect(list[2].scrapeAge == 2 && list[2].eventsPerSecond == 5 && list[2].lag == 1.5 && list[2].errorRate == 0.1)
        #expect(list[3].errorRate == 0)
    }

    @Test func alertmanagerStates() {
        let silences = [
            "s1": AlertmanagerNotifier.Silence(id: "s1", matchers: [], createdBy: "alice", comment: "acknowledged in mlwatch: on it",
                                               status: .init(state: "active"), endsAt: "2026-01-02T00:00:00Z"),
            "s2": AlertmanagerNotifier.Silence(id: "s2", matchers: [], createdBy: "bob", comment: "snoozed in mlwatch for 1h",
                                               status: .init(state: "active"), endsAt: "2026-01-01T01:00:00Z"),
        ]
        func a(_ name: String, _ state: String, silenced: [String] = [], inhibited: [String] = []) -> FleetAlertmanager.GettableAlert {
            FleetAlertmanager.GettableAlert(labels: ["alertname": name, "severity": "critical", "model": "m"],
                                            annotations: ["summary": "s", "value": "12.5", "threshold": "10"],
                                            startsAt: "2026-01-01T00:00:00Z",
                                            status: .init(state: state, silencedBy: silenced, inhibitedBy: inhibited))
        }
        let view = FleetAlertmanager.view(of: [
            a("Firing", "active"), a("Acked", "suppressed", silenced: ["s1"]), a("Snoozed", "suppressed", silenced: ["s2"]),
            a("Inhibited", "suppressed", inhibited: ["x"]), a("New", "unprocessed"),
        ], silences: silences)
        let by = Dictionary(uniqueKeysWithValues: view.alerts.map { ($0.rule, $0) })
        #expect(by["Firing"]?.state == .firing && by["Firing"]?.value == 12.5 && by["Firing"]?.threshold == 10)
        #expect(by["Firing"]?.labels == Labels(["model": "m", "severity": "critical"]))
        #expect(by["Firing"]?.firedAt == TimestampParser.parse("2026-01-01T00:00:00Z"))
        #expect(by["Acked"]?.state == .acknowledged && by["Acked"]?.acknowledgedBy == "alice")
        #expect(by["Acked"]?.note == "acknowledged in mlwatch: on it (silence s1)")
        #expect(by["Snoozed"]?.state == .snoozed && by["Snoozed"]?.snoozedUntil == TimestampParser.parse("2026-01-01T01:00:00Z"))
        #expect(by["Inhibited"]?.state == .snoozed && by["Inhibited"]?.note == "inhibited by another alert")
        #expect(by["New"]?.state == .pending && by["New"]?.firedAt == nil)
        #expect(view.silencedBy[.init(rule: "Acked", labels: Labels(["model": "m", "severity": "critical"]))] == ["s1"])
        #expect(view.alerts.first?.state == .firing)
    }

    @Test func rulesThresholdsForThePanels() throws {
        let rules = try MLWatchConfig.parse(yaml: """
            rules:
              - {alert: A, expr: 'latency_p99_ms{model="fraud"} > 250'}
              - {alert: B, expr: 'accuracy < 0.8 and labelled_total > 50'}
              - {alert: C, expr: 'error_rate{model=~"f.*"} > 0.1'}
              - {alert: D, expr: 'output_null_rate > adaptive(quantile(0.99))'}
            """).rules
        let t = FleetSnapshotBuilder.thresholds(of: rules)
        #expect(t.map(\.metric) == ["latency_p99_ms", "accuracy", "labelled_total"])
        #expect(t[0].labels == Labels(["model": "fraud"]) && t[0].value == 250 && t[0].op == ">" && t[0].rule == "A")
        #expect(t[1].op == "<")
    }

    @Test func rangeAnswersAndHistory() {
        let series = PromSeries(labels: ["model": "m", "version": "v", FleetQueries.statLabel: "events_per_second"],
                                times: [10, 20, 40], values: [1, 2, 4])
        let range = FleetRangeAnswers(series: [.software: [series]], start: 10, end: 40, step: 10)
        #expect(range.times == [10, 20, 30, 40])
        #expect(range.answers(at: 20).samples[.software]?.first?.value == 2)
        // A gap of more than a step is no value (the series was absent then), not the last value repeated.
        #expect(range.answers(at: 30).samples[.software]?.isEmpty == true)
        #expect(range.points == 3)
        let history = PrometheusFleetHost.history(range, builder: FleetSnapshotBuilder(source: "p"))
        let eps = try! #require(history.series.first { $0.name == "events_per_second" })
        #expect(eps.labels == Labels(["model": "m", "version": "v"]) && eps.times == [10, 20, 40] && eps.values == [1, 2, 4])
    }

    @Test func alertsThatStartFiringNotify() {
        func a(_ rule: String, _ state: AlertState, _ severity: AlertSeverity = .critical) -> AlertInstance {
            AlertInstance(rule: rule, labels: ["model": "m"], state: state, severity: severity, value: 3)
        }
        let fresh = PrometheusFleetHost.newlyFiring(
            before: [a("A", .firing), a("B", .pending), a("C", .acknowledged), a("F", .snoozed), a("G", .resolved)],
            after: [a("A", .firing), a("B", .firing), a("C", .firing), a("D", .firing, .warning), a("E", .pending), a("F", .firing),
                    a("G", .firing)],
            at: 50)
        // A silence that expired (C acknowledged, F snoozed) does not ring again: someone has seen it.
        #expect(fresh.map { "\($0.rule) \($0.from.rawValue)→\($0.to.rawValue)" }
                == ["B pending→firing", "D inactive→firing", "G resolved→firing"])
        #expect(fresh.allSatisfy { $0.time == 50 && $0.labels == ["model": "m"] })
        #expect(fresh.first { $0.rule == "D" }?.severity == .warning)
        // Instances that disagree list one alert in two states: the most active one counts, and an alert
        // listed twice rings once.
        #expect(PrometheusFleetHost.newlyFiring(before: [a("A", .pending), a("A", .firing)], after: [a("A", .firing)], at: 1).isEmpty)
        #expect(PrometheusFleetHost.newlyFiring(before: [], after: [a("A", .firing), a("A", .firing)], at: 1).count == 1)
    }

    @Test func problemsAreSummarized() {
        #expect(PrometheusFleetHost.summarize([]) == nil)
        #expect(PrometheusFleetHost.summarize(["software: cannot connect: x", "input: cannot connect: x"]) == "cannot connect: x")
        #expect(PrometheusFleetHost.summarize(["input: timed out", "software: bad"]) == "input: timed out; software: bad")
    }
}

/// The groups the panels cycle through (as `DashboardState.groups` orders them, without the UI module).
private enum DashboardGroups {
    static func of(_ s: Snapshot) -> [Labels] { s.outputs.map(\.labels).sorted() }
}
