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
        #expect(text.contains(#"expr: "mlwatch:drift_psi:fleet{feature=\"a\\\"b\"} > 1""#))
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
        #expect(checkOutput.contains("SUCCESS: 6 rules found"), "\(checkOutput)")
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
