import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch` with no subcommand: the dashboard on the bundled sample data, read through the real
/// tail path from the start.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the dashboard on the bundled sample data (the default)."
    )

    @Option(name: .long, help: "Colour theme.")
    var theme: String?

    func run() throws {
        guard let dir = SampleData.directory() else {
            FileHandle.standardError.write(Data("mlwatch: the bundled sample-data/ folder was not found; run from the repository, or use `mlwatch watch LOG...`\n".utf8))
            throw ExitCode(2)
        }
        var args = ["--reference", dir + "/reference.jsonl.gz", "--window", "10m/30s"]
        if FileManager.default.fileExists(atPath: dir + "/mlwatch.yaml") { args += ["--config", dir + "/mlwatch.yaml"] }
        let common = try CommonOptions.parse(args)
        var live = try LiveOptions.parse(["--from-start", "--journal", NSTemporaryDirectory() + "mlwatch-demo-journal.sqlite"])
        live.theme = theme
        let setup: EngineSetup
        do {
            setup = try EngineSetup(common: common, logs: [dir + "/predictions.jsonl.gz"])
        } catch {
            FileHandle.standardError.write(Data("mlwatch: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        try DashboardRunner(setup: setup, live: live, mode: .live,
                            footerHint: "your logs: mlwatch watch LOG --from-start").run()
    }
}

/// Finds the bundled `sample-data/` folder: next to the working directory (`swift run` from the
/// repository) or relative to the executable (`.build/debug/mlwatch`).
enum SampleData {
    static func directory() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/sample-data"]
        if let exe = CommandLine.arguments.first, exe.contains("/") {
            let dir = (exe as NSString).deletingLastPathComponent
            candidates += ["../../sample-data", "../../../sample-data"].map { ((dir as NSString).appendingPathComponent($0) as NSString).standardizingPath }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/predictions.jsonl.gz") }
    }
}
