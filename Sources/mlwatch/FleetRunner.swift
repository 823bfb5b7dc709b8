import ArgumentParser
import Dispatch
import Foundation
import MLWatchCore
import MLWatchExport
import MLWatchTerminal
import MLWatchUI

/// `watch --prometheus`: the dashboard (or, with `--no-ui`, one JSON line per refresh) over a fleet read
/// from Prometheus by a `PrometheusFleetHost`.
struct FleetRunner {
    let setup: FleetSetup
    let live: LiveOptions
    let refresh: Double

    /// Flags about reading logs, refused with `--prometheus` rather than silently ignored.
    static func checkNoLogFlags(_ live: LiveOptions) throws(SetupError) {
        let logOnly: [(String, Bool)] = [
            ("--from-start", live.fromStart), ("--checkpoint", live.checkpoint != nil), ("--journal", live.journal != nil),
            ("--on-fire", live.onFire != nil), ("--webhook", live.webhook != nil), ("--metrics-listen", live.metricsListen != nil),
        ]
        if let (flag, _) = logOnly.first(where: { $0.1 }) {
            throw .badFlag(flag, "", "nothing with --prometheus: it is about reading logs (the instances do that)")
        }
    }

    func makeHost() -> PrometheusFleetHost {
        PrometheusFleetHost(client: setup.client, alertmanager: setup.alertmanager, options: setup.hostOptions(refresh: refresh),
                            clock: .system)
    }

    /// The dashboard, until `q`, SIGINT or SIGTERM.
    func runDashboard() throws {
        let themes: [Theme]
        do {
            themes = try DashboardRunner.loadThemes(first: live.theme ?? setup.config.theme)
        } catch {
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        let host = makeHost()
        var state = DashboardState()
        // The fleet's rules live in Prometheus: "all clear" rather than "no rules" when nothing fires.
        state.rulesConfigured = true
        state.bellOnCritical = setup.config.notify.bell
        try TerminalDashboard(host: host, themes: themes, state: state, mouse: live.mouse).run(start: host.start, stop: host.stop)
    }

    /// One JSON line (`SnapshotJSON`, with `fleet` and `connection`) every `interval` seconds on stdout,
    /// messages on stderr, until SIGINT/SIGTERM (exit 0). Never returns.
    func runHeadless(interval: Double) -> Never {
        let host = makeHost()
        host.start()
        let printer = HeadlessFleetPrinter(host: host)
        let timer = DispatchSource.makeTimerSource(queue: .main)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(20))
        timer.setEventHandler { printer.printLatest() }
        timer.resume()
        let stop: @Sendable () -> Void = {
            host.stop()
            printer.printLatest()
            exit(0)
        }
        let sources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
        withExtendedLifetime((sources, timer)) { dispatchMain() }
    }
}

/// Prints the fleet host's newest publication as a JSON line, and its new messages to stderr; on the main
/// queue only.
private final class HeadlessFleetPrinter: @unchecked Sendable {
    private let host: PrometheusFleetHost
    private var messageSerial = 0

    init(host: PrometheusFleetHost) {
        self.host = host
    }

    func printLatest() {
        let p = host.published
        Console.json(SnapshotJSON.encode(p.snapshot, connection: p.connection) + "\n")
        for m in p.messages(after: messageSerial) { Console.error("mlwatch watch: \(m.text)\n") }
        messageSerial = max(messageSerial, p.messages.last?.serial ?? 0)
    }
}
