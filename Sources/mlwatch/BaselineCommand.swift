import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch baseline LOG... -o ref.profile`: saves the reference profile of some logs, so live runs can use
/// `--reference ref.profile` without the raw reference log (the drift numbers are the same).
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Save a reference profile of logs for drift (use it with --reference FILE).",
        discussion: """
            Reads the logs to their end (.gz too) and writes, per feature and for the prediction and score, \
            what the drift tests need (sorted values, category counts, or the lengths of a free-text \
            feature's values) in a compact binary file that loads in milliseconds. The file is replaced \
            atomically. Profiles written as JSON by earlier versions are still read.
            Exit status: 0 on success, 2 for bad input.
            """
    )

    @Argument(help: "Reference logs (JSON Lines, .gz too; default: `sources:` of the config).")
    var logs: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the profile.", valueName: "file"))
    var output: String

    @Option(name: .long, help: "YAML config (for its `fields:` mapping and `sources:`).")
    var config: String?

    @Option(name: .long, help: "Lines longer than this many bytes are skipped and counted.")
    var maxLineBytes: Int = 1 << 20

    @Option(name: .long, help: ArgumentHelp(
        "Predictions stamped further ahead than this (e.g. 1h, the default, or the config's max_future) are left out, as check leaves them out of a reference log.",
        discussion: "Give check the same value, so that it finds the drift numbers of the log in the profile."))
    var maxFuture: String?

    func run() throws {
        do {
            var config = MLWatchConfig()
            if let path = self.config {
                do { config = try MLWatchConfig.load(path: path) } catch { throw SetupError.config(error) }
            }
            let paths = logs.isEmpty ? config.sources : logs
            guard !paths.isEmpty else { throw SetupError.noLogs }
            let maxFuture = try EngineSetup.maxFuture(flag: self.maxFuture, config: config)
            let (profile, malformed, oversized) = try BaselineCommand.build(paths: paths, config: config, maxFuture: maxFuture,
                                                                            maxLineBytes: maxLineBytes)
            do {
                let url = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try profile.encoded().write(to: url, options: Data.WritingOptions.atomic)
            } catch {
                throw SetupError.reference("cannot write \(output): \(error.localizedDescription)")
            }
            var summary = "wrote \(output): \(profile.events) events, \(profile.columns.count) columns"
            if let from = profile.from, let to = profile.to {
                summary += ", \(TimestampParser.format(from)) .. \(TimestampParser.format(to))"
            }
            if malformed > 0 { summary += " (\(malformed) malformed lines skipped)" }
            Console.out(summary + "\n")
            for (name, categories) in oversized {
                Console.error("mlwatch baseline: column \(name) left out: \(categories) categories, over the limit of \(ReferenceProfile.maxCategoriesPerColumn) (free text has no meaningful drift)\n")
            }
        } catch let error as SetupError {
            Console.error("mlwatch baseline: \(error.description)\n")
            throw ExitCode(2)
        }
    }

    /// The profile of the prediction events of some logs (in order), the number of malformed lines and the
    /// columns left out for having too many categories. Built as `--reference` builds a log's profile
    /// (`ReferenceLog.baseline`): predictions stamped more than `max_future` ahead (a producer's wrong clock)
    /// are left out by the same rule, so checking against the profile gives the log's drift numbers.
    static func build(paths: [String], config: MLWatchConfig, maxFuture: Double, maxLineBytes: Int = 1 << 20) throws(SetupError)
        -> (ReferenceProfile, Int, [(name: String, categories: Int)])
    {
        let options = CollectorOptions(metrics: MetricOptions(maxCategories: config.maxCategories),
                                       mapping: config.fieldMapping, maxFuture: maxFuture)
        do {
            let baseline = try ReferenceLog.baseline(paths: paths, options: options, maxLineBytes: maxLineBytes)
            return (baseline.profile, baseline.malformedLines, baseline.oversizedColumns)
        } catch {
            throw .reference(error.description)
        }
    }
}
