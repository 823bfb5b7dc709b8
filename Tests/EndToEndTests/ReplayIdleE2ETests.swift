import Foundation
import Testing

/// `mlwatch replay` on a sparse log: twenty predictions, three days of nothing, twenty more. At `--speed 60`
/// the gap would keep the dashboard still for 72 minutes; with the default `--max-idle 2s` the replay shows
/// the lines after the gap within seconds, and the header says what was skipped.
@Suite(.serialized) struct ReplayIdleE2ETests {
    /// Lines 10 s apart from 2026-03-06 12:00:00Z to 12:03:10Z, then from 2026-03-09 15:00:00Z (a gap of 3d2h56m50s).
    static func writeGapLog(to path: String) throws {
        let before = 1_772_798_400.0  // 2026-03-06T12:00:00Z
        let after = before + 3 * 86_400 + 3 * 3600
        var lines: [String] = []
        for (start, tag) in [(before, "a"), (after, "b")] {
            for i in 0..<20 {
                let ts = start + Double(i) * 10
                lines.append(#"{"ts":\#(ts),"model":"loan","version":"v1","request_id":"\#(tag)\#(i)","latency_ms":\#(20 + i),"features":{"amount":\#(100 + i)},"prediction":1}"#)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(.needsTmux) func theReplayReachesTheLinesAfterAMultiDayGapWithinSeconds() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("sparse.jsonl").path
        try Self.writeGapLog(to: log)
        let tmux = try TmuxSession(
            "\(TmuxSession.shellQuote(TmuxSession.binary!)) replay \(TmuxSession.shellQuote(log)) --speed 60", width: 120, height: 35)
        defer { tmux.kill() }
        let started = tmux.waitFor("REPLAY 60×", "event time 2026-03-06", timeout: 30)
        #expect(started.ok, "replay did not start:\n\(started.screen)")
        // 200 s of lines (3.3 s at 60×), at most 2 s of waiting, then the jump: well inside the deadline, where
        // waiting out the gap would take 75 minutes.
        let after = tmux.waitFor("event time 2026-03-09 15:0", "skipped 3d2h", timeout: 20)
        #expect(after.ok, "the replay did not get past the gap:\n\(after.screen)")
        let end = tmux.waitFor("REPLAY END", "100%", "events 40", timeout: 20)
        #expect(end.ok, "the replay did not reach the end:\n\(end.screen)")
        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok, "q did not end the replay cleanly:\n\(tmux.capture())")
    }

    /// `--max-idle off` waits a gap out (the dashboard stays before it), and a bad value is a usage error.
    @Test(.needsTmux) func offWaitsTheGapOutAndABadValueIsRefused() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("sparse.jsonl").path
        try Self.writeGapLog(to: log)
        let bad = try CLIProcess.run(["replay", log, "--max-idle", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--max-idle soon"), "\(bad.stderr)")
        let fleet = try CLIProcess.run(["replay", "--prometheus", "http://127.0.0.1:9", "--max-idle", "5s"])
        #expect(fleet.status == 2 && fleet.stderr.contains("--max-idle"), "\(fleet.stderr)")

        let tmux = try TmuxSession(
            "\(TmuxSession.shellQuote(TmuxSession.binary!)) replay \(TmuxSession.shellQuote(log)) --speed 60 --max-idle off",
            width: 120, height: 35)
        defer { tmux.kill() }
        // All twenty lines before the gap are shown (3.3 s), and then the replay stays there.
        let before = tmux.waitFor("events 20", "event time 2026-03-06 12:03:10Z", timeout: 30)
        #expect(before.ok, "the lines before the gap were not replayed:\n\(before.screen)")
        let stayed = tmux.waitFor(timeout: 4) { $0.contains("2026-03-09") || $0.contains("skipped") }
        #expect(!stayed.ok, "--max-idle off skipped the gap:\n\(stayed.screen)")
        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok, "q did not end the replay cleanly:\n\(tmux.capture())")
    }
}
