import Foundation
import Testing
@testable import MLWatchExport

/// The PromQL builders of the fleet dashboard: `--match` selectors, scoping to an instance, the recording
/// rule against the inline PSI, and every query accepted by Prometheus' parser (`promtool check rules`).
@Suite struct FleetQueriesTests {
    @Test func selectorsParseLikePromQL() throws {
        #expect(try PromMatcher.parseSelector("") == [])
        #expect(try PromMatcher.parseSelector(" { } ") == [])
        #expect(try PromMatcher.parseSelector(#"{job="mlwatch"}"#) == [PromMatcher("job", .equal, "mlwatch")])
        #expect(try PromMatcher.parseSelector(#"job!="a", env=~'prod|stage' , zone !~ `eu-\d`"#) == [
            PromMatcher("job", .notEqual, "a"), PromMatcher("env", .regex, "prod|stage"), PromMatcher("zone", .notRegex, #"eu-\d"#),
        ])
        #expect(try PromMatcher.parseSelector(#"{a="x\"y\\z\n",}"#) == [PromMatcher("a", .equal, "x\"y\\z\n")])
        // Rendered back with Go's escapes, so a value can never end the string early.
        #expect(PromMatcher("a", .equal, "x\"} or vector(1) #").description == #"a="x\"} or vector(1) #""#)
    }

    @Test func badSelectorsSayWhere() {
        let cases: [(String, Int, String)] = [
            (#"{job="a""#, 9, "missing }"),
            (#"{job}"#, 5, "expected =, !=, =~ or !~ after job"),
            (#"{job=a}"#, 6, "expected a quoted value"),
            (#"{1job="a"}"#, 2, "expected a label name"),
            (#"{job="a"} up"#, 11, "unexpected text after the selector"),
            (#"job="a" env="b""#, 9, "expected , between matchers"),
            (#"{job="a\q"}"#, 9, #"unsupported escape \q"#),
            ("{job=\"a", 8, "unterminated string"),
        ]
        for (text, column, reason) in cases {
            do {
                _ = try PromMatcher.parseSelector(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error == PromSelectorError(column: column, reason: reason), "\(text)")
            }
        }
    }

    @Test func everySelectorCarriesTheScope() {
        let q = FleetQueries(matchers: [PromMatcher("job", .equal, "mlwatch")], instance: "10.0.0.1:9464")
        for kind in [FleetQueries.Kind.software, .input, .output] {
            let text = q.query(kind)
            #expect(text.contains(#"mlwatch_"#))
            // No bare selector of an mlwatch metric: each has the job and the instance.
            for part in text.components(separatedBy: "mlwatch_").dropFirst() where !part.hasPrefix("stat") {
                let name = part.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                let rest = part.dropFirst(name.count)
                #expect(rest.hasPrefix(#"{job="mlwatch", instance="10.0.0.1:9464""#), "\(kind): mlwatch_\(name)\(rest.prefix(40))")
            }
        }
        // The Instances view lists the whole fleet and its alerts, whatever instance the panels show.
        #expect(q.query(.alerts) == #"{__name__=~"mlwatch_alert|mlwatch_alert_value|mlwatch_alert_active_since_timestamp_seconds", job="mlwatch"}"#)
        #expect(!q.query(.instances).contains("10.0.0.1"))
        #expect(q.query(.instances).contains(#"up{job="mlwatch"}"#))
        #expect(!q.query(.instances).contains("present_over_time"))
        // Without --match, only targets that served mlwatch's metrics are instances.
        #expect(FleetQueries().query(.instances).contains("present_over_time(mlwatch_exporter_series_dropped[1h])"))
    }

    @Test func recordingRuleOnlyForTheWholeFleetWithoutMatch() {
        #expect(FleetQueries(recordingRule: true).query(.input).contains("mlwatch:drift_psi:fleet"))
        #expect(FleetQueries(recordingRule: true).effectiveRecordingRule)
        #expect(!FleetQueries(instance: "a:1", recordingRule: true).effectiveRecordingRule)
        #expect(!FleetQueries(matchers: [PromMatcher("job", .equal, "x")], recordingRule: true).effectiveRecordingRule)
        #expect(!FleetQueries(instance: "a:1", recordingRule: true).query(.input).contains("mlwatch:"))
        // The whole fleet without --match probes for the rule (a count), so that the next refresh can use it.
        #expect(FleetQueries().query(.input).contains(#"label_replace(count(mlwatch:drift_psi:fleet), "mlwatch_stat", "psi_rule", "", "")"#))
        #expect(!FleetQueries().psi.contains("mlwatch:"))
        #expect(!FleetQueries(instance: "a:1").query(.input).contains("mlwatch:"))
    }

    /// The inline PSI is the recording rule of `mlwatch export prometheus-rules` with its records expanded,
    /// less the rule's `drift.min_samples` gate (the dashboard gates with the `bin_count` it reads, and shows
    /// the count instead).
    @Test func inlinePSIIsTheRecordingRuleExpanded() throws {
        var rules = Dictionary(uniqueKeysWithValues: PrometheusRuleFile.recordingRules(minSamples: 30).map { ($0.0, $0.1) })
        let gate = " and on (model, version, feature) (sum by (model, version, feature) (mlwatch_feature_window_values) >= 30)"
            + " unless on (model, version, feature) (max by (model, version, feature) (mlwatch_feature_reference_values) < 30)"
        var psi = try #require(rules[PrometheusRuleFile.psiRecord])
        #expect(psi.hasSuffix(gate), "\(psi)")
        psi.removeLast(gate.count)
        for record in [PrometheusRuleFile.windowShareRecord, PrometheusRuleFile.referenceShareRecord] {
            psi = psi.replacingOccurrences(of: record, with: rules[record]!)
        }
        rules[PrometheusRuleFile.psiRecord] = psi
        let inline = FleetQueries().psi.replacingOccurrences(of: #"{segment=""}"#, with: "")
        #expect(inline == psi)
        // The dashboard reads the same count the rule gates on.
        #expect(FleetQueries().query(.input).contains(#"sum by (model, version, feature) (mlwatch_feature_window_values{segment=""})"#))
        #expect(FleetQueries().query(.input).contains(#"max by (model, version, feature) (mlwatch_feature_reference_values{segment=""})"#))
    }

    /// With `compare:`, instances also export drift of each version against the baseline (label `baseline`):
    /// the Input panel's drift columns are the reference drift only.
    @Test func inputDriftIsAgainstTheReferenceOnly() {
        let input = FleetQueries().query(.input)
        for metric in ["drift_score", "drift_threshold", "drift_test", "drift_detected"] {
            #expect(input.contains(#"mlwatch_\#(metric){segment="", baseline=""}"#), "\(metric)")
            #expect(!input.contains(#"mlwatch_\#(metric){segment=""})"#), "\(metric)")
        }
    }

    @Test func rateWindowIsUsedEverywhere() {
        let q = FleetQueries(rateWindow: "2m")
        #expect(q.query(.software).contains("rate(mlwatch_events_total[2m])"))
        #expect(!q.query(.software).contains("[1m]"))
        #expect(q.query(.instances).contains("rate(mlwatch_events_total[2m])"))
    }

    /// Prometheus' own parser accepts every query, in every scope (as recording rules in a file that
    /// `promtool check rules` reads).
    @Test(.enabled(if: ExportTestSupport.tool("promtool") != nil, "promtool is not installed"))
    func promtoolParsesEveryQuery() throws {
        let scopes = [
            FleetQueries(),
            FleetQueries(recordingRule: true),
            FleetQueries(matchers: try PromMatcher.parseSelector(#"{job=~"ml.*", env!="dev"}"#), instance: "h:1", rateWindow: "90s"),
        ]
        var yaml = "groups:\n  - name: q\n    rules:\n"
        for (i, q) in scopes.enumerated() {
            for kind in FleetQueries.Kind.allCases {
                yaml += "      - record: q\(i)_\(kind.rawValue)\n        expr: \(PrometheusRuleFile.quoted(q.query(kind)))\n"
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleetq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("q.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let (status, out) = try ExportTestSupport.run(ExportTestSupport.tool("promtool")!, ["check", "rules", file.path])
        #expect(status == 0, "\(out)")
    }
}
