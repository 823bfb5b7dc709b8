import Testing
@testable import MLWatchCore

@Suite struct AlertLifecycleTests {
    private let labels: Labels = ["model": "fraud"]

    private func engine(for forDuration: Double = 120, keep: Double = 60, expr: String = "x > 10") throws -> RuleEngine {
        RuleEngine(rules: [try AlertRule(name: "High", expr: expr, forDuration: forDuration, keepFiringFor: keep)])
    }

    private func x(_ v: Double) -> [MetricSample] { [sample("x", v, ["model": "fraud"])] }

    @Test func forAndKeepFiringForAreHonouredExactlyInEventTime() throws {
        var e = try engine()
        #expect(e.evaluate(x(20), at: 0).transitions.map(\.to) == [.pending])
        #expect(e.evaluate(x(20), at: 119.999).transitions.isEmpty)
        let fired = e.evaluate(x(20), at: 120)
        #expect(fired.transitions.map(\.to) == [.firing])
        #expect(fired.notifications.count == 1)
        let t = try #require(fired.transitions.first)
        #expect(t.from == .pending && t.incident == 1 && t.activeSince == 0 && t.firedAt == 120)
        #expect(e.evaluate(x(5), at: 130).transitions.isEmpty)
        #expect(e.evaluate(x(5), at: 189.999).transitions.isEmpty)
        #expect(e.state(rule: "High", labels: labels) == .firing)
        #expect(e.evaluate(x(5), at: 190).transitions.map(\.to) == [.resolved])
        #expect(e.evaluate(x(5), at: 200).transitions.map(\.to) == [.inactive])
        #expect(e.alerts.isEmpty)
        #expect(e.timeline.map(\.to) == [.pending, .firing, .resolved, .inactive])
    }

    @Test func forZeroFiresAtOnce() throws {
        var e = try engine(for: 0, keep: 0)
        let r = e.evaluate(x(20), at: 5)
        #expect(r.transitions.map { [$0.from, $0.to] } == [[.inactive, .firing]])
        #expect(r.notifications.count == 1)
        #expect(e.evaluate(x(1), at: 6).transitions.map(\.to) == [.resolved])
    }

    @Test func pendingThatClearsNeverFires() throws {
        var e = try engine()
        e.evaluate(x(20), at: 0)
        #expect(e.evaluate(x(1), at: 60).transitions.map(\.to) == [.inactive])
        #expect(e.evaluate(x(20), at: 100).transitions.map(\.to) == [.pending])
        #expect(e.evaluate(x(20), at: 219).transitions.isEmpty)
        #expect(e.evaluate(x(20), at: 220).transitions.map(\.to) == [.firing])
        #expect(e.alerts.first?.activeSince == 100)
    }

    @Test func keepFiringForRestartsWhenTheConditionReturns() throws {
        var e = try engine(for: 0, keep: 60)
        e.evaluate(x(20), at: 0)
        e.evaluate(x(5), at: 130)
        e.evaluate(x(20), at: 150)
        e.evaluate(x(5), at: 160)
        #expect(e.evaluate(x(5), at: 219.9).transitions.isEmpty)
        #expect(e.evaluate(x(5), at: 220).transitions.map(\.to) == [.resolved])
    }

    @Test func acknowledgedIncidentResolvesAndANewIncidentStartsUnacknowledged() throws {
        var e = try engine(for: 0, keep: 0)
        #expect(e.evaluate(x(20), at: 0).notifications.count == 1)
        let ack = try e.acknowledge(rule: "High", labels: labels, actor: "alice", note: "looking", at: 5)
        #expect(ack.transitions.map { [$0.from, $0.to] } == [[.firing, .acknowledged]])
        #expect(ack.transitions.first?.actor == "alice")
        #expect(e.evaluate(x(25), at: 10).transitions.isEmpty)
        let alert = try #require(e.alerts.first)
        #expect(alert.state == .acknowledged && alert.acknowledgedBy == "alice" && alert.note == "looking" && alert.value == 25)
        #expect(e.evaluate(x(1), at: 20).transitions.map { [$0.from, $0.to] } == [[.acknowledged, .resolved]])
        let again = e.evaluate(x(20), at: 30)
        #expect(again.transitions.map { [$0.from, $0.to] } == [[.resolved, .firing]])
        #expect(again.transitions.first?.incident == 2)
        #expect(again.notifications.count == 1)
        #expect(e.alerts.first?.acknowledgedBy == nil)
        #expect(e.alerts.first?.incident == 2)
    }

