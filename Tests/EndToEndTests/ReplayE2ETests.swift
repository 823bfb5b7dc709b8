import Foundation
import Testing

/// `mlwatch replay` on the bundled sample data, driven by keys in tmux: pause, speed, jump to the end and
/// the start, the next alert transition, and a backward seek that keeps the sparklines drawn before it.
@Suite(.serialized) struct ReplayE2ETests {
    /// Braille cells with at least one dot in the row of `label` (the sparkline's drawn part).
    static func sparkCells(_ label: String, in screen: String) -> Int {
        guard let row = screen.components(separatedBy: "\n").first(where: { $0.contains(label) }) else { return 0 }
        return row.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
    }

    /// The header's event time (`HH:MM:SS`), nil when not shown.
    static func eventTime(in screen: String) -> String? {
        guard let r = screen.range(of: "event time 2026-11-22 ") else { return nil }
        return String(screen[r.upperBound...].prefix(8))
    }

    @Test(.needsTmux) func keysDriveTheReplay() throws {
        let tmux = try TmuxSession(
            "\(TmuxSession.shellQuote(TmuxSession.binary!)) replay sample-data/predictions.jsonl.gz"
                + " --config sample-data/mlwatch.yaml --speed 600", width: 120, height: 35)
        defer { tmux.kill() }

        let running = tmux.waitFor("REPLAY 600×", "event time 2026-11-22", timeout: 30)
        #expect(running.ok, "replay did not start:\n\(running.screen)")

        tmux.send("Space")
        #expect(tmux.waitFor("REPLAY ‖ 600×").ok, "Space did not pause:\n\(tmux.capture())")
        tmux.send("+")
        #expect(tmux.waitFor("REPLAY ‖ max").ok, "+ did not speed up:\n\(tmux.capture())")
        tmux.send("-")
        #expect(tmux.waitFor("REPLAY ‖ 600×").ok, "- did not slow down:\n\(tmux.capture())")

        // The end: every incident of the sample data has fired; then back to the first line.
        tmux.send("G")
        let end = tmux.waitFor("REPLAY END", "100%", "09:59:59", "BrokenProducer")
        #expect(end.ok, "G did not go to the end:\n\(end.screen)")
        tmux.send("g")
        let start = tmux.waitFor(" 0% ", "event time 2026-11-22 07:00:00Z")
        #expect(start.ok, "g did not go to the start:\n\(start.screen)")
        #expect(!start.screen.contains("BrokenProducer"), "the start still shows the end's alerts:\n\(start.screen)")

        // n stops right after the first transition of the alert timeline.
        tmux.send("n")
        let next = tmux.waitFor("PENDING", "CarValueDrift")
        #expect(next.ok, "n did not jump to the first alert transition:\n\(next.screen)")

        // Play a while, pause, then go back a minute: the sparklines keep what was drawn before the target.
        tmux.send("Space")
        let played = tmux.waitFor(timeout: 30) { Self.sparkCells("latency p50", in: $0) >= 12 }
        #expect(played.ok, "sparklines did not fill while playing:\n\(played.screen)")
        tmux.send("Space")
        let paused = tmux.waitFor("REPLAY ‖")
        let before = Self.sparkCells("latency p50", in: paused.screen)
        let pausedAt = Self.eventTime(in: paused.screen)
        tmux.send("Left")
        let after = tmux.waitFor { screen in
            Self.eventTime(in: screen).map { t in pausedAt.map { t < $0 } ?? false } ?? false
        }
        #expect(after.ok, "← did not seek back from \(pausedAt ?? "?"):\n\(after.screen)")
        let cells = Self.sparkCells("latency p50", in: after.screen)
        #expect(cells >= before - 2 && cells >= 10,
                "a 1-minute seek back emptied the sparkline (\(before) → \(cells) cells):\n\(after.screen)")

        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok, "q did not end the replay cleanly:\n\(tmux.capture())")
    }

    /// The custom snooze prompt of a replay receives every key typed into it: `+`, `-` and Space used to go
    /// to the replay controls instead (they changed the speed and resumed the replay).
    @Test(.needsTmux) func customSnoozePromptGetsTheReplayKeys() throws {
        let tmux = try TmuxSession(
            "\(TmuxSession.shellQuote(TmuxSession.binary!)) replay sample-data/predictions.jsonl.gz"
                + " --config sample-data/mlwatch.yaml --speed 600", width: 120, height: 35)
        defer { tmux.kill() }
        #expect(tmux.waitFor("REPLAY 600×", "event time 2026-11-22", timeout: 30).ok, "replay did not start:\n\(tmux.capture())")
        tmux.send("Space")
        #expect(tmux.waitFor("REPLAY ‖ 600×").ok, "Space did not pause:\n\(tmux.capture())")
        tmux.send("g")
        tmux.send("n")
        #expect(tmux.waitFor("PENDING", "CarValueDrift").ok, "n found no alert:\n\(tmux.capture())")
        tmux.send("4")
        tmux.send("s")
        #expect(tmux.waitFor("snooze for: 1 15m").ok, "no snooze menu:\n\(tmux.capture())")
        tmux.send("5")
        #expect(tmux.waitFor("snooze for (e.g. 90m").ok, "no snooze prompt:\n\(tmux.capture())")
        tmux.send("+")
        tmux.send("-")
        tmux.send("Space")
        tmux.type("1h")
        let typed = tmux.waitFor("(e.g. 90m, 2h30m): +- 1h▏")
        #expect(typed.ok, "the prompt lost keys:\n\(typed.screen)")
        #expect(typed.screen.contains("REPLAY ‖ 600×"), "the keys reached the replay controls:\n\(typed.screen)")
        for _ in 0 ..< 5 { tmux.send("BSpace") }
        tmux.type("2h")
        tmux.send("Enter")
        let snoozed = tmux.waitFor("Snoozed CarValueDrift for 2h")
        #expect(snoozed.ok, "the typed duration did not snooze:\n\(snoozed.screen)")
        #expect(snoozed.screen.contains("REPLAY ‖ 600×"))
        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok, "q did not end the replay cleanly:\n\(tmux.capture())")
    }
}
