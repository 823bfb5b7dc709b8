import ArgumentParser

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
            ReplayCommand.self, SimulateCommand.self,
        ],
        defaultSubcommand: DemoCommand.self
    )
}
