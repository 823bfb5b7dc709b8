import ArgumentParser
import MLWatchCore

/// Options shared by the commands that read logs.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "YAML config with window, reference, drift settings and alert rules.")
    var config: String?

    @Option(name: .long, help: "Reference for drift: a log file (JSON Lines, .gz too) or a saved profile (.json).")
    var reference: String?

    @Option(name: .long, help: "Window: all, a duration (10m, or 10m/30s with a slide), or an event count (5000).")
    var window: String?

    @Option(name: .long, help: "How late an out-of-order event may be and still be placed (e.g. 30s).")
    var lateness: String?

    @Option(name: .long, help: ArgumentHelp(
        "How far ahead an event may be stamped (e.g. 1h, the default) before it is counted as future instead of moving event time.",
        discussion: "Live, ahead of the wall clock. In check and replay, ahead of the newest event, unless the lines after it confirm the jump (a gap in the log)."))
    var maxFuture: String?

    @Option(name: .long, help: "Lines longer than this many bytes are skipped and counted.")
    var maxLineBytes: Int = 1 << 20

    @Option(name: .long, help: "Feature whose values split metrics into segments.")
    var segmentBy: String?

    @Option(name: .long, help: "Compare every version of a model with this one: drift against it, shadow agreement (config: compare.baseline).")
    var compareBaseline: String?

    @Option(name: .long, help: "Feature whose values are the groups of the fairness metrics (config: fairness.group_by).")
    var fairnessGroupBy: String?

    @Option(name: .long, help: "The favourable prediction for the fairness metrics, e.g. 1 or approve (config: fairness.positive; default 1).")
    var fairnessPositive: String?
}
