import ArgumentParser
import Foundation
import MLWatchCore

/// `mlwatch rules`: alert-rule tools.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Alert rule tools.",
        subcommands: [RulesCheckCommand.self]
    )
}

/// `mlwatch rules check FILE`: validates a config and its rules, compiler style.
struct RulesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a config and its alert rules.",
        discussion: """
            Prints `file:line:col: message` for each problem found (up to 50: one per rule or top-level \
            section) and exits 2, or prints a summary of the rules and exits 0.
            """
    )

    @Argument(help: "The config file (YAML).")
    var file: String

    func run() throws {
        let text: String
        do {
            text = try MLWatchConfig.read(path: file)
        } catch {
            Console.error(error.description + "\n")
            throw ExitCode(2)
        }
        switch MLWatchConfig.check(yaml: text, path: file) {
        case .valid(let config):
            Console.out(ConfigValidation.summary(config, path: file))
        case .invalid(let errors):
            let lines = errors.map { $0.description + "\n" }.joined()
            Console.error(lines)
            Console.error("\(errors.count) error\(errors.count == 1 ? "" : "s") in \(file)\n")
            throw ExitCode(2)
        }
    }
}

/// What `rules check` prints.
enum ConfigValidation {
    /// What `rules check` prints for a valid config.
    static func summary(_ config: MLWatchConfig, path: String) -> String {
        var out = "\(path): OK, \(config.rules.count) rule\(config.rules.count == 1 ? "" : "s")\n"
        for r in config.rules {
            var line = "  \(r.name) [\(r.severity.rawValue)] \(r.expression)"
            if r.forDuration > 0 { line += " for \(DurationText.format(r.forDuration))" }
            if r.keepFiringFor > 0 { line += " keep_firing_for \(DurationText.format(r.keepFiringFor))" }
            out += line + "\n"
        }
        if config.rules.isEmpty { out += "  (no rules: add a rules: section to alert)\n" }
        return out
    }
}
