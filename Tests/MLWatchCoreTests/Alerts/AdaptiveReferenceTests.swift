import Foundation
import Testing
@testable import MLWatchCore

@Suite("Adaptive thresholds from a reference: bounded, only what the rules read")
struct AdaptiveReferenceTests {
    static let rules: [AlertRule] = [
        try! AlertRule(name: "M", expr: "latency_p50_ms > adaptive(mean + 3 * stddev)"),
        try! AlertRule(name: "Q", expr: #"error_rate{model!="z"} > adaptive(quantile(0.9) + 1 * stddev)"#),
        try! AlertRule(name: "E", expr: "score_mean > adaptive(ewma(alpha=0.3) + 2 * stddev)"),
        try! AlertRule(name: "F", expr: "events_total > 5"),
    ]

    @Test("only the metrics adaptive comparisons read are kept; no adaptive rule, nothing is needed")
    func onlyWhatIsRead() {
        let r = AdaptiveReference(rules: Self.rules)
        #expect(r.metricNames == ["latency_p50_ms", "error_rate", "score_mean"])
        #expect(!AdaptiveReference(rules: [Self.rules[3]]).isNeeded)
        var none = AdaptiveReference(rules: [Self.rules[3]])
        none.add([sample("events_total", 3)], times: 5)
        #expect(none.seriesCount == 0)
    }

    @Test("adding samples for m boundaries at once learns what m single adds learn", arguments: 1...10)
    func multiplicity(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var once = AdaptiveReference(rules: Self.rules)
        var each = AdaptiveReference(rules: Self.rules)
        for _ in 0..<100 {
            let samples = ["a", "b"].flatMap { m in
                [sample("latency_p50_ms", Double(rng.next() % 50), ["model": m]),
                 sample("error_rate", Double(rng.next() % 5) / 10, ["model": m]),
                 sample("score_mean", Double(rng.next() % 7) / 7, ["model": m])]
            }
            let n = 1 + Int(rng.next() % 30)
            once.add(samples, times: n)
            for _ in 0..<n { each.add(samples, times: 1) }
        }
        once.finish()
        each.finish()
        for rule in Self.rules.prefix(3) {
            guard case .comparison(let c) = rule.expression, case .adaptive(let spec) = c.threshold else { continue }
            for labels in [Labels(["model": "a"]), Labels(["model": "b"]), Labels(["model": "new"])] {
                let a = once.threshold(spec: spec, selector: c.selector, labels: labels)
                #expect(a != nil)
                #expect(a == each.threshold(spec: spec, selector: c.selector, labels: labels), "\(rule.name) \(labels)")
            }
        }
    }

    @Test("thresholds are those learned from every boundary's value; a new label set learns from the pooled series")
    func matchesLearningFromTheValues() {
        var rng = SplitMix64(seed: 42)
        var r = AdaptiveReference(rules: Self.rules)
        var values: [String: [Double]] = [:]
        for _ in 0..<400 {
            let a = Double(rng.next() % 100)
            let b = Double(rng.next() % 100) + 50
            let n = 1 + Int(rng.next() % 4)
            r.add([sample("latency_p50_ms", a, ["model": "a"]), sample("latency_p50_ms", b, ["model": "b"])], times: n)
            values["a", default: []] += Array(repeating: a, count: n)
            values["b", default: []] += Array(repeating: b, count: n)
        }
        r.finish()
        let spec = AdaptiveThreshold(center: .mean, k: 3)
        let selector = MetricSelector(name: "latency_p50_ms")
        #expect(approx(r.threshold(spec: spec, selector: selector, labels: ["model": "a"]), spec.learn(from: values["a"]!)!))
        #expect(approx(r.threshold(spec: spec, selector: selector, labels: ["model": "b"]), spec.learn(from: values["b"]!)!))
        // Pooled in label order: a's values, then b's.
        #expect(approx(r.threshold(spec: spec, selector: selector, labels: ["model": "c"]),
                       spec.learn(from: values["a"]! + values["b"]!)!))
    }

    @Test("memory is bounded per series: distinct values for quantiles, a tail for an EWMA")
    func bounded() {
        var stats = ReferenceSeriesStatistics(quantiles: true, smallestAlpha: 0.3)
        for i in 0..<(ReferenceSeriesStatistics.maxDistinct * 3) {
            stats.add(Double(i), times: 1)
        }
        stats.close()
        let q = stats.threshold(AdaptiveThreshold(center: .quantile(0.5)))!
        let n = Double(ReferenceSeriesStatistics.maxDistinct * 3)
        // Compacted, not exact: within a few merged pairs of the true median.
        #expect(abs(q - (n - 1) / 2) < n / 1000)
        #expect(ReferenceSeriesStatistics.tailLength(alpha: 0.3) < 200)
        #expect(ReferenceSeriesStatistics.tailLength(alpha: 1e-9) == ReferenceSeriesStatistics.maxTail)
        // An EWMA over the tail equals one over everything (older values weigh less than 2⁻⁶⁴).
        let ewma = AdaptiveThreshold(center: .ewma(alpha: 0.3), k: 1)
        let all = (0..<(ReferenceSeriesStatistics.maxDistinct * 3)).map(Double.init)
        #expect(approx(stats.threshold(ewma), ewma.learn(from: all)!, tolerance: 1e-12))
    }

    @Test("the engine learns thresholds from samples as from an AdaptiveReference")
    func engineLearnsFromEither() throws {
        let rule = try AlertRule(name: "N", expr: "output_null_rate > adaptive(mean + 3 * stddev)")
        var a = RuleEngine(rules: [rule])
        a.learnReference([1, 2, 3, 4, 5].map { sample("output_null_rate", $0, ["model": "a"]) })
        var r = AdaptiveReference(rules: [rule])
        for v in [1.0, 2, 3, 4, 5] { r.add([sample("output_null_rate", v, ["model": "a"])], times: 1) }
        var b = RuleEngine(rules: [rule])
        b.learnReference(r)
        for e in [0, 1] {
            var engine = e == 0 ? a : b
            engine.evaluate([sample("output_null_rate", 7, ["model": "a"])], at: 0)
            #expect(approx(engine.threshold(rule: "N", labels: ["model": "a"]), 7.242640687119285))
        }
    }
}

