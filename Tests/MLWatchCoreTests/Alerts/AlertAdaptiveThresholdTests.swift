import Testing
@testable import MLWatchCore

@Suite struct AlertAdaptiveThresholdTests {
    // Hand-computed values: population standard deviation, numpy's linear quantile, Finch's EW variance.

    @Test func meanPlusThreeSigma() {
        // mean 3, variance (4+1+0+1+4)/5 = 2, sd √2.
        let t = AdaptiveThreshold(center: .mean, k: 3).learn(from: [1, 2, 3, 4, 5])
        #expect(approx(t, 3 + 3 * 2.0.squareRoot()))
        #expect(approx(t, 7.242640687119285))
        #expect(AdaptiveThreshold(center: .mean, k: -1).learn(from: [2, 4]) == 2)
    }

    @Test func quantileInterpolatesLinearly() {
        #expect(AdaptiveThreshold(center: .quantile(0.5)).learn(from: [4, 1, 3, 2]) == 2.5)
        #expect(approx(AdaptiveThreshold(center: .quantile(0.9)).learn(from: [10, 20, 30, 40, 50]), 46))
        #expect(approx(AdaptiveThreshold(center: .quantile(0.99)).learn(from: (1...100).map(Double.init)), 99.01))
        #expect(AdaptiveThreshold(center: .quantile(1)).learn(from: [3, 9, 1]) == 9)
        #expect(AdaptiveThreshold(center: .quantile(0)).learn(from: [3, 9, 1]) == 1)
    }

    @Test func ewmaBand() {
        // m: 2 → 3 → 4.5; v: 0 → 0.5·(0 + 0.5·2²) = 1 → 0.5·(1 + 0.5·3²) = 2.75.
        let t = AdaptiveThreshold(center: .ewma(alpha: 0.5), k: 2).learn(from: [2, 4, 6])
        #expect(approx(t, 4.5 + 2 * 2.75.squareRoot()))
        #expect(AdaptiveThreshold(center: .ewma(alpha: 0.1)).learn(from: [10]) == 10)
    }

    @Test func nothingToLearnFromGivesNoThreshold() {
        #expect(AdaptiveThreshold(center: .mean, k: 3).learn(from: []) == nil)
        #expect(AdaptiveThreshold(center: .mean).learn(from: [.nan, .infinity, 4]) == 4)
    }

    @Test func learnedOnceFromTheReference() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "Nulls", expr: "output_null_rate > adaptive(mean + 3 * stddev)")])
        e.learnReference([1, 2, 3, 4, 5].map { sample("output_null_rate", $0, ["model": "a"]) })
        let labels: Labels = ["model": "a"]
        e.evaluate([sample("output_null_rate", 7, ["model": "a"])], at: 0)
        #expect(approx(e.threshold(rule: "Nulls", labels: labels), 7.242640687119285))
        #expect(e.state(rule: "Nulls", labels: labels) == .inactive)
        for (i, v) in [50.0, 60, 70].enumerated() { e.evaluate([sample("output_null_rate", v, ["model": "a"])], at: Double(i + 1)) }
        e.evaluate([sample("output_null_rate", 7.3, ["model": "a"])], at: 10)
        // Frozen: learning from the reference happens once.
        #expect(approx(e.alerts.first?.threshold, 7.242640687119285))
        #expect(e.state(rule: "Nulls", labels: labels) == .firing)
    }

    @Test func seriesWithoutOwnReferenceUsesTheSelectorsPooledReference() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "Q", expr: "x > adaptive(quantile(0.5))")])
        e.learnReference([sample("x", 1, ["m": "a"]), sample("x", 3, ["m": "a"]), sample("x", 10, ["m": "c"]), sample("y", 99)])
        e.evaluate([sample("x", 0, ["m": "b"])], at: 0)
        #expect(e.threshold(rule: "Q", labels: ["m": "b"]) == 3)
    }

    @Test func ewmaLearnedFromTheReference() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "E", expr: "x > adaptive(ewma(alpha=0.5) + 2 * stddev)")])
        e.learnReference([2, 4, 6].map { sample("x", $0) })
        e.evaluate([sample("x", 1)], at: 0)
        #expect(approx(e.threshold(rule: "E", labels: [:]), 4.5 + 2 * 2.75.squareRoot()))
    }

    @Test func trailingHistoryExcludesFiringPeriods() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "H", expr: "x > adaptive(mean + 3 * stddev)", minSamples: 5)])
        for (i, v) in [1.0, 2, 3, 4, 5].enumerated() {
            e.evaluate([sample("x", v)], at: Double(i))
            #expect(e.threshold(rule: "H", labels: [:]) == nil)  // not enough history yet
        }
        e.evaluate([sample("x", 100)], at: 5)
        #expect(e.state(rule: "H", labels: [:]) == .firing)
        #expect(approx(e.threshold(rule: "H", labels: [:]), 7.242640687119285))
        e.evaluate([sample("x", 100)], at: 6)
        // The spike was not learned while firing.
        #expect(approx(e.threshold(rule: "H", labels: [:]), 7.242640687119285))
        e.evaluate([sample("x", 3)], at: 7)
        #expect(e.state(rule: "H", labels: [:]) == .resolved)
        e.evaluate([sample("x", 3)], at: 8)
        // History is now [1, 2, 3, 4, 5, 3]: mean 3, variance 10/6.
        #expect(approx(e.threshold(rule: "H", labels: [:]), 3 + 3 * (10.0 / 6).squareRoot()))
    }

    @Test func historyIsABoundedRingBuffer() {
        var l = AdaptiveLearner(spec: AdaptiveThreshold(center: .mean), capacity: 3, minSamples: 3, relearnInterval: nil, reference: [])
        for v in [1.0, 2, 3, 4, 5] { l.observe(v) }
        #expect(l.historyCount == 3)
        #expect(l.threshold(at: 0) == 4)
    }

    @Test func relearnOnASchedule() {
        var l = AdaptiveLearner(spec: AdaptiveThreshold(center: .mean), capacity: 100, minSamples: 3, relearnInterval: 60, reference: [])
        for v in [1.0, 2] { l.observe(v) }
        #expect(l.threshold(at: 0) == nil)
        l.observe(3)
        #expect(l.threshold(at: 1) == 2)
        for _ in 0..<3 { l.observe(10) }
        #expect(l.threshold(at: 60.9) == 2)
        #expect(l.threshold(at: 61) == 6)
    }

    @Test func referenceThenRelearnFromHistory() {
        var l = AdaptiveLearner(spec: AdaptiveThreshold(center: .mean), capacity: 100, minSamples: 3, relearnInterval: 60, reference: [1, 2, 3])
        #expect(l.threshold(at: 0) == 2)
        for v in [7.0, 8, 9] { l.observe(v) }
        #expect(l.threshold(at: 59) == 2)
        #expect(l.threshold(at: 60) == 8)
    }
}
