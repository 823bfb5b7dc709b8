import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// Mouse clicks and the wheel, through the real loop on an `InMemoryTerminal`: clicks land where the
/// last frame drew things (panels, list rows, the single layout's tabs).
@Suite struct DashboardMouseTests {
    /// A loop showing the fixture snapshot, drawn once.
    private func loop(width: Int = 100, height: Int = 30, mouse: Bool = true) throws -> (DashboardLoop, InMemoryTerminal) {
        let (snapshot, state) = try DashboardFixture.make()
        let terminal = InMemoryTerminal(width: width, height: height)
        let host = FakeHost(snapshot: snapshot)
        let loop = DashboardLoop(backend: terminal, host: host, clock: FakeClock().clock, themes: [.builtInDefault], state: state,
                                 mouse: mouse)
        loop.step(timeoutMs: 0)
        return (loop, terminal)
    }

    /// The cell where `text` starts on screen (first occurrence).
    private func position(of text: String, in terminal: InMemoryTerminal) -> (x: Int, y: Int)? {
        for (y, line) in terminal.screen.lines.enumerated() {
            if let range = line.range(of: text) { return (DisplayWidth.of(line[..<range.lowerBound]), y) }
        }
        return nil
    }

    private func click(_ loop: DashboardLoop, _ terminal: InMemoryTerminal, _ at: (x: Int, y: Int), _ button: MouseButton = .left) {
        terminal.enqueue(.mouse(x: at.x, y: at.y, button: button))
        loop.step(timeoutMs: 0)
    }

    @Test func clickFocusesPanelSelectsRowAndOpensIt() throws {
        let (loop, terminal) = try loop()
        #expect(loop.state.focus == .software)
        let output = try #require(position(of: "score mean", in: terminal))
        click(loop, terminal, output)
        #expect(loop.state.focus == .output)

        // The third feature row ("note" sorts last by drift): a click focuses Input and selects it…
        let note = try #require(position(of: "note ", in: terminal))
        click(loop, terminal, note)
        #expect(loop.state.focus == .input)
        #expect(loop.state.selected(.input) == 2)
        #expect(loop.state.detailFeature == nil)
        // …and a second click on the selected row opens it, like Enter.
        click(loop, terminal, note)
        #expect(loop.state.detailFeature == "note")
        #expect(terminal.screen.lines.joined().contains("Feature note"))
        // The detail view ignores clicks (Esc leaves it).
        click(loop, terminal, (1, 20))
        #expect(loop.state.detailFeature == "note")
    }

    @Test func clickAndWheelInTheAlertsList() throws {
        let (loop, terminal) = try loop()
        let second = DashboardState.alerts(in: try DashboardFixture.make().0)[1]
        let row = try #require(position(of: second.rule, in: terminal))
        click(loop, terminal, row)
        #expect(loop.state.focus == .alerts)
        #expect(loop.state.selected(.alerts) == 1)
        click(loop, terminal, row, .wheelDown)
        #expect(loop.state.selected(.alerts) == 2)
        click(loop, terminal, row, .wheelUp)
        click(loop, terminal, row, .wheelUp)
        #expect(loop.state.selected(.alerts) == 0)
        // A click below the last alert selects nothing new.
        click(loop, terminal, (row.x, row.y + 8))
        #expect(loop.state.selected(.alerts) == 0)
    }

    @Test func tabsOfTheSinglePanelLayoutAreClickable() throws {
        let (loop, terminal) = try loop(width: 70, height: 16)
        #expect(loop.state.focus == .software)
        let tab = try #require(position(of: "3 Output", in: terminal))
        click(loop, terminal, tab)
        #expect(loop.state.focus == .output)
        #expect(terminal.screen.lines.joined().contains("[3 Output]"))
    }

    @Test func helpListsTheMouseOnlyWhenItIsReported() throws {
        let (withMouse, mouseTerminal) = try loop(mouse: true)
        mouseTerminal.enqueue(.char("?"))
        withMouse.step(timeoutMs: 0)
        let text = mouseTerminal.screen.lines.joined(separator: "\n")
        #expect(text.contains("Mouse"))
        for binding in DashboardKeys.mouseBindings { #expect(text.contains(binding.help)) }
        // A click closes the help.
        click(withMouse, mouseTerminal, (50, 15))
        #expect(!withMouse.state.helpVisible)

        let (without, plainTerminal) = try loop(mouse: false)
        plainTerminal.enqueue(.char("?"))
        without.step(timeoutMs: 0)
        #expect(!plainTerminal.screen.lines.joined().contains("Focus a panel, select a row"))
    }

    @Test func wheelScrollsTheHelpOnASmallTerminal() throws {
        let (loop, terminal) = try loop(width: 60, height: 14)
        terminal.enqueue(.char("?"))
        loop.step(timeoutMs: 0)
        #expect(loop.state.lastLayout?.helpScrollLimit ?? 0 > 0)
        click(loop, terminal, (30, 7), .wheelDown)
        click(loop, terminal, (30, 7), .wheelDown)
        #expect(loop.state.helpScroll == 2)
        click(loop, terminal, (30, 7), .wheelUp)
        #expect(loop.state.helpScroll == 1)
        #expect(loop.state.helpVisible)
    }

    @Test func scrollWindowKeepsTheSelectionVisible() {
        #expect(ScrollWindow.first(selected: 0, rows: 5, count: 20) == 0)
        #expect(ScrollWindow.first(selected: 7, rows: 5, count: 20) == 3)
        #expect(ScrollWindow.first(selected: 19, rows: 5, count: 20) == 15)
        #expect(ScrollWindow.first(selected: 3, rows: 5, count: 2) == 0)
        #expect(ScrollWindow.item(atY: 12, top: 10, selected: 7, rows: 5, count: 20) == 5)
        #expect(ScrollWindow.item(atY: 9, top: 10, selected: 0, rows: 5, count: 20) == nil)
        #expect(ScrollWindow.item(atY: 13, top: 10, selected: 0, rows: 5, count: 2) == nil)
    }
}
