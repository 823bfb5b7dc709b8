import ArgumentParser

@main
struct MLWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mlwatch", abstract: "Watch ML models in production.")
    func run() throws {}
}
