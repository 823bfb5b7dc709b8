import Foundation
import Testing

/// Issue 7, as an on-call engineer meets it: an alert fires on a log, `a` acknowledges it in the dashboard,
/// mlwatch is restarted on the same journal, and the alert is still acknowledged (and not notified again).
@Suite(.serialized) struct AlertAckRestartE2ETests {
    private struct Fixture {
        let dir: URL
        let log: String
        let config: String
        let journal: String
        let checkpoint: String

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-ack-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            log = dir.appendingPathComponent("predictions.jsonl").path
            config = dir.appendingPathComponent("mlwatch.yaml").path
            journal = dir.appendingPathComponent("journal.sqlite").path
            checkpoint = dir.appendingPathComponent("checkpoint.json").path
            // A latency spike in the middle third: p99 over the whole log stays far above 200 ms.
            try FixtureLog.write(to: log, spike: true)
            try """
                window: {size: all, slide: 5s}
                notify: {bell: false}
                rules:
                  - alert: LatencyHigh
                    expr: latency_p99_ms > 200
                    for: 0s
                    labels: {severity: critical}
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func command(extra: String = "") -> String {
            let q = TmuxSession.shellQuote
            return "\(q(TmuxSession.binary!)) watch \(q(log)) --from-start --config \(q(config)) --journal \(q(journal))"
                + " --on-fire \(q("cat >> " + q(dir.appendingPathComponent("fired.jsonl").path)))" + extra
        }

        /// `mlwatch journal` of the run.
        var journalText: String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TmuxSession.binary!)
            p.arguments = ["journal", "--journal", journal]
            let out = Pipe()
            p.standardOutput = out
            guard (try? p.run()) != nil else { return "" }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }

        var notifications: Int {
            ((try? String(contentsOfFile: dir.appendingPathComponent("fired.jsonl").path, encoding: .utf8)) ?? "")
                .split(separator: "\n").count
        }
    }

    /// Fires, acknowledges with `a`, quits with `q`.
    private func fireAndAcknowledge(_ f: Fixture, extra: String) -> Bool {
        let first: TmuxSession
        do { first = try TmuxSession(f.command(extra: extra), environment: ["USER": "oncall-e2e"]) } catch {
            Issue.record("tmux: \(error)")
            return false
        }
        defer { first.kill() }
        let firing = first.waitFor(timeout: 30) { $0.contains("FIRING") && $0.contains("LatencyHigh") }
        #expect(firing.ok, "the alert did not fire:\n\(firing.screen)")
        guard firing.ok else { return false }
        first.send("4")
        first.send("a")
        let acked = first.waitFor("ACKNOWLEDGED", "Acknowledged LatencyHigh")
        #expect(acked.ok, "the alert was not acknowledged:\n\(acked.screen)")
        first.send("q")
        let exited = first.waitFor("MLWATCH_EXITED 0")
        #expect(exited.ok, "mlwatch did not quit cleanly:\n\(exited.screen)")
        return acked.ok && exited.ok
    }

    /// What the restarted dashboard shows, once it has read the log again.
    private func restartedScreen(_ f: Fixture, extra: String, until: @escaping (String) -> Bool) throws -> (ok: Bool, screen: String) {
        let second = try TmuxSession(f.command(extra: extra), environment: ["USER": "oncall-e2e"])
        defer { second.kill() }
        return second.waitFor(timeout: 30, until)
    }

    /// The usual restart of a follower: it resumes from its checkpoint, and the journal restores the alerts.
    @Test(.needsTmux) func acknowledgementSurvivesARestartWithACheckpoint() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let extra = " --checkpoint \(TmuxSession.shellQuote(f.checkpoint))"
        guard fireAndAcknowledge(f, extra: extra) else { return }
        #expect(f.notifications == 1)

        let after = try restartedScreen(f, extra: extra) { $0.contains("ACKNOWLEDGED") && $0.contains("LatencyHigh") }
        #expect(after.ok, "after the restart the alert is not acknowledged:\n\(after.screen)")
        #expect(!after.screen.contains("FIRING "), "the alert fires again after the restart:\n\(after.screen)")
        #expect(f.notifications == 1, "notified again after the restart")
        let journal = f.journalText
        #expect(journal.contains("acknowledged by oncall-e2e"), "journal:\n\(journal)")
        #expect(journal.components(separatedBy: "  notified").count - 1 == 1, "journal:\n\(journal)")
    }

    /// A restart that reads the same log from the start again (no checkpoint): the history before the
    /// journal's last evaluation is evaluated again. Known issue: the restored engine re-evaluates it, the
    /// acknowledged incident resolves at an event time before the acknowledgement and fires again as a new,
    /// unacknowledged, re-notified incident (fix: `RuleEngine.restore` should skip evaluations at or before
    /// the journal's newest event time).
    @Test(.needsTmux) func acknowledgementSurvivesARestartThatRereadsTheLog() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        guard fireAndAcknowledge(f, extra: "") else { return }
        #expect(f.notifications == 1)

        // Wait until the restarted run has read the whole log (events 600), then look at the alert.
        let after = try restartedScreen(f, extra: "") { $0.contains("events 600") && $0.contains("LatencyHigh") }
        #expect(after.ok, "the restarted dashboard did not come up:\n\(after.screen)")
        #expect(after.screen.contains("ACKNOWLEDGED"), "after the restart the alert is not acknowledged:\n\(after.screen)")
        #expect(f.notifications == 1, "notified again after the restart")
    }

    /// `e` edits the selected alert's threshold (value, then reason; journaled); `r` reloads the config and
    /// keeps the old rules when the new file is invalid, showing where.
    @Test(.needsTmux) func thresholdEditAndConfigReloadInTheDashboard() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let tmux = try TmuxSession(f.command(), width: 120, environment: ["USER": "oncall-e2e"])
        defer { tmux.kill() }
        let firing = tmux.waitFor(timeout: 30) { $0.contains("FIRING") && $0.contains("LatencyHigh") }
        #expect(firing.ok, "the alert did not fire:\n\(firing.screen)")
        tmux.send("4")
        tmux.send("e")
        #expect(tmux.waitFor("new threshold for LatencyHigh (now 200)").ok)
        tmux.type("abc")
        tmux.send("Enter")
        #expect(tmux.waitFor("is not a number").ok)
        tmux.send("BSpace", "BSpace", "BSpace")
        tmux.type("900")
        tmux.send("Enter")
        #expect(tmux.waitFor("set LatencyHigh threshold to 900, reason:").ok)
        tmux.type("noisy")
        tmux.send("Enter")
        let set = tmux.waitFor("Threshold of LatencyHigh set to 900")
        #expect(set.ok, "\(set.screen)")

        let original = try String(contentsOfFile: f.config, encoding: .utf8)
        try (original + "\n    keep_firing_for: 5x\n").write(toFile: f.config, atomically: true, encoding: .utf8)
        tmux.send("r")
        let refused = tmux.waitFor("config not reloaded", "mlwatch.yaml:8:23:")
        #expect(refused.ok, "footer: \(refused.screen.split(separator: "\n").suffix(2).joined(separator: "\n"))")
        try original.write(toFile: f.config, atomically: true, encoding: .utf8)
        tmux.send("r")
        let reloaded = tmux.waitFor("config reloaded: 1 rule")
        #expect(reloaded.ok, "footer: \(reloaded.screen.split(separator: "\n").suffix(2).joined(separator: "\n"))")
        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok)
        let journal = f.journalText
        #expect(journal.contains("threshold set to 900 by oncall-e2e: \"noisy\""), "journal:\n\(journal)")
    }
}
