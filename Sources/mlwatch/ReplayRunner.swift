import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchStore
import MLWatchTerminal
import MLWatchUI

/// Runs `mlwatch replay`: loads the recording, builds a `ReplayEngine` (fresh states from
/// `EngineSetup.stateFactory`), hands it to an `EngineHost` and shows it on the dashboard, whose normal mode
/// binds the replay keys (`DashboardKeys`, context `Replay`) to `.replay` commands for the host.
struct ReplayRunner {
    let setup: EngineSetup
    let speed: ReplaySpeed
    /// See `ReplayEngine.maxIdle` (nil: no cap).
    let maxIdle: Double?
    let from: String?
    let to: String?
    let theme: String?
    let mouse: Bool
    let headless: Bool

    func run() throws {
        let source: ReplaySource
        let makeState: () -> MonitorState
        let themes: [Theme]
        var fromTime: Double?
        do {
            let started = Date()
            var loaded: ReplaySource
            do {
                loaded = try ReplaySource.load(paths: setup.logs, mapping: setup.config.fieldMapping,
                                               maxLineBytes: setup.common.maxLineBytes,
                                               maxCategories: setup.config.maxCategories,
                                               maxFuture: setup.options.maxFuture,
                                               now: HostClock.system.wall())
            } catch {
                throw SetupError.tailer(error)
            }
            if let to {
                guard let t = ReplayRunner.time(to, start: loaded.startTime) else { throw SetupError.badFlag("--to", to, ReplayRunner.timeHelp) }
                loaded.truncate(after: t)
            }
            if let from {
                guard let t = ReplayRunner.time(from, start: loaded.startTime) else { throw SetupError.badFlag("--from", from, ReplayRunner.timeHelp) }
                fromTime = t
            }
            source = loaded
            makeState = try setup.stateFactory(mode: .replay)
            themes = try DashboardRunner.loadThemes(first: theme ?? setup.config.theme)
            if !headless {
                let secs = String(format: "%.1f", Date().timeIntervalSince(started))
                Console.error("mlwatch replay: \(source.count) lines loaded in \(secs) s\n")
            }
        } catch {
            Console.error("mlwatch replay: \(error)\n")
            throw ExitCode(2)
        }
        let wall = HostClock.system.monotonic()
        let engine = ReplayEngine(source: source, speed: speed, from: fromTime, wall: wall, maxIdle: maxIdle, makeState: makeState)
        if headless {
            engine.seekToEnd(wall: wall)
            let snapshot = engine.state.snapshot()
            Console.out(CheckReport.text(snapshot))
            if snapshot.timeline.contains(where: { $0.to == .firing && $0.severity == .critical }) { throw ExitCode(1) }
            return
        }
        let host = EngineHost(replay: engine, options: .init(interval: 0.1, actor: SQLiteAlertJournal.currentUser()), clock: .system)
        try ReplayRunner.show(host: host, themes: themes, rulesConfigured: !setup.config.rules.isEmpty,
                              bell: setup.config.notify.bell, mouse: mouse)
    }

    static let timeHelp = "a timestamp (2026-11-22T08:00:00Z), epoch seconds, or an offset from the start (+30m)"

    /// A `--from`/`--to` value: an absolute time, or `+duration` after the start of the recording.
    static func time(_ text: String, start: Double?) -> Double? {
        if text.hasPrefix("+") {
            guard let d = DurationText.parse(String(text.dropFirst())) else { return nil }
            return (start ?? 0) + d
        }
        if let n = Double(text) { return TimestampParser.fromEpoch(n) }
        return TimestampParser.parse(text)
    }

    /// The dashboard on a replay, until `q`, SIGINT or SIGTERM.
    static func show(host: EngineHost, themes: [Theme], rulesConfigured: Bool, bell: Bool, mouse: Bool) throws {
        var state = DashboardState()
        state.rulesConfigured = rulesConfigured
        state.bellOnCritical = bell
        state.footerHint = "Space pause  +/- speed  ←→ seek  n/N alerts  g/G start/end"
        try TerminalDashboard(host: host, themes: themes, state: state, mouse: mouse).run(start: host.start, stop: host.stop)
    }
}
