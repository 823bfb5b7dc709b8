import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

@Suite struct PrometheusExporterTests {
    private func lines(models: [String] = ["m"], count: Int = 200) -> [String] {
        let countries = ["DE", "FR", "ES"]
        var out: [String] = []
        for i in 0..<count {
            let t = 10_000 + Double(i)
            let latency = Double(i % 50) * 3
            let status = i % 10 == 0 ? "500" : "ok"
            out.append(ExportTestSupport.line(t: t, model: models[i % models.count], latency: latency, status: status,
                                              x: Double(i % 120), country: countries[i % 3]))
        }
        return out
    }

    /// Sample lines of one metric family, without comments.
    private func samples(_ text: String, _ name: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
    }

    @Test func exposesCountersHistogramGaugesInBaseUnitsAndFleetBins() throws {
        let state = ExportTestSupport.state(lines: lines())
        let text = PrometheusExporter().text(of: state.snapshot(now: 0))
        #expect(samples(text, "mlwatch_events_total") == [#"mlwatch_events_total{model="m",version="v1"} 200"#])
        #expect(samples(text, "mlwatch_prediction_errors_total") == [#"mlwatch_prediction_errors_total{model="m",version="v1"} 20"#])
        #expect(text.contains("# TYPE mlwatch_prediction_latency_seconds histogram"))
        #expect(text.contains(#"mlwatch_prediction_latency_seconds_bucket{model="m",version="v1",le="+Inf"} 200"#))
        #expect(text.contains(#"mlwatch_prediction_latency_seconds_count{model="m",version="v1"} 200"#))
        // Window metrics in seconds: p99 of latencies 0…147 ms.
        let p99 = try #require(samples(text, "mlwatch_latency_p99_seconds").first)
        let ms = try #require(state.snapshot(now: 0).value("latency_p99_ms"))
        #expect(p99.hasSuffix(" \(ms / 1000)"))
        #expect(!text.contains("_ms{") && !text.contains("_ms "))
        // Window counts never take a counter's name.
        #expect(samples(text, "mlwatch_window_events").count == 1)
        // Ten numeric bins summing to the window's values, categorical bins with __other__.
        let numeric = samples(text, "mlwatch_feature_window_values").filter { $0.contains(#"feature="x""#) }
        #expect(numeric.count == 10)
        #expect(numeric.contains { $0.contains(#"upper="+Inf""#) })
        let total = numeric.compactMap { Double($0.split(separator: " ").last!) }.reduce(0, +)
        #expect(total == 200)
        let categorical = samples(text, "mlwatch_feature_reference_share").filter { $0.contains(#"feature="country""#) }
        #expect(categorical.contains { $0.contains(#"category="__other__""#) })
        #expect(categorical.contains { $0.contains(#"category="DE""#) && $0.hasSuffix(" 0.5") })
        // The outputs' bins, labelled as their drift metrics are: the class (categorical) and the score
        // (numeric; a reference of one value has one bin below +Inf).
        let prediction = samples(text, "mlwatch_feature_window_values").filter { $0.contains(#"feature="prediction""#) }
        #expect(prediction.sorted() == [#"mlwatch_feature_window_values{category="1",feature="prediction",model="m",version="v1"} 200.0"#,
                                        #"mlwatch_feature_window_values{category="__other__",feature="prediction",model="m",version="v1"} 0.0"#].sorted(),
                "\(prediction)")
        let score = samples(text, "mlwatch_feature_window_values").filter { $0.contains(#"feature="score""#) }
        #expect(score.sorted() == [#"mlwatch_feature_window_values{feature="score",model="m",upper="+Inf",version="v1"} 0.0"#,
                                   #"mlwatch_feature_window_values{feature="score",model="m",upper="0.7",version="v1"} 200.0"#].sorted(),
                "\(score)")
        #expect(samples(text, "mlwatch_feature_reference_share").contains(#"mlwatch_feature_reference_share{feature="score",model="m",upper="0.7",version="v1"} 1.0"#))
        // The reference's size behind each column's bins, once per column (the fleet's drift.min_samples).
        let sizes = samples(text, "mlwatch_feature_reference_values")
        let reference = ExportTestSupport.referenceProfile()
        for column in ["x", "country", "prediction", "score"] {
            let n: Int
            switch reference.columns[column] {
            case .numeric(let r)?, .text(let r)?: n = r.count
            case .categorical(let r)?: n = r.count
            case nil: n = -1
            }
            #expect(n > 0 && sizes.filter { $0.contains(#"feature="\#(column)""#) } == [#"mlwatch_feature_reference_values{feature="\#(column)",model="m",version="v1"} \#(n).0"#],
                    "\(column): \(sizes)")
        }
    }

    @Test func seriesThatDisappearAreRemovedAndCountersKeepCounting() throws {
        let exporter = PrometheusExporter()
        let first = ExportTestSupport.state(lines: lines(models: ["a", "b"]))
        let before = exporter.text(of: first.snapshot(now: 0))
        #expect(samples(before, "mlwatch_output_null_rate").count == 2)
        // Only model a in the window now (b's events left it); b's cumulative counter stays.
        let later = lines(models: ["a"]).enumerated().map { i, l in
            l.replacingOccurrences(of: #""ts":\#(10_000 + Double(i))"#, with: #""ts":\#(20_000 + Double(i))"#)
        }
        for l in later { first.ingestLine(l) }
        let after = exporter.text(of: first.snapshot(now: 0))
        #expect(samples(after, "mlwatch_output_null_rate").map { $0.contains(#"model="a""#) } == [true])
        #expect(samples(after, "mlwatch_events_total").contains(#"mlwatch_events_total{model="a",version="v1"} 300"#))
        #expect(samples(after, "mlwatch_events_total").contains(#"mlwatch_events_total{model="b",version="v1"} 100"#))
    }

    @Test func aRestartedEngineResetsItsCounters() {
        let exporter = PrometheusExporter()
        _ = exporter.text(of: ExportTestSupport.state(lines: lines()).snapshot(now: 0))
        let text = exporter.text(of: ExportTestSupport.state(lines: Array(lines().prefix(5))).snapshot(now: 0))
        #expect(samples(text, "mlwatch_events_total") == [#"mlwatch_events_total{model="m",version="v1"} 5"#])
    }

    @Test func cardinalityIsBounded() {
        let models = (0..<30).map { "model-\($0)" }
        let state = ExportTestSupport.state(lines: lines(models: models, count: 300))
        let exporter = PrometheusExporter(limits: .init(modelVersions: 5, features: 1, labelValues: 2))
        let text = exporter.text(of: state.snapshot(now: 0))
        let models5 = Set(samples(text, "mlwatch_output_null_rate").map { $0.split(separator: ",").first! })
        #expect(models5.count == 5)
        let features = Set(samples(text, "mlwatch_feature_missing_rate").compactMap { $0.split(separator: ",").first })
        #expect(features.count == 1)
        let dropped = samples(text, "mlwatch_exporter_series_dropped").first?.split(separator: " ").last.flatMap { Double($0) }
        #expect((dropped ?? 0) > 0)
    }

    @Test func activeAlertsAreExportedLikeALERTS() throws {
        let rule = try AlertRule(name: "Errors", expr: "error_rate > 0.05", labels: ["severity": "critical"])
        let state = ExportTestSupport.state(lines: lines(), rules: RuleEngine(rules: [rule]))
        state.finish()
        let text = PrometheusExporter().text(of: state.snapshot(now: 0))
        #expect(samples(text, "mlwatch_alert")
            == [#"mlwatch_alert{alertname="Errors",model="m",severity="critical",state="firing",version="v1"} 1.0"#])
        // Its value and since when it fires, for the fleet dashboard's Alerts panel; the newest event time
        // for the Instances view's lag.
        let alert = try #require(state.snapshot(now: 0).alerts.first)
        #expect(samples(text, "mlwatch_alert_value")
            == [#"mlwatch_alert_value{alertname="Errors",model="m",severity="critical",state="firing",version="v1"} \#(alert.value)"#])
        #expect(samples(text, "mlwatch_alert_active_since_timestamp_seconds")
            == [#"mlwatch_alert_active_since_timestamp_seconds{alertname="Errors",model="m",severity="critical",state="firing",version="v1"} \#(alert.firedAt!)"#])
        #expect(samples(text, "mlwatch_last_event_timestamp_seconds") == ["mlwatch_last_event_timestamp_seconds \(state.newestEventTime!)"])
    }

    @Test func hostileNamesStayInLabelValues() {
        let weird = #"we\"ird\n{model}"#
        let state = ExportTestSupport.state(lines: [
            #"{"ts":1,"model":"a\"b\\c","version":"v","features":{"\#(weird)":1,"le":2,"__name__":3}}"#
        ])
        let text = PrometheusExporter().text(of: state.snapshot(now: 0))
        #expect(text.contains(#"model="a\"b\\c""#))
        #expect(!text.contains("\n{model}"))
    }

    @Test(.enabled(if: ExportTestSupport.tool("promtool") != nil, "promtool is not installed (apt-get install prometheus)"))
    func promtoolFindsNothingToReport() throws {
        let rule = try AlertRule(name: "Errors", expr: "error_rate > 0.05", labels: ["severity": "critical"])
        var all = lines(models: ["a", "b"])
        all.append(#"{"ts":10300,"type":"system","host":"h1","cpu_pct":50,"mem_mb":100,"load1":1}"#)
        all.append("not json")
        let state = ExportTestSupport.state(lines: all, rules: RuleEngine(rules: [rule]))
        state.finish()
        let snapshot = state.snapshot(extraMetrics: ProcessMetrics().sample(wall: 1000), now: 0)
        let text = PrometheusExporter().text(of: snapshot, extra: [
            .init(name: "mlwatch_notification_errors_total", help: "Failed deliveries.", labels: ["target": "alertmanager"], value: 2)
        ])
        let (status, output) = try ExportTestSupport.run(ExportTestSupport.tool("promtool")!, ["check", "metrics"], input: text)
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }

    /// `compare` and `fairness` add window counts ending in `_total` (renamed, as the other window counts)
    /// and series with `baseline` and `group` labels.
    @Test(.enabled(if: ExportTestSupport.tool("promtool") != nil, "promtool is not installed (apt-get install prometheus)"))
    func versionsAndFairnessPassPromtool() throws {
        let metrics = MetricOptions(compare: CompareOptions(baseline: "v1"), fairness: FairnessOptions(groupBy: "country", minSamples: 1))
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 0, metrics: metrics))
        for i in 0..<300 {
            let version = i % 3 == 2 ? "v2" : "v1"
            state.ingestLine(#"{"ts":\#(10_000 + i),"version":"\#(version)","request_id":"r\#(i % 3 == 2 ? i - 1 : i)","features":{"x":\#(i % 50),"country":"\#(["DE", "FR"][i % 2])"},"prediction":\#(i % 2),"label":\#(i % 4 == 0 ? 1 : 0)}"#)
        }
        let text = PrometheusExporter().text(of: state.snapshot(now: 0))
        for name in ["mlwatch_window_shadow_pairs", "mlwatch_shadow_agreement_rate", "mlwatch_selection_rate", "mlwatch_window_group_predictions",
                     "mlwatch_demographic_parity_difference", "mlwatch_traffic_share"] {
            #expect(text.contains("\n\(name){"), "\(name) missing")
        }
        #expect(text.contains(#"baseline="v1""#))
        let (status, output) = try ExportTestSupport.run(ExportTestSupport.tool("promtool")!, ["check", "metrics"], input: text)
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }
}
