import ArgumentParser
import Dispatch
import Foundation
import MLWatchCore
import MLWatchStore
import Synchronization

/// `mlwatch watch`: follows logs live, on the dashboard or (`--no-ui`) as one JSON snapshot per tick.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow prediction logs live (like tail -F) on the dashboard, or as JSON lines with --no-ui."
    )

    @Argument(help: "Log files, globs (quote them: 'logs/*.jsonl') or - for stdin.")
    var logs: [String] = []

    @OptionGroup var common: CommonOptions
    @OptionGroup var live: LiveOptions

    @Flag(name: .long, help: "Print one JSON snapshot per tick instead of the dashboard.")
    var noUI = false

    @Option(name: .long, help: "With --no-ui: how often to print a snapshot (e.g. 1s).")
    var emitEvery: String = "1s"

    func run() throws {
        let setup: EngineSetup
        do {
            setup = try EngineSetup(common: common, logs: logs)
        } catch {
            Console.error("mlwatch watch: \(error.description)\n")
            throw ExitCode(2)
        }
        if noUI {
            guard let interval = DurationText.parse(emitEvery), interval > 0 else {
                Console.error("mlwatch watch: --emit-every \(emitEvery): expected a duration such as 1s\n")
                throw ExitCode(2)
            }
            try HeadlessWatch(setup: setup, live: live, interval: interval).run()
        } else {
            try DashboardRunner(setup: setup, live: live, mode: .live, footerHint: nil).run()
        }
    }
}

/// Options of the commands that follow logs live.
struct LiveOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the existing content of the logs first (default: start at their end).")
    var fromStart = false

    @Option(name: .long, help: "Resume from (and keep) a checkpoint file: no event lost or counted twice across restarts.")
    var checkpoint: String?

    @Option(name: .long, help: "Alert journal (SQLite). Default: $XDG_STATE_HOME/mlwatch/journal.sqlite.")
    var journal: String?

    @Option(name: .long, help: "Colour theme: default, light, high-contrast, colorblind (or a name in themes/).")
    var theme: String?

    @Flag(name: .long, help: "Report mouse clicks and the wheel (click to focus or open; most terminals still select text with Shift+drag).")
    var mouse = false

    @Option(name: .customLong("on-fire"), help: ArgumentHelp(
        "Run a shell command for each alert notification, with the alert as JSON on stdin (default: notify.command of the config).",
        valueName: "cmd"))
    var onFire: String?

    @Option(name: .long, help: ArgumentHelp(
        "POST alert notifications as Alertmanager JSON to this URL (e.g. http://localhost:9093/api/v2/alerts).",
        valueName: "url"))
    var webhook: String?

    func tailerOptions(maxLineBytes: Int) -> TailerOptions {
        TailerOptions(fromStart: fromStart, maxLineBytes: maxLineBytes, checkpointPath: checkpoint, follow: true)
    }

    func openJournal() throws(SetupError) -> SQLiteAlertJournal {
        do {
            if let journal { return try SQLiteAlertJournal(path: journal) }
            return try SQLiteAlertJournal()
        } catch {
            throw .journal(error.description)
        }
    }
}

/// `watch --no-ui`: JSON lines on stdout until SIGINT/SIGTERM, which stop the tailer (writing the
/// checkpoint), print a last snapshot and exit 0.
struct HeadlessWatch {
    let setup: EngineSetup
    let live: LiveOptions
    let interval: Double

    func run() throws {
        let collector: Collector
        let tailer: LogTailer
        let notifier: AlertNotifier?
        let reloader: ConfigReloader
        do {
            // Headless runs journal alert transitions durably only when asked to (--journal); otherwise in
            // memory, so that a reload (SIGHUP) keeps the alerts' state and notifies nothing twice.
            var journal: (any AlertJournal)?
            if !setup.config.rules.isEmpty {
                journal = live.journal != nil ? try live.openJournal() : InMemoryAlertJournal(actor: SQLiteAlertJournal.currentUser())
            }
            let state = try setup.makeState(mode: .live, journal: journal)
            notifier = try live.makeNotifier(config: setup.config)
            let durable = live.journal != nil
            let openJournal = live.openJournal
            reloader = ConfigReloader(setup: setup, journal: journal, notifier: notifier) { () throws(SetupError) -> any AlertJournal in
                durable ? try openJournal() : InMemoryAlertJournal(actor: SQLiteAlertJournal.currentUser())
            }
            collector = Collector(state: state)
            do {
                tailer = try LogTailer(paths: setup.logs, options: live.tailerOptions(maxLineBytes: setup.common.maxLineBytes))
            } catch {
                throw SetupError.tailer(error)
            }
        } catch {
            Console.error("mlwatch watch: \(error)\n")
            throw ExitCode(2)
        }
        HeadlessWatch.serve(collector: collector, tailer: tailer, interval: interval, notifier: notifier,
                            reloader: reloader)
    }

    /// Never returns: the process ends from a signal handler. SIGHUP reloads the config's rules.
    private static func serve(collector: Collector, tailer: LogTailer, interval: Double, notifier: AlertNotifier?,
                              reloader: ConfigReloader) -> Never {
        let output = DispatchQueue(label: "mlwatch.output")
        let stopping = Atomic<Bool>(false)
        let emit: @Sendable () -> Void = {
            let (line, notifications) = collector.perform { ($0.snapshot().encodedLine, $0.drainNotifications()) }
            Console.json(line)
            if let notifier {
                notifier.send(notifications)
                for e in notifier.drainErrors() { Console.error("mlwatch watch: \(e)\n") }
            }
        }
        tailer.start { batch in collector.ingest(batch) }
        let timer = DispatchSource.makeTimerSource(queue: output)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
        timer.setEventHandler {
            if !stopping.load(ordering: .acquiring) { emit() }
        }
        timer.resume()
        let stop: @Sendable () -> Void = {
            // Stop ticking, stop the tailer (it writes the checkpoint), print the final snapshot, exit.
            stopping.store(true, ordering: .releasing)
            tailer.stop()
            output.sync(execute: emit)
            notifier?.waitUntilIdle(seconds: 2)
            exit(0)
        }
        // SIGHUP: reload the rules (on the main queue, where the reloader lives).
        nonisolated(unsafe) let reloaderRef = reloader
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .main)
        hup.setEventHandler {
            let message = reloaderRef.reload(into: collector)
            Console.error("mlwatch watch: \(message)\n")
        }
        hup.resume()
        let signals = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
        withExtendedLifetime((timer, signals, hup)) { dispatchMain() }
    }
}

private extension Snapshot {
    /// One JSON line of `watch --no-ui`.
    var encodedLine: String { SnapshotJSON.encode(self) + "\n" }
}
