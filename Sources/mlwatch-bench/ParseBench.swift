import Foundation
import MLWatchCore

/// `mlwatch-bench parse [--lines 300000] [--reps 5] [--foundation 30000] [--sample FILE] [--profile]`
///
/// Data: `lines` prediction lines of the sample schema (`zcat sample-data/predictions.jsonl.gz`: model,
/// version, request_id, latency, status, 10 features — 6 numeric, 3 categorical, 1 boolean —,
/// prediction, score), 50 predictions per second of event time, with a label line for every 4th
/// prediction and a system line every 100, from a fixed SplitMix64 generator. `--sample FILE` also runs
/// the same measurements on the lines of a real log (gzip allowed).
///
/// Measured on one thread (thread CPU time, median of `reps` after a warm-up):
/// (1) `EventParser` alone; (2) parser + `MonitorState.ingest` (10m window, 30 s slide, no rules, no
/// drift), the lines fed as 1 MB `LineBatch`es like the tailer delivers; (3) the baseline, Foundation's
/// `JSONSerialization.jsonObject` on the first `foundation` lines of the same data, in the same run.
enum ParseBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        let count = option("--lines", 300_000)
        let reps = option("--reps", 5)
        let foundationLines = option("--foundation", 30_000)
        let lines = generate(count: count)
        if args.contains("--profile") {
            // Only parse + ingest, over and over, for `perf record` / callgrind.
            let batches = makeBatches(lines, batchBytes: 1 << 20)
            for _ in 0..<reps {
                let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30)), mode: .check)
                for b in batches { state.ingest(b) }
                blackHole(state.events)
            }
            return 0
        }
        print("parse: \(lines.count) generated sample-schema lines (10 features), median thread-CPU time of \(reps) runs")
        measure(lines, reps: reps, foundationLines: foundationLines)
        if let i = args.firstIndex(of: "--sample"), i + 1 < args.count {
            let sample = readLines(args[i + 1])
            print("parse: \(sample.count) lines of \(args[i + 1])")
            measure(sample, reps: reps, foundationLines: foundationLines)
        }
        return 0
    }

    static func measure(_ lines: [[UInt8]], reps: Int, foundationLines: Int) {
        let batches = makeBatches(lines, batchBytes: 1 << 20)
        let totalBytes = lines.reduce(0) { $0 + $1.count + 1 }
        func rate(_ n: Int, _ ms: Double) -> Double { Double(n) / (ms / 1000) }
        func show(_ label: String, _ n: Int, _ ms: Double, _ extra: String = "") {
            print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(BenchTimer.format(ms))  \(String(format: "%10.0f", rate(n, ms))) lines/s\(extra)")
        }

        // (3) Baseline: Foundation on a prefix (it is slow), as events per second.
        let prefix = Array(lines.prefix(foundationLines)).map { Data($0) }
        let foundation = BenchTimer.median(BenchTimer.measure(repetitions: max(1, reps / 2)) {
            var objects = 0
            for d in prefix where (try? JSONSerialization.jsonObject(with: d)) != nil { objects += 1 }
            blackHole(objects)
        })
        let foundationRate = rate(prefix.count, foundation)
        show("JSONSerialization (baseline, \(prefix.count) lines)", prefix.count, foundation)

        // (1) EventParser alone.
        var events = 0
        let parseOnly = BenchTimer.median(BenchTimer.measure(repetitions: reps) {
            let parser = EventParser()
            events = 0
            for b in batches {
                b.bytes.withUnsafeBufferPointer { buf in
                    for r in b.lines {
                        if case .event = parser.parse(UnsafeBufferPointer(rebasing: buf[r])) { events += 1 }
                    }
                }
            }
        })
        show("EventParser", lines.count, parseOnly,
             String(format: "  ×%.1f Foundation, %.0f MB/s", rate(lines.count, parseOnly) / foundationRate,
                    Double(totalBytes) / 1_048_576 / (parseOnly / 1000)))

        // (2) Parser + ingest into a 10m window.
        var accepted = 0
        let ingest = BenchTimer.median(BenchTimer.measure(repetitions: reps) {
            let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30)), mode: .check)
            for b in batches { state.ingest(b) }
            accepted = state.events + state.labels + state.systemSamples
        })
        show("EventParser + MonitorState.ingest (10m)", lines.count, ingest,
             String(format: "  ×%.1f Foundation alone", rate(lines.count, ingest) / foundationRate))
        let target = rate(lines.count, ingest) >= 1_000_000 ? "meets" : "MISSES"
        print("  \(events) events parsed, \(accepted) ingested; parse+ingest \(target) the 1,000,000 lines/s target")
    }

    /// Lines in 1 MB batches, as `LogTailer` hands them over.
    static func makeBatches(_ lines: [[UInt8]], batchBytes: Int) -> [LineBatch] {
        var out: [LineBatch] = []
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for l in lines {
            let start = bytes.count
            bytes += l
            ranges.append(start..<bytes.count)
            bytes.append(0x0A)
            if bytes.count >= batchBytes {
                out.append(LineBatch(source: "bench", bytes: bytes, lines: ranges, skippedTooLong: 0))
                bytes = []
                ranges = []
            }
        }
        if !ranges.isEmpty { out.append(LineBatch(source: "bench", bytes: bytes, lines: ranges, skippedTooLong: 0)) }
        return out
    }

    static func readLines(_ path: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        do {
            let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in
                for r in batch.lines { lines.append(Array(batch.bytes[r])) }
            }
        } catch {
            print("  cannot read \(path): \(error)")
        }
        return lines
    }

    /// Sample-schema lines (see the type's comment). Deterministic.
    static func generate(count: Int) -> [[UInt8]] {
        var g = SampleLineGenerator()
        return (0..<count).map { _ in g.next() }
    }

}

