import Foundation

/// `mlwatch-bench SUITE [options]`: release-mode benchmarks that print ratios against a baseline
/// measured in the same run. Add a suite by adding an entry to `suites`.
@main
struct MLWatchBench {
    /// A named suite: receives the arguments after its name, returns the exit code.
    typealias Suite = @Sendable ([String]) -> Int32

    static let suites: [(name: String, summary: String, run: Suite)] = [
        ("drift", "drift statistics: radix vs stdlib sort, 20 numeric features × 100k vs 100k refresh", DriftBench.run),
        ("drift-small", "the KS/Wasserstein sweep of a small window against a large reference: merge vs binary searches", DriftSmallBench.run),
        ("replay", "replay of 1M events: check path (baseline) vs load, max-speed replay, backward seeks", ReplayBench.run),
        ("parse", "parse + ingest of sample-schema lines vs Foundation JSONSerialization, lines/s", ParseBench.run),
        ("render", "a full 200×60 dashboard frame from a sample-data snapshot with drift and alerts; diff cells", RenderBench.run),
        ("memory", "peak RSS following a 2M-line (~750 MB) log through LogTailer + MonitorState, 10m window", MemoryBench.run),
        ("gen", "write the logs of the end-to-end figures: realistic (8 features, free text) or drift (numeric)", GenerateBench.run),
        ("e2e", "the real mlwatch end to end vs Python and earlier builds: ingest, drift, saved profiles, memory per event", E2EBench.run),
        ("ui", "the real dashboard in tmux: idle CPU over 30 s and key → screen latency, vs cat/tmux baselines", UIBench.run),
        ("fleet", "one refresh of the fleet dashboard against a real Prometheus holding 50 instances × 20 features (backfilled): queries, wall and server CPU vs querying per instance", FleetBench.run),
        ("ui-load", "key → screen latency in tmux while the host reads 3M lines, while `r` re-learns from a 1M-line reference, and the replay's snooze prompt", UILoadBench.run),
        ("versions", "compare + fairness: check path and one displayed window with and without them, shadow log", VersionsBench.run),
    ]

    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let suite = suites.first(where: { $0.name == name }) else {
            print("usage: mlwatch-bench SUITE [options]\n\nsuites:")
            for s in suites { print("  \(s.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(s.summary)") }
            exit(args.isEmpty ? 0 : 2)
        }
        exit(suite.run(Array(args.dropFirst())))
    }
}
