import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchStore
import MLWatchTerminal
import MLWatchUI

/// Runs the live dashboard: tailer → collector (background queue) → snapshots → ncurses, until `q`,
/// SIGINT or SIGTERM; the terminal is restored on every exit path.
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
        do {
            journal = setup.config.rules.isEmpty ? nil : try live.openJournal()
            let state = try setup.makeState(mode: mode, journal: journal)
            collector = Collector(state: state)
            do {
                tailer = try LogTailer(paths: setup.logs, options: live.tailerOptions(maxLineBytes: setup.common.maxLineBytes))
            } catch {
                throw SetupError.tailer(error)
            }
            themes = try DashboardRunner.loadThemes(first: live.theme ?? setup.config.theme)
        } catch {
            FileHandle.standardError.write(Data("mlwatch: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let session = TerminalSession(signals: [SIGINT, SIGTERM])
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal()
        } catch {
            session.cancel()
            FileHandle.standardError.write(Data("mlwatch: \(error)\n".utf8))
            throw ExitCode(2)
        }
        tailer.start { batch in collector.ingest(batch) }
        collector.startPublishing(every: 0.25)
        var state = DashboardState()
        state.rulesConfigured = !setup.config.rules.isEmpty
        state.footerHint = footerHint
        let actor = SQLiteAlertJournal.currentUser()
        let loop = DashboardLoop(
            backend: terminal, themes: themes, state: state, bellOnCritical: setup.config.notify.bell,
            hooks: DashboardLoop.Hooks(
                snapshot: { (collector.publishedGeneration, collector.latest) },
                perform: { command in
                    let message = collector.perform { AlertCommands.apply(command, to: $0, actor: actor) }
                    collector.publish()
                    return message
                },
                notifications: { collector.perform { $0.drainNotifications() } },
                shouldExit: { session.shouldExit }
            ))
        loop.run()
        terminal.shutdown()
        session.cancel()
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
