import ArgumentParser
import Foundation

/// `mlwatch`: a terminal dashboard for machine-learning models in production.
@main
struct MLWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlwatch",
        abstract: "Watch machine-learning models in production from the terminal.",
        discussion: """
            With no subcommand, mlwatch opens the dashboard on the bundled sample data, so you can see \
            what it does. Point it at your own logs with `mlwatch watch LOG...`.
            """,
        subcommands: [
            DemoCommand.self, WatchCommand.self, CheckCommand.self,
            BaselineCommand.self, RulesCommand.self, JournalCommand.self,
            ReplayCommand.self, SimulateCommand.self, ExportCommand.self,
        ],
        defaultSubcommand: DemoCommand.self
    )

    /// ArgumentParser's `main`, with two changes: a usage error (unknown flag, missing or malformed
    /// argument) exits 2, as every mlwatch error about its input does and as the README says, instead
    /// of EX_USAGE (64); and its message goes through `Console` (it may quote an argument).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if status.isSuccess { Console.out(message + "\n") } else { Console.error(message + "\n") }
            }
            Foundation.exit(status == .validationFailure ? Self.usageErrorStatus : status.rawValue)
        }
    }

    /// The exit status of a usage error (and of any other bad input).
    static let usageErrorStatus: Int32 = 2
}
