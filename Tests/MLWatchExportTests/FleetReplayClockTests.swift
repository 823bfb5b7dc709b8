import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// The replay of a fleet's range with a hand-set wall clock: steps, speed, seeks (backward ones counted
/// for the sparklines), `max` one step a tick, and `n`/`N` between alert transitions.
@Suite struct FleetReplayClockTests {
    @Test func stepsSpeedAndSeeks() {
        var c = FleetReplayClock(start: 1000, end: 1600, step: 60, speed: .factor(10), wall: 0)
        #expect(c.stepTime(wall: 0) == 1000)
        #expect(c.stepTime(wall: 5.9) == 1000)
        #expect(c.stepTime(wall: 6) == 1060)
        #expect(c.status(wall: 6).position == 2 && c.status(wall: 6).count == 11)
        _ = c.apply(.togglePause, wall: 6)
        #expect(c.stepTime(wall: 100) == 1060)
        _ = c.apply(.togglePause, wall: 100)
        _ = c.apply(.seek(by: 300), wall: 100)
        #expect(c.stepTime(wall: 100) == 1360 && c.rebuilds == 0)
        _ = c.apply(.seek(by: -120), wall: 100)
        #expect(c.stepTime(wall: 100) == 1240 && c.rebuilds == 1)
        _ = c.apply(.end, wall: 100)
        #expect(c.finished(wall: 100) && c.status(wall: 1000).finished && c.time(wall: 1000) == 1600)
        _ = c.apply(.start, wall: 100)
        #expect(c.stepTime(wall: 100) == 1000 && c.rebuilds == 2)
        _ = c.apply(.setSpeed(.max), wall: 100)
        c.tick(wall: 100)
        c.tick(wall: 100)
        #expect(c.stepTime(wall: 100) == 1120)
        #expect(c.status(wall: 100).speed == .max)
    }

    @Test func jumpsBetweenTransitions() {
        var c = FleetReplayClock(start: 0, end: 100, step: 10, speed: .factor(1), wall: 0)
        c.transitions = [30, 70]
        #expect(c.apply(.nextTransition, wall: 0) == nil)
        #expect(c.stepTime(wall: 0) == 30)
        _ = c.apply(.nextTransition, wall: 0)
        #expect(c.stepTime(wall: 0) == 70)
        #expect(c.apply(.nextTransition, wall: 0) == "No further alert transition until the end of the range")
        _ = c.apply(.previousTransition, wall: 0)
        #expect(c.stepTime(wall: 0) == 30)
        _ = c.apply(.previousTransition, wall: 0)
        #expect(c.stepTime(wall: 0) == 0)
    }

    @Test func transitionsOfARange() {
        func alert(_ state: String, instance: String) -> PromSample {
            PromSample(labels: ["__name__": "mlwatch_alert", "alertname": "Slow", "state": state, "severity": "critical",
                               "instance": instance, "model": "m"], value: 1)
        }
        func series(_ s: PromSample, _ times: [Double]) -> PromSeries {
            PromSeries(labels: s.labels, times: times, values: times.map { _ in 1 })
        }
        // Pending at 10, firing at 20 on one instance (firing on one is firing), gone at 40.
        let range = FleetRangeAnswers(series: [.alerts: [
            series(alert("pending", instance: "a"), [10]), series(alert("firing", instance: "a"), [20, 30]),
            series(alert("pending", instance: "b"), [20, 30]),
        ]], start: 0, end: 50, step: 10)
        let t = FleetReplayClock.transitions(range, scope: nil)
        #expect(t.map { "\(Int($0.time)) \($0.from.rawValue)→\($0.to.rawValue)" } == ["10 inactive→pending", "20 pending→firing", "40 firing→resolved"])
        #expect(t[1].labels == ["model": "m"] && t[1].rule == "Slow")
        // Instance b alone: pending from 20, resolved at 40.
        let b = FleetReplayClock.transitions(range, scope: "b")
        #expect(b.map { "\(Int($0.time)) \($0.to.rawValue)" } == ["20 pending", "40 resolved"])
    }
}