    @Test func actionsThatCannotApplyAreRefused() throws {
        var e = try engine()
        e.evaluate(x(20), at: 0)
        #expect(throws: AlertActionError.notFiring(rule: "High", labels: labels, state: .pending)) {
            try e.acknowledge(rule: "High", labels: labels, actor: "a", at: 1)
        }
        #expect(throws: AlertActionError.unknownRule("Nope")) {
            try e.acknowledge(rule: "Nope", labels: labels, actor: "a", at: 1)
        }
        #expect(throws: AlertActionError.unknownAlert(rule: "High", labels: ["model": "x"])) {
            try e.snooze(rule: "High", labels: ["model": "x"], until: 100, actor: "a", at: 1)
        }
        #expect(throws: AlertActionError.snoozeEndsInPast(until: 1, now: 1)) {
            try e.snooze(rule: "High", labels: labels, until: 1, actor: "a", at: 1)
        }
        #expect(throws: AlertActionError.nothingToUndo(rule: "High", labels: labels)) {
            try e.undo(rule: "High", labels: labels, actor: "a", at: 1)
        }
        e.evaluate(x(20), at: 120)
        try e.acknowledge(rule: "High", labels: labels, actor: "alice", at: 121)
        #expect(throws: AlertActionError.alreadyAcknowledged(rule: "High", labels: labels, by: "alice")) {
            try e.acknowledge(rule: "High", labels: labels, actor: "bob", at: 122)
        }
        #expect(throws: AlertActionError.invalidThreshold(.infinity)) {
            try e.overrideThreshold(rule: "High", value: .infinity, actor: "a", at: 1)
        }
    }

    @Test func snoozedAlertFiresSilentlyAndNotifiesWhenTheSnoozeEnds() throws {
        var e = try engine()
        e.evaluate(x(20), at: 0)
        try e.snooze(rule: "High", labels: labels, until: 300, actor: "bob", note: "deploy", at: 10)
        let fired = e.evaluate(x(20), at: 120)
        #expect(fired.transitions.map { [$0.from, $0.to] } == [[.pending, .snoozed]])
        #expect(fired.notifications.isEmpty)
        #expect(e.alerts.first?.snoozedUntil == 300)
        #expect(e.evaluate(x(20), at: 299).transitions.isEmpty)
        let ended = e.evaluate(x(20), at: 300)
        #expect(ended.transitions.map { [$0.from, $0.to] } == [[.snoozed, .firing]])
        #expect(ended.transitions.first?.note == "snooze ended")
        #expect(ended.notifications.count == 1)
        #expect(e.alerts.first?.snoozedUntil == nil)
    }

    @Test func snoozeOfANotifiedAlertDoesNotNotifyAgainWhenItEnds() throws {
        var e = try engine(for: 0)
        #expect(e.evaluate(x(20), at: 0).notifications.count == 1)
        let s = try e.snooze(rule: "High", labels: labels, until: 50, actor: "bob", at: 1)
        #expect(s.transitions.map { [$0.from, $0.to] } == [[.firing, .snoozed]])
        let ended = e.evaluate(x(20), at: 50)
        #expect(ended.transitions.map(\.to) == [.firing])
        #expect(ended.notifications.isEmpty)
    }

    @Test func undoRevertsTheLatestAcknowledgementOrSnooze() throws {
        var e = try engine(for: 0)
        e.evaluate(x(20), at: 0)
        try e.acknowledge(rule: "High", labels: labels, actor: "alice", at: 1)
        try e.snooze(rule: "High", labels: labels, until: 100, actor: "alice", at: 2)
        #expect(e.state(rule: "High", labels: labels) == .snoozed)
        let u1 = try e.undo(rule: "High", labels: labels, actor: "alice", at: 3)
        #expect(u1.transitions.map { [$0.from, $0.to] } == [[.snoozed, .acknowledged]])
        let u2 = try e.undo(rule: "High", labels: labels, actor: "alice", at: 4)
        #expect(u2.transitions.map { [$0.from, $0.to] } == [[.acknowledged, .firing]])
        #expect(u2.notifications.isEmpty)  // notified when it fired
    }

    @Test func undoingASnoozeOfAnUnnotifiedAlertNotifiesNow() throws {
        var e = try engine(for: 0)
        e.evaluate(x(1), at: 0)
        try e.snooze(rule: "High", labels: labels, until: 100, actor: "bob", at: 1)
        #expect(e.evaluate(x(20), at: 2).notifications.isEmpty)
        let undo = try e.undo(rule: "High", labels: labels, actor: "bob", at: 3)
        #expect(undo.notifications.count == 1)
        #expect(e.evaluate(x(20), at: 4).notifications.isEmpty)
    }

    @Test func hysteresisClearsOnlyAtTheRecoveryThreshold() throws {
        var e = try engine(for: 0, keep: 0, expr: "x > 250 recover 200")
        e.evaluate(x(300), at: 0)
        #expect(e.state(rule: "High", labels: labels) == .firing)
        #expect(e.evaluate(x(220), at: 1).transitions.isEmpty)
        #expect(e.alerts.first?.threshold == 200)
        #expect(e.evaluate(x(200.5), at: 2).transitions.isEmpty)
        #expect(e.evaluate(x(200), at: 3).transitions.map(\.to) == [.resolved])
        #expect(e.evaluate(x(240), at: 4).transitions.map(\.to) == [.inactive])
        #expect(e.threshold(rule: "High", labels: labels) == 250)
    }

    @Test func hysteresisForALowerBound() throws {
        var e = try engine(for: 0, keep: 0, expr: "accuracy < 0.8 recover 0.9")
        let a = { (v: Double) in [sample("accuracy", v)] }
        e.evaluate(a(0.7), at: 0)
        #expect(e.evaluate(a(0.85), at: 1).transitions.isEmpty)
        #expect(e.evaluate(a(0.9), at: 2).transitions.map(\.to) == [.resolved])
    }

    @Test func thresholdOverrideAppliesOnTheNextEvaluationAndCanBeCleared() throws {
        var e = try engine(for: 0, keep: 0)
        e.evaluate(x(5), at: 0)
        try e.overrideThreshold(rule: "High", value: 50, actor: "carol", reason: "known spike", at: 1)
        #expect(e.thresholdOverrides.isEmpty)
        #expect(e.evaluate(x(20), at: 2).transitions.isEmpty)
        #expect(e.threshold(rule: "High", labels: labels) == 50)
        #expect(e.thresholdOverrides["High"]?.actor == "carol")
        try e.overrideThreshold(rule: "High", value: nil, actor: "carol", at: 3)
        #expect(e.evaluate(x(20), at: 4).transitions.map(\.to) == [.firing])
        #expect(e.threshold(rule: "High", labels: labels) == 10)
    }

    @Test func evaluationsBackInTimeAreIgnored() throws {
        var e = try engine(for: 0)
        e.evaluate(x(1), at: 100)
        #expect(e.evaluate(x(20), at: 50) == RuleEvaluation())
        #expect(e.lastEvaluation == 100)
    }

    @Test func resolvedAlertThatTriggersAgainGoesBackToPending() throws {
        var e = try engine(for: 30, keep: 0)
        e.evaluate(x(20), at: 0)
        e.evaluate(x(20), at: 30)
        e.evaluate(x(1), at: 40)
        let again = e.evaluate(x(20), at: 50)
        #expect(again.transitions.map { [$0.from, $0.to] } == [[.resolved, .pending]])
        #expect(e.alerts.first?.incident == 2)
        #expect(e.evaluate(x(20), at: 80).transitions.first?.incident == 2)
    }
}
