import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// `DashboardState.reduce`: events in, effects out, one input mode at a time.
@Suite struct DashboardReducerTests {
    static let alert = AlertInstance(rule: "Slow", labels: ["model": "m"], state: .firing, severity: .critical, value: 300,
                                     threshold: 250)
    static let key = DashboardState.AlertKey(rule: "Slow", labels: ["model": "m"])

    /// A state showing one firing alert, focus on Alerts, in a replay when `replay`.
    static func state(replay: Bool) -> DashboardState {
        var s = Snapshot(mode: replay ? .replay : .live)
        s.alerts = [alert]
        var state = DashboardState()
        state.live = s
        state.focus = .alerts
        if replay { state.replay = ReplayStatus(speed: .factor(60), count: 100) }
        return state
    }

    @Test func replayControlsAreNormalModeBindingsOfAReplay() {
        var state = Self.state(replay: true)
        #expect(state.reduce(.key(.char("+"))) == [.send(.replay(.faster))])
        #expect(state.reduce(.key(.char(" "))) == [.send(.replay(.togglePause))])
        #expect(state.reduce(.key(.shiftLeft)) == [.send(.replay(.seek(by: -600)))])
        // Alert keys keep their meaning over the replay's (focus on Alerts: `n` is not an alert key).
        #expect(state.reduce(.key(.char("a"))) == [.send(.acknowledge(rule: "Slow", labels: ["model": "m"], note: nil))])
        #expect(state.reduce(.key(.char("n"))) == [.send(.replay(.nextTransition))])
        // Live, the same keys do nothing.
        var live = Self.state(replay: false)
        #expect(live.reduce(.key(.char("+"))).isEmpty)
        #expect(live.reduce(.key(.char(" "))).isEmpty)
    }

    /// The known bug: in a replay, `+`, `-` and Space typed into the custom snooze duration went to the
    /// replay controls. Every key typed into a prompt reaches the prompt.
    @Test func customSnoozePromptInAReplayGetsEveryKey() {
        var state = Self.state(replay: true)
        #expect(state.reduce(.key(.char("s"))).isEmpty)
        #expect(state.mode == .snoozeMenu(alert: Self.key))
        #expect(state.reduce(.key(.char("5"))).isEmpty)
        var effects: [DashboardEffect] = []
        for c in "1h +-30m gGnN" { effects += state.reduce(.key(.char(c))) }
        effects += state.reduce(.key(.left))
        #expect(effects.isEmpty, "keys leaked to the replay: \(effects)")
        #expect(state.mode == .snoozeDuration(alert: Self.key, draft: "1h +-30m gGnN"))
        for _ in 0 ..< 11 { _ = state.reduce(.key(.backspace)) }
        _ = state.reduce(.key(.char("3")))
        _ = state.reduce(.key(.char("0")))
        _ = state.reduce(.key(.char("m")))
        #expect(state.reduce(.key(.enter)) == [.send(.snooze(rule: "Slow", labels: ["model": "m"], seconds: 5400))])
        #expect(state.mode == .normal)
    }

