import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch replay`: the dashboard on recorded logs, driven by a virtual clock taken from the events'
/// timestamps. The alert timeline is exactly the one `mlwatch check` prints for the same logs and config.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded logs on the dashboard with a virtual clock (pause, speed, seek, jump to alerts).",
        discussion: """
            Keys: Space pause/resume, + and - speed (1× 2× 5× 10× 60× 600× max), ← → seek 1 minute \
            (Shift: 10 minutes), n / N next / previous alert transition, g / G start / end.
            --from and --to take a timestamp (2026-11-22T08:00:00Z, epoch seconds) or an offset from the \
            start of the recording (+30m).
            """
    )

    @Argument(help: "Log files or globs (.gz too), read in the order given.")
    var logs: [String] = []

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Speed: 1, 10, 60, any factor, or max.")
    var speed: String = "60"

    @Option(name: .long, help: "Start at this event time (earlier events are fed at once).")
    var from: String?

    @Option(name: .long, help: "Stop at this event time (later lines are not replayed).")
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
            setup = try EngineSetup(common: common, logs: logs)
        } catch {
            throw fail(error.description)
        }
        try ReplayRunner(setup: setup, speed: speed, from: from, to: to, theme: theme, mouse: mouse, headless: noUI).run()
    }

    private func fail(_ message: String) -> ExitCode {
        Console.error("mlwatch replay: \(message)\n")
        return ExitCode(2)
    }
}
