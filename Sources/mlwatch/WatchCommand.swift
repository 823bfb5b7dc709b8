import ArgumentParser
import Dispatch
import Foundation
import MLWatchCore
import MLWatchExport
import MLWatchStore

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
    @OptionGroup(title: "Fleet (a dashboard over many servers, read from Prometheus)") var fleet: FleetOptions
    @OptionGroup(title: "TLS (https:// webhooks, Alertmanager, Prometheus)") var tls: TLSFlags

    @Flag(name: .long, help: "Print one JSON snapshot per tick instead of the dashboard.")
    var noUI = false

    @Option(name: .long, help: "With --no-ui: how often to print a snapshot (e.g. 1s).")
    var emitEvery: String = "1s"

    func run() throws {
        let setup: EngineSetup
        do {
            var engine = try EngineSetup(common: common, logs: logs, requireLogs: false)
            engine.config = try tls.apply(to: engine.config)
            setup = engine
            if FleetSetup.wanted(fleet, logs: logs, config: setup.config) {
                return try runFleet(config: setup.config)
            }
            guard !setup.logs.isEmpty else { throw SetupError.noLogs }
            if fleet.match != nil || fleet.rateWindow != nil || fleet.refresh != nil {
                throw SetupError.badFlag(fleet.match != nil ? "--match" : fleet.rateWindow != nil ? "--rate-window" : "--refresh", "",
                                         "--prometheus URL (it is about the fleet view)")
            }
        } catch let error as SetupError {
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

extension WatchCommand {
    /// `watch --prometheus URL`: the fleet, from Prometheus.
    private func runFleet(config: MLWatchConfig) throws {
        if !logs.isEmpty {
            throw SetupError.badFlag("--prometheus", fleet.prometheus ?? "", "either logs or --prometheus, not both")
        }
        try FleetRunner.checkNoLogFlags(live)
        let setup = try FleetSetup(options: fleet, config: config, alertmanager: live.alertmanager)
        let refresh = try FleetSetup.refresh(fleet, config: config)
        let runner = FleetRunner(setup: setup, live: live, refresh: refresh)
        if noUI {
            guard let interval = DurationText.parse(emitEvery), interval > 0 else {
                throw SetupError.badValue("--emit-every", emitEvery, "expected a duration such as 1s")
            }
            runner.runHeadless(interval: interval)
        }
        try runner.runDashboard()
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

    @Option(name: .long, help: ArgumentHelp(
        "Serve Prometheus metrics on http://HOST:PORT/metrics (e.g. 127.0.0.1:9464, or :9464 for every interface; default: metrics_listen of the config).",
        valueName: "host:port"))
    var metricsListen: String?

    @Option(name: .long, help: ArgumentHelp(
        "Send alerts to Alertmanager at this base URL (e.g. http://127.0.0.1:9093) and share acknowledgements and snoozes as silences (default: notify.alertmanager of the config).",
        valueName: "url"))
    var alertmanager: String?

    func tailerOptions(maxLineBytes: Int) -> TailerOptions {
        TailerOptions(fromStart: fromStart, maxLineBytes: maxLineBytes, checkpointPath: checkpoint, follow: true)
    }

    func openJournal() throws(SetupError) -> SQLiteAlertJournal {
        try LiveOptions.openJournal(path: journal)
    }

    /// The journal at `path`, or at the default place when nil.
    static func openJournal(path: String?) throws(SetupError) -> SQLiteAlertJournal {
        do {
            if let path { return try SQLiteAlertJournal(path: path) }
            return try SQLiteAlertJournal()
        } catch {
            throw .journal(error.description)
        }
    }
}

/// `watch --no-ui`: JSON lines on stdout, one per tick, from the same engine host as the dashboard, until
/// SIGINT/SIGTERM, which stop the tailer (writing the checkpoint), print a last snapshot and exit 0.
/// SIGHUP reloads the config's rules; messages (reload results, notifier errors) go to stderr.
struct HeadlessWatch {
    let setup: EngineSetup
    let live: LiveOptions
    let interval: Double

    func run() throws {
        let output = HeadlessOutput()
        let host: EngineHost
        let tailer: LogTailer
        let notifier: AlertNotifier?
        let fleet: FleetServices
        let published = LatestSnapshot()
        do {
            // Headless runs journal alert transitions durably only when asked to (--journal); otherwise in
            // memory, so that a reload (SIGHUP) keeps the alerts' state and notifies nothing twice.
            var journal: (any AlertJournal)?
            if !setup.config.rules.isEmpty {
                journal = live.journal != nil ? try live.openJournal() : InMemoryAlertJournal(actor: SQLiteAlertJournal.currentUser())
            }
            let state = try setup.makeState(mode: .live, journal: journal)
            fleet = try FleetServices(live: live, config: setup.config, engine: published, actor: SQLiteAlertJournal.currentUser())
            notifier = try live.makeNotifier(config: setup.config, delivery: fleet.delivery)
            let journalPath = live.journal
            let reloader = ConfigReloader(setup: setup, journal: journal) { () throws(SetupError) -> any AlertJournal in
                journalPath != nil ? try LiveOptions.openJournal(path: journalPath) : InMemoryAlertJournal(actor: SQLiteAlertJournal.currentUser())
            }
            host = EngineHost(
                live: state,
                options: .init(interval: interval, publishing: .everyTick, exactKSPValues: true, actor: SQLiteAlertJournal.currentUser()),
                clock: .system, reloader: reloader, sink: FleetSink(notifier: notifier, fleet: fleet), observer: { p in output.write(p) })
            published.host = host
            do {
                tailer = try LogTailer(paths: setup.logs, options: live.tailerOptions(maxLineBytes: setup.common.maxLineBytes))
            } catch {
                throw SetupError.tailer(error)
            }
            for warning in tailer.warnings { Console.error("mlwatch watch: \(warning)\n") }
        } catch {
            Console.error("mlwatch watch: \(error)\n")
            throw ExitCode(2)
        }
        HeadlessWatch.serve(host: host, tailer: tailer, output: output, notifier: notifier, fleet: fleet)
    }

    /// Never returns: the process ends from a signal handler.
    private static func serve(host: EngineHost, tailer: LogTailer, output: HeadlessOutput, notifier: AlertNotifier?,
                              fleet: FleetServices) -> Never {
        tailer.start { batch in host.ingest(batch) }
        host.start()
        let stop: @Sendable () -> Void = {
            // Stop the tailer (it writes the checkpoint), publish the final snapshot, print it, exit; all of
            // it within ExitDeadline's bound, whatever a step is blocked on.
            let signalled = ContinuousClock.now
            ExitDeadline.arm(status: 1, command: "mlwatch watch")
            tailer.stop()
            host.stop()
            output.drain()
            // Deliveries in flight have until a second after the signal (they went on during the steps above),
            // then they are abandoned. A full second *after* those steps stacked a hostile receiver's second on
            // top of them (1.6 s measured on a loaded machine, against ExitDeadline's 1.8 s and its exit 1).
            notifier?.waitUntilIdle(until: signalled + .seconds(1))
            fleet.stop()
            exit(0)
        }
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .main)
        hup.setEventHandler { host.send(.reloadConfig) }
        hup.resume()
        let signals = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
        withExtendedLifetime((signals, hup)) { dispatchMain() }
    }
}

/// Writes the host's publications as JSON lines (stdout) and its messages (stderr), in order, on a queue
/// of its own so that a slow reader of stdout never holds up the host.
private final class HeadlessOutput: Sendable {
    private let queue = DispatchQueue(label: "mlwatch.output")
    // Confined to `queue`.
    private nonisolated(unsafe) var messageSerial = 0

    /// Called on the host's queue with each publication (one per tick).
    func write(_ p: EngineHost.Published) {
        queue.async {
            Console.json(p.snapshot.encodedLine)
            for m in p.messages(after: self.messageSerial) {
                Console.error("mlwatch watch: \(m.text)\n")
            }
            self.messageSerial = max(self.messageSerial, p.messages.last?.serial ?? 0)
        }
    }

    /// Waits until everything handed over so far was written.
    func drain() { queue.sync {} }
}

private extension Snapshot {
    /// One JSON line of `watch --no-ui`.
    var encodedLine: String { SnapshotJSON.encode(self) + "\n" }
}
