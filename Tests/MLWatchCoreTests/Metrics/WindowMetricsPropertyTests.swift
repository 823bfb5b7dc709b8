import Foundation
import Testing
@testable import MLWatchCore

/// A random prediction log (seeded) and a straightforward model of what a monitor should make of it:
/// which events are accepted or late, which labels join, and every metric recomputed naively from the
/// list of accepted events.
struct NaiveLog {
    var lines: [String] = []
    /// Parsed events in arrival order (the parser is tested on its own).
    var events: [Event] = []

    /// - Parameters:
    ///   - outOfOrder: share of events placed up to 0.9 × lateness behind the newest.
    ///   - late: share of events placed further behind than the lateness allows.
    static func generate(seed: UInt64, count: Int, lateness: Double, outOfOrder: Double = 0.1, late: Double = 0.03,
                         meanGap: Double = 0.5) -> NaiveLog
    {
        var rng = PTRandom(seed: seed)
        var log = NaiveLog()
        var newest = 1_795_000_000.0
        var scheduled: [(due: Int, line: String)] = []
        let countries = ["DE", "FR", "US", "IT", "ES", "PL", "NL"]
        func num(_ d: Double) -> String { String(d) }
        for i in 0..<count {
            var t: Double
            let u = rng.uniform()
            if u < late {
                t = newest - lateness - 1 - rng.uniform() * 60
            } else if u < late + outOfOrder {
                t = newest - rng.uniform() * lateness * 0.9
            } else {
                t = newest - meanGap * log1p(-rng.uniform())
            }
            newest = max(newest, t)
            if rng.chance(0.05) {
                let host = rng.pick(["h1", "h2"])
                let cpu = rng.chance(0.9) ? num((rng.uniform() * 100).rounded() / 10) : "null"
                log.lines.append(#"{"ts":\#(num(t)),"type":"system","host":"\#(host)","cpu_pct":\#(cpu),"mem_mb":\#(num(500 + rng.uniform() * 10))}"#)
                continue
            }
            let modelB = rng.chance(0.3)
            var m: [String] = [#""ts":\#(num(t))"#]
            m.append(modelB ? #""model":"b","version":"v2""# : #""model":"a","version":"v1""#)
            let rid = rng.chance(0.95) ? "r-\(i)" : nil
            if let rid { m.append(#""request_id":"\#(rid)""#) }
            switch rng.uniform() {
            case ..<0.05: m.append(#""latency_ms":null"#)
            case ..<0.08: break
            case ..<0.10: m.append(#""latency_ms":NaN"#)
            default: m.append(#""latency_ms":\#(num(exp(rng.normal(3, 0.7))))"#)
            }
            switch rng.uniform() {
            case ..<0.05: m.append(#""status":"error""#)
            case ..<0.08: m.append(#""status":"500""#)
            case ..<0.11: m.append(#""status":"OK""#)
            case ..<0.15: break
            default: m.append(#""status":"ok""#)
            }
            var f: [String] = []
            switch rng.uniform() {
            case ..<0.05: f.append(#""x":null"#)
            case ..<0.10: break
            case ..<0.12: f.append(#""x":NaN"#)
            case ..<0.13: f.append(#""x":"n/a""#)
            default: f.append(#""x":\#(num(rng.normal(100, 15)))"#)
            }
            if rng.chance(0.95) { f.append(#""c":"\#(rng.pick(countries))""#) } else { f.append(#""c":null"#) }
            f.append(#""flag":\#(rng.chance(0.3))"#)
            if rng.chance(0.9) { f.append(#""y":\#(num((rng.uniform() * 1000).rounded()))"#) }
            m.append(#""features":{\#(f.shuffled(using: &rng).joined(separator: ","))}"#)
            let classes = modelB ? [#""cat""#, #""dog""#, #""bird""#] : ["0", "1"]
            switch rng.uniform() {
            case ..<0.05: m.append(#""prediction":"""#)
            case ..<0.10: m.append(#""prediction":null"#)
            case ..<0.13: break
            default: m.append(#""prediction":\#(rng.pick(classes))"#)
            }
            if rng.chance(0.8) { m.append(#""score":\#(num(rng.uniform()))"#) }
            if rng.chance(0.1) { m.append(#""feedback":"\#(rng.pick(["click", "dismiss"]))""#) }
            if rng.chance(0.02) {
                m.append(#""label":\#(rng.pick(classes))"#)
            } else if let rid, rng.chance(0.6) {
                let label = rng.chance(0.05) ? "null" : rng.pick(classes)
                let lt = t + 1 + rng.uniform() * 100
                scheduled.append((i + 1 + Int(rng.next() % 60), #"{"ts":\#(num(lt)),"type":"label","request_id":"\#(rid)","label":\#(label)}"#))
            }
            log.lines.append("{" + m.shuffled(using: &rng).joined(separator: ",") + "}")
            // Labels due now, in scheduling order.
            while let k = scheduled.firstIndex(where: { $0.due <= i }) {
                log.lines.append(scheduled.remove(at: k).line)
            }
        }
        log.lines += scheduled.map(\.line)
        let parser = EventParser()
        for line in log.lines {
            guard case .event(let e) = parser.parse(line) else { fatalError("generator wrote a bad line: \(line)") }
            log.events.append(e)
        }
        return log
    }

    /// What a monitor with this window should have accepted.
    struct Accepted {
        var predictions: [PredictionEvent] = []
        var systems: [SystemEvent] = []
        var late = 0
        var labels: [String: OutputValue] = [:]
        var oldest: Double?
    }

    func accepted(window: WindowSpec, lateness: Double, upTo n: Int? = nil) -> Accepted {
        var a = Accepted()
        var newest: Double?
        var pending = Set<String>()
        for e in events.prefix(n ?? events.count) {
            func admit(_ t: Double) -> Bool {
                if case .count = window {} else if let w = newest, t < w - lateness { return false }
                newest = max(newest ?? t, t)
                a.oldest = min(a.oldest ?? t, t)
                return true
            }
            switch e {
            case .prediction(let p):
                guard admit(p.timestamp) else {
                    a.late += 1
                    continue
                }
                a.predictions.append(p)
                if let id = p.requestID, p.inlineLabel == nil { pending.insert(id) }
            case .system(let s):
                if admit(s.timestamp) { a.systems.append(s) } else { a.late += 1 }
            case .label(let l):
                if pending.remove(l.requestID) != nil { a.labels[l.requestID] = l.label }
            }
        }
        if case .count(let size, _) = window {
            a.predictions = Array(a.predictions.suffix(size))
            a.systems = Array(a.systems.suffix(size))
        }
        return a
    }
}

/// numpy.quantile(method="linear"), including numpy's `_lerp` (which interpolates from the upper end
/// when the fraction is at least 0.5).
func numpyQuantile(_ sorted: [Double], _ q: Double) -> Double {
    let vi = Double(sorted.count - 1) * q
    let lo = Int(vi.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    let g = vi - Double(lo)
    let a = sorted[lo], b = sorted[hi]
    return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g
}

/// The naive recomputation of a window's metrics, compared sample by sample with the monitor's.
struct NaiveMetricsCheck {
    let got: WindowMetrics
    var comparisons = 0

    func value(_ name: String, _ labels: [String: String]) -> Double? {
        let l = Labels(labels)
        let found = got.metrics.filter { $0.name == name && $0.labels == l }
        return found.count == 1 ? found[0].value : nil
    }

    mutating func expectClose(_ name: String, _ labels: [String: String], _ expected: Double?, _ context: String,
                              tolerance: Double = 1e-9, sourceLocation: SourceLocation = #_sourceLocation)
    {
        comparisons += 1
        let v = value(name, labels)
        #expect(PT.close(v, expected, tolerance), "\(context): \(name)\(Labels(labels)) = \(String(describing: v)), naive \(String(describing: expected))",
                sourceLocation: sourceLocation)
    }

    /// - Parameters:
    ///   - preds: accepted predictions in the window.
    ///   - duration: the window's length for `events_per_second`.
    mutating func check(preds: [PredictionEvent], systems: [SystemEvent], labels: [String: OutputValue], late: Int,
                        duration: Double, context: String)
    {
        let groups = Dictionary(grouping: preds) { [$0.model, $0.version] }
        #expect(got.metrics.filter { $0.name == "events_total" }.count == groups.count, "\(context): groups")
        for (key, g) in groups {
            let gl = ["model": key[0], "version": key[1]]
            let n = Double(g.count)
            expectClose("events_total", gl, n, context)
            expectClose("events_per_second", gl, n / max(duration, 1), context)
            expectClose("error_rate", gl, Double(g.filter { !["ok", "success", "200", ""].contains($0.status?.lowercased() ?? "") }.count) / n, context)
            let lat = g.compactMap(\.latencyMs).filter(\.isFinite).sorted()
            if lat.isEmpty {
                expectClose("latency_p99_ms", gl, nil, context)
            } else {
                expectClose("latency_p50_ms", gl, numpyQuantile(lat, 0.5), context)
                expectClose("latency_p95_ms", gl, numpyQuantile(lat, 0.95), context)
                expectClose("latency_p99_ms", gl, numpyQuantile(lat, 0.99), context)
                expectClose("latency_mean_ms", gl, lat.reduce(0, +) / Double(lat.count), context)
            }
            for name in ["x", "y"] {
                var fl = gl
                fl["feature"] = name
                let values = g.map { $0.feature(name) }
                let numbers = values.compactMap { v -> Double? in if case .number(let d) = v, d.isFinite { return d } else { return nil } }
                let missing = values.filter { v in
                    if case .number(let d) = v { return !d.isFinite }
                    return v == .missing
                }.count
                expectClose("feature_missing_rate", fl, Double(missing) / n, context)
                if numbers.isEmpty { continue }
                let mean = numbers.reduce(0, +) / Double(numbers.count)
                let std = (numbers.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(numbers.count)).squareRoot()
                expectClose("feature_mean", fl, mean, context)
                expectClose("feature_std", fl, std, context, tolerance: 1e-7)
                expectClose("feature_min", fl, numbers.min()!, context)
                expectClose("feature_max", fl, numbers.max()!, context)
                let sorted = numbers.sorted()
                for q in Quantiles.displayed {
                    var ql = fl
                    ql["q"] = String(q)
                    expectClose("feature_quantile", ql, numpyQuantile(sorted, q), context)
                }
            }
            // Categorical feature c: top 5 shares, the rest as "other".
            var cl = gl
            cl["feature"] = "c"
            var counts: [String: Int] = [:]
            for p in g { if let k = p.feature("c").categoryKey { counts[k, default: 0] += 1 } }
            let total = Double(counts.values.reduce(0, +))
            let ranked = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            for (k, c) in ranked.prefix(5) {
                var l = cl
                l["category"] = k
                expectClose("feature_category_share", l, Double(c) / total, context)
            }
            let rest = ranked.dropFirst(5).map(\.value).reduce(0, +)
            var ol = cl
            ol["category"] = "other"
            expectClose("feature_category_share", ol, rest > 0 ? Double(rest) / total : nil, context)
            // Outputs.
            expectClose("output_null_rate", gl, Double(g.filter { $0.prediction == .null }.count) / n, context)
            var classCounts: [String: Int] = [:]
            for p in g { if let k = p.prediction.classKey { classCounts[k, default: 0] += 1 } }
            let classed = Double(classCounts.values.reduce(0, +))
            for (k, c) in classCounts {
                var l = gl
                l["class"] = k
                expectClose("prediction_class_share", l, Double(c) / classed, context)
            }
            let scores = g.compactMap(\.score).filter(\.isFinite)
            expectClose("score_mean", gl, scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count), context)
            var labelled = 0
            var correct = 0
            for p in g {
                guard let l = p.inlineLabel ?? p.requestID.flatMap({ labels[$0] }), l != .null else { continue }
                labelled += 1
                if let k = p.prediction.classKey, k == l.classKey { correct += 1 }
            }
            expectClose("labelled_total", gl, Double(labelled), context)
            expectClose("accuracy", gl, labelled > 0 ? Double(correct) / Double(labelled) : nil, context)
        }
        // Gauges: the newest finite sample per host in the window.
        for host in Set(systems.map(\.host)) {
            let cpu = systems.filter { $0.host == host }.sorted { $0.timestamp < $1.timestamp }.compactMap(\.cpuPct).filter(\.isFinite).last
            expectClose("cpu_pct", ["host": host], cpu, context)
        }
        expectClose("late_events_total", [:], Double(late), context)
    }
}

@Suite("Window metrics against a naive recomputation")
struct WindowMetricsPropertyTests {
    static func ingestAll(_ log: NaiveLog, into state: MonitorState, checkEvery: Int, _ check: (Int) -> Void) {
        for (i, line) in log.lines.enumerated() {
            state.ingestLine(line)
            if (i + 1) % checkEvery == 0 || i + 1 == log.lines.count { check(i + 1) }
        }
    }

    @Test("time windows, in order and out of order within lateness, some late", arguments: [
        (UInt64(1), 0.0, 0.0), (2, 0.1, 0.03), (3, 0.3, 0.05), (4, 0.0, 0.2),
    ])
    func timeWindows(seed: UInt64, outOfOrder: Double, late: Double) {
        let size = 300.0, lateness = 20.0
        let spec = WindowSpec.time(size: size, slide: 10)
        let log = NaiveLog.generate(seed: seed, count: 3000, lateness: lateness, outOfOrder: outOfOrder, late: late)
        let state = MonitorState(options: CollectorOptions(window: spec, lateness: lateness))
        var comparisons = 0
        Self.ingestAll(log, into: state, checkEvery: 700) { n in
            let a = log.accepted(window: spec, lateness: lateness, upTo: n)
            let newest = state.newestEventTime!
            let from = newest - size
            let got = state.metrics(from: from, to: newest)
            var check = NaiveMetricsCheck(got: got)
            check.check(
                preds: a.predictions.filter { $0.timestamp > from && $0.timestamp <= newest },
                systems: a.systems.filter { $0.timestamp > from && $0.timestamp <= newest }, labels: a.labels,
                late: a.late, duration: newest - max(from, a.oldest!), context: "seed \(seed) after \(n) lines")
            comparisons += check.comparisons
            #expect(state.late == a.late)
            #expect(state.events == a.predictions.count)
        }
        #expect(comparisons > 500)
        // The snapshot shows the same window.
        let snap = state.snapshot(now: 0)
        let newest = state.newestEventTime!
        #expect(snap.windowFrom == newest - size && snap.windowTo == newest)
        #expect(snap.late == state.late && snap.events == state.events)
        let direct = state.metrics(from: newest - size, to: newest)
        #expect(snap.value("latency_p99_ms", ["model": "a"]) == direct.metrics.first { $0.name == "latency_p99_ms" && $0.labels["model"] == "a" }?.value)
    }

    /// With every column tested (min_samples 1), and with the default gate, which leaves the smaller groups'
    /// columns untested: evaluations and the displayed window must agree either way (drift_share included).
    @Test("rule evaluations keep only the features they read, and widen exactly when asked for more",
          arguments: [1, DriftSettings.defaultMinSamples])
    func evaluationFeatureDemand(minSamples: Int) {
        let size = 300.0
        let spec = WindowSpec.time(size: size, slide: 10)
        let log = NaiveLog.generate(seed: 7, count: 3000, lateness: 20)
        let state = MonitorState(options: CollectorOptions(window: spec, lateness: 20,
                                                           metrics: MetricOptions(driftMinSamples: minSamples)),
                                 drift: DriftMonitor(source: .firstEvents(300)))
        /// Metric values by name and labels, of the given features only (all when nil).
        func values(_ m: WindowMetrics, _ prefix: String, features: Set<String>? = nil) -> [String: Double] {
            let picked = m.metrics.filter { s in
                s.name.hasPrefix(prefix) && features.map { s.labels["feature"].map($0.contains) ?? false } ?? true
            }
            return Dictionary(picked.map { ("\($0.name)\($0.labels)", $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        var checks = 0
        Self.ingestAll(log, into: state, checkEvery: 500) { n in
            let to = state.newestEventTime!
            let from = to - size
            // Displayed window: every feature kept.
            let view = state.metrics(from: from, to: to)
            // Evaluations that read drift of `x` only, then drift of `c` too, then `feature_*` statistics:
            // each widening recomputes from the window, and later evaluations move on incrementally.
            let onlyX = state.metrics(from: from, to: to, driftScope: .columns(["x"], ksPValue: false), forEvaluation: true,
                                      featureStatistics: false)
            let xAndC = state.metrics(from: from, to: to, driftScope: .columns(["x", "c"], ksPValue: false),
                                      forEvaluation: true, featureStatistics: false)
            let everything = state.metrics(from: from, to: to, forEvaluation: true)
            let driftX = values(view, "drift_", features: ["x"])
            let driftXC = values(view, "drift_", features: ["x", "c"])
            #expect(minSamples > 1 || (!driftX.isEmpty && driftXC.count > driftX.count), "after \(n) lines")
            #expect(values(onlyX, "drift_") == driftX, "after \(n) lines")
            #expect(values(xAndC, "drift_") == driftXC, "after \(n) lines")
            #expect(values(everything, "feature_") == values(view, "feature_"), "after \(n) lines")
            #expect(values(everything, "drift_") == values(view, "drift_"), "after \(n) lines")
            checks += 1
        }
        #expect(checks >= 6)
    }

    @Test("an evaluation asked for some metrics gives exactly those values, whatever it skips")
    func evaluationMetricNames() {
        let size = 300.0
        let log = NaiveLog.generate(seed: 11, count: 3000, lateness: 20)
        let state = MonitorState(options: CollectorOptions(window: .time(size: size, slide: 10), lateness: 20))
        func byKey(_ m: WindowMetrics, _ names: Set<String>) -> [String: Double] {
            Dictionary(m.metrics.filter { names.contains($0.name) }.map { ("\($0.name)\($0.labels)", $0.value) },
                       uniquingKeysWith: { a, _ in a })
        }
        let groups: [Set<String>] = [
            ["latency_p99_ms"], ["prediction_mean", "mae"], ["score_mean", "low_confidence_rate"],
            ["accuracy", "labelled_total", "output_null_rate", "prediction_class_share"], ["events_total"],
            ["traffic_share"], ["prediction_class_share"],
        ]
        var checks = 0
        Self.ingestAll(log, into: state, checkEvery: 400) { n in
            let to = state.newestEventTime!
            let all = state.metrics(from: to - size, to: to)
            for names in groups {
                let some = state.metrics(from: to - size, to: to, forEvaluation: true, featureStatistics: false,
                                         metricNames: names)
                let wanted = byKey(all, names)
                #expect(!wanted.isEmpty, "\(names) after \(n) lines")
                #expect(byKey(some, names) == wanted, "\(names) after \(n) lines")
                // Traffic shares and class shares are not built for evaluations that do not read them.
                for skipped in ["traffic_share", "prediction_class_share"] where !names.contains(skipped) {
                    #expect(!some.metrics.contains { $0.name == skipped }, "\(skipped) for \(names)")
                }
            }
            checks += 1
        }
        #expect(checks >= 6)
    }

    @Test("count windows: the last N predictions in arrival order")
    func countWindows() {
        let spec = WindowSpec.count(size: 500, slide: 50)
        let log = NaiveLog.generate(seed: 17, count: 4000, lateness: 20, outOfOrder: 0.1, late: 0.05)
        let state = MonitorState(options: CollectorOptions(window: spec, lateness: 20))
        Self.ingestAll(log, into: state, checkEvery: 900) { n in
            let a = log.accepted(window: spec, lateness: 20, upTo: n)
            #expect(a.late == 0 && state.late == 0)
            let w = state.currentWindow!
            #expect(w.from == nil)
            let got = state.metrics(from: w.from, to: w.to)
            let times = a.predictions.map(\.timestamp)
            var check = NaiveMetricsCheck(got: got)
            check.check(preds: a.predictions, systems: a.systems, labels: a.labels, late: 0,
                        duration: times.max()! - times.min()!, context: "count window after \(n) lines")
        }
    }

    @Test("the all window: every accepted event")
    func allWindow() {
        let spec = WindowSpec.all(slide: 30)
        let log = NaiveLog.generate(seed: 23, count: 2500, lateness: 10, outOfOrder: 0.2, late: 0.05)
        let state = MonitorState(options: CollectorOptions(window: spec, lateness: 10))
        Self.ingestAll(log, into: state, checkEvery: 1000) { n in
            let a = log.accepted(window: spec, lateness: 10, upTo: n)
            let w = state.currentWindow!
            let got = state.metrics(from: w.from, to: w.to)
            let times = a.predictions.map(\.timestamp)
            var check = NaiveMetricsCheck(got: got)
            check.check(preds: a.predictions, systems: a.systems, labels: a.labels, late: a.late,
                        duration: times.max()! - times.min()!, context: "all window after \(n) lines")
        }
    }

    @Test("labels join across batches and arrive in any order relative to other predictions")
    func labelJoinCounts() {
        let t = 1_795_000_000.0
        // Live at the end of the log (the wall clock just after it: nothing is held for confirmation).
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 5), wallClock: { t + 10 })
        state.ingestLine(#"{"ts":\#(t),"request_id":"a","prediction":1}"#)
        state.ingestLine(#"{"ts":\#(t + 1),"request_id":"b","prediction":0}"#)
        state.ingestLine(#"{"ts":\#(t + 2),"type":"label","request_id":"zzz","label":1}"#)  // unknown
        state.ingestLine(#"{"ts":\#(t + 3),"type":"label","request_id":"a","label":1}"#)
        state.ingestLine(#"{"ts":\#(t + 4),"type":"label","request_id":"b","label":1}"#)
        state.ingestLine(#"{"ts":\#(t + 5),"type":"label","request_id":"b","label":0}"#)  // second label: unmatched
        let m = state.metrics(from: nil, to: t + 10)
        let v = { (name: String) in m.metrics.first { $0.name == name }?.value }
        #expect(v("accuracy") == 0.5)
        #expect(v("labelled_total") == 2)
        #expect(v("labels_unmatched_total") == 2)
        #expect(v("label_join_pending") == 0)
    }
}

@Suite("WindowSpec parsing")
struct WindowSpecParseTests {
    @Test func parse() {
        #expect(WindowSpec.parse("10m") == .time(size: 600, slide: 30))
        #expect(WindowSpec.parse("10m/1m") == .time(size: 600, slide: 60))
        #expect(WindowSpec.parse(" 1h ") == .time(size: 3600, slide: 180))
        #expect(WindowSpec.parse("5000") == .count(size: 5000, slide: 500))
        #expect(WindowSpec.parse("5") == .count(size: 5, slide: 1))
        #expect(WindowSpec.parse("all") == .all(slide: 30))
        #expect(WindowSpec.parse("ALL") == .all(slide: 30))
        for bad in ["", "0", "-5", "10m/20m", "10m/0s", "abc", "10x", "/30s"] {
            #expect(WindowSpec.parse(bad) == nil, "\(bad)")
        }
    }
}
