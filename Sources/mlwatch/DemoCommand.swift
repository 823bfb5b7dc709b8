import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch` with no subcommand: a simulator (scenario `demo`) writes a log into a fresh temporary
/// folder on a background thread, and the dashboard follows it through the real tail path, with the
/// bundled reference and rules (or built-in ones when `sample-data/` is not found). The folder is removed
/// on exit.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the dashboard on a simulated live log with incidents (the default)."
    )

    @Option(name: .long, help: "Colour theme.")
    var theme: String?

    @Flag(name: .long, help: "Report mouse clicks and the wheel (click to focus or open; most terminals still select text with Shift+drag).")
    var mouse = false

    @Option(name: .long, help: "Simulated predictions per second.")
    var rate: Double = 50

    func run() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let log = tmp + "/predictions.jsonl"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let sample = SampleData.directory()
        var args = ["--window", "10m/30s"]
        if let sample, FileManager.default.fileExists(atPath: sample + "/mlwatch.yaml") {
            args += ["--config", sample + "/mlwatch.yaml", "--reference", sample + "/reference.jsonl.gz"]
        } else {
            _ = FileManager.default.createFile(atPath: tmp + "/mlwatch.yaml", contents: Data(DemoConfig.yaml.utf8))
            args += ["--config", tmp + "/mlwatch.yaml"]
        }
        let simulator = Simulator(options: .init(path: log, rate: rate, scenario: .demo), pool: SimulationPool(rows: []))
        let done = DispatchSemaphore(value: 0)
        let reference = sample.map { $0 + "/reference.jsonl.gz" }
        Thread.detachNewThread {
            // The pool is read here, so the dashboard starts at once; an empty pool means built-in rows.
            let pool = reference.flatMap { try? SimulationPool.load(reference: $0) } ?? .builtIn()
            try? simulator.run(pool: pool)
            done.signal()
        }
        defer {
            simulator.stop()
            done.wait()
        }
        do {
            let setup = try EngineSetup(common: try CommonOptions.parse(args), logs: [log])
            var live = try LiveOptions.parse(["--from-start", "--journal", tmp + "/journal.sqlite"])
            live.theme = theme
            live.mouse = mouse
            try DashboardRunner(setup: setup, live: live, mode: .live,
                                footerHint: "demo data · your logs: mlwatch watch LOG --from-start").run()
        } catch let error as SetupError {
            Console.error("mlwatch: \(error.description)\n")
            throw ExitCode(2)
        }
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
