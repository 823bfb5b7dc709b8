import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

@Suite struct PrometheusRuleFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func render(_ yaml: String) throws -> String {
        PrometheusRuleFile.render(try MLWatchConfig.parse(yaml: yaml), source: "test.yaml")
    }

    @Test func translatesFleetAggregatesAndCommentsWhatItCannot() throws {
        let text = try render("""
            window: {size: 5m, slide: 30s}
            rules:
              - {alert: P95, expr: 'latency_p95_ms{model="a"} > 100'}
              - {alert: Mean, expr: latency_mean_ms >= 20}
              - {alert: Acc, expr: 'accuracy < 0.8 and labelled_total > 50'}
              - {alert: Cpu, expr: cpu_pct > 90}
              - {alert: Hysteresis, expr: error_rate > 0.1 recover 0.05}
              - {alert: Adaptive, expr: output_null_rate > adaptive(quantile(0.99))}
            """)
        #expect(text.contains(#"expr: "histogram_quantile(0.95, sum by (model, version, le) (rate(mlwatch_prediction_latency_seconds_bucket{model=\"a\"}[300s]))) * 1000 > 100""#))
        #expect(text.contains("rate(mlwatch_prediction_latency_seconds_sum[300s])) / sum by (model, version) (rate(mlwatch_prediction_latency_seconds_count[300s])) * 1000 >= 20"))
        #expect(text.contains(#"expr: "(min by (model, version, segment) (mlwatch_accuracy) < 0.8) and on (model, version, segment) (max by (model, version, segment) (mlwatch_window_labelled) > 50)""#))
        #expect(text.contains(#"expr: "max by (host) (mlwatch_cpu_ratio) * 100 > 90""#))
        #expect(text.contains("# Hysteresis is not translated: it recovers at another threshold"))
        #expect(text.contains("# Adaptive is not translated: its threshold is adaptive"))
        #expect(text.contains(#""severity": "info""#))
    }

    /// `compare:` and `fairness:` series carry `baseline` and `group`: the translation keeps them (rules on
    /// one group or one baseline, alerts per group or baseline), as mlwatch's own alerts do.
    @Test func theLabelsAMetricHasAreKept() throws {
        let text = try render("""
            rules:
              - {alert: Sel, expr: 'selection_rate{group="C"} < 0.3'}
              - {alert: PerGroup, expr: 'true_positive_rate < 0.5 and group_labelled_total > 20'}
              - {alert: Ks, expr: 'drift_ks_pvalue{baseline="v1"} < 0.01'}
              - {alert: Psi, expr: drift_psi > 0.2}
              - {alert: SegPsi, expr: 'drift_psi{segment="DE"} > 0.2'}
              - {alert: Agree, expr: 'shadow_agreement_rate < 0.9'}
              - {alert: Share, expr: 'drift_share{baseline="v1"} >= 0.5'}
              - {alert: Parity, expr: demographic_parity_ratio < 0.8}
            """)
        #expect(text.contains(#"expr: "min by (model, version, segment, group) (mlwatch_selection_rate{group=\"C\"}) < 0.3""#), "\(text)")
        #expect(text.contains(#"expr: "(min by (model, version, segment, group) (mlwatch_true_positive_rate) < 0.5) and on (model, version, segment, group) (max by (model, version, segment, group) (mlwatch_window_group_labelled) > 20)""#))
        #expect(text.contains(#"expr: "min by (model, version, segment, feature, baseline) (mlwatch_drift_ks_pvalue{baseline=\"v1\"}) < 0.01""#))
        #expect(text.contains(#"expr: "(mlwatch:drift_psi:fleet or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{baseline!=\"\"}) or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{segment!=\"\"})) > 0.2""#))
        // A segment's drift has no fleet bins: the record (without a segment) selects nothing, the worst
        // instance of the segment's series does.
        #expect(text.contains(#"expr: "(mlwatch:drift_psi:fleet{segment=\"DE\"} or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{segment=\"DE\", baseline!=\"\"}) or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{segment=\"DE\", segment!=\"\"})) > 0.2""#), "\(text)")
        #expect(text.contains(#"expr: "min by (model, version, segment, baseline) (mlwatch_shadow_agreement_rate) < 0.9""#))
        #expect(text.contains(#"expr: "max by (model, version, segment, baseline) (mlwatch_drift_share{baseline=\"v1\"}) >= 0.5""#))
        #expect(text.contains(#"expr: "min by (model, version, segment) (mlwatch_demographic_parity_ratio) < 0.8""#))
        #expect(!text.contains("is not translated"), "\(text)")
    }

    /// Every label of every per-window gauge `/metrics` serves (reference drift, versions compared with a
    /// baseline, fairness groups, segments) is one the translation keeps for that metric.
    @Test func theTranslationKnowsTheLabelsOfEveryExportedGauge() {
        let metrics = MetricOptions(segmentBy: "country", compare: CompareOptions(baseline: "v1"),
                                    fairness: FairnessOptions(groupBy: "country", minSamples: 1))
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 0, metrics: metrics),
                                 drift: DriftMonitor(source: .firstEvents(60)))
        for i in 0..<300 {
            let version = i % 3 == 2 ? "v2" : "v1"
            state.ingestLine(#"{"ts":\#(10_000 + i),"model":"m","version":"\#(version)","request_id":"r\#(i % 3 == 2 ? i - 1 : i)","latency_ms":\#(i % 40),"features":{"x":\#(i % 50),"country":"\#(["DE", "FR"][i % 2])"},"prediction":\#(i % 2),"score":0.\#(i % 10),"label":\#(i % 4 == 0 ? 1 : 0)}"#)
        }
        let text = PrometheusExporter().text(of: state.snapshot(now: 0))
        // Families that are not per-window gauges of the vocabulary (alerts, fleet bins, timestamps).
        let notVocabulary: Set<String> = ["mlwatch_alert", "mlwatch_alert_value", "mlwatch_alert_active_since_timestamp_seconds",
                                          "mlwatch_last_event_timestamp_seconds", "mlwatch_feature_reference_share",
                                          "mlwatch_feature_reference_values",
                                          "mlwatch_feature_window_values"]
        var gauges = Set<String>()
        var checked = Set<String>()
        var seen = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE "), line.hasSuffix(" gauge") { gauges.insert(String(line.split(separator: " ")[2])) }
            guard !line.hasPrefix("#"), let brace = line.firstIndex(of: "{") else { continue }
            let name = String(line[..<brace])
            guard gauges.contains(name), !notVocabulary.contains(name), let metric = ExportedName.vocabulary(ofGauge: name)?.metric else { continue }
            checked.insert(metric)
            let kept = Set(PromQLTranslation.labels(of: metric))
            let body = line[line.index(after: brace)..<(line.lastIndex(of: "}") ?? line.endIndex)]
            // Label names: what precedes each `="` (values are quoted and may hold anything; these do not).
            for pair in body.split(separator: ",") {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                let label = String(pair[..<eq])
                seen.insert(label)
                #expect(kept.contains(label), "\(metric): label \(label) of \(line) is dropped by the translation")
            }
        }
        // The run did produce what the test is about.
        #expect(["selection_rate", "shadow_agreement_rate", "drift_psi", "drift_share", "feature_category_share",
                 "prediction_class_share"].allSatisfy(checked.contains), "\(checked.sorted())")
        #expect(["baseline", "group", "segment", "feature"].allSatisfy(seen.contains), "\(seen.sorted())")
    }

    /// The fleet PSI is recorded only from the config's `drift.min_samples` summed window values on (30 by
    /// default); `fleet_rules_test.yml` checks with promtool what that records and fires.
    @Test func theFleetPSIRecordIsGatedByMinSamples() throws {
        func gate(_ n: Int) -> String {
            " and on (model, version, feature) (sum by (model, version, feature) (mlwatch_feature_window_values) >= \(n))"
                + " unless on (model, version, feature) (max by (model, version, feature) (mlwatch_feature_reference_values) < \(n))"
        }
        #expect(try render("rules: []").contains(#"- record: mlwatch:drift_psi:fleet"#))
        for (yaml, n) in [("rules: []", 30), ("drift: {min_samples: 50}", 50)] {
            let record = try #require(try render(yaml).split(separator: "\n").drop { !$0.contains("record: mlwatch:drift_psi:fleet") }.dropFirst().first)
            #expect(record.hasSuffix(gate(n) + "\""), "\(record)")
        }
    }

    @Test func annotationTemplatesBecomeGoTemplates() {
        #expect(PrometheusRuleFile.template("p99 {{ $value }} > {{$threshold}} on {{ $labels.model }}", threshold: 250)
            == "p99 {{ $value }} > 250 on {{ $labels.model }}")
        #expect(PrometheusRuleFile.template("odd {{ .Foo }} and {{ unclosed", threshold: nil)
            == #"odd {{ "{{ .Foo }}" }} and {{ "{{ unclosed" }}"#)
    }

    @Test func hostileNamesStayQuoted() throws {
        let text = try render("""
            rules:
              - alert: BadName
                expr: 'drift_psi{feature="a\\"b"} > 1'
                annotations: {summary: "line\\nbreak"}
            """)
        #expect(text.contains(#"expr: "(mlwatch:drift_psi:fleet{feature=\"a\\\"b\"} or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{feature=\"a\\\"b\", baseline!=\"\"}) or max by (model, version, segment, feature, baseline) (mlwatch_drift_psi{feature=\"a\\\"b\", segment!=\"\"})) > 1""#), "\(text)")
        #expect(text.contains(#""summary": "line\nbreak""#))
    }

    @Test(.enabled(if: ExportTestSupport.tool("promtool") != nil, "promtool is not installed (apt-get install prometheus)"))
    func promtoolChecksAndUnitTestsTheGeneratedRules() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try MLWatchConfig.load(path: Self.fixtures.appendingPathComponent("fleet.yaml").path)
        let rules = PrometheusRuleFile.render(config, source: "fleet.yaml")
        try rules.write(to: dir.appendingPathComponent("fleet_rules.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("fleet_rules_test.yml"),
                                         to: dir.appendingPathComponent("fleet_rules_test.yml"))
        let promtool = ExportTestSupport.tool("promtool")!
        let (checkStatus, checkOutput) = try ExportTestSupport.run(promtool, ["check", "rules", dir.appendingPathComponent("fleet_rules.yml").path])
        #expect(checkStatus == 0, "\(checkOutput)")
        #expect(checkOutput.contains("SUCCESS: 10 rules found"), "\(checkOutput)")
        let (testStatus, testOutput) = try ExportTestSupport.run(promtool, ["test", "rules", dir.appendingPathComponent("fleet_rules_test.yml").path])
        #expect(testStatus == 0, "\(testOutput)")
        // The sample config's rules load too.
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sample-data/mlwatch.yaml")
        let sampleRules = PrometheusRuleFile.render(try MLWatchConfig.load(path: sample.path), source: "sample-data/mlwatch.yaml")
        try sampleRules.write(to: dir.appendingPathComponent("sample.yml"), atomically: true, encoding: .utf8)
        let (sampleStatus, sampleOutput) = try ExportTestSupport.run(promtool, ["check", "rules", dir.appendingPathComponent("sample.yml").path])
        #expect(sampleStatus == 0, "\(sampleOutput)")
    }

    @Test func psiOfFleetBinsMatchesTheRecordingRulesFormula() {
        // The Swift side of the formula the promtool test checks: same numbers.
        #expect(FleetBins.psi(referenceShares: [0.5, 0.5], windowCounts: [8, 0]) == 4.60431846666895)
        #expect(FleetBins.psi(referenceShares: [0.6, 0.4], windowCounts: [4, 1]) == 0.19616585060234526)
    }
}
