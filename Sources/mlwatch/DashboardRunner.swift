import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchStore
import MLWatchTerminal
import MLWatchUI
import Synchronization

/// Runs the live dashboard: tailer → collector (background queue) → snapshots → ncurses, until `q`,
/// SIGINT or SIGTERM; the terminal is restored on every exit path. SIGHUP reloads the config's rules
/// (like `r`); notifications go to the bell, `--on-fire` and `--webhook`.
struct DashboardRunner {
    let setup: EngineSetup
    let live: LiveOptions
    let mode: SourceMode
    /// Shown in the footer (the demo says how to point mlwatch at real logs).
    let footerHint: String?

    func run() throws {
        let journal: SQLiteAlertJournal?
        let collector: Collector
        let tailer: LogTailer
        let themes: [Theme]
        let notifier: AlertNotifier?
        let reloader: ConfigReloader
        do {
            journal = setup.config.rules.isEmpty ? nil : try live.openJournal()
            let state = try setup.makeState(mode: mode, journal: journal)
            collector = Collector(state: state, exactKSPValues: false)
            do {
                tailer = try LogTailer(paths: setup.logs, options: live.tailerOptions(maxLineBytes: setup.common.maxLineBytes))
            } catch {
                throw SetupError.tailer(error)
            }
            themes = try DashboardRunner.loadThemes(first: live.theme ?? setup.config.theme)
            notifier = try live.makeNotifier(config: setup.config)
            let openJournal = live.openJournal
            reloader = ConfigReloader(setup: setup, journal: journal, notifier: notifier) { () throws(SetupError) -> any AlertJournal in
                try openJournal()
            }
        } catch {
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        let session = TerminalSession(signals: [SIGINT, SIGTERM])
        // SIGHUP asks for a reload; the UI loop polls the flag (the reload itself runs on the UI thread).
        let hangup = HangupFlag()
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(enableMouse: live.mouse)
        } catch {
            session.cancel()
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        tailer.start { batch in collector.ingest(batch) }
        collector.startPublishing(every: 0.25)
        var state = DashboardState()
        state.rulesConfigured = !setup.config.rules.isEmpty
        state.footerHint = footerHint
        let actor = SQLiteAlertJournal.currentUser()
        let box = LoopBox()
        let loop = DashboardLoop(
            backend: terminal, themes: themes, state: state, bellOnCritical: setup.config.notify.bell, mouse: live.mouse,
            hooks: DashboardLoop.Hooks(
                snapshot: { (collector.publishedGeneration, collector.latest) },
                perform: { command in
                    if command == .reloadConfig { return reloader.reload(into: collector) }
                    let message = collector.perform { AlertCommands.apply(command, to: $0, actor: actor) }
                    collector.publish()
                    return message
                },
                notifications: {
                    // Polled on the UI thread every step: SIGHUP reloads, notifications go out, errors show.
                    if hangup.take() { box.loop?.state.message = "SIGHUP: " + reloader.reload(into: collector) }
                    let transitions = collector.perform { $0.drainNotifications() }
                    if let notifier {
                        notifier.send(transitions)
                        if let error = notifier.drainErrors().last { box.loop?.state.message = error }
                    }
                    return transitions
                },
                shouldExit: { session.shouldExit }
            ))
        box.loop = loop
        loop.run()
        box.loop = nil
        terminal.shutdown()
        session.cancel()
        hangup.cancel()
        notifier?.waitUntilIdle(seconds: 2)
        collector.stop()
        tailer.stop()
        if let status = session.exitStatus { throw ExitCode(status) }
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

/// Lets the loop's hooks reach the loop (to show a message) without a reference cycle at construction.
private final class LoopBox {
    weak var loop: DashboardLoop?
}

/// SIGHUP as a flag: a dispatch signal source sets it, the UI loop takes it.
private final class HangupFlag {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let flag = Flag()
    private let source: any DispatchSourceSignal

    init() {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "mlwatch.sighup"))
        source.setEventHandler { [flag] in flag.value.store(true, ordering: .releasing) }
        source.resume()
    }

    /// Whether SIGHUP arrived since the last call.
    func take() -> Bool { flag.value.exchange(false, ordering: .acquiringAndReleasing) }

    func cancel() { source.cancel() }
}