    @Test func everyPromptTakesTheReplayKeys() {
        for open in [Key.char("/"), .char("A"), .char("e")] {
            var state = Self.state(replay: true)
            _ = state.reduce(.key(open))
            #expect(state.mode.isTextPrompt)
            for c in "+- " { #expect(state.reduce(.key(.char(c))).isEmpty, "\(open) prompt lost \(c)") }
        }
        var filter = Self.state(replay: true)
        _ = filter.reduce(.key(.char("/")))
        _ = filter.reduce(.key(.char("+")))
        #expect(filter.filter == "+")
    }

    @Test func theNoteGoesToTheAlertSelectedWhenItWasOpened() {
        var state = Self.state(replay: false)
        _ = state.reduce(.key(.char("A")))
        for c in "disk" { _ = state.reduce(.key(.char(c))) }
        // A new alert sorts first while the note is typed: the acknowledgement still goes to `Slow`.
        var s = state.live
        s.alerts.insert(AlertInstance(rule: "Alpha", labels: [:], state: .firing, severity: .critical, value: 1), at: 0)
        _ = state.reduce(.published(EngineHost.Published(generation: 2, snapshot: s, snapshotGeneration: 2)))
        #expect(state.reduce(.key(.enter)) == [.send(.acknowledge(rule: "Slow", labels: ["model": "m"], note: "disk"))])
    }

    @Test func thresholdPromptTakesAValueThenAReason() {
        var state = Self.state(replay: false)
        _ = state.reduce(.key(.char("e")))
        for c in "abc" { _ = state.reduce(.key(.char(c))) }
        #expect(state.reduce(.key(.enter)).isEmpty)
        #expect(state.message?.contains("not a number") == true)
        for _ in 0 ..< 3 { _ = state.reduce(.key(.backspace)) }
        for c in "300" { _ = state.reduce(.key(.char(c))) }
        #expect(state.reduce(.key(.enter)).isEmpty)
        for c in "noisy" { _ = state.reduce(.key(.char(c))) }
        #expect(state.reduce(.key(.enter)) == [.send(.overrideThreshold(rule: "Slow", value: 300, reason: "noisy"))])
        _ = state.reduce(.key(.char("e")))
        _ = state.reduce(.key(.escape))
        #expect(state.mode == .normal)
        #expect(state.message == "Threshold unchanged")
    }

    @Test func publicationsBringSnapshotsMessagesProgressAndTheBell() {
        var state = DashboardState()
        var p = EngineHost.Published(generation: 1, snapshot: Snapshot(events: 5), snapshotGeneration: 1)
        #expect(state.reduce(.published(p)).isEmpty)
        #expect(state.live.events == 5)
        p.generation = 2
        p.activity = "reloading the config: learning adaptive thresholds from ref.jsonl: 412,000 lines"
        p.messages = [HostMessage(serial: 1, text: "Acknowledged Slow")]
        let firing = AlertTransition(time: 1, rule: "Slow", labels: [:], from: .pending, to: .firing, value: 1, threshold: nil,
                                     severity: .critical)
        p.notifications = [firing]
        p.notificationCount = 1
        #expect(state.reduce(.published(p)) == [.bell])
        #expect(state.message == "Acknowledged Slow")
        #expect(state.activity?.hasSuffix("412,000 lines") == true)
        // The same publication again: nothing new, no second bell.
        p.generation = 3
        #expect(state.reduce(.published(p)).isEmpty)
        // Without the bell setting, no bell.
        var quiet = DashboardState()
        quiet.bellOnCritical = false
        #expect(quiet.reduce(.published(p)).isEmpty)
        // A key clears the message; SIGHUP reloads; SIGTERM quits; a tick sets the clock.
        _ = state.reduce(.key(.char("j")))
        #expect(state.message == nil)
        #expect(state.reduce(.signal(.hangup)) == [.send(.reloadConfig)])
        #expect(state.reduce(.signal(.terminate)) == [.quit])
        _ = state.reduce(.tick(now: 1234))
        #expect(state.now == 1234)
    }

    @Test func helpModeTakesEveryKeyAndThemeCyclesThroughTheLoopsThemes() {
        var state = Self.state(replay: true)
        state.themeNames = ["default", "light"]
        #expect(state.reduce(.key(.char("T"))) == [.theme(1)])
        #expect(state.message == "Theme: light")
        #expect(state.reduce(.key(.char("?"))).isEmpty)
        #expect(state.helpVisible)
        #expect(state.reduce(.key(.char("+"))).isEmpty)
        #expect(state.reduce(.key(.char("a"))).isEmpty)
        #expect(state.reduce(.key(.escape)).isEmpty)
        #expect(state.mode == .normal)
    }
}

/// The loop: a fake host, an in-memory terminal and a hand-set clock.
@Suite struct DashboardLoopTests {
    @Test func keysSendCommandsAndTheAnswerShowsOnScreen() throws {
        let (snapshot, state) = try DashboardFixture.make()
        let host = FakeHost(snapshot: snapshot)
        let clock = FakeClock(DashboardFixture.now)
        let terminal = InMemoryTerminal(width: 100, height: 30)
        let loop = DashboardLoop(backend: terminal, host: host, clock: clock.clock, themes: [.builtInDefault], state: state)
        loop.step(timeoutMs: 0)
        terminal.enqueue(.char("4"))
        terminal.enqueue(.char("a"))
        loop.step(timeoutMs: 0)
        loop.step(timeoutMs: 0)
        let first = DashboardState.alerts(in: snapshot)[0]
        #expect(host.sent == [.acknowledge(rule: first.rule, labels: first.labels, note: nil)])
        host.answer("Acknowledged \(first.rule)")
        loop.step(timeoutMs: 0)
        #expect(terminal.screen.lines.last?.contains("Acknowledged \(first.rule)") == true)
        // The header's clock follows the injected one.
        let before = terminal.screen.lines[0 ..< 2].joined()
        clock.advance(by: 3600)
        loop.step(timeoutMs: 0)
        #expect(loop.state.now == DashboardFixture.now + 3600)
        #expect(terminal.screen.lines[0 ..< 2].joined() != before, "the lag did not change")
        // A resize redraws at the new size; q quits.
        terminal.resize(width: 80, height: 24)
        loop.step(timeoutMs: 0)
        #expect(terminal.screen.lines.count == 24)
        terminal.enqueue(.char("q"))
        loop.step(timeoutMs: 0)
        #expect(!loop.terminalLost)
    }

    @Test func reloadProgressShowsInTheFooterUntilItsResult() throws {
        let (snapshot, state) = try DashboardFixture.make()
        let host = FakeHost(snapshot: snapshot)
        let terminal = InMemoryTerminal(width: 100, height: 30)
        let loop = DashboardLoop(backend: terminal, host: host, clock: FakeClock().clock, themes: [.builtInDefault], state: state)
        terminal.enqueue(.char("r"))
        loop.step(timeoutMs: 0)
        #expect(host.sent == [.reloadConfig])
        host.publish { $0.activity = "reloading the config: learning adaptive thresholds from ref.jsonl: 250,000 lines" }
        loop.step(timeoutMs: 0)
        #expect(terminal.screen.lines.last?.contains("250,000 lines") == true)
        // Keys still work while it runs.
        terminal.enqueue(.char("2"))
        loop.step(timeoutMs: 0)
        #expect(loop.state.focus == .input)
        host.publish { $0.activity = nil }
        host.answer("config reloaded: 3 rules")
        loop.step(timeoutMs: 0)
        #expect(terminal.screen.lines.last?.contains("config reloaded: 3 rules") == true)
    }
}
