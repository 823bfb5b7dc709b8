import Foundation
import Synchronization
import Testing
@testable import MLWatchCore

/// The evaluation schedule skips boundaries whose window did not change; these tests hold it to exactly what
/// evaluating every boundary gives (`NaiveEvaluator`): the same alert timeline (times, states, values,
/// thresholds) and the same final snapshot, on the check, live and replay paths, for sparse logs, a log with
/// a long gap, random sparse and bursty timelines, and a dense twin of the sparse log.
@Suite("Evaluation schedule: equivalence with evaluating every boundary")
struct ScheduleEquivalenceTests {
    static let day = 86_400.0
    static let start = 1_700_006_400.0  // a whole number of days since the epoch

    /// Rules that exercise what the schedule must get right, in units of `u` seconds: `for:` and
    /// `keep_firing_for`, `and`/`or`, label matchers, label joins, counters, adaptive thresholds learned at
    /// every evaluation (history growing by one value per boundary), on a re-learn interval, and with recovery
    /// thresholds; `events_per_second` (its divisor depends on the boundary while the first window fills)
    /// only when `rate` is set.
    static func rules(unit u: Double, rate: Bool = false) throws -> [AlertRule] {
        var rules = [
            try AlertRule(name: "LatencyHigh", expr: "latency_p99_ms > 250", forDuration: u / 2, keepFiringFor: u / 4,
                          labels: ["severity": "critical"]),
            try AlertRule(name: "Errors", expr: #"error_rate{model="a"} > 0.3 recover 0.1"#, forDuration: u),
            try AlertRule(name: "DriftOfX", expr: #"feature_mean{feature="x"} > 2.5 and error_rate > 0.05"#,
                          forDuration: u / 8),
            try AlertRule(name: "Accuracy", expr: "accuracy < 0.6 or latency_p50_ms > 300", keepFiringFor: u),
            try AlertRule(name: "LatencyAdaptive", expr: "latency_p50_ms > adaptive(mean + 2 * stddev)",
                          forDuration: u / 4, historySize: 40, minSamples: 5),
            try AlertRule(name: "ScoreEwma", expr: "score_mean > adaptive(ewma(alpha=0.2) + 1 * stddev)",
                          relearnInterval: 2 * u, historySize: 30, minSamples: 3),
            try AlertRule(name: "QuantileRecover",
                          expr: "latency_p95_ms > adaptive(quantile(0.9)) recover adaptive(quantile(0.5))",
                          historySize: 25, minSamples: 4),
            try AlertRule(name: "Malformed", expr: "malformed_lines_total > 3"),
        ]
        if rate { rules.append(try AlertRule(name: "Rate", expr: "events_per_second > 0.0001", forDuration: u / 8)) }
        return rules
    }

    /// Product and naive runs agree: timeline, alerts, thresholds, snapshot.
    static func expectSame(_ product: MonitorState, _ naive: NaiveEvaluator, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let got = product.snapshot(now: 0)
        let want = naive.snapshot()
        #expect(got.timeline == want.timeline, "\(what): timelines differ: \(Self.firstDifference(got.timeline, want.timeline))",
                sourceLocation: sourceLocation)
        if got.timeline == want.timeline {
            let (a, b) = (SchedulePaths.json(got), SchedulePaths.json(want))
            #expect(a == b, "\(what): snapshots differ at \(Self.firstDifference(Array(a), Array(b)))", sourceLocation: sourceLocation)
        }
        let counts = product.scheduleCounts
        #expect(counts.evaluated + counts.skipped == naive.evaluations,
                "\(what): \(counts) boundaries dealt with, naive \(naive.evaluations)", sourceLocation: sourceLocation)
    }

    /// A live run (never finished) has the transitions of the finished naive run up to its last boundary:
    /// `finish()` only adds evaluations after it.
    static func expectLiveSame(_ live: MonitorState, _ finishedNaive: NaiveEvaluator,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let last = live.lastBoundaryTime ?? -.infinity
        let want = (finishedNaive.rules?.timeline ?? []).filter { $0.time <= last }
        let got = live.rules?.timeline ?? []
        #expect(got == want, "live: \(Self.firstDifference(got, want))", sourceLocation: sourceLocation)
    }

    /// Where two sequences first differ, shortly.
    static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String {
        guard let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return a.count == b.count ? "equal" : "lengths \(a.count) vs \(b.count)"
        }
        if T.self == Character.self {
            let lo = max(0, i - 150)
            return "offset \(i): …\(String(describing: a[lo..<min(a.count, i + 150)].map { "\($0)" }.joined()))… vs …\(b[lo..<min(b.count, i + 150)].map { "\($0)" }.joined())…"
        }
        return "entry \(i) of \(a.count)/\(b.count): \(a[i]) vs \(b[i])"
    }

    // MARK: Sparse logs on the three paths

    /// One prediction a day for five years.
    static let dailyLog = ScheduleLog(times: (0..<1826).map { start + Double($0) * day + 3600 }, labelDelay: day / 2, seed: 5)
    static let dailyOptions = CollectorOptions(window: .time(size: 3 * day, slide: day / 4), lateness: day / 10,
                                               joinTTL: 2 * day)

    @Test("one event a day for five years: check, live and replay give what every boundary gives")
    func dailyForFiveYears() throws {
        let rules = try Self.rules(unit: Self.day, rate: true)
        let naive = SchedulePaths.naive(Self.dailyLog, options: Self.dailyOptions, rules: rules)
        #expect(!(naive.rules?.timeline.isEmpty ?? true))
        let check = SchedulePaths.check(Self.dailyLog, options: Self.dailyOptions, rules: rules)
        Self.expectSame(check, naive, "check")
        let replay = SchedulePaths.replay(Self.dailyLog, options: Self.dailyOptions, rules: rules)
        Self.expectSame(replay, naive, "replay")
        Self.expectLiveSame(SchedulePaths.live(Self.dailyLog, options: Self.dailyOptions, rules: rules, seed: 3), naive)
        // Metrics are computed where the window changes (an event enters or leaves; a label, a counter), not
        // at each of the 7,300 boundaries.
        #expect(check.scheduleCounts.computed < 4 * 1826 + 50, "\(check.scheduleCounts)")
    }

    /// Dense traffic (every 10 s for two hours), three days without a line, two more hours.
    static let gapTimes: [Double] = {
        let before = (0..<720).map { start + Double($0) * 10 }
        let after = (0..<720).map { start + 7200 + 3 * day + Double($0) * 10 }
        return before + after
    }()
    static let gapLog = ScheduleLog(times: gapTimes, labelDelay: 45, seed: 8)
    static let gapOptions = CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5, joinTTL: 900)

    @Test("a three-day gap in a dense log: check, live and replay give what every boundary gives")
    func threeDayGap() throws {
        let rules = try Self.rules(unit: 300, rate: true)
        let naive = SchedulePaths.naive(Self.gapLog, options: Self.gapOptions, rules: rules)
        #expect(!(naive.rules?.timeline.isEmpty ?? true))
        let check = SchedulePaths.check(Self.gapLog, options: Self.gapOptions, rules: rules)
        Self.expectSame(check, naive, "check")
        Self.expectSame(SchedulePaths.replay(Self.gapLog, options: Self.gapOptions, rules: rules), naive, "replay")
        Self.expectLiveSame(SchedulePaths.live(Self.gapLog, options: Self.gapOptions, rules: rules, seed: 11), naive)
        // The gap is 8,640 boundaries; crossing it costs a handful of evaluations.
        #expect(check.scheduleCounts.skipped > 8_000, "\(check.scheduleCounts)")
    }

    @Test("an `all` window over a year of daily events: metrics are computed when an event enters, not each slide")
    func allWindowOverAYear() throws {
        let options = CollectorOptions(window: .all(slide: Self.day / 8), lateness: Self.day / 10, joinTTL: 2 * Self.day)
        let rules = try Self.rules(unit: Self.day)
        let log = ScheduleLog(times: (0..<365).map { Self.start + Double($0) * Self.day + 3600 }, labelDelay: Self.day / 2, seed: 6)
        let naive = SchedulePaths.naive(log, options: options, rules: rules)
        let check = SchedulePaths.check(log, options: options, rules: rules)
        Self.expectSame(check, naive, "check, all window")
        // 2,920 boundaries; an event, its label or system sample, or a malformed line changes what they read.
        #expect(check.scheduleCounts.computed < 1_100, "\(check.scheduleCounts)")
    }

    // MARK: The dense twin

    @Test("the daily log compressed 65,536× (window, slide, for, lateness scaled alike) has the same timeline, scaled")
    func denseTwin() throws {
        let f = 65_536.0
        func run(_ scale: Double) throws -> MonitorState {
            let options = CollectorOptions(window: .time(size: 3 * Self.day / scale, slide: Self.day / 4 / scale),
                                           lateness: Self.day / 10 / scale, joinTTL: 2 * Self.day / scale)
            let s = MonitorState(options: options, mode: .check, rules: RuleEngine(rules: try Self.rules(unit: Self.day / scale)))
            for e in Self.dailyLog.events(dividedBy: scale) { s.ingest(e) }
            s.finish()
            return s
        }
        let sparse = try run(1)
        let dense = try run(f)
        let scaled = (dense.rules?.timeline ?? []).map { t -> AlertTransition in
            var t = t
            t.time *= f
            t.activeSince = t.activeSince.map { $0 * f }
            t.firedAt = t.firedAt.map { $0 * f }
            return t
        }
        #expect(!scaled.isEmpty)
        #expect(scaled == sparse.rules?.timeline)
        #expect(dense.scheduleCounts.evaluated == sparse.scheduleCounts.evaluated)
        #expect(dense.scheduleCounts.skipped == sparse.scheduleCounts.skipped)
    }

    // MARK: Random timelines

    /// Random gaps: mostly bursts (sub-second to a few seconds), sometimes minutes, sometimes days.
    static func randomTimes(count: Int, rng: inout SplitMix64) -> [Double] {
        var t = start + Double(rng.next() % 1000)
        var times: [Double] = []
        for _ in 0..<count {
            times.append(t)
            let r = rng.uniform()
            if r < 0.6 {
                t += (rng.uniform() * 3000).rounded() / 1000
            } else if r < 0.9 {
                t += 30 + (rng.uniform() * 600).rounded()
            } else {
                t += 3600 * (1 + (rng.uniform() * 60).rounded())
            }
        }
        return times
    }

    @Test("random sparse and bursty timelines: the check path gives what every boundary gives", arguments: 1...12)
    func randomTimelines(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &* 7919)
        let times = Self.randomTimes(count: 60 + Int(rng.next() % 120), rng: &rng)
        let span = times.last! - times.first!
        let size = [60.0, 300, 600, 3600][Int(rng.next() % 4)]
        // At most ~6,000 boundaries over the span, so that the naive run stays quick.
        let slide = max(size / Double([1, 2, 5, 10, 20][Int(rng.next() % 5)]), (span / 6000).rounded(.up))
        let window: WindowSpec = rng.chance(0.2) ? .all(slide: slide) : .time(size: max(size, slide), slide: slide)
        let options = CollectorOptions(window: window, lateness: [0, 1, 5, 30][Int(rng.next() % 4)], joinTTL: 600)
        let all = try Self.rules(unit: [30.0, 120, 600][Int(rng.next() % 3)], rate: rng.chance(0.5))
        let rules = all.filter { _ in rng.chance(0.6) }
        let log = ScheduleLog(times: times, labelDelay: Double(rng.next() % 90), seed: seed)
        let naive = SchedulePaths.naive(log, options: options, rules: rules)
        let check = SchedulePaths.check(log, options: options, rules: rules)
        Self.expectSame(check, naive, "seed \(seed), \(window), \(rules.map(\.name))")
        if seed % 4 == 0 {
            Self.expectLiveSame(SchedulePaths.live(log, options: options, rules: rules, seed: seed), naive)
        }
    }

    @Test("acknowledgements, snoozes and overrides between events land as when every boundary is evaluated",
          arguments: 1...4)
    func actionsBetweenEvents(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &* 104_729)
        let times = Self.randomTimes(count: 150, rng: &rng)
        let options = CollectorOptions(window: .time(size: 600, slide: 60), lateness: 5, joinTTL: 600)
        let rules = try Self.rules(unit: 120)
        let log = ScheduleLog(times: times, labelDelay: 30, seed: seed)
        // Live at the end of the log (the wall clock follows it), where people act (a check, or a live
        // backlog, holds the lines after a jump of event time until later lines confirm it, see
        // `FutureEventGuard`, so an action between two lines would land elsewhere).
        let wall = Mutex(0.0)
        let product = MonitorState(options: options, mode: .live, rules: RuleEngine(rules: rules),
                                   wallClock: { wall.withLock { $0 } })
        let naive = NaiveEvaluator(options: options, rules: RuleEngine(rules: rules))
        var actions = SplitMix64(seed: seed)
        for (line, time) in log.lines.map({ ($0.text, $0.time) }) {
            if let time { wall.withLock { $0 = max($0, time) } }
            product.ingestLine(line)
            naive.ingestLine(line)
            guard actions.chance(0.2), let now = product.newestEventTime else { continue }
            // The same action on both, when it applies (the states agree, or the test fails anyway).
            for a in product.rules?.alerts ?? [] {
                switch actions.next() % 4 {
                case 0:
                    _ = try? product.rules!.acknowledge(rule: a.rule, labels: a.labels, actor: "t", at: now)
                    _ = try? naive.rules!.acknowledge(rule: a.rule, labels: a.labels, actor: "t", at: now)
                case 1:
                    let until = now + Double(actions.next() % 3000)
                    _ = try? product.rules!.snooze(rule: a.rule, labels: a.labels, until: until, actor: "t", at: now)
                    _ = try? naive.rules!.snooze(rule: a.rule, labels: a.labels, until: until, actor: "t", at: now)
                case 2:
                    _ = try? product.rules!.undo(rule: a.rule, labels: a.labels, actor: "t", at: now)
                    _ = try? naive.rules!.undo(rule: a.rule, labels: a.labels, actor: "t", at: now)
                default:
                    let v = Double(actions.next() % 500)
                    try? product.rules!.overrideThreshold(rule: a.rule, value: v, actor: "t", at: now)
                    try? naive.rules!.overrideThreshold(rule: a.rule, value: v, actor: "t", at: now)
                }
            }
        }
        product.finish()
        naive.finish()
        Self.expectSame(product, naive, "seed \(seed) with actions")
    }
}
