import Testing
@testable import MLWatchCore

@Suite struct AlertRuleEvaluationTests {
    private func firingLabels(_ expr: String, _ samples: [MetricSample]) throws -> [Labels] {
        var engine = RuleEngine(rules: [try AlertRule(name: "R", expr: expr)])
        engine.evaluate(samples, at: 0)
        return engine.alerts.filter { $0.state == .firing }.map(\.labels).sorted()
    }

    @Test func equalityMatcherSelectsLabelSets() throws {
        let samples = [
            sample("drift_psi", 0.3, ["feature": "amount", "model": "a"]),
            sample("drift_psi", 0.1, ["feature": "amount", "model": "b"]),
            sample("drift_psi", 0.5, ["feature": "age", "model": "a"]),
            sample("drift_js", 0.9, ["feature": "amount", "model": "a"]),
        ]
        #expect(try firingLabels(#"drift_psi{feature="amount"} > 0.2"#, samples) == [["feature": "amount", "model": "a"]])
        #expect(try firingLabels("drift_psi > 0.2", samples).count == 2)
    }

    @Test func regexAndNegativeMatchers() throws {
        let samples = [
            sample("error_rate", 0.2, ["model": "fraud", "segment": "DE"]),
            sample("error_rate", 0.2, ["model": "fraud", "segment": "test"]),
            sample("error_rate", 0.5, ["model": "credit"]),
            sample("error_rate", 0.2, ["model": "fraud"]),
        ]
        #expect(try firingLabels(#"error_rate{model=~"fr.*",segment!="test"} > 0.1"#, samples)
            .sorted(by: { $0.description.count < $1.description.count }) == [["model": "fraud"], ["model": "fraud", "segment": "DE"]])
        #expect(try firingLabels(#"error_rate{segment!~"D.|test"} > 0.1"#, samples) == [["model": "credit"], ["model": "fraud"]])
    }

    @Test func andIntersectsOnSharedLabels() throws {
        let samples = [
            sample("latency_p99_ms", 300, ["model": "a"]), sample("latency_p99_ms", 300, ["model": "b"]),
            sample("events_per_second", 5, ["model": "a"]), sample("events_per_second", 0.5, ["model": "b"]),
            sample("cpu_pct", 90),
        ]
        #expect(try firingLabels("latency_p99_ms > 250 and events_per_second > 1", samples) == [["model": "a"]])
        // A label-less series shares no label with the others, so it matches every one of them.
        #expect(try firingLabels("latency_p99_ms > 250 and cpu_pct > 80", samples) == [["model": "a"], ["model": "b"]])
        #expect(try firingLabels("latency_p99_ms > 250 and cpu_pct > 95", samples).isEmpty)
    }

    @Test func orUnitesLabelSetsKeepingTheLeftValue() throws {
        var engine = RuleEngine(rules: [try AlertRule(name: "R", expr: "error_rate > 0.1 or latency_p99_ms > 250")])
        engine.evaluate([
            sample("error_rate", 0.2, ["model": "a"]), sample("error_rate", 0.0, ["model": "b"]),
            sample("latency_p99_ms", 300, ["model": "b"]), sample("latency_p99_ms", 300, ["model": "c"]),
            sample("latency_p99_ms", 10, ["model": "d"]),
        ], at: 0)
        let firing = engine.alerts.filter { $0.state == .firing }
        #expect(firing.map(\.labels).sorted() == [["model": "a"], ["model": "b"], ["model": "c"]])
        #expect(firing.first { $0.labels == ["model": "b"] }?.value == 0.0)
        #expect(firing.first { $0.labels == ["model": "c"] }?.value == 300)
    }

    @Test func summaryTemplatesAndSeverity() throws {
        let rule = try AlertRule(
            name: "LatencyP99High", expr: "latency_p99_ms > 250", labels: ["severity": "critical"],
            annotations: ["summary": "p99 latency {{ $value }} ms on {{ $labels.model }} (limit {{$threshold}}) {{ $unknown }}"])
        var engine = RuleEngine(rules: [rule])
        engine.evaluate([sample("latency_p99_ms", 312.5, ["model": "fraud"])], at: 10)
        let alert = try #require(engine.alerts.first)
        #expect(alert.summary == "p99 latency 312.5 ms on fraud (limit 250) {{ $unknown }}")
        #expect(alert.severity == .critical)
        #expect(alert.threshold == 250)
        #expect(alert.annotations["summary"] == alert.summary)
    }

    @Test func aSeriesThatDisappearsCountsAsFalse() throws {
        var engine = RuleEngine(rules: [try AlertRule(name: "R", expr: "x > 1")])
        engine.evaluate([sample("x", 5, ["model": "a"])], at: 0)
        #expect(engine.state(rule: "R", labels: ["model": "a"]) == .firing)
        let result = engine.evaluate([], at: 10)
        #expect(result.transitions.map(\.to) == [.resolved])
        #expect(engine.alerts.first?.value == 5)
    }

    @Test func alertsAreOrderedByUrgencyThenSeverity() throws {
        var engine = RuleEngine(rules: [
            try AlertRule(name: "Info", expr: "x > 1", labels: ["severity": "info"]),
            try AlertRule(name: "Crit", expr: "x > 1", labels: ["severity": "critical"]),
            try AlertRule(name: "Slow", expr: "x > 1", forDuration: 60, labels: ["severity": "critical"]),
        ])
        engine.evaluate([sample("x", 2)], at: 0)
        #expect(engine.alerts.map(\.rule) == ["Crit", "Info", "Slow"])
        #expect(engine.alerts.map(\.state) == [.firing, .firing, .pending])
    }

    @Test func nanNeverSatisfiesAComparison() throws {
        #expect(try firingLabels("x != 1", [sample("x", .nan)]).isEmpty)
    }
}
