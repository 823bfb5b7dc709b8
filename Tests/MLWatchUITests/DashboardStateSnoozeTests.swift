import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// `s` on a selected alert offers fixed snooze durations and a typed one.
@Suite struct DashboardStateSnoozeTests {
    private func snapshotWithAlert() -> Snapshot {
        var s = Snapshot()
        s.alerts = [AlertInstance(rule: "Slow", labels: ["model": "m"], state: .firing, severity: .critical, value: 300)]
        return s
    }

    @Test func fixedChoiceSnoozes() {
        var state = DashboardState()
        let snap = snapshotWithAlert()
        state.focus = .alerts
        #expect(state.handle(.char("s"), snapshot: snap).isEmpty)
        #expect(state.snoozeMenu)
        #expect(state.handle(.char("2"), snapshot: snap) == [.snooze(rule: "Slow", labels: ["model": "m"], seconds: 3600)])
    }

    @Test func typedDurationSnoozesAndBadTextIsRefused() {
        var state = DashboardState()
        let snap = snapshotWithAlert()
        state.focus = .alerts
        _ = state.handle(.char("s"), snapshot: snap)
        _ = state.handle(.char(DashboardState.customSnoozeKey), snapshot: snap)
        #expect(state.snoozeDraft == "")
        for c in "2x" { _ = state.handle(.char(c), snapshot: snap) }
        #expect(state.handle(.enter, snapshot: snap).isEmpty)
        #expect(state.message?.contains("not a duration") == true)
        _ = state.handle(.backspace, snapshot: snap)
        for c in "h30m" { _ = state.handle(.char(c), snapshot: snap) }
        #expect(state.handle(.enter, snapshot: snap) == [.snooze(rule: "Slow", labels: ["model": "m"], seconds: 9000)])
        #expect(state.snoozeDraft == nil)
    }
}
