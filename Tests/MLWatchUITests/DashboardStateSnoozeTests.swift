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
        #expect(state.press(.char("s"), snapshot: snap).isEmpty)
        #expect(state.mode == .snoozeMenu(alert: .init(rule: "Slow", labels: ["model": "m"])))
        #expect(state.press(.char("2"), snapshot: snap) == [.send(.snooze(rule: "Slow", labels: ["model": "m"], seconds: 3600))])
    }

    @Test func typedDurationSnoozesAndBadTextIsRefused() {
        var state = DashboardState()
        let snap = snapshotWithAlert()
        state.focus = .alerts
        _ = state.press(.char("s"), snapshot: snap)
        _ = state.press(.char("5"), snapshot: snap)
        #expect(state.mode == .snoozeDuration(alert: .init(rule: "Slow", labels: ["model": "m"]), draft: ""))
        for c in "2x" { _ = state.press(.char(c), snapshot: snap) }
        #expect(state.press(.enter, snapshot: snap).isEmpty)
        #expect(state.message?.contains("not a duration") == true)
        _ = state.press(.backspace, snapshot: snap)
        for c in "h30m" { _ = state.press(.char(c), snapshot: snap) }
        #expect(state.press(.enter, snapshot: snap) == [.send(.snooze(rule: "Slow", labels: ["model": "m"], seconds: 9000))])
        #expect(state.mode == .normal)
    }
}
