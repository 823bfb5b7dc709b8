import Foundation
import Testing

/// The walking skeleton, as a user meets it: the real binary in a 100×30 tmux pane on a real log file.
@Suite(.serialized) struct DashboardSkeletonE2ETests {
    @Test(.needsTmux) func dashboardShowsPanelsHelpSurvivesResizeAndQuits() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("predictions.jsonl").path
        try FixtureLog.write(to: log)
        let bin = TmuxSession.shellQuote(TmuxSession.binary!)
        let tmux = try TmuxSession("\(bin) watch \(TmuxSession.shellQuote(log)) --from-start --window all")
        defer { tmux.kill() }

        // The four panels and a non-zero events total.
        let start = tmux.waitFor(timeout: 30) { s in
            ["Software", "Input", "Output", "Alerts"].allSatisfy(s.contains) && s.contains("events 600")
        }
        #expect(start.ok, "dashboard did not come up:\n\(start.screen)")
        #expect(start.screen.contains("╭"), "box drawing characters are missing:\n\(start.screen)")
        #expect(start.screen.contains("malformed 1"))

        tmux.send("?")
        let help = tmux.waitFor("Help", "Quit")
        #expect(help.ok, "help overlay missing:\n\(help.screen)")
        tmux.send("?")
        #expect(tmux.waitFor { !$0.contains("Help · keys") }.ok)

        tmux.resize(width: 20, height: 5)
        let small = tmux.waitFor("too small")
        #expect(small.ok, "no 'too small' message at 20×5:\n\(small.screen)")
        tmux.resize(width: 100, height: 30)
        let back = tmux.waitFor("Software", "Alerts")
        #expect(back.ok, "dashboard did not recover after resize:\n\(back.screen)")

        tmux.send("q")
        let exit = tmux.waitFor("MLWATCH_EXITED 0")
        #expect(exit.ok, "q did not end the process with status 0:\n\(exit.screen)")
    }
}
