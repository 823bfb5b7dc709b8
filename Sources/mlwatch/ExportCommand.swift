import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchExport

/// `mlwatch export …`: what other tools need from an mlwatch config.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write what other tools need from an mlwatch config.",
        subcommands: [PrometheusRulesCommand.self]
    )
}

/// `mlwatch export prometheus-rules --config F`: the fleet recording rules and the config's alert rules in
/// PromQL, as a Prometheus rule file on stdout.
struct PrometheusRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prometheus-rules",
        abstract: "Print a Prometheus rule file: fleet recording rules (mlwatch:drift_psi:fleet) and the config's alerts in PromQL.",
        discussion: """
            Rules that PromQL cannot express (adaptive thresholds, recover thresholds, matchers on labels the \
            fleet series do not carry) are written as comments saying why. Check the file with \
            `promtool check rules FILE`.
            """
    )

    @Option(name: .long, help: "The mlwatch YAML config whose rules to translate.")
    var config: String

    func run() throws {
        let parsed: MLWatchConfig
        do {
            parsed = try MLWatchConfig.load(path: config)
        } catch {
            Console.error("mlwatch export prometheus-rules: \(error.description)\n")
            throw ExitCode(2)
        }
        // The rule file quotes every string (controls escaped); Console still drops bidi overrides.
        Console.out(PrometheusRuleFile.render(parsed, source: config))
    }
}
