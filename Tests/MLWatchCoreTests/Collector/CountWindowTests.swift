import Testing
@testable import MLWatchCore

/// A count window's aggregate counts its events when it is read (`WindowAggregator.moveToHeld`) and routes
/// them to their groups as they arrive and leave: its results must be those of the last N predictions, and
/// its groups those of an aggregate that counts every event on arrival (the order of the metrics included).
@Suite("Count windows: counted when read")
struct CountWindowTests {
    /// What the naive check reads (rule evaluations compute only the metrics named).
    static let checkedNames: Set<String> = [
        "events_total", "events_per_second", "error_rate", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",
        "latency_mean_ms", "feature_missing_rate", "feature_mean", "feature_std", "feature_min", "feature_max",
        "feature_quantile", "feature_category_share", "output_null_rate", "prediction_class_share", "score_mean",
        "labelled_total", "accuracy", "cpu_pct", "late_events_total",
    ]

    final class Seen {
        var evaluations: [(line: Int, metrics: [MetricSample])] = []
        var line = 0
    }

    @Test("every rule evaluation, and every read between them, equals a recomputation from the last N predictions",
          arguments: [(UInt64(31), 300, 30), (32, 250, 250), (33, 40, 7)])
    func evaluationsMatchRecomputation(seed: UInt64, size: Int, slide: Int) {
        let spec = WindowSpec.count(size: size, slide: slide)
        let log = NaiveLog.generate(seed: seed, count: 2500, lateness: 20)
        let state = MonitorState(options: CollectorOptions(window: spec, lateness: 20), mode: .check)
        let seen = Seen()
        state.observeEvaluations(
            demand: RuleDemand(metricNames: Self.checkedNames, driftScope: .none, featureStatistics: true),
            observer: EvaluationObserver(evaluated: { _, metrics in seen.evaluations.append((seen.line, metrics)) },
                                         repeated: { _ in }))
        var compared = 0
        func check(_ got: WindowMetrics, upTo n: Int, _ context: String) {
            let a = log.accepted(window: spec, lateness: 20, upTo: n)
            let times = a.predictions.map(\.timestamp)
            var naive = NaiveMetricsCheck(got: got)
            naive.check(preds: a.predictions, systems: a.systems, labels: a.labels, late: 0,
                        duration: times.max()! - times.min()!, context: context)
            compared += naive.comparisons
        }
        var checked = 0
        for (i, line) in log.lines.enumerated() {
            seen.line = i + 1
            state.ingestLine(line)
            while checked < seen.evaluations.count {
                let e = seen.evaluations[checked]
                check(WindowMetrics(metrics: e.metrics), upTo: e.line, "evaluation after \(e.line) lines")
                checked += 1
            }
            // Reads between evaluations (a snapshot) move the same aggregate at other points.
            if (i + 1) % 333 == 0 {
                let w = state.currentWindow!
                check(state.metrics(from: w.from, to: w.to), upTo: i + 1, "read after \(i + 1) lines")
            }
        }
        #expect(checked >= 2400 / slide / 2)
        #expect(compared > 1000)
    }

    @Test("a copy (a replay checkpoint) goes on independently, as the original and an uncopied state do")
    func copiesGoOnIndependently() throws {
        let rule = try AlertRule(name: "Slow", expr: "latency_p99_ms > 60")
        let log = NaiveLog.generate(seed: 41, count: 3000, lateness: 20)
        func state() -> MonitorState {
            MonitorState(options: CollectorOptions(window: .count(size: 200, slide: 20), lateness: 20), mode: .check,
                         rules: RuleEngine(rules: [rule]))
        }
        let (a, straight) = (state(), state())
        let half = log.lines.count / 2
        for line in log.lines[..<half] { a.ingestLine(line) }
        _ = a.snapshot(now: 0)  // counts the window now: the copy shares counted groups
        let b = a.copy()
        // The original moves on first (evictions, reads, a reset by the snapshot's wider demand)…
        for line in log.lines[half...] { a.ingestLine(line) }
        let sa = SnapshotJSON.encode(a.snapshot(now: 0))
        // …and the copy, taken before, still goes on from where it was.
        for line in log.lines[half...] { b.ingestLine(line) }
        for line in log.lines { straight.ingestLine(line) }
        #expect(sa == SnapshotJSON.encode(b.snapshot(now: 0)))
        #expect(sa == SnapshotJSON.encode(straight.snapshot(now: 0)))
        #expect(a.rules?.timeline == straight.rules?.timeline && b.rules?.timeline == straight.rules?.timeline)
        #expect((straight.rules?.timeline.count ?? 0) > 2, "the rule changes state along the log")
    }

