import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchExport

/// `mlwatch replay`: the dashboard on recorded logs, driven by a virtual clock taken from the events'
/// timestamps. The alert timeline is exactly the one `mlwatch check` prints for the same logs and config.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded logs on the dashboard with a virtual clock (pause, speed, seek, jump to alerts).",
        discussion: """
            Keys: Space pause/resume, + and - speed (1× 2× 5× 10× 60× 600× max), ← → seek 1 minute \
            (Shift: 10 minutes), n / N next / previous alert transition, g / G start / end.
            Quiet stretches are not waited out: at a factor speed the replay waits at most --max-idle (2s) of \
            wall time for the next line, then its clock jumps to that line and the header says `skipped 3d2h`. \
            Only the clock jumps: every line is fed, the alerts are those of `mlwatch check`.
            --from and --to take a timestamp (2026-11-22T08:00:00Z, epoch seconds) or an offset from the \
            start of the recording (+30m).
            With --prometheus URL (no logs): the fleet's past from Prometheus, read with query_range; --from and \
            --to also take -2h (ago) and now (the default --to; the default --from is an hour before --to), \
            and --to +30m means 30 minutes after --from.
            """
    )

    @Argument(help: "Log files or globs (.gz too), read in the order given.")
    var logs: [String] = []

    @OptionGroup var common: CommonOptions
    @OptionGroup(title: "Fleet (the past of many servers, read from Prometheus)") var fleet: FleetOptions
    @OptionGroup(title: "TLS (an https:// Prometheus)") var tls: TLSFlags

    @Option(name: .long, help: ArgumentHelp(
        "With --prometheus: seconds between two frames of the range (default: 15s, coarser beyond 8h).", valueName: "duration"))
    var step: String?

    @Option(name: .long, help: "Speed: 1, 10, 60, any factor, or max.")
    var speed: String = "60"

    @Option(name: .long, help: ArgumentHelp(
        "The most wall time to wait for the next line at a factor speed; the clock then jumps over the rest of the gap (default: 2s; 0 or off: wait out every gap).",
        valueName: "duration"))
    var maxIdle: String?

    // `.unconditional`: `--from -2h` (a fleet replay's "two hours ago") is a value, not a flag.
    @Option(name: .long, parsing: .unconditional, help: "Start at this event time (earlier events are fed at once).")
    var from: String?

    @Option(name: .long, parsing: .unconditional, help: "Stop at this event time (later lines are not replayed).")
    var to: String?

    @Option(name: .long, help: "Colour theme.")
    var theme: String?

    @Flag(name: .long, help: "Report mouse clicks and the wheel (click to focus or open; most terminals still select text with Shift+drag).")
    var mouse = false

    @Flag(name: .long, help: "No dashboard: replay at max speed and print the `check` report.")
    var noUI = false

    func run() throws {
        guard let speed = ReplaySpeed.parse(speed) else {
            throw fail("--speed \(self.speed): expected 1, 10, 60, a factor such as 2.5, or max")
        }
        let setup: EngineSetup
        do {
            var engine = try EngineSetup(common: common, logs: logs, requireLogs: false)
            engine.config = try tls.apply(to: engine.config)
            setup = engine
            if FleetSetup.wanted(fleet, logs: logs, config: setup.config) {
                return try runFleet(config: setup.config, speed: speed)
            }
            guard !setup.logs.isEmpty else { throw SetupError.noLogs }
            if let flag = [("--match", fleet.match), ("--rate-window", fleet.rateWindow), ("--step", step)].first(where: { $0.1 != nil }) {
                throw SetupError.badFlag(flag.0, "", "--prometheus URL (it is about a fleet's past)")
            }
        } catch let error as SetupError {
            throw fail(error.description)
        }
        let idle: Double?
        do {
            idle = try Self.maxIdle(maxIdle)
        } catch {
            throw fail(error.description)
        }
        try ReplayRunner(setup: setup, speed: speed, maxIdle: idle, from: from, to: to, theme: theme, mouse: mouse,
                         headless: noUI).run()
    }

    /// The default `--max-idle`: asciinema's usual `--idle-time-limit`, long enough to see that nothing
    /// happens, short enough that nobody waits.
    static let defaultMaxIdle = 2.0

    /// `--max-idle`: a duration (`2s`, `500ms`, `1.5`), or `0`/`off` for no cap (nil).
    static func maxIdle(_ text: String?) throws(SetupError) -> Double? {
        guard let text else { return defaultMaxIdle }
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "off" || t == "none" { return nil }
        guard let seconds = DurationText.parse(t) else {
            throw .badValue("--max-idle", text, DurationText.problem(t) ?? "expected a duration such as 2s, or off")
        }
        return seconds > 0 ? seconds : nil
    }

    /// `replay --prometheus URL`: the fleet's past from Prometheus.
    private func runFleet(config: MLWatchConfig, speed: ReplaySpeed) throws {
        if !logs.isEmpty { throw SetupError.badFlag("--prometheus", fleet.prometheus ?? "", "either logs or --prometheus, not both") }
        if fleet.refresh != nil { throw SetupError.badFlag("--refresh", "", "watch --prometheus (a replay reads its range once)") }
        if maxIdle != nil {
            throw SetupError.badFlag("--max-idle", "", "logs (a fleet's range has a frame every step, no gaps to skip)")
        }
        let setup = try FleetSetup(options: fleet, config: config, alertmanager: nil)
        let now = Date().timeIntervalSince1970
        var to = now
        if let text = self.to, !text.hasPrefix("+") {
            guard let t = FleetReplayRunner.time(text, now: now) else { throw SetupError.badFlag("--to", text, FleetReplayRunner.timeHelp) }
            to = t
        }
        var from = to - 3600
        if let text = self.from {
            guard let t = FleetReplayRunner.time(text, now: now) else { throw SetupError.badFlag("--from", text, FleetReplayRunner.timeHelp) }
            from = t
        }
        if let text = self.to, text.hasPrefix("+") {
            guard let d = DurationText.parse(String(text.dropFirst())) else {
                throw SetupError.badFlag("--to", text, FleetReplayRunner.timeHelp)
            }
            to = from + d
        }
        guard to > from else { throw SetupError.badFlag("--to", self.to ?? "now", "a time after --from") }
        var step = PrometheusReplayHost.defaultStep(from: from, to: to)
        if let text = self.step {
            guard let d = DurationText.parse(text), d >= 1, d == d.rounded() else {
                throw SetupError.badValue("--step", text, "expected whole seconds, at least 1s (e.g. 15s)")
            }
            step = d
        }
        let points = Int(((to - from) / step).rounded(.down)) + 1
        guard points <= PrometheusReplayHost.maxPoints else {
            throw SetupError.badValue("--step", self.step ?? "\(Int(step))s",
                                      "\(points) points per series; Prometheus answers at most \(PrometheusReplayHost.maxPoints): use a larger step or a shorter range")
        }
        let options = PrometheusReplayHost.Options(
            from: from, to: to, step: step, speed: speed, rateWindow: "\(Int(setup.rateWindow))s", matchers: setup.matchers,
            drift: config.drift, thresholds: FleetSnapshotBuilder.thresholds(of: config.rules))
        try FleetReplayRunner(setup: setup, options: options, theme: theme, mouse: mouse).run(headless: noUI)
    }

    private func fail(_ message: String) -> ExitCode {
        Console.error("mlwatch replay: \(message)\n")
        return ExitCode(2)
    }
}
