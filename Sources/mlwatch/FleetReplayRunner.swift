import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchExport
import MLWatchTerminal
import MLWatchUI

/// `replay --prometheus URL --from T --to T`: the fleet's past on the dashboard (or, with `--no-ui`, one
/// JSON line per step).
struct FleetReplayRunner {
    let setup: FleetSetup
    let options: PrometheusReplayHost.Options
    let theme: String?
    let mouse: Bool

    static let timeHelp = "a timestamp (2026-11-22T08:00:00Z), epoch seconds, now, or a time ago such as -2h"

    /// A `--from`/`--to` of a fleet replay: absolute, `now`, or `-duration` before now.
    static func time(_ text: String, now: Double) -> Double? {
        if text == "now" { return now }
        if text.hasPrefix("-") {
            guard let d = DurationText.parse(String(text.dropFirst())) else { return nil }
            return now - d
        }
        if let n = Double(text) { return TimestampParser.fromEpoch(n) }
        return TimestampParser.parse(text)
    }

    func run(headless: Bool) throws {
        let host = PrometheusReplayHost(client: setup.client, options: options, clock: .system)
        if headless {
            host.start()
            host.waitUntilLoaded()
            let p = host.published
            if let problem = p.connection?.problem {
                Console.error("mlwatch replay: \(p.connection?.target ?? "Prometheus"): \(problem)\n")
                host.stop()
                throw ExitCode(1)
            }
            for t in host.stepTimes {
                Console.json(SnapshotJSON.encode(host.snapshot(at: t)) + "\n")
            }
            host.stop()
            return
        }
        let themes: [Theme]
        do {
            themes = try DashboardRunner.loadThemes(first: theme ?? setup.config.theme)
        } catch {
            Console.error("mlwatch replay: \(error)\n")
            throw ExitCode(2)
        }
        var state = DashboardState()
        state.rulesConfigured = true
        state.bellOnCritical = false
        state.footerHint = "Space pause  +/- speed  ←→ seek  n/N alerts  g/G start/end  i instances"
        try TerminalDashboard(host: host, themes: themes, state: state, mouse: mouse).run(start: host.start, stop: host.stop)
    }
}