@Suite("Reference logs: read once, windowed as the run, cost follows events")
struct ReferenceLogTests {
    static func write(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-ref-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a sparse reference (a prediction every few hours for a year) teaches what every boundary would")
    func sparseReferenceEqualsEveryBoundary() throws {
        let start = 1_700_006_400.0
        var rng = SplitMix64(seed: 9)
        var t = start
        var times: [Double] = []
        for _ in 0..<1500 {
            times.append(t)
            t += 3600 * (1 + Double(rng.next() % 10))
        }
        let log = ScheduleLog(times: times, labelDelay: 600, seed: 4, extras: false)
        let path = try Self.write(log.texts)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = CollectorOptions(window: .time(size: 4 * 3600, slide: 1800), lateness: 60)
        let rules = [
            try AlertRule(name: "Lat", expr: "latency_p50_ms > adaptive(mean + 2 * stddev)"),
            try AlertRule(name: "Err", expr: "error_rate > adaptive(quantile(0.95))"),
            try AlertRule(name: "Score", expr: "score_mean < adaptive(ewma(alpha=0.1) - 1 * stddev)"),
        ]
        let read = try ReferenceLog.read(path: path, options: options, rules: rules)
        #expect(read.profile.events == 1500)
        let adaptive = try #require(read.adaptive)

        // Every boundary, naively: the metrics each boundary reads, added once each.
        var observed = NaiveEvaluatorObserver(reference: AdaptiveReference(rules: rules), options: options)
        for line in log.texts { observed.ingest(line) }
        observed.finish()
        var naive = observed.reference
        naive.finish()
        for rule in rules {
            guard case .comparison(let c) = rule.expression, case .adaptive(let spec) = c.threshold else { continue }
            for labels in [Labels(["model": "a", "version": ""]), Labels(["model": "b", "version": ""]), Labels(["model": "z"])] {
                let got = adaptive.threshold(spec: spec, selector: c.selector, labels: labels)
                #expect(got != nil)
                #expect(got == naive.threshold(spec: spec, selector: c.selector, labels: labels), "\(rule.name) \(labels)")
            }
        }
    }

    @Test("without adaptive rules a reference log builds only its profile")
    func noAdaptiveRulesOnlyProfile() throws {
        let log = ScheduleLog(times: (0..<50).map { 1_700_000_000 + Double($0) * 86_400 }, labelDelay: 60, seed: 1)
        let path = try Self.write(log.texts)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let read = try ReferenceLog.read(path: path, options: CollectorOptions(),
                                         rules: [try AlertRule(name: "F", expr: "latency_p99_ms > 250")])
        #expect(read.adaptive == nil)
        #expect(read.profile.events == 50)
    }

    @Test("a reload re-learns through AdaptiveReference.read: the same thresholds, no profile, nothing read without adaptive rules")
    func reloadReadsOnlyWhatAdaptiveRulesNeed() throws {
        let log = ScheduleLog(times: (0..<400).map { 1_700_000_000 + Double($0) * 37 }, labelDelay: 60, seed: 3, extras: false)
        let path = try Self.write(log.texts)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = CollectorOptions(window: .time(size: 600, slide: 60), lateness: 30)
        let rules = [try AlertRule(name: "Lat", expr: "latency_p99_ms > adaptive(quantile(0.9))"),
                     try AlertRule(name: "Fixed", expr: "error_rate > 0.5")]
        var lines = 0
        let reloaded = try #require(try AdaptiveReference.read(path: path, options: options, rules: rules) { lines = $0 })
        let atStartup = try #require(try ReferenceLog.read(path: path, options: options, rules: rules).adaptive)
        #expect(lines == log.texts.count)
        guard case .comparison(let c) = rules[0].expression, case .adaptive(let spec) = c.threshold else {
            Issue.record("not an adaptive comparison")
            return
        }
        for labels in [Labels(["model": "a", "version": ""]), Labels(["model": "b", "version": ""])] {
            let got = reloaded.threshold(spec: spec, selector: c.selector, labels: labels)
            #expect(got != nil && got == atStartup.threshold(spec: spec, selector: c.selector, labels: labels), "\(labels)")
        }
        // No adaptive rule: nothing to learn, the log is not even opened.
        #expect(try AdaptiveReference.read(path: "/nonexistent/ref.jsonl", options: options, rules: [rules[1]]) == nil)
        #expect(throws: ReferenceError.self) {
            _ = try AdaptiveReference.read(path: "/nonexistent/ref.jsonl", options: options, rules: rules)
        }
    }

