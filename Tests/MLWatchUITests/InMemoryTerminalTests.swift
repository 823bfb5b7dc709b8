import Testing

@testable import MLWatchUI

@Suite("Screen InMemoryTerminal")
struct InMemoryTerminalTests {
    @Test func firstFlushSendsEverythingThenOnlyChanges() {
        let terminal = InMemoryTerminal(width: 20, height: 3)
        var frame = ScreenBuffer(width: 20, height: 3)
        frame.put("events/s 120", x: 0, y: 0)
        terminal.flush(frame)
        #expect(terminal.lastFlushCellCount == 60)
        #expect(terminal.screen == frame)

        frame.put("125", x: 9, y: 0)  // only "5" differs from "120"… and "2" stays
        terminal.flush(frame)
        #expect(terminal.lastFlushCellCount == 1)
        #expect(terminal.screen.text(row: 0) == "events/s 125        ")

        terminal.flush(frame)
        #expect(terminal.cellsSentPerFlush == [60, 1, 0])
    }

    @Test func wideCharactersAreSentOnce() {
        let terminal = InMemoryTerminal(width: 6, height: 1)
        terminal.flush(ScreenBuffer(width: 6, height: 1))
        var frame = ScreenBuffer(width: 6, height: 1)
        frame.put("中文", x: 0, y: 0)
        terminal.flush(frame)
        #expect(terminal.lastFlushCellCount == 2)
        #expect(terminal.screen == frame)
        frame.put("ab", x: 0, y: 0)  // replaces 中 with two narrow cells
        terminal.flush(frame)
        #expect(terminal.lastFlushCellCount == 2)
        #expect(terminal.screen.text(row: 0) == "ab文  ")
    }

    @Test func resizeForcesAFullRedrawAndReportsAKey() {
        let terminal = InMemoryTerminal(width: 4, height: 2)
        terminal.enqueue(.char("q"))
        terminal.flush(ScreenBuffer(width: 4, height: 2))
        terminal.resize(width: 5, height: 2)
        #expect(terminal.size == TerminalSize(width: 5, height: 2))
        #expect(terminal.readKey(timeoutMs: 0) == .resize)
        #expect(terminal.readKey(timeoutMs: 0) == .char("q"))
        #expect(terminal.readKey(timeoutMs: 0) == nil)
        terminal.flush(ScreenBuffer(width: 5, height: 2))
        #expect(terminal.lastFlushCellCount == 10)
    }

    @Test func bellAndShutdown() {
        let terminal = InMemoryTerminal()
        terminal.bell()
        terminal.shutdown()
        #expect(terminal.bellCount == 1)
        #expect(terminal.isShutDown)
    }

    @Test func keyMapDescribesBindings() {
        let map = DashboardKeys.map.adding([KeyBinding([.char("x")], .quit, help: "Extra", context: "Extra")])
        #expect(map.contexts == ["Global", "Input", "Output", "Versions", "Alerts", "Fleet", "Replay", "Extra"])
        #expect(map.binding(for: .char("a"), in: "Alerts")?.help == "Acknowledge the selected alert")
        #expect(map.binding(for: .char("x"), in: "Extra")?.help == "Extra")
        // Context first, then the global table.
        #expect(map.binding(for: .char("s"), in: "Input")?.help.hasPrefix("Cycle sort") == true)
        #expect(map.binding(for: .char("q"), in: "Alerts")?.help == "Quit, restore terminal")
        #expect(map.bindings(in: "Global").first?.keyDescription == "q Ctrl+C")
        #expect(map.binding(for: .ctrl("c"), in: "Input")?.help == "Quit, restore terminal")
        #expect(Key.backTab.description == "Shift+Tab")
    }
}
