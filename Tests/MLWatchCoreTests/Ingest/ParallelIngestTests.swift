import Foundation
import Testing
@testable import MLWatchCore

/// `ParallelIngest` (read + parse on a producer thread, ingest on the caller's) against the serial path
/// (`MonitorState.ingest(_: LineBatch)`): the same snapshot, byte for byte, and the same alert timeline.
@Suite struct ParallelIngestTests {
    /// A random log (`NaiveLog`: two models, out-of-order and late events, labels, system lines) with a
    /// free-text feature, a categorical one with many values, malformed and blank lines in between.
    static func lines(seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        var out: [String] = []
        for line in NaiveLog.generate(seed: seed, count: 4000, lateness: 30).lines {
            var l = line
            if l.contains("\"features\":{") {
                let note = rng.chance(0.2) ? "same" : "note \(rng.int(100_000))"
                let city = "city-\(rng.int(40))"
                l = l.replacingOccurrences(of: "\"features\":{", with: "\"features\":{\"note\":\"\(note)\",\"city\":\"\(city)\",")
            }
            out.append(l)
            switch rng.uniform() {
            case ..<0.01: out.append(#"{"ts": "broken"#)
            case ..<0.015: out.append("")
            case ..<0.02: out.append("[1, 2]")
            default: break
            }
        }
        return out
    }

    static func state(rules: Bool) throws -> MonitorState {
        let options = CollectorOptions(window: .time(size: 60, slide: 10), lateness: 30,
                                       metrics: MetricOptions(maxCategories: 25))
        let engine = rules ? RuleEngine(rules: [
            try AlertRule(name: "Slow", expr: "latency_p99_ms > 60"),
            try AlertRule(name: "Errors", expr: "error_rate > 0.08"),
            try AlertRule(name: "XDrift", expr: "drift_psi{feature=\"x\"} > 0.05"),
            try AlertRule(name: "NoteDrift", expr: "drift_ks_stat{feature=\"note\"} > 0.2"),
        ] + (try (0..<8).map { k in
            // Each fires at the first boundary where its number of malformed lines has been counted: malformed
            // lines must be counted between the same events as in the serial path, not at their batch's start.
            try AlertRule(name: "Broken\(k)", expr: "malformed_lines_total > \(4 + 5 * k)")
        })) : nil
        return MonitorState(options: options, mode: .check,
                            drift: DriftMonitor(source: .firstEvents(300), maxCategories: 25), rules: engine)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func parallelAndSerialIngestGiveTheSameSnapshotAndTimeline(seed: UInt64) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(seed)-\(UUID().uuidString).jsonl").path
        try (Self.lines(seed: seed).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        // Small reads: many batches, so that the producer runs ahead of the consumer.
        let options = TailerOptions(fromStart: true, follow: false, readChunkBytes: 4096)

        let serial = try Self.state(rules: true)
        try LogTailer(paths: [path], options: options).readToEnd { serial.ingest($0) }
        serial.finish()
        let parallel = try Self.state(rules: true)
        var batches = 0
        try ParallelIngest.readToEnd(try LogTailer(paths: [path], options: options), maxCategories: 25, depth: 2) {
            batches += 1
            parallel.ingest($0)
        }
        parallel.finish()

        #expect(batches > 50)
        let a = serial.snapshot(now: 0), b = parallel.snapshot(now: 0)
        #expect(SnapshotJSON.encode(a) == SnapshotJSON.encode(b))
        #expect(a.timeline == b.timeline)
        #expect(!a.timeline.isEmpty, "the rules never fired: the comparison of timelines is empty")
        #expect(a.malformed.total > 0 && a.features.contains { $0.name == "note" && $0.kind == .text })
    }

    @Test func aReadErrorReachesTheCaller() throws {
        // The file is there when the tailer is made and gone when the producer starts reading.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gone-\(UUID().uuidString).jsonl").path
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
        unlink(path)
        #expect(throws: TailerError.self) {
            try ParallelIngest.readToEnd(tailer) { _ in Issue.record("a batch from a missing file") }
        }
    }
}
