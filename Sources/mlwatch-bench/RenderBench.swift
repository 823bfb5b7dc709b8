import Foundation
import MLWatchCore
import MLWatchUI

/// `mlwatch-bench render [--log sample-data/predictions.jsonl.gz] [--reference sample-data/reference.jsonl.gz]
///   [--config sample-data/mlwatch.yaml] [--width 200] [--height 60] [--frames 200]`
///
/// A realistic snapshot: the sample log ingested into a `MonitorState` with drift against the sample
/// reference (`DriftMonitor` over a `ReferenceProfile` built from it) and the sample config's rules, so
/// every panel has content (features with drift, class shares, alerts). Then: full dashboard frames
/// rendered by `DashboardRenderer` into a `ScreenBuffer` of width × height (median thread CPU per frame),
/// and the cells `ScreenBuffer.diff` sends for an unchanged frame vs one after more events arrived.
enum RenderBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        func option(_ name: String, _ def: String) -> String {
            if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
            return def
        }
        let logPath = option("--log", "sample-data/predictions.jsonl.gz")
        let refPath = option("--reference", "sample-data/reference.jsonl.gz")
        let configPath = option("--config", "sample-data/mlwatch.yaml")
        let width = Int(option("--width", "200")) ?? 200
        let height = Int(option("--height", "60")) ?? 60
        let frames = Int(option("--frames", "200")) ?? 200

        let config: MLWatchConfig
        do {
            config = try MLWatchConfig.load(path: configPath)
        } catch {
            print("render: cannot load \(configPath): \(error) (run from the repository root)")
            return 1
        }
        var builder = ReferenceProfileBuilder()
        forEachEvent(refPath) { if case .prediction(let p) = $0 { builder.add(p) } }
        guard builder.events > 0 else {
            print("render: no reference events in \(refPath)")
            return 1
        }
        let drift = DriftMonitor(source: .profile(builder.build(sources: [refPath])), overrides: config.drift.features,
                                 defaults: config.drift.defaultOptions)
        let state = MonitorState(options: config.collectorOptions, sources: [logPath], mode: .check, drift: drift,
                                 rules: RuleEngine(rules: config.rules))
        var lines: [[UInt8]] = []
        do {
            let tailer = try LogTailer(paths: [logPath], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in for r in batch.lines { lines.append(Array(batch.bytes[r])) } }
        } catch {
            print("render: cannot read \(logPath): \(error)")
            return 1
        }
        // All but the last 200 lines now; the rest make the "changed" frame.
        let split = max(0, lines.count - 200)
        for l in lines[..<split] { l.withUnsafeBufferPointer { state.ingestLine($0) } }
        let snapshot = state.snapshot(now: state.newestEventTime ?? 0)
        let now = (snapshot.newestEventTime ?? 0) + 1
        print("render: \(width)×\(height), snapshot of \(snapshot.events) events, \(snapshot.metrics.count) metrics, \(snapshot.features.count) features, \(snapshot.alerts.count) alerts (\(builder.events) reference events)")

        let renderer = DashboardRenderer(theme: Theme.builtInDefault)
        let ui = DashboardState()
        var buffer = ScreenBuffer(width: width, height: height)
        var wall: [Double] = []
        let times = BenchTimer.measure(repetitions: frames, wall: &wall) {
            renderer.render(snapshot, state: ui, into: &buffer, now: now)
        }
        let median = BenchTimer.median(times)
        let p95 = times.sorted()[min(times.count - 1, Int(Double(times.count) * 0.95))]
        print("  full frame, median of \(frames)                 \(BenchTimer.format(median))   (p95 \(BenchTimer.format(p95)), wall median \(BenchTimer.format(BenchTimer.median(wall))))")
        print("  target ≤ 2 ms: \(median <= 2 ? "met" : "MISSED")")

        // Diffs: an identical frame, then a frame after 200 more lines (new numbers, sparklines move).
        let first = buffer
        var again = ScreenBuffer(width: width, height: height)
        renderer.render(snapshot, state: ui, into: &again, now: now)
        let unchanged = again.diff(from: first).count
        for l in lines[split...] { l.withUnsafeBufferPointer { state.ingestLine($0) } }
        let later = state.snapshot(now: state.newestEventTime ?? 0)
        var changed = ScreenBuffer(width: width, height: height)
        renderer.render(later, state: ui, into: &changed, now: (later.newestEventTime ?? 0) + 1)
        let changedCells = changed.diff(from: first).count
        var diffWall: [Double] = []
        let diffTimes = BenchTimer.measure(repetitions: frames, wall: &diffWall) { blackHole(changed.diff(from: first)) }
        print("  diff, unchanged frame: \(unchanged) cells; after 200 more lines: \(changedCells) of \(width * height) cells (diff itself \(BenchTimer.format(BenchTimer.median(diffTimes))))")
        return 0
    }

    static func forEachEvent(_ path: String, _ body: (Event) -> Void) {
        let parser = EventParser()
        do {
            let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in
                batch.bytes.withUnsafeBufferPointer { buf in
                    for r in batch.lines {
                        if case .event(let e) = parser.parse(UnsafeBufferPointer(rebasing: buf[r])) { body(e) }
                    }
                }
            }
        } catch {
            print("  cannot read \(path): \(error)")
        }
    }
}
