import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The `?` overlay lists every key: all of them at once at 100×30 and 80×24 in a live session, the
/// replay keys only in a replay, and a scrolling list on terminals too small for that.
@Suite struct HelpOverlayTests {
    private func render(width: Int, height: Int, replay: Bool = false, state configure: (inout DashboardState) -> Void = { _ in })
        throws -> (text: String, layout: DashboardLayout, state: DashboardState, snapshot: Snapshot)
    {
        var (snapshot, state) = try DashboardFixture.make()
        if replay { snapshot.mode = .replay }
        state.mode = .help(scroll: 0)
        configure(&state)
        var buffer = ScreenBuffer(width: width, height: height)
        let layout = DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        return (buffer.lines.joined(separator: "\n"), layout, state, snapshot)
    }

    private func liveBindings() -> [KeyBinding] {
        DashboardKeys.map.bindings.filter { $0.context != DashboardKeys.replayContext && $0.context != DashboardKeys.fleetContext }
    }

    @Test(arguments: [(100, 30), (80, 24)])
    func everyLiveKeyIsOnScreen(width: Int, height: Int) throws {
        let screen = try render(width: width, height: height)
        #expect(screen.layout.helpScrollLimit == 0, "the help scrolls at \(width)×\(height)")
        #expect(!screen.text.contains("enlarge the terminal"))
        for binding in liveBindings() {
            #expect(screen.text.contains(binding.keyDescription + " "), "key \(binding.keyDescription) missing at \(width)×\(height)")
            #expect(screen.text.contains(binding.help), "\(binding.help) missing at \(width)×\(height)")
        }
        for context in ["Global", "Input", "Output", "Alerts"] { #expect(screen.text.contains(context)) }
        // A live session does not list keys that only work in a replay.
        #expect(!screen.text.contains("Pause / resume the replay"))
    }

    @Test func replayListsItsKeysToo() throws {
        let screen = try render(width: 100, height: 30, replay: true)
        #expect(screen.layout.helpScrollLimit == 0)
        // (The fleet's keys only on a dashboard over a fleet.)
        for binding in DashboardKeys.map.bindings where binding.context != DashboardKeys.fleetContext {
            #expect(screen.text.contains(binding.help), "\(binding.help) missing in replay help")
        }
        #expect(!screen.text.contains("Instances (Enter narrows)"))
        var buffer = ScreenBuffer(width: 100, height: 30)
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.mode = .replay
        state.mode = .help(scroll: 0)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        try GoldenFile.assertMatches(buffer, named: "help-replay-100x30-default")
    }

    @Test func smallTerminalScrollsThroughEveryKey() throws {
        let first = try render(width: 60, height: 14)
        let limit = first.layout.helpScrollLimit
        #expect(limit > 0)
        #expect(first.text.contains("j/k scroll"))
        let lastAction = try #require(liveBindings().last?.help)
        #expect(!first.text.contains(lastAction))

        // j scrolls down (never past the end), k back up; each key seen on some page.
        var state = first.state
        state.lastLayout = first.layout
        var seen = first.text
        for _ in 0 ..< limit + 3 {
            _ = state.press(.char("j"), snapshot: first.snapshot)
            let page = try render(width: 60, height: 14) { $0 = state }
            seen += page.text
        }
        #expect(state.helpScroll == limit)
        #expect(seen.contains(lastAction))
        for binding in liveBindings() { #expect(seen.contains(binding.help), "\(binding.help) never shown") }
        _ = state.press(.up, snapshot: first.snapshot)
        #expect(state.helpScroll == limit - 1)
        _ = state.press(.home, snapshot: first.snapshot)
        #expect(state.helpScroll == 0)
        // Esc closes and forgets the scroll; q still quits from the overlay.
        _ = state.press(.end, snapshot: first.snapshot)
        _ = state.press(.escape, snapshot: first.snapshot)
        #expect(!state.helpVisible && state.helpScroll == 0)
        state.mode = .help(scroll: 0)
        #expect(state.press(.char("q"), snapshot: first.snapshot) == [.quit])
    }

    @Test func wrapKeepsWordsAndWidth() {
        #expect(DisplayWidth.wrap("Focus the next panel", toWidth: 10) == ["Focus the", "next panel"])
        #expect(DisplayWidth.wrap("short", toWidth: 10) == ["short"])
        #expect(DisplayWidth.wrap("", toWidth: 10) == [""])
        #expect(DisplayWidth.wrap("abcdefghijkl", toWidth: 5) == ["abcd…"])
        #expect(DisplayWidth.wrap("日本 日本語テキスト", toWidth: 6).allSatisfy { DisplayWidth.of($0) <= 6 })
    }
}
