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
            Prints `file:line:col: message` for each problem found (several when they are in different rules \
            or sections) and exits 2, or prints a summary of the rules and exits 0.
            """
    )

    @Argument(help: "The config file (YAML).")
    var file: String

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            Console.error("\(file): cannot read the config: \(error.localizedDescription)\n")
            throw ExitCode(2)
        }
        switch ConfigValidation.check(yaml: text, path: file) {
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

/// Validates a config and collects several errors: after an error, the rule (or top-level section) it is
/// in is commented out, line numbers unchanged, and the text is parsed again. A YAML syntax error stops
/// the search (what follows it cannot be trusted).
enum ConfigValidation {
    enum Outcome {
        case valid(MLWatchConfig)
        case invalid([ConfigError])
    }

    static func check(yaml: String, path: String, maxErrors: Int = 50) -> Outcome {
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var errors: [ConfigError] = []
        while errors.count < maxErrors {
            do {
                let config = try MLWatchConfig.parse(yaml: lines.joined(separator: "\n"), path: path)
                return errors.isEmpty ? .valid(config) : .invalid(errors)
            } catch {
                if errors.last == error { break }
                errors.append(error)
                if case .syntax = error { break }
                guard let block = enclosingBlock(of: error.line, in: lines) else { break }
                for i in block.lines where !lines[i].hasPrefix("#") { lines[i] = "#" + lines[i] }
                if block.isRule {
                    // A valid stand-in keeps the later rules' indices (rules[3]) as the user counts them.
                    let first = block.lines.lowerBound
                    let indent = String(lines[first].dropFirst().prefix { $0 == " " })
                    lines[first] = indent + "- {alert: mlwatch_skipped_\(errors.count), expr: \"x > 0\"}"
                }
            }
        }
        return .invalid(errors)
    }

    /// 0-based line indices to comment out for an error on 1-based `line`: the rule item of `rules:` it is
    /// in (`isRule`), or else the whole top-level section; nil when there is none.
    static func enclosingBlock(of line: Int, in lines: [String]) -> (lines: ClosedRange<Int>, isRule: Bool)? {
        let index = line - 1
        guard index >= 0, index < lines.count else { return nil }
        func isTopKey(_ s: String) -> Bool {
            guard let c = s.first, c != " ", c != "\t", c != "#", c != "-" else { return false }
            return s.contains(":")
        }
        guard let start = (0...index).last(where: { isTopKey(lines[$0]) }) else { return nil }
        let end = ((index + 1)..<max(index + 1, lines.count)).first(where: { isTopKey(lines[$0]) }).map { $0 - 1 } ?? lines.count - 1
        let key = lines[start].prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
        guard key == "rules", index > start else { return (start...end, false) }
        // Rule items: lines starting with `-` at the smallest indentation used for dashes in the section.
        func dashIndent(_ s: String) -> Int? {
            let indent = s.prefix { $0 == " " }.count
            return s.dropFirst(indent).hasPrefix("-") ? indent : nil
        }
        guard let itemIndent = ((start + 1)...end).compactMap({ dashIndent(lines[$0]) }).min() else { return (start...end, false) }
        let isItem = { (i: Int) in dashIndent(lines[i]) == itemIndent }
        guard let itemStart = (start + 1...index).last(where: isItem) else { return (start...end, false) }
        let itemEnd = ((index + 1)..<(end + 1)).first(where: isItem).map { $0 - 1 } ?? end
        return (itemStart...itemEnd, true)
    }

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
