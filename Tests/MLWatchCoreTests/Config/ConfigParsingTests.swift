import Foundation
import Testing
@testable import MLWatchCore

@Suite struct ConfigParsingTests {
    private func error(_ yaml: String) -> ConfigError? {
        do {
            _ = try MLWatchConfig.parse(yaml: yaml, path: "rules.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func fullExample() throws {
        let yaml = """
            sources: ["logs/predictions*.jsonl"]
            reference: {file: sample-data/reference.jsonl}
            window: {size: 10m, slide: 30s}
            lateness: 30s
            segment_by: country
            theme: default
            low_confidence: 0.6
            join: {max_pending: 100000, ttl: 1h}
            fields: {ts: time, features: input, prediction: output.label, score: output.proba, model: meta.model}
            drift: {features: {amount: {test: psi, threshold: 0.2}}, default: {test: ks}}
            notify: {bell: true}
            rules:
              - alert: LatencyP99High
                expr: latency_p99_ms > 250
                for: 2m
                keep_firing_for: 1m
                labels: {severity: critical}
                annotations: {summary: "p99 latency {{ $value }} ms on {{ $labels.model }}"}
              - alert: AmountDrift
                expr: drift_psi{feature="amount"} > 0.2
                for: 5m
                labels: {severity: warning}
              - alert: NullOutputsAboveNormal
                expr: output_null_rate > adaptive(mean + 3 * stddev)
                relearn: 1h
                history: 500
                min_samples: 20
            """
        let c = try MLWatchConfig.parse(yaml: yaml)
        #expect(c.sources == ["logs/predictions*.jsonl"])
        #expect(c.reference == .file("sample-data/reference.jsonl"))
        #expect(c.window == .time(size: 600, slide: 30))
        #expect(c.lateness == 30)
        #expect(c.segmentBy == "country")
        #expect(c.lowConfidence == 0.6)
        #expect(c.joinMaxPending == 100_000 && c.joinTTL == 3600)
        #expect(c.fields["prediction"] == "output.label")
        #expect(c.fieldMapping.path(.score) == ["output", "proba"])
        #expect(c.drift.options(for: "amount") == DriftOptions(test: .psi, threshold: 0.2))
        #expect(c.drift.options(for: "age") == DriftOptions(test: .ks))
        #expect(c.notify.bell)
        #expect(c.rules.map(\.name) == ["LatencyP99High", "AmountDrift", "NullOutputsAboveNormal"])
        let r = c.rules[0]
        #expect(r.forDuration == 120 && r.keepFiringFor == 60 && r.severity == .critical)
        #expect(r.annotations["summary"] == "p99 latency {{ $value }} ms on {{ $labels.model }}")
        #expect(r.expression == (try RuleExpression.parse("latency_p99_ms > 250")))
        #expect(c.rules[2].relearnInterval == 3600 && c.rules[2].historySize == 500 && c.rules[2].minSamples == 20)
        #expect(c.collectorOptions.metrics.segmentBy == "country")
    }

    @Test func emptyConfigHasDefaults() throws {
        let c = try MLWatchConfig.parse(yaml: "# nothing yet\n")
        #expect(c == MLWatchConfig())
        #expect(c.window == .default && c.lateness == 30 && c.theme == "default" && c.rules.isEmpty)
    }

    @Test func unknownTopLevelKeyIsAnErrorWithASuggestion() {
        let e = error("window: 10m\nlatenes: 30s\n")
        #expect(e == .unknownKey(file: "rules.yaml", line: 2, column: 1, message: e?.message ?? ""))
        #expect(e?.message.contains("unknown key \"latenes\" (did you mean \"lateness\"?)") == true)
    }

    @Test func unknownRuleKeyIsAnError() {
        let e = error("rules:\n  - alert: A\n    expr: x > 1\n    keep_firing: 5m\n")
        #expect(e?.line == 4 && e?.column == 5)
        #expect(e?.message.contains("did you mean \"keep_firing_for\"") == true)
    }

    @Test func durationErrorPointsAtTheUnit() {
        let e = error("rules:\n  - alert: A\n    expr: x > 1\n    for: 2mm\n")
        #expect(e?.description == #"rules.yaml:4:11: rules[0].for: unknown duration unit "mm" (use ms, s, m, h, d)"#)
    }

    @Test func durationsOfEveryUnit() throws {
        for (text, seconds) in [("500ms", 0.5), ("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("0", 0), ("45", 45)] {
            #expect(try MLWatchConfig.parse(yaml: "lateness: \(text)").lateness == seconds, "\(text)")
        }
        #expect(error("lateness: -5s")?.message.contains("not a duration") == true)
        #expect(error("lateness: 5")  == nil)
    }

    @Test func maxFutureIsADurationOfAtLeastASecond() throws {
        #expect(try MLWatchConfig.parse(yaml: "# nothing\n").maxFuture == CollectorOptions.defaultMaxFuture)
        let c = try MLWatchConfig.parse(yaml: "max_future: 10m")
        #expect(c.maxFuture == 600 && c.collectorOptions.maxFuture == 600)
        #expect(error("max_future: 500ms")?.description == "rules.yaml:1:13: max_future: must be at least 1s (events stamped further ahead than this are counted as future)")
        #expect(error("max_future: soon")?.message.contains("not a duration") == true)
    }

    @Test func expressionErrorsPointIntoThePlainScalar() {
        let e = error("rules:\n  - alert: A\n    expr: latency_p99_ms > 2#0\n")
        #expect(e?.line == 3 && e?.column == 29)
        #expect(e?.description == ##"rules.yaml:3:29: rules[0].expr: unexpected character "#""##)
    }

    @Test func expressionErrorsPointIntoAQuotedScalar() {
        let e = error("rules:\n  - alert: A\n    expr: \"x > adaptive(median)\"\n")
        #expect(e?.line == 3 && e?.column == 25)
        if case .invalidExpression = e {} else { Issue.record("wrong case: \(String(describing: e))") }
    }

    @Test func expressionErrorsPointIntoABlockScalar() {
        let e = error("rules:\n  - alert: A\n    expr: |\n      x > 1 and\n      y >> 2\n")
        #expect(e?.line == 5 && e?.column == 10, "\(String(describing: e))")
    }

    @Test func recoverKeyAddsHysteresis() throws {
        let c = try MLWatchConfig.parse(yaml: "rules:\n  - alert: A\n    expr: x > 250\n    recover: 200\n")
        #expect(c.rules[0].expression.comparisons[0].recover == .fixed(200))
        let a = try MLWatchConfig.parse(yaml: "rules:\n  - alert: A\n    expr: x > 250\n    recover: adaptive(quantile(0.9))\n")
        #expect(a.rules[0].expression.comparisons[0].recover == .adaptive(AdaptiveThreshold(center: .quantile(0.9))))
        let e = error("rules:\n  - alert: A\n    expr: x > 1 and y > 2\n    recover: 0.5\n")
        #expect(e?.line == 4 && e?.message.contains("write recover after the comparison") == true)
        let bad = error("rules:\n  - alert: A\n    expr: x > 1\n    recover: adaptive(foo)\n")
        #expect(bad?.line == 4 && bad?.column == 23, "\(String(describing: bad))")
    }

    @Test func ruleMistakes() {
        #expect(error("rules:\n  - expr: x > 1\n")?.message.contains("needs alert:") == true)
        #expect(error("rules:\n  - alert: A\n")?.message.contains("needs expr:") == true)
        let dup = error("rules:\n  - alert: A\n    expr: x > 1\n  - alert: A\n    expr: y > 1\n")
        #expect(dup?.line == 4 && dup?.message.contains("duplicate alert name A (first defined on line 2)") == true)
        #expect(error("rules:\n  - alert: 9lives\n    expr: x > 1\n")?.message.contains("not a valid alert name") == true)
        #expect(error("rules:\n  - alert: A\n    expr: x > 1\n    labels: {severity: urgent}\n")?.message.contains("unknown severity") == true)
        #expect(error("rules: {alert: A}\n")?.message.contains("expected a list") == true)
    }

    @Test func windowForms() throws {
        #expect(try MLWatchConfig.parse(yaml: "window: {events: 5000}").window == .count(size: 5000, slide: 500))
        #expect(try MLWatchConfig.parse(yaml: "window: all").window == .all(slide: 30))
        #expect(try MLWatchConfig.parse(yaml: "window: 10m").window == .time(size: 600, slide: 30))
        #expect(try MLWatchConfig.parse(yaml: "window: {size: 1h}").window == .time(size: 3600, slide: 180))
        let e = error("window: {size: 1m, slide: 2m}")
        #expect(e?.line == 1 && e?.column == 27 && e?.message.contains("at most the window size") == true)
        #expect(error("window: {size: 1m, events: 5}")?.message.contains("not both") == true)
    }

    @Test func referenceForms() throws {
        #expect(try MLWatchConfig.parse(yaml: "reference: {file: base/profile.json}").reference == .profile("base/profile.json"))
        #expect(try MLWatchConfig.parse(yaml: "reference: {first: 5000}").reference == .first(5000))
        let r = try MLWatchConfig.parse(yaml: #"reference: {from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"}"#)
        #expect(r.reference == .range(from: 1_767_225_600, to: 1_767_312_000))
        #expect(error("reference: {first: 10, file: a.jsonl}")?.message.contains("not several") == true)
        #expect(error(#"reference: {from: "yesterday"}"#)?.message.contains("is not a time") == true)
    }

    @Test func driftAndFieldMistakes() {
        let d = error("drift: {features: {amount: {test: psii}}}")
        #expect(d?.column == 35 && d?.message.contains("unknown drift test \"psii\"") == true)
        #expect((try? MLWatchConfig.parse(yaml: "drift: {default: {test: kl_div}}").drift.defaultOptions.test) == .kl)
        let f = error("fields:\n  ts: time\n  tss: t2\n")
        #expect(f?.line == 3 && f?.message.contains("unknown field \"tss\"") == true)
        #expect(error("low_confidence: 1.5")?.message.contains("between 0 and 1") == true)
        #expect(error("join: {max_pending: 0}")?.message.contains("at least 1") == true)
        #expect(error("notify: {bell: maybe}")?.message.contains("true or false") == true)
    }

    @Test func yamlSyntaxErrorsHaveAPosition() {
        let e = error("rules:\n  - alert: A\n    expr: [x > 1\n")
        if case .syntax(let file, let line, _, _) = e {
            #expect(file == "rules.yaml" && line >= 3)
        } else {
            Issue.record("expected a syntax error, got \(String(describing: e))")
        }
        let dup = error("theme: a\ntheme: b\n")
        if case .syntax = dup {} else { Issue.record("expected a duplicate-key error, got \(String(describing: dup))") }
    }

    @Test func httpsPeersAndTheirCAFile() throws {
        let config = try MLWatchConfig.parse(yaml: """
            notify: {alertmanager: "https://am.example:9093"}
            prometheus: {url: "HTTPS://prometheus.example"}
            tls: {ca_file: /etc/mlwatch/ca.pem}
            """)
        #expect(config.notify.alertmanager == "https://am.example:9093")
        #expect(config.prometheus.url == "HTTPS://prometheus.example")
        #expect(config.tls == TLSSettings(caFile: "/etc/mlwatch/ca.pem"))
        #expect(try MLWatchConfig.parse(yaml: "theme: light\n").tls.caFile == nil)
        for bad in ["notify: {alertmanager: \"ftp://am\"}\n", "tls: {ca_file: \"\"}\n", "tls: {cafile: x.pem}\n"] {
            #expect(error(bad) != nil, "\(bad)")
        }
    }

    @Test func loadReadsAFileAndReportsAMissingOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mlwatch.yaml").path
        try "theme: light\nrules:\n  - alert: A\n    expr: x >\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.invalidExpression(file: path, line: 4, column: 14, message: "rules[0].expr: expected a number or adaptive(…), found end of expression")) {
            try MLWatchConfig.load(path: path)
        }
        if case .unreadable(let file, _) = (try? MLWatchConfig.load(path: path + ".missing")) == nil ? error(at: path + ".missing") : nil {
            #expect(file == path + ".missing")
        } else {
            Issue.record("expected unreadable")
        }
    }

    private func error(at path: String) -> ConfigError? {
        do {
            _ = try MLWatchConfig.load(path: path)
            return nil
        } catch {
            return error
        }
    }
}
