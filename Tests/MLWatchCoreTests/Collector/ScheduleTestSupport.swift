import Foundation
@testable import MLWatchCore

/// The engine as it was before the evaluation schedule skipped anything: every slide boundary the watermark
/// passes is evaluated, its metrics computed from the window and handed to the rules. The equivalence tests
/// hold the product (`MonitorState` with `EvaluationSchedule`) to exactly this.
///
/// It drives a `MonitorState` without rules for ingest (window, joiner, counters, eviction), and keeps the
/// rules itself, evaluating them before each event is ingested, as the engine always has.
final class NaiveEvaluator {
    let state: MonitorState
    var rules: RuleEngine?
    private let demand: RuleDemand
    private let grid: EvaluationSchedule
    private let size: Double?
    private let lateness: Double
    private var position: Double?
    private let parser: EventParser
    /// Boundaries evaluated (every one).
    private(set) var evaluations = 0

    /// The metrics of each evaluation since the last `drainEvaluations()`, when asked for (`demand` given).
    private var recorded: [[MetricSample]] = []
    private let records: Bool

    /// - Parameter demand: what evaluations compute, and record the metrics of each (else what the rules read).
    init(options: CollectorOptions, rules: RuleEngine?, drift: (any DriftEvaluating)? = nil, mode: SourceMode = .check,
         demand: RuleDemand? = nil) {
        // No future-event check (it would hold lines after a jump, and this evaluates as lines come).
        var unguarded = options
        unguarded.maxFuture = .infinity
        state = MonitorState(options: unguarded, sources: ["-"], mode: mode, drift: drift)
        self.rules = rules
        self.demand = demand ?? rules.map { RuleDemand(rules: $0.rules, metrics: options.metrics) } ?? .none
        records = demand != nil
        switch options.window {
        case .time(let size, let slide):
            grid = EvaluationSchedule(slide: slide, size: size)
            self.size = size
        case .all(let slide):
            grid = EvaluationSchedule(slide: slide)
            size = nil
        case .count:
            preconditionFailure("count windows evaluate every N events, not on a time grid")
        }
        lateness = options.lateness
        parser = EventParser(mapping: options.mapping)
    }

    func ingestLine(_ line: String) {
        var copy = line
        copy.withUTF8 { buf in
            let bytes = UnsafeBufferPointer(rebasing: buf[...])
            switch parser.parse(bytes) {
            case .event(let e): ingest(e)
            case .malformed: state.ingestLine(bytes)
            case .blank: break
            }
        }
    }

    func ingest(_ e: Event) {
        switch e {
        case .prediction, .system: advance(to: e.timestamp)
        case .label: break
        }
        state.ingest(e)
    }

    private func advance(to t: Double) {
        guard var n = position else {
            var n = (t / grid.slide).rounded(.down)
            while grid.time(of: n) > t { n -= 1 }
            position = n
            return
        }
        let watermark = max(state.newestEventTime ?? t, t) - lateness
        while grid.time(of: n + 1) < watermark {
            n += 1
            evaluate(at: grid.time(of: n))
            position = n
        }
    }

    func finish() {
        guard let newest = state.newestEventTime, var n = position else { return }
        while grid.time(of: n + 1) <= newest {
            n += 1
            evaluate(at: grid.time(of: n))
            position = n
        }
        if grid.time(of: n) != newest { evaluate(at: newest) }
        state.finish()
    }

    private func evaluate(at b: Double) {
        evaluations += 1
        let m = state.metrics(from: size.map { b - $0 }, to: b, driftScope: demand.driftScope, forEvaluation: true,
                              featureStatistics: demand.featureStatistics, metricNames: demand.metricNames)
        rules?.evaluate(m.metrics, at: b)
        if records { recorded.append(m.metrics) }
    }

    /// The metrics of the evaluations since the last call, in order.
    func drainEvaluations() -> [[MetricSample]] {
        defer { recorded = [] }
        return recorded
    }

    /// The snapshot the product builds, with this evaluator's alerts.
    func snapshot() -> Snapshot {
        var snap = state.snapshot(now: 0)
        rules?.describe(into: &snap)
        return snap
    }
}

/// Test logs for the schedule: predictions at given event times, with values that move (latency spikes,
/// errors, a numeric and a categorical feature, a score), some labels, some system samples, a few malformed
/// lines and out-of-order events.
struct ScheduleLog {
    /// One line of the log and the event time it is written at (nil for a malformed line).
    struct Line {
        var text: String
        var time: Double?
    }

    var lines: [Line] = []