    /// Predictions of many model/version streams (more than the group cap), the busy ones changing over
    /// time (so that groups empty and are recycled, and keys go to and leave the overflow), two schemas.
    static func events(count n: Int, seed: UInt64) -> [PredictionEvent] {
        var rng = PTRandom(seed: seed)
        let schemas = [FeatureSchema(names: ["x", "country", "note"]), FeatureSchema(names: ["country", "x"])]
        return (0..<n).map { i in
            let phase = i / 700
            let model = "m\(phase * 2 + Int(rng.next() % UInt64(2 + phase % 4)))"
            let schema = schemas[Int(rng.next() % 2)]
            let values: [FeatureValue] = schema.names.map { name in
                switch name {
                case "x": return rng.chance(0.1) ? .missing : .number(rng.normal())
                case "country": return .string(["DE", "FR", "US", "IT"][Int(rng.next() % UInt64(2 + phase % 3))])
                default: return .text(length: Int(rng.next() % 40))
                }
            }
            return PredictionEvent(
                timestamp: Double(i), model: model, version: "v\(rng.next() % 2)",
                latencyMs: rng.chance(0.2) ? nil : rng.normal() + 10,
                features: FeatureRow(schema: schema, values: values),
                prediction: .number(Double(rng.next() % 2)), score: rng.chance(0.3) ? nil : rng.uniform())
        }
    }

    @Test("groups take, empty and recycle their slots as when every event is counted on arrival",
          arguments: [nil, "country"])
    func sameGroupsAsCountedOnArrival(segmentBy: String?) {
        let size = 400
        let options = MetricOptions(segmentBy: segmentBy, maxGroups: 4)
        var rng = PTRandom(seed: segmentBy == nil ? 5 : 6)
        // Counted on arrival (the way count windows used to be aggregated): +1 when an event enters, −1 when
        // it leaves, in the order the window drops and takes them.
        var eagerWindow = EventWindow(spec: .count(size: size, slide: 40), lateness: 0)
        var eager = WindowAggregator(options: options)
        // Routed on arrival, counted when read.
        var lazyWindow = EventWindow(spec: .count(size: size, slide: 40), lateness: 0)
        var lazy = WindowAggregator(options: options, order: .arrival)
        var reads = 0
        for (i, e) in Self.events(count: 6000, seed: rng.next()).enumerated() {
            var at = eagerWindow.insert(e)!
            at -= eagerWindow.dropOverflow { eager.apply($0, sign: -1) }
            eagerWindow.withPrediction(at: at) { eager.apply($0, sign: 1) }

            var lazyAt = lazyWindow.insert(e)!
            lazyAt -= lazyWindow.dropOverflow { lazy.evicted($0) }
            if segmentBy == nil, i % 2 == 0 {
                // The path without `segment_by`: model and version alone.
                let stream = lazyWindow.streamNumber(at: lazyAt)
                if !lazy.arrived(stream: stream) {
                    lazyWindow.withModelAndVersion(at: lazyAt) { lazy.arrived(model: $0, version: $1, stream: stream) }
                }
            } else {
                lazyWindow.withPrediction(at: lazyAt) { lazy.arrived($0) }
            }
            // Read at irregular points, sometimes after a reset (a wider demand recomputes from the window).
            guard rng.chance(0.03) || i == 5999 else { continue }
            if rng.chance(0.2) { lazy.reset() }
            lazy.moveToHeld(lazyWindow)
            reads += 1
            #expect(lazy.keys == eager.keys, "after \(i + 1) events")
            #expect(lazy.cardinality == eager.cardinality, "after \(i + 1) events")
            for g in eager.groups.indices {
                var (x, y) = (lazy.groups[g], eager.groups[g])
                #expect(x.count == y.count && x.errors == y.errors, "group \(eager.keys[g]) after \(i + 1) events")
                #expect(x.sortedLatencies() == y.sortedLatencies())
                #expect(x.sortedScores() == y.sortedScores())
                #expect(x.classCounts.dictionary == y.classCounts.dictionary)
                #expect(Set(x.featureNames.enumerated().filter { x.features[$0.offset].present > 0 }.map(\.element))
                    == Set(y.featureNames.enumerated().filter { y.features[$0.offset].present > 0 }.map(\.element)))
                for (slot, name) in y.featureNames.enumerated() where y.features[slot].present > 0 {
                    guard let other = x.featureNames.firstIndex(of: name) else { continue }
                    #expect(x.features[other].numeric.sorted() == y.features[slot].numeric.sorted())
                    #expect(x.features[other].lengths.sorted() == y.features[slot].lengths.sorted())
                    #expect(x.features[other].categoryCounts == y.features[slot].categoryCounts)
                }
            }
        }
        #expect(reads > 100)
        #expect(eager.keys.count > 4, "the overflow group was used")
    }
}
