import Foundation
import MLWatchCore

/// `mlwatch-bench replay [--events 1000000] [--rate 200] [--checkpoints 5] [--keep FILE]`
///
/// Data: the simulator's `demo` tour (built-in car-loan rows, seed 1) at `rate` predictions per second
/// until `events` predictions, with their delayed labels, system samples and malformed lines, written
/// to a temporary JSON Lines file. Config: the demo rules (`DemoConfig.yaml`, 10m/30s window, reference
/// learned from the first 3000 events).
///
/// Baseline (same run): the `check` path, every batch of the file through `MonitorState.ingest` +
/// `finish()`. Then: loading the file into a `ReplaySource` (parse), a replay at `max` speed, and the
/// backward seeks (restore the latest state checkpoint before the target, re-feed from there). Times are wall clock, single run each (they take seconds).
enum ReplayBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        let events = option("--events", 1_000_000)
        let rate = Double(option("--rate", 200))
        // The engine's default; fewer isolates what checkpoints cost the replay.
        let maxCheckpoints = option("--checkpoints", 5)
        let path = args.firstIndex(of: "--keep").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-replay-bench-\(getpid()).jsonl").path
        let (lines, bytes) = writeLog(path: path, events: events, rate: rate)
        defer { if !args.contains("--keep") { try? FileManager.default.removeItem(atPath: path) } }
        print("replay: \(events) predictions (\(lines) lines, \(bytes >> 20) MB) at \(Int(rate))/s = \(DurationText.format(Double(events) / rate)) of log; demo rules, 10m/30s window")

        let config = try! MLWatchConfig.parse(yaml: DemoConfig.yaml)
        let makeState = {
            MonitorState(options: config.collectorOptions, sources: [path], mode: .replay,
                         drift: DriftMonitor(source: .firstEvents(3000), overrides: config.drift.features, defaults: config.drift.defaultOptions),
                         rules: RuleEngine(rules: config.rules))
        }
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        // Thread CPU seconds of a step as well: on a shared machine wall time also counts other processes.
        var cpu0 = 0.0
        func startCPU() { cpu0 = BenchTimer.threadCPUms() }
        func cpuText() -> String { String(format: "   [CPU %.2f s]", (BenchTimer.threadCPUms() - cpu0) / 1000) }
        func line(_ label: String, _ s: Double, _ extra: String = "") {
            print("  \(label.padding(toLength: 46, withPad: " ", startingAt: 0)) \(String(format: "%7.2f s", s))\(extra)")
        }

        // Baseline: the check path.
        var checkTimeline: [AlertTransition] = []
        startCPU()
        let check = seconds(clock.measure {
            let state = makeState()
            let tailer = try! LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try! tailer.readToEnd { state.ingest($0) }
            state.finish()
            checkTimeline = state.snapshot().timeline
        })
        line("check path: read + parse + ingest (baseline)", check, cpuText())

        var source = ReplaySource()
        let rss0 = residentMB()
        let load = seconds(clock.measure { source = try! ReplaySource.load(paths: [path], now: HostClock.system.wall()) })
        line("ReplaySource.load (read + parse, once)", load, String(format: "   (+%.0f MB resident)", residentMB() - rss0))

        var engine: ReplayEngine?
        let rss1 = residentMB()
        startCPU()
        let replay = seconds(clock.measure {
            let e = ReplayEngine(source: source, speed: .max, wall: 0, maxCheckpoints: maxCheckpoints, makeState: makeState)
            while !e.finished { e.advance(wall: 0, limit: 4096) }
            engine = e
        })
        let e = engine!
        let replayCPU = cpuText()
        let same = e.state.snapshot().timeline == checkTimeline
        line("replay at max speed, whole log", replay,
             String(format: "   ×%.2f of check; budget 3 s: %@; timeline %@ check's (%d transitions)", replay / check,
                    replay <= 3 ? "ok" : "OVER", same ? "==" : "!=", checkTimeline.count) + replayCPU)
        print(String(format: "  %@ state checkpoints every %d entries (+%.0f MB resident with them)",
                     "\(e.checkpointCount)", e.checkpointInterval, residentMB() - rss1))

        let mid = e.startTime + (e.endTime - e.startTime) / 2
        let half = seconds(clock.measure { e.seek(to: mid, wall: 0) })
        line("seek back from the end to the middle", half, "   (restore a checkpoint, re-feed the rest)")
        let nearEnd = seconds(clock.measure { e.seek(to: e.endTime - 60, wall: 0) })
        line("seek forward to end − 1 min", nearEnd, "   (feed on, no rebuild)")
        let back = seconds(clock.measure { e.seek(by: -60, wall: 0) })
        line("seek back 1 minute from end − 1 min", back,
             String(format: "   budget 1 s: %@", back <= 1 ? "ok" : "OVER"))
        // Backward seeks to 20 spread targets, each from the end: the worst re-feeds almost one interval.
        var times: [Double] = []
        for k in 0..<20 {
            e.seekToEnd(wall: 0)
            let target = e.startTime + (e.endTime - e.startTime) * (Double(k) + 0.97) / 20
            times.append(seconds(clock.measure { e.seek(to: target, wall: 0) }))
        }
        times.sort()
        line("20 backward seeks from the end: median", times[10])
        line("20 backward seeks from the end: worst", times[19],
             String(format: "   budget 1 s: %@", times[19] <= 1 ? "ok" : "OVER"))
        // Determinism after all those seeks: feed to the end again and compare with check.
        e.seekToStart(wall: 0)
        e.seekToEnd(wall: 0)
        print("  after the seeks, the timeline \(e.state.snapshot().timeline == checkTimeline ? "==" : "!=") check's")
        return 0
    }

    static func writeLog(path: String, events: Int, rate: Double) -> (lines: Int, bytes: Int) {
        let start = 1_795_000_000.0
        var g = SimulatedLogGenerator(scenario: .demo, pool: .builtIn(), start: start, seed: 1)
        let w = try! RotatingLogWriter(path: path)
        var rng = SplitMix64(seed: 2)
        var lines: [String] = []
        var t = start
        var count = 0
        for i in 0..<events {
            g.lines(at: t, into: &lines)
            t += -Foundation.log(max(1 - rng.uniform(), 1e-12)) / rate
            if i % 10_000 == 9_999 || i == events - 1 {
                if i == events - 1 { g.appendLabels(dueBy: t, into: &lines) }
                count += lines.count
                try! w.write(lines)
                lines.removeAll(keepingCapacity: true)
            }
        }
        w.close()
        return (count, w.size)
    }

    static func residentMB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let parts = s.split(separator: " ")
        guard parts.count > 1, let pages = Double(parts[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
