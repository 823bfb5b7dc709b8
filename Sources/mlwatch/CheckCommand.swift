import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch check`: reads logs to their end, prints the final window's metrics, drift and the alert
/// timeline; exit 1 when a critical alert fired, 2 for bad input or config.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read logs to the end and print metrics, drift and the alert timeline (for CI and cron).",
        discussion: """
            Exit status: 0 when no critical alert fired, 1 when one did, 2 for bad input or config.
            """
    )

    @Argument(help: "Log files, globs or - for stdin (default: `sources:` of the config).")
    var logs: [String] = []

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Output format: json or text.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument {
        case json, text
    }

    func run() throws {
        let snapshot: Snapshot
        do {
            snapshot = try CheckCommand.evaluate(common: common, logs: logs)
        } catch {
            Console.error("mlwatch check: \(error.description)\n")
            throw ExitCode(2)
        }
        switch format {
        case .json: Console.json(SnapshotJSON.encode(snapshot) + "\n")
        case .text: Console.out(CheckReport.text(snapshot))
        }
        let criticalFired = snapshot.timeline.contains { $0.to == .firing && $0.severity == .critical }
        if criticalFired { throw ExitCode(1) }
    }

    /// Reads every log to its end through the real ingest path and returns the final snapshot. The logs are
    /// read and parsed on a thread of their own while this one ingests (`ParallelIngest`: the same result as
    /// reading them on one thread), and a reference log on a third (`PendingReference`).
    static func evaluate(common: CommonOptions, logs: [String]) throws(SetupError) -> Snapshot {
        let setup = try EngineSetup(common: common, logs: logs)
        let reference = try setup.prepareReference(concurrently: true)
        let state = try setup.makeState(mode: .check, reference: reference)
        let tailer: LogTailer
        do {
            tailer = try LogTailer(
                paths: setup.logs,
                options: TailerOptions(fromStart: true, maxLineBytes: common.maxLineBytes, follow: false))
            try ParallelIngest.readToEnd(tailer, mapping: setup.config.fieldMapping,
                                         maxCategories: setup.config.maxCategories) { state.ingest($0) }
        } catch {
            throw .tailer(error)
        }
        state.finish()
        let snapshot = state.snapshot()
        // The process ends right after printing the snapshot: the window's events are left to the OS instead
        // of being freed one by one (a 300,000-event window took 0.24 G instructions, 3 % of the run, to free).
        _ = Unmanaged.passRetained(state)
        if case .failure(let error) = reference.pending?.wait() { throw .reference(error.description) }
        return snapshot
    }
}