/// An endless, deterministic stream of sample-schema lines (`ParseBench` describes them), one at a time so
/// that a large log can be written without holding it in memory.
struct SampleLineGenerator {
    var rng = SplitMix64(seed: 42)
    let start: Double
    let perSecond: Double
    private var i = 0
    private var queued: [[UInt8]] = []
    private var pendingLabels: [(id: Int, t: Double)] = []
    private var labelHead = 0
    private let salaries = ["0 - 20K €", "20K - 40K €", "40K - 60K €", "60K - 80K €", "80K+ €"]
    private let downpayments = ["0%", "10%", "20%", "30%", "40%"]
    private let regions = ["north", "south", "east", "west"]

    init(start: Double = 1_795_000_000, perSecond: Double = 50) {
        self.start = start
        self.perSecond = perSecond
    }

    static func fmt(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }

    mutating func next() -> [UInt8] {
        if queued.isEmpty { produce() }
        return queued.removeFirst()
    }

    private mutating func produce() {
        let fmt = SampleLineGenerator.fmt
        let t = start + Double(i) / perSecond
        let ts = TimestampParser.format(t)
        if i % 100 == 0 {
            queued.append(Array(#"{"ts": "\#(ts)", "type": "system", "host": "model-a1", "cpu_pct": \#(fmt(20 + 60 * rng.uniform(), 1)), "mem_mb": \#(fmt(900 + 20 * rng.uniform(), 1)), "load1": \#(fmt(3 * rng.uniform(), 2))}"#.utf8))
        }
        if labelHead < pendingLabels.count, pendingLabels[labelHead].t <= t {
            let l = pendingLabels[labelHead]
            labelHead += 1
            if labelHead > 4096 {
                pendingLabels.removeFirst(labelHead)
                labelHead = 0
            }
            queued.append(Array(#"{"ts": "\#(ts)", "type": "label", "request_id": "req-\#(l.id)", "label": \#(rng.uniform() < 0.7 ? 1 : 0)}"#.utf8))
        }
        let line = #"{"ts": "\#(ts)", "model": "car_loan", "version": "v1", "request_id": "req-\#(i)", "latency_ms": \#(fmt(exp(3.3 + 0.5 * rng.normal()), 2)), "status": "\#(rng.uniform() < 0.99 ? "ok" : "error")", "features": {"car_value": \#(fmt((8000 + 60000 * rng.uniform()).rounded(), 1)), "debt_to_income_ratio": \#(rng.uniform()), "driver_tenure": \#(10 * rng.uniform()), "loan_length": \#(fmt(Double(12 + Int(rng.uniform() * 4) * 6), 1)), "interest_rate": \#(fmt(2 + 8 * rng.uniform(), 4)), "monthly_income": \#(fmt(1500 + 6000 * rng.uniform(), 2)), "repaid_loan_on_prev_car": \#(rng.uniform() < 0.8), "salary_range": "\#(salaries[Int(rng.uniform() * 5)])", "size_of_downpayment": "\#(downpayments[Int(rng.uniform() * 5)])", "region": "\#(regions[Int(rng.uniform() * 4)])"}, "prediction": \#(rng.uniform() < 0.6 ? 1 : 0), "score": \#(fmt(rng.uniform(), 2))}"#
        queued.append(Array(line.utf8))
        if i % 4 == 0 { pendingLabels.append((i, t + 120)) }
        i += 1
    }
}
