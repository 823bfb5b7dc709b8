import Foundation
@testable import MLWatchCore

/// A small recorded log with incidents (the simulator's `demo` tour at 4 predictions/s for 15 minutes)
/// and the demo rules, shared by the replay tests.
enum ReplayFixture {
    static let start = 1_795_000_000.0

    /// The fixture's lines, made once: labels, system samples, malformed lines included.
    static let lines: [String] = {
        var g = SimulatedLogGenerator(scenario: .demo, pool: .builtIn(count: 2000), start: start, seed: 42)
        var out: [String] = []
        var t = start
        var i = 0
        while t < start + 900 {
            g.lines(at: t, into: &out)
            i += 1
            // A few out-of-order events, as real producers write them.
            if i % 97 == 0, let last = out.last {
                out.append(last.replacingOccurrences(of: TimestampParser.format(t), with: TimestampParser.format(t - 2)))
            }
            t += 0.25
        }
        g.appendLabels(dueBy: .infinity, into: &out)
        return out
    }()

    /// The fixture written to a temporary file (read back through the real tail path).
    static func file() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-replay-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let config: MLWatchConfig = {
        var yaml = DemoConfig.yaml.replacingOccurrences(of: "reference: {first: 3000}", with: "reference: {first: 400}")
        yaml = yaml.replacingOccurrences(of: "size: 10m", with: "size: 5m")
        return try! MLWatchConfig.parse(yaml: yaml)
    }()

    /// A fresh state as `mlwatch check` builds one for this config (no journal).
    static func makeState() -> MonitorState {
        MonitorState(options: config.collectorOptions, sources: ["fixture"], mode: .check,
                     drift: DriftMonitor(source: .firstEvents(400), overrides: config.drift.features, defaults: config.drift.defaultOptions),
                     rules: RuleEngine(rules: config.rules))
    }

    /// The `check` path: every batch of the file through `MonitorState.ingest(_: LineBatch)`, then `finish()`.
    static func checkTimeline(path: String) throws -> [AlertTransition] {
        let state = makeState()
        let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
        try tailer.readToEnd { state.ingest($0) }
        state.finish()
        return state.snapshot().timeline
    }
}
