import Foundation
import MLWatchCore

/// `mlwatch-bench memory [--lines 2000000] [--keep FILE]`
///
/// Writes `lines` sample-schema lines (`SampleLineGenerator`: 50 predictions/s of event time, a label for
/// every 4th prediction 2 minutes later, a system line every 100 — about 395 bytes a line, so 2M lines
/// ≈ 750 MB and 9 hours of log) to a temporary file, streaming, then follows it the way `mlwatch check`
/// does: `LogTailer.readToEnd` → `MonitorState.ingest` (10m window, 30 s slide, no rules), with a
/// snapshot every 100 batches like a refresh tick. Reports the peak RSS (`VmHWM` of /proc/self/status)
/// after writing and after ingesting, and what the window holds at the end. Target: < 150 MB.
enum MemoryBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        let count = option("--lines", 2_000_000)
        let keep = args.firstIndex(of: "--keep").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        let path = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-memory-bench-\(getpid()).jsonl").path
        defer { if keep == nil { unlink(path) } }

        let clock = ContinuousClock()
        let t0 = clock.now
        guard let bytes = write(count: count, to: path) else {
            print("memory: cannot write \(path)")
            return 1
        }
        let writeSeconds = seconds(clock.now - t0)
        let afterWrite = status("VmHWM")
        print("memory: \(count) lines, \(bytes >> 20) MB written in \(String(format: "%.1f", writeSeconds)) s; VmHWM after writing \(mb(afterWrite))")

        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30)), sources: [path], mode: .check)
        var batches = 0
        let t1 = clock.now
        do {
            let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in
                state.ingest(batch)
                batches += 1
                if batches % 100 == 0 { blackHole(state.snapshot(now: 0)) }
            }
        } catch {
            print("memory: cannot read \(path): \(error)")
            return 1
        }
        state.finish()
        let snap = state.snapshot(now: 0)
        let ingestSeconds = seconds(clock.now - t1)
        let peak = status("VmHWM")
        let rss = status("VmRSS")
        print("  ingested \(state.events) predictions, \(state.labels) labels, \(state.systemSamples) system samples in \(String(format: "%.1f", ingestSeconds)) s (\(String(format: "%.0f", Double(count) / ingestSeconds)) lines/s, \(batches) batches)")
        print("  window at the end: \(snap.value("events_total").map { String(Int($0)) } ?? "-") predictions; label_join_pending \(snap.value("label_join_pending").map { String(Int($0)) } ?? "-")")
        print("  peak RSS (VmHWM) \(mb(peak)), RSS now \(mb(rss)); target < 150 MB: \(peak.map { $0 < 150 * 1024 } == true ? "met" : "MISSED")")
        return 0
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    /// Streams the lines to `path` through a 1 MB buffer. Returns the bytes written.
    static func write(count: Int, to path: String) -> Int? {
        guard let f = fopen(path, "w") else { return nil }
        defer { fclose(f) }
        var g = SampleLineGenerator()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var total = 0
        for _ in 0..<count {
            buffer += g.next()
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                total += buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        total += buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        return total
    }

    /// A `kB` field of /proc/self/status.
    static func status(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    static func mb(_ kB: Int?) -> String { kB.map { String(format: "%.1f MB", Double($0) / 1024) } ?? "-" }
}
