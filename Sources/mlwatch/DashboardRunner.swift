import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchExport
import MLWatchStore
import MLWatchTerminal
import MLWatchUI
import Synchronization

/// Runs the live dashboard: tailer → engine host (its own queue) → publications → ncurses, until `q`,
/// SIGINT or SIGTERM; the terminal is restored on every exit path. SIGHUP reloads the config's rules
/// (like `r`); notifications go to the bell, `--on-fire` and `--webhook`.
struct DashboardRunner {
    let setup: EngineSetup
    let live: LiveOptions
    let mode: SourceMode
    /// Shown in the footer (the demo says how to point mlwatch at real logs).
    let footerHint: String?

    func run() throws {
        let host: EngineHost
        let tailer: LogTailer
        let themes: [Theme]
        let notifier: AlertNotifier?
        let fleet: FleetServices
        let published = LatestSnapshot()
        do {
            let journal = setup.config.rules.isEmpty ? nil : try live.openJournal()
            let state = try setup.makeState(mode: mode, journal: journal)
            do {
                tailer = try LogTailer(paths: setup.logs, options: live.tailerOptions(maxLineBytes: setup.common.maxLineBytes))
            } catch {
                throw SetupError.tailer(error)
            }
            themes = try DashboardRunner.loadThemes(first: live.theme ?? setup.config.theme)
            fleet = try FleetServices(live: live, config: setup.config, engine: published, actor: SQLiteAlertJournal.currentUser())
            notifier = try live.makeNotifier(config: setup.config, delivery: fleet.delivery)
            let journalPath = live.journal
            let reloader = ConfigReloader(setup: setup, journal: journal) { () throws(SetupError) -> any AlertJournal in
                try LiveOptions.openJournal(path: journalPath)
            }
            host = EngineHost(live: state, options: .init(interval: 0.25, actor: SQLiteAlertJournal.currentUser()),
                              clock: .system, reloader: reloader, sink: FleetSink(notifier: notifier, fleet: fleet))
            published.host = host
        } catch {
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        var state = DashboardState()
        state.rulesConfigured = !setup.config.rules.isEmpty
        state.footerHint = footerHint
        state.bellOnCritical = setup.config.notify.bell
        try TerminalDashboard(host: host, themes: themes, state: state, mouse: live.mouse).run(start: {
            tailer.start { batch in
                // The tailer's thread reads and ingests (the host runs the batch on the caller's thread) at
                // nice +5, so that a long backlog never takes the CPU from the UI thread on a busy machine
                // (Linux: the nice value is per thread; one syscall per batch). See BENCHMARKS.md, ui-load.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
                host.ingest(batch)
            }
            host.start()
            for warning in tailer.warnings { host.notice(warning, isError: true) }
        }, stop: {
            let stopping = ContinuousClock.now
            tailer.stop()
            host.stop()
            // Deliveries in flight have until a second after the stop began (they went on during the steps
            // above), then they are abandoned: quitting never waits on a receiver, and after SIGTERM the
            // second is not stacked on the other steps against ExitDeadline's bound (as in `watch --no-ui`).
            notifier?.waitUntilIdle(until: stopping + .seconds(1))
            fleet.stop()
        })
    }

    /// The chosen theme first, then the other available ones (for `T`).
    static func loadThemes(first name: String) throws -> [Theme] {
        let loader = ThemeLoader()
        var themes = [try loader.load(named: name)]
        for other in loader.availableThemes() where other != themes[0].name && other != name {
            if let t = try? loader.load(named: other) { themes.append(t) }
        }
        return themes
    }
}

/// The dashboard's signals: SIGINT/SIGTERM from the terminal session (which also restores the terminal
/// if the loop is stuck) and SIGHUP, which asks for a reload.
final class RunnerSignals: DashboardSignalSource {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let session: TerminalSession
    private let hangup = Flag()
    private let source: any DispatchSourceSignal
    private var terminated = false

    init(session: TerminalSession) {
        self.session = session
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "mlwatch.sighup"))
        source.setEventHandler { [hangup] in hangup.value.store(true, ordering: .releasing) }
        source.resume()
    }

    func take() -> [DashboardSignal] {
        var out: [DashboardSignal] = []
        if hangup.value.exchange(false, ordering: .acquiringAndReleasing) { out.append(.hangup) }
        if session.shouldExit, !terminated {
            terminated = true
            out.append(.terminate)
        }
        return out
    }

    func cancel() { source.cancel() }
}
