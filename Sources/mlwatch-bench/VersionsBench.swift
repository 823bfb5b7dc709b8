import Foundation
import MLWatchCore

/// `mlwatch-bench versions [--requests 300000] [--rate 100] [--reps 3]`
///
/// What `compare` and `fairness` cost. Data: the simulator's `shadow` scenario (built-in car-loan rows,
/// seed 1): `requests` predictions of v1 at `rate`/s, the shadow v3 answering every other one under the same
/// request id (disagreeing on 60 % of them 3 minutes in 10), an `applicant_group` on every prediction,
/// labels 60 s later, fed as 1 MB `LineBatch`es. Thread CPU time, median of `reps` runs after a warm-up,
/// configurations interleaved run by run:
/// - the check path (ingest + rule evaluations every 30 s of a 10m window, then `finish`) with one latency
///   rule: (a) without `compare`/`fairness` (the baseline of the run), (b) with both configured, the rule
///   unchanged (ingest joins labels to both versions; evaluations compute nothing new), (c) with rules that
///   read `shadow_agreement_rate`, `demographic_parity_ratio` and `drift_psi{baseline}` (each evaluation
///   scans its window once and compares v3 with v1);
/// - one displayed window's metrics (what a dashboard snapshot computes) at the end of the log, without and
///   with `compare`/`fairness`, for a 10m and a 30m window (cost proportional to the window).
enum VersionsBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        let requests = option("--requests", 300_000)
        let rate = Double(option("--rate", 100))
        let reps = max(1, option("--reps", 3))
        let start = 1_795_000_000.0
        var generator = SimulatedLogGenerator(scenario: .shadow, pool: .builtIn(), start: start, seed: 1)
        var lines: [String] = []
        for i in 0..<requests { generator.lines(at: start + Double(i) / rate, into: &lines) }
        generator.appendLabels(dueBy: .infinity, into: &lines)
        let batches = ParseBench.makeBatches(lines.map { Array($0.utf8) }, batchBytes: 1 << 20)
        print("versions: \(requests) v1 predictions at \(Int(rate))/s, \(generator.shadowAnswers) shadow answers, \(lines.count) lines; thread CPU, median of \(reps)")

        func rules(_ exprs: [String]) -> [AlertRule] {
            exprs.enumerated().map { try! AlertRule(name: "R\($0.offset)", expr: $0.element) }
        }
        let latency = rules(["latency_p99_ms > 250"])
        let reading = rules([
            "latency_p99_ms > 250", #"shadow_agreement_rate{version="v3"} < 0.8"#, #"demographic_parity_ratio{version="v1"} < 0.8"#,
            #"drift_psi{feature="car_value", baseline="v1"} > 0.2"#,
        ])
        let on = MetricOptions(compare: CompareOptions(baseline: "v1"), fairness: FairnessOptions(groupBy: "applicant_group"))
        func state(_ metrics: MetricOptions, _ rules: [AlertRule], window: Double = 600) -> MonitorState {
            MonitorState(options: CollectorOptions(window: .time(size: window, slide: 30), lateness: 5, metrics: metrics), mode: .check,
                         rules: RuleEngine(rules: rules))
        }
        func check(_ metrics: MetricOptions, _ rules: [AlertRule]) -> Int {
            let s = state(metrics, rules)
            for b in batches { s.ingest(b) }
            s.finish()
            return s.timelineCount
        }

        // The check path, configurations interleaved.
        let configs: [(String, MetricOptions, [AlertRule])] = [
            ("(a) no compare/fairness, 1 rule (baseline)", MetricOptions(), latency),
            ("(b) compare + fairness, same rule", on, latency),
            ("(c) compare + fairness, rules reading them", on, reading),
        ]
        var times = Array(repeating: [Double](), count: configs.count)
        for c in configs { blackHole(check(c.1, c.2)) }  // warm-up
        for _ in 0..<reps {
            for (i, c) in configs.enumerated() {
                times[i] += BenchTimer.measure(repetitions: 1) { blackHole(check(c.1, c.2)) }
            }
        }
        let base = BenchTimer.median(times[0])
        let evaluations = Double(requests) / rate / 30
        for (i, c) in configs.enumerated() {
            let m = BenchTimer.median(times[i])
            let extra = i == 0 ? "" : String(format: "  ×%.3f (%+.1f %%), %+.3f ms per evaluation", m / base, (m / base - 1) * 100,
                                             (m - base) / evaluations)
            print("  \(c.0.padding(toLength: 46, withPad: " ", startingAt: 0)) \(BenchTimer.format(m))\(extra)")
        }

        // One displayed window's metrics at the end of the log.
        for window in [600.0, 1800.0] {
            let off = state(MetricOptions(), [], window: window)
            let with = state(on, [], window: window)
            for b in batches {
                off.ingest(b)
                with.ingest(b)
            }
            guard let w = off.currentWindow else { continue }
            func view(_ s: MonitorState) -> WindowMetrics {
                s.metrics(from: w.from, to: w.to, driftScope: .allWithoutKSPValue)
            }
            let events = view(off).metrics.first { $0.name == "events_total" && $0.labels["version"] == "v1" }?.value ?? 0
            var offTimes: [Double] = []
            var onTimes: [Double] = []
            for _ in 0..<max(3, reps) {
                offTimes += BenchTimer.measure(repetitions: 1) { blackHole(view(off)) }
                onTimes += BenchTimer.measure(repetitions: 1) { blackHole(view(with)) }
            }
            let a = BenchTimer.median(offTimes)
            let b = BenchTimer.median(onTimes)
            print(String(format: "  displayed %2.0fm window (%.0f v1 predictions): %@ without, %@ with compare + fairness: +%.2f ms (+%.2f µs per prediction in the window)",
                         window / 60, events, BenchTimer.format(a), BenchTimer.format(b), b - a, (b - a) * 1000 / max(1, events * 1.5)))
        }
        return 0
    }
}
