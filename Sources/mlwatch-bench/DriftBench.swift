import Foundation
import MLWatchCore

/// `mlwatch-bench drift [--features 20] [--events 100000] [--slide 5000] [--reps 15] [--write FILE]`
///
/// Data: `features` numeric columns, each with `events` reference and `events` current values,
/// from a fixed SplitMix64 + Box–Muller generator (normal, shifted normal, lognormal, uniform,
/// rounded values with ties, NaN sprinkled in). `--write FILE` saves them as little-endian float64
/// (all reference columns, then all current columns) for `scripts/drift_bench_scipy.py`.
enum DriftBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        let features = option("--features", 20)
        let events = option("--events", 100_000)
        let reps = option("--reps", 15)
        let slide = option("--slide", 5000)
        let (reference, current) = DriftBenchData.generate(features: features, events: events)
        if let i = args.firstIndex(of: "--write"), i + 1 < args.count {
            DriftBenchData.write(reference + current, to: args[i + 1])
            print("wrote \(features) reference + \(features) current columns of \(events) float64 to \(args[i + 1])")
        }
        print("drift: \(features) numeric features, \(events) reference vs \(events) current events, median thread-CPU time of \(reps) runs")

        // 1. Sorting: stdlib sort (baseline) vs the radix sort, over all current columns.
        let stdlib = BenchTimer.measure(repetitions: reps) {
            for column in current {
                var c = column.filter(\.isFinite)
                c.sort()
                blackHole(c)
            }
        }
        let radix = BenchTimer.measure(repetitions: reps) {
            for column in current { blackHole(DoubleRadixSort.finiteSorted(column)) }
        }
        let stdMs = BenchTimer.median(stdlib), radixMs = BenchTimer.median(radix)
        print("  sort \(features)×\(events), stdlib sort (baseline) \(BenchTimer.format(stdMs))")
        print("  sort \(features)×\(events), radix sort             \(BenchTimer.format(radixMs))   ×\(String(format: "%.1f", stdMs / radixMs)) faster")

        // 2. Reference preparation (once per baseline, not per refresh).
        var refs: [NumericReference] = []
        let prep = BenchTimer.measure(repetitions: 3) { refs = reference.map { NumericReference(values: $0) } }
        print("  prepare \(features) references (once)         \(BenchTimer.format(BenchTimer.median(prep)))")

        // 3. KS + Wasserstein only (what scripts/drift_bench_scipy.py times in scipy).
        let ksw = BenchTimer.measure(repetitions: reps) {
            for f in 0..<features {
                let cur = DoubleRadixSort.finiteSorted(current[f])
                blackHole(KSTest.sorted(refs[f].sortedValues, cur))
                blackHole(WassersteinDistance.raw(sortedU: refs[f].sortedValues, sortedV: cur))
            }
        }
        print("  KS + Wasserstein, \(features) features        \(BenchTimer.format(BenchTimer.median(ksw)))")

        // 4. The full refresh: every statistic and the decision for every feature.
        var detected = 0
        var fullWall: [Double] = []
        let full = BenchTimer.measure(repetitions: reps, wall: &fullWall) {
            detected = 0
            for f in 0..<features {
                if let r = try? DriftCalculator.numeric(reference: refs[f], current: current[f]), r.detected {
                    detected += 1
                }
            }
        }
        let fullMs = BenchTimer.median(full)
        print("  full drift refresh, \(features) features      \(BenchTimer.format(fullMs))   (budget 50 ms: \(fullMs <= 50 ? "ok" : "OVER"); min \(BenchTimer.format(full.min() ?? 0)); wall median \(BenchTimer.format(BenchTimer.median(fullWall))))")
        print("  drifted features: \(detected)/\(features)")

        // 5. The live refresh: the window slides by `slide` events (5% of it: a 30 s slide of a 10 min
        // window), its sorted columns are merged (`SortedColumn`, no re-sort), then every statistic.
        var columns = current.map { c -> SortedColumn in
            var s = SortedColumn()
            for x in c where x.isFinite { s.insert(x) }
            s.settle()
            return s
        }
        // Arrival order (oldest first) as a ring, and new arrivals taken from the reference column
        // (the same distribution family), prepared outside the timed part.
        let arrivals = current.map { $0.filter(\.isFinite) }
        let incoming = reference.map { $0.filter(\.isFinite) }
        var ring = arrivals
        var oldest = 0
        var next = 0
        var slideWall: [Double] = []
        let sliding = BenchTimer.measure(repetitions: reps, wall: &slideWall) {
            for f in 0..<features {
                let n = ring[f].count
                for k in 0..<slide {
                    let slot = (oldest + k) % n
                    columns[f].remove(ring[f][slot])
                    let x = incoming[f][(next + k) % incoming[f].count]
                    columns[f].insert(x)
                    ring[f][slot] = x
                }
                let sorted = columns[f].sorted()
                blackHole(try? DriftCalculator.numeric(reference: refs[f], sortedCurrent: sorted, options: .default))
            }
            oldest += slide
            next += slide
        }
        let slideMs = BenchTimer.median(sliding)
        print("  live refresh after a \(slide)-event slide      \(BenchTimer.format(slideMs))   (merge + all statistics; budget 50 ms: \(slideMs <= 50 ? "ok" : "OVER"); wall median \(BenchTimer.format(BenchTimer.median(slideWall))))")
        return 0
    }
}

/// The deterministic benchmark data set.
enum DriftBenchData {
    /// Column f: shape f % 5, current shifted by 0.002·f standard deviations-ish.
    static func generate(features: Int, events: Int) -> ([[Double]], [[Double]]) {
        var g = SplitMix64(seed: 0x6D6C_7761_7463_68)
        func column(_ f: Int, shift: Double) -> [Double] {
            (0..<events).map { i in
                if i % 997 == 0 { return .nan }
                switch f % 5 {
                case 0: return 100 + 15 * (g.normal() + shift)
                case 1: return Foundation.exp(0.8 * g.normal() + shift)
                case 2: return g.uniform() * 50 + shift * 10
                case 3: return (g.normal() * 3 + shift * 3).rounded()
                default: return -1e-3 * (g.normal() + shift)
                }
            }
        }
        var reference: [[Double]] = []
        var current: [[Double]] = []
        for f in 0..<features {
            reference.append(column(f, shift: 0))
            current.append(column(f, shift: 0.002 * Double(f)))
        }
        return (reference, current)
    }

    static func write(_ columns: [[Double]], to path: String) {
        var data = Data()
        for c in columns {
            c.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 8)) }
        }
        if !FileManager.default.createFile(atPath: path, contents: data) {
            print("cannot write \(path)")
        }
    }
}
