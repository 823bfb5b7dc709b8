import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchStore
import MLWatchTerminal
import MLWatchUI

/// Runs `mlwatch replay`: loads the recording, builds a `ReplayEngine` (fresh states from
/// `EngineSetup.stateFactory`), drives it with a `ReplayDriver` and shows it on the dashboard, with the replay
/// keys wired through `DashboardLoop.Hooks.extraKey` and the header through `decorate`.
struct ReplayRunner {
    let setup: EngineSetup
    let speed: ReplaySpeed
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
                                               maxLineBytes: setup.common.maxLineBytes)
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
        let wall = ReplayDriver.monotonicSeconds()
        let engine = ReplayEngine(source: source, speed: speed, from: fromTime, wall: wall, makeState: makeState)
        if headless {
            engine.seekToEnd(wall: wall)
            let snapshot = engine.state.snapshot()
            Console.out(CheckReport.text(snapshot))
            if snapshot.timeline.contains(where: { $0.to == .firing && $0.severity == .critical }) { throw ExitCode(1) }
            return
        }
        let driver = ReplayDriver(engine: engine)
        try ReplayRunner.show(driver: driver, themes: themes, rulesConfigured: !setup.config.rules.isEmpty,
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
    static func show(driver: ReplayDriver, themes: [Theme], rulesConfigured: Bool, bell: Bool, mouse: Bool) throws {
        let session = TerminalSession(signals: [SIGINT, SIGTERM])
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(enableMouse: mouse)
        } catch {
            session.cancel()
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        driver.start(every: 0.1)
        var state = DashboardState()
        state.rulesConfigured = rulesConfigured
        state.footerHint = "Space pause  +/- speed  ←→ seek  n/N alerts  g/G start/end"
        let seen = ReplaySeen()
        let actor = SQLiteAlertJournal.currentUser()
        let loop = DashboardLoop(
            backend: terminal, themes: themes, state: state, bellOnCritical: bell, mouse: mouse,
            hooks: DashboardLoop.Hooks(
                snapshot: {
                    let generation = driver.publishedGeneration
                    return (generation, driver.latest.snapshot)
                },
                perform: { command in driver.perform { AlertCommands.apply(command, to: $0, actor: actor) } },
                notifications: { driver.drainNotifications() },
                shouldExit: { session.shouldExit },
                extraKey: { key in
                    guard let control = ReplayRunner.control(for: key) else { return false }
                    driver.control(control)
                    return true
                },
                decorate: { state in seen.decorate(&state, with: driver.latest) }
            ))
        loop.run()
        terminal.shutdown()
        session.cancel()
        driver.stop()
        if let status = session.exitStatus { throw ExitCode(status) }
    }

    /// The replay keys.
    static func control(for key: Key) -> ReplayControl? {
        switch key {
        case .char(" "): return .togglePause
        case .char("+"), .char("="): return .faster
        case .char("-"), .char("_"): return .slower
        case .left: return .seek(by: -60)
        case .right: return .seek(by: 60)
        case .shiftLeft: return .seek(by: -600)
        case .shiftRight: return .seek(by: 600)
        case .char("n"): return .nextTransition
        case .char("N"): return .previousTransition
        case .char("g"): return .start
        case .char("G"): return .end
        default: return nil
        }
    }
}

/// What the UI thread last took from the driver (rebuild count, message number). UI thread only.
final class ReplaySeen {
    private var rebuilds = 0
    private var messageSerial = 0

    func decorate(_ state: inout DashboardState, with p: ReplayDriver.Published) {
        state.modeLabel = p.status.modeLabel
        state.replayStatus = p.status.line()
        if p.status.rebuilds != rebuilds {
            // A backward seek: what the sparklines recorded after the new position is no longer shown.
            rebuilds = p.status.rebuilds
            state.history.truncate(after: p.status.virtualTime)
        }
        if p.messageSerial != messageSerial {
            messageSerial = p.messageSerial
            state.message = p.message
        }
    }
}
