import Testing
@testable import MLWatchCore

/// What lets the schedule skip boundaries: adaptive histories fed with a multiplicity hold what feeding each
/// boundary holds, and the rule engine stepped only where something is due ends where stepping every
/// boundary ends.
@Suite("Skipped boundaries: multiplicities, due times, settling")
struct AlertSkippedBoundaryTests {
    @Test("runs: appending a value m times at once equals m single appends", arguments: 1...30)
    func runsMultiplicity(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let capacity = [1, 2, 5, 17, 1000][Int(rng.next() % 5)]
        var once = ValueRuns(capacity: capacity)
        var each = ValueRuns(capacity: capacity)
        for _ in 0..<60 {
            let v = Double(rng.next() % 4)
            let m = rng.chance(0.3) ? Int(rng.next() % 3000) : 1 + Int(rng.next() % 5)
            once.append(v, times: m)
            for _ in 0..<m { each.append(v) }
            #expect(once == each)
            #expect(once.count <= capacity)
        }
    }

    @Test("learning from runs of single values is learning from the values, operation for operation")
    func runsOfOneAreValues() {
        var rng = SplitMix64(seed: 3)
        let xs = (0..<200).map { _ in rng.normal(10, 3) }
        let runs = xs.map { ValueRuns.Run(value: $0, count: 1) }
        for spec in [AdaptiveThreshold(center: .mean, k: 3), AdaptiveThreshold(center: .quantile(0.9), k: 1),
                     AdaptiveThreshold(center: .quantile(0.5)), AdaptiveThreshold(center: .ewma(alpha: 0.3), k: 2)] {
            #expect(spec.learn(runs: runs) == spec.learn(from: xs), "\(spec)")
        }
    }

    @Test("learning from runs weighs a run by its length")
    func runsWeigh() {
        let xs: [Double] = [1, 1, 1, 5, 5, 2, 2, 2, 2]
        var r = ValueRuns()
        for x in xs { r.append(x) }
        #expect(r.runs.count == 3)
        for spec in [AdaptiveThreshold(center: .mean, k: 3), AdaptiveThreshold(center: .quantile(0.75), k: 0.5),
                     AdaptiveThreshold(center: .ewma(alpha: 0.25), k: 1)] {
            #expect(approx(spec.learn(runs: r.runs), spec.learn(from: xs)!, tolerance: 1e-12), "\(spec)")
        }
    }

    @Test("a learner fed m boundaries at once learns what one fed each learns, in every mode", arguments: 1...12)
    func learnerMultiplicity(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let spec = [AdaptiveThreshold(center: .mean, k: 2), AdaptiveThreshold(center: .quantile(0.8)),
                    AdaptiveThreshold(center: .ewma(alpha: 0.2), k: 1)][Int(rng.next() % 3)]
        let reference: Double? = rng.chance(0.5) ? 3 : nil
        let relearn: Double? = rng.chance(0.5) ? 50 : nil
        var a = AdaptiveLearner(spec: spec, capacity: 30, minSamples: 4, relearnInterval: relearn, referenceThreshold: reference)
        var b = a
        var t = 0.0
        for _ in 0..<80 {
            let v = Double(rng.next() % 6)
            let m = 1 + Int(rng.next() % 12)
            a.observe(v, times: m)
            for _ in 0..<m { b.observe(v) }
            t += Double(m)
            #expect(a.threshold(at: t) == b.threshold(at: t))
        }
    }

    @Test("a threshold learned at every evaluation: the boundary where a comparison changes is found exactly")
    func conditionChange() {
        var l = AdaptiveLearner(spec: AdaptiveThreshold(center: .mean, k: 1), capacity: 50, minSamples: 3,
                                relearnInterval: nil, referenceThreshold: nil)
        for v in [1.0, 2, 1, 2, 1] { l.observe(v) }
        // Fed 10 from now on: 10 > mean + sd holds at first, until enough 10s pull the mean up.
        var copy = l
        var j = 1
        let first = copy.threshold(at: 0).map { 10 > $0 } ?? false
        while (copy.threshold(at: 0).map { 10 > $0 } ?? false) == first, j < 1000 {
            copy.observe(10)
            j += 1
        }
        #expect(l.boundariesUntilConditionChanges(value: 10, op: .greater, condition: first) == j)
        // Fed the value the history is made of: it never changes.
        var full = AdaptiveLearner(spec: AdaptiveThreshold(center: .mean), capacity: 5, minSamples: 1,
                                   relearnInterval: nil, referenceThreshold: nil)
        full.observe(4, times: 5)
        #expect(full.boundariesUntilConditionChanges(value: 4, op: .greater, condition: false) == nil)
    }

    /// Steps two engines over the same sequence of sample sets, one at every boundary, the other only where
    /// something is due (skipping the rest, as the schedule does), and compares everything.
    @Test("the rule engine stepped only where due ends where stepping every boundary ends", arguments: 1...30)
    func engineDueAgainstEveryBoundary(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let rules = [
            try AlertRule(name: "Fixed", expr: "x > 5", forDuration: 7, keepFiringFor: 4),
            try AlertRule(name: "Every", expr: "x > adaptive(mean + 1 * stddev)", forDuration: 3, historySize: 12, minSamples: 3),
            try AlertRule(name: "Relearn", expr: "y < adaptive(quantile(0.3)) recover adaptive(quantile(0.6))",
                          relearnInterval: 9, historySize: 20, minSamples: 2),
            try AlertRule(name: "Both", expr: #"x{m="a"} > 2 and y > adaptive(ewma(alpha=0.4))"#, keepFiringFor: 2,
                          historySize: 8, minSamples: 2),
        ]
        var each = RuleEngine(rules: rules)
        var due = RuleEngine(rules: rules)
        var t = 0.0
        var samples: [MetricSample] = []
        for step in 0..<300 {
            t += 1
            if step == 0 || rng.chance(0.15) {
                samples = []
                for m in ["a", "b", "c"] where rng.chance(0.8) {
                    samples.append(sample("x", Double(rng.next() % 9), ["m": m]))
                    samples.append(sample("y", Double(rng.next() % 9), ["m": m]))
                }
                each.evaluate(samples, at: t)
                due.evaluate(samples, at: t)
            } else {
                each.evaluate(samples, at: t)
                if due.nextDue.isDue(time: t, boundary: due.boundaries + 1) {
                    due.evaluateUnchanged(at: t)
                } else {
                    due.skip(boundaries: 1, through: t)
                }
            }
            if rng.chance(0.05), let a = due.alerts.first {
                // A person acts on both, now.
                _ = try? each.snooze(rule: a.rule, labels: a.labels, until: t + 5, actor: "p", at: t)
                _ = try? due.snooze(rule: a.rule, labels: a.labels, until: t + 5, actor: "p", at: t)
            }
            #expect(each.timeline == due.timeline, "seed \(seed) step \(step)")
            if each.timeline != due.timeline { return }
        }
        due.settle()
        #expect(each.alerts == due.alerts)
        let all = ["a", "b", "c"].flatMap { [sample("x", 1, ["m": $0]), sample("y", 1, ["m": $0])] }
        #expect(each.thresholds(for: all) == due.thresholds(for: all))
    }
}