    @Test("an unreadable or empty reference is an error that names it")
    func errors() throws {
        #expect(throws: ReferenceError.self) {
            _ = try ReferenceLog.read(path: "/nonexistent/ref.jsonl", options: CollectorOptions(), rules: [])
        }
        let path = try Self.write(["{not json"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ReferenceError.empty(path)) {
            _ = try ReferenceLog.read(path: path, options: CollectorOptions(), rules: [])
        }
    }
}

/// A naive reference read: every boundary of the reference evaluated (computing only what adaptive rules
/// read, like the product), its metrics added once.
struct NaiveEvaluatorObserver {
    var reference: AdaptiveReference
    let evaluator: NaiveEvaluator

    init(reference: AdaptiveReference, options: CollectorOptions) {
        self.reference = reference
        let names = reference.metricNames
        evaluator = NaiveEvaluator(options: options, rules: nil,
                                   demand: RuleDemand(metricNames: names, driftScope: .none, featureStatistics: false))
    }

    mutating func ingest(_ line: String) {
        evaluator.ingestLine(line)
        for s in evaluator.drainEvaluations() { reference.add(s, times: 1) }
    }

    mutating func finish() {
        evaluator.finish()
        for s in evaluator.drainEvaluations() { reference.add(s, times: 1) }
    }
}
