import Testing
@testable import MLWatchCore

@Suite("Rule series are bounded: label sets that stop appearing are forgotten")
struct AlertSeriesBoundTests {
    @Test("a new label set at every evaluation keeps at most the cap per rule, forgetting quiescent ones")
    func quiescentSeriesAreForgotten() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "X", expr: "x > 5")], maxSeriesPerRule: 100)
        for i in 0..<1000 {
            e.evaluate([sample("x", 1, ["model": "m\(i)"])], at: Double(i))
            #expect(e.seriesCounts[0] <= 100)
        }
        #expect(e.seriesLimit.wasHit)
        #expect(e.seriesLimit.cap == 100)
        #expect((e.seriesLimit.forgotten["X"] ?? 0) >= 900)
        #expect(e.seriesLimit.untracked.isEmpty || e.seriesLimit.untracked["X"] == 0)
    }

    @Test("live alerts are never forgotten; a new label set that finds only live ones is counted as untracked")
    func liveSeriesAreKept() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "X", expr: "x > 5")], maxSeriesPerRule: 10)
        let firing = (0..<10).map { sample("x", 9, ["model": "f\($0)"]) }
        e.evaluate(firing, at: 0)
        #expect(e.alerts.count == 10)
        e.evaluate(firing + [sample("x", 9, ["model": "new"])], at: 1)
        #expect(e.alerts.count == 10)
        #expect(e.seriesLimit.untracked["X"] == 1)
        #expect(e.state(rule: "X", labels: ["model": "f3"]) == .firing)
    }

    @Test("a label set that comes back after being forgotten starts over, and alerts again")
    func forgottenComesBack() throws {
        var e = RuleEngine(rules: [try AlertRule(name: "X", expr: "x > 5")], maxSeriesPerRule: 5)
        e.evaluate([sample("x", 9, ["model": "a"])], at: 0)
        e.evaluate([sample("x", 1, ["model": "a"])], at: 1)
        e.evaluate([sample("x", 1, ["model": "a"])], at: 2)
        for i in 0..<20 { e.evaluate([sample("x", 1, ["model": "m\(i)"])], at: Double(3 + i)) }
        #expect(e.state(rule: "X", labels: ["model": "a"]) == .inactive)
        let r = e.evaluate([sample("x", 9, ["model": "a"])], at: 30)
        #expect(r.transitions.map(\.to) == [.firing])
        #expect(r.notifications.count == 1)
    }

    @Test("evaluating a rule costs the label sets present and live, not every one ever seen")
    func costFollowsPresentSeries() throws {
        // 20,000 label sets, one per evaluation, one rule: linear (this took minutes when every series
        // ever seen was stepped at every evaluation).
        var e = RuleEngine(rules: [try AlertRule(name: "X", expr: "x > 5")])
        for i in 0..<20_000 { e.evaluate([sample("x", Double(i % 7), ["model": "m\(i)"])], at: Double(i)) }
        #expect(e.seriesCounts[0] <= RuleEngine.defaultMaxSeriesPerRule)
        #expect(e.timeline.count > 0)
    }
}