    /// - Parameters:
    ///   - times: prediction times, ascending.
    ///   - labelDelay: labels follow their prediction by this much (every third prediction).
    ///   - seed: the values' generator.
    ///   - extras: also system samples, malformed lines and slightly out-of-order predictions.
    init(times: [Double], labelDelay: Double, seed: UInt64, models: [String] = ["a", "b"], extras: Bool = true) {
        var rng = SplitMix64(seed: seed)
        var pendingLabels: [(Double, String)] = []
        for (i, t0) in times.enumerated() {
            var t = t0
            while let first = pendingLabels.first, first.0 <= t {
                lines.append(Line(text: first.1, time: first.0))
                pendingLabels.removeFirst()
            }
            if extras, i > 0, rng.chance(0.05) {
                // Slightly out of order (within any lateness used here: a tenth of the gap before).
                t = max(times[i - 1], t - (t - times[i - 1]) * 0.1)
            }
            let model = models[Int(rng.next() % UInt64(models.count))]
            let spike = (i / 7) % 3 == 1
            let latency = (spike ? 400 : 20) + rng.uniform() * 30
            let status = rng.chance(0.15) ? "error" : "ok"
            let x = (rng.normal(spike ? 5 : 0, 1) * 1000).rounded() / 1000
            let c = ["DE", "FR", "US"][Int(rng.next() % 3)]
            let score = (rng.uniform() * 1000).rounded() / 1000
            let prediction = score > 0.5 ? 1 : 0
            lines.append(Line(text: #"{"ts":\#(t),"model":"\#(model)","request_id":"r\#(i)","latency_ms":\#(latency),"status":"\#(status)","features":{"x":\#(x),"c":"\#(c)"},"prediction":\#(prediction),"score":\#(score)}"#, time: t))
            if i % 3 == 0 {
                let label = rng.chance(0.7) ? prediction : 1 - prediction
                pendingLabels.append((t + labelDelay, #"{"ts":\#(t + labelDelay),"type":"label","request_id":"r\#(i)","label":\#(label)}"#))
            }
            if extras, i % 5 == 0 {
                lines.append(Line(text: #"{"ts":\#(t),"type":"system","host":"h","cpu_pct":\#((rng.uniform() * 100).rounded()),"mem_mb":512,"load1":1}"#, time: t))
            }
            if extras, rng.chance(0.03) { lines.append(Line(text: "{not json", time: nil)) }
        }
        for (t, text) in pendingLabels { lines.append(Line(text: text, time: t)) }
    }

    var texts: [String] { lines.map(\.text) }

    /// The log as events with every time divided by `factor` (a power of two, so the division is exact),
    /// parsed once at the original times; malformed lines are left out.
    func events(dividedBy factor: Double) -> [Event] {
        let parser = EventParser()
        return lines.compactMap { line in
            var copy = line.text
            let outcome = copy.withUTF8 { parser.parse(UnsafeBufferPointer(rebasing: $0[...])) }
            guard case .event(let e) = outcome else { return nil }
            switch e {
            case .prediction(var p):
                p.timestamp /= factor
                return .prediction(p)
            case .label(var l):
                l.timestamp /= factor
                return .label(l)
            case .system(var s):
                s.timestamp /= factor
                return .system(s)
            }
        }
    }

    /// Lines as one `LineBatch` each of random size (the tailer's batches), in order.
    func batches(seed: UInt64, maxLines: Int = 40) -> [LineBatch] {
        var rng = SplitMix64(seed: seed)
        var out: [LineBatch] = []
        var i = 0
        while i < lines.count {
            let n = 1 + Int(rng.next() % UInt64(maxLines))
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            for line in lines[i..<min(i + n, lines.count)] {
                let start = bytes.count
                bytes += Array(line.text.utf8)
                ranges.append(start..<bytes.count)
                bytes.append(0x0A)
            }
            out.append(LineBatch(source: "test", bytes: bytes, lines: ranges, skippedTooLong: 0))
            i += n
        }
        return out
    }
}

/// Runs of the engine's three paths over a log.
enum SchedulePaths {
    /// `mlwatch check`: every line through `ingestLine`, then `finish()`.
    static func check(_ log: ScheduleLog, options: CollectorOptions, rules: [AlertRule]) -> MonitorState {
        let s = MonitorState(options: options, sources: ["-"], mode: .check, rules: RuleEngine(rules: rules))
        for line in log.texts { s.ingestLine(line) }
        s.finish()
        return s
    }

    /// The live path: the tailer's batches (random sizes) through `ingest(_: LineBatch)`, as `Collector`
    /// hands them over; no `finish()` (a live log does not end), so compare with a naive run not finished.
    static func live(_ log: ScheduleLog, options: CollectorOptions, rules: [AlertRule], seed: UInt64) -> MonitorState {
        let s = MonitorState(options: options, sources: ["-"], mode: .live, rules: RuleEngine(rules: rules))
        for b in log.batches(seed: seed) { s.ingest(b) }
        return s
    }

    /// `mlwatch replay` at full speed through `ReplayEngine`, to the end (which calls `finish()`).
    static func replay(_ log: ScheduleLog, options: CollectorOptions, rules: [AlertRule]) -> MonitorState {
        let source = ReplaySource(lines: log.texts, now: 4e9)
        let engine = ReplayEngine(source: source, speed: .max, wall: 0) {
            MonitorState(options: options, sources: ["-"], mode: .replay, rules: RuleEngine(rules: rules))
        }
        while !engine.atEnd || !engine.finished { engine.advance(wall: 1, limit: 97) }
        return engine.state
    }

    /// The naive evaluator over the same lines.
    static func naive(_ log: ScheduleLog, options: CollectorOptions, rules: [AlertRule], finish: Bool = true) -> NaiveEvaluator {
        let n = NaiveEvaluator(options: options, rules: RuleEngine(rules: rules))
        for line in log.texts { n.ingestLine(line) }
        if finish { n.finish() }
        return n
    }

    /// The snapshot as JSON with the wall-clock fields fixed (what the equivalence tests compare).
    static func json(_ s: Snapshot) -> String {
        var s = s
        s.builtAt = 0
        s.mode = .check
        s.future = FutureEvents()
        return SnapshotJSON.encode(s)
    }
}
