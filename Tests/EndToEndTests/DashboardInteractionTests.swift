import Foundation
import Testing

/// The dashboard driven by keys in a real terminal (tmux): focus, filter, zoom, detail, theme switch,
/// a resize storm down to 1×1, and hostile feature names that must not reach the terminal as escapes.
@Suite(.serialized) struct DashboardInteractionE2ETests {
    /// A feature name carrying an OSC title-setting sequence and a colour sequence.
    static let hostileName = "\u{1b}]0;PWNED\u{07}amount\u{1b}[31m"

    private func start(_ dir: URL) throws -> TmuxSession {
        let log = dir.appendingPathComponent("predictions.jsonl").path
        try FixtureLog.write(to: log, featureName: Self.hostileName)
        let bin = TmuxSession.shellQuote(TmuxSession.binary!)
        return try TmuxSession("\(bin) watch \(TmuxSession.shellQuote(log)) --from-start --window all")
    }

    private func paneTitle(_ t: TmuxSession) -> String {
        ((try? t.tmux(["display-message", "-p", "-t", t.name, "#{pane_title}"]))?.output ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.needsTmux) func navigationFilterZoomThemeAndResizeStorm() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmux = try start(dir)
        defer { tmux.kill() }
        let titleBefore = paneTitle(tmux)

        let up = tmux.waitFor(timeout: 30) { $0.contains("events 600") && $0.contains("amount") }
        #expect(up.ok, "dashboard did not come up:\n\(up.screen)")
        // The escape sequences were stripped: the name shows as plain text, the title did not change.
        #expect(!up.screen.contains("PWNED"), "OSC payload reached the screen:\n\(up.screen)")
        #expect(paneTitle(tmux) == titleBefore, "the terminal title changed to \(paneTitle(tmux))")
        #expect(!tmux.capture(escapes: true).contains("\u{1b}]0;"))

        // Focus Input, filter by name, open the feature's detail, back out.
        tmux.send("2")
        tmux.send("/")
        tmux.type("coun")
        #expect(tmux.waitFor("/coun").ok)
        tmux.send("Enter")
        let filtered = tmux.waitFor { $0.contains("country") && !$0.contains("amount") }
        #expect(filtered.ok, "filter did not narrow the table:\n\(filtered.screen)")
        tmux.send("Enter")
        let detail = tmux.waitFor("Feature country", "Esc back")
        #expect(detail.ok, "no feature detail view:\n\(detail.screen)")
        tmux.send("Escape")
        #expect(tmux.waitFor { !$0.contains("Feature country") }.ok)

        // Zoom the Software panel and back.
        tmux.send("1")
        tmux.send("Enter")
        let zoomed = tmux.waitFor { $0.contains("1 Software") && !$0.contains("2 Input") }
        #expect(zoomed.ok, "Enter did not zoom the panel:\n\(zoomed.screen)")
        tmux.send("Escape")
        #expect(tmux.waitFor("1 Software", "2 Input").ok)

        // Theme switch.
        tmux.send("T")
        #expect(tmux.waitFor("Theme:").ok)

        // A resize storm, including 1×1, then back: the process survives and redraws.
        for (w, h) in [(1, 1), (30, 8), (200, 60), (2, 1), (80, 24), (45, 12), (1, 1), (120, 40)] {
            tmux.resize(width: w, height: h)
            Thread.sleep(forTimeInterval: 0.05)
        }
        tmux.resize(width: 100, height: 30)
        let back = tmux.waitFor("1 Software", "4 Alerts")
        #expect(back.ok, "no redraw after the resize storm:\n\(back.screen)")

        tmux.send("q")
        let exit = tmux.waitFor("MLWATCH_EXITED 0")
        #expect(exit.ok, "q did not end the process with status 0:\n\(exit.screen)")
    }
}
