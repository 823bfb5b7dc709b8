import Foundation
@_spi(Benchmarks) import MLWatchCore

/// `mlwatch-bench drift-small [--calls 2000]`: the KS/Wasserstein sweep of a small window against a large
/// prepared reference, by the merge (baseline, O(n + m)) and by binary searches (O(n·log m)), per call,
/// for the window sizes around where `DriftCalculator` switches from one to the other.
enum DriftSmallBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let calls = BenchArguments(args: args).int("--calls", 2000)
        var g = SplitMix64(seed: 0x5357_4545_50)
        print("drift-small: merge vs search per call (thread CPU, median of 5 runs of \(calls) calls); * = the path DriftCalculator takes")
        print("      m       n     merge µs   search µs   merge/search")
        for m in [2000, 16_000, 100_000] {
            let reference = NumericReference(values: (0..<m).map { _ in 100 + 15 * g.normal() })
            for n in [1, 3, 10, 30, 100, 300, 1000, 3000] where n * 4 <= m {
                // `calls` different windows, drawn from a slightly shifted distribution.
                let windows = (0..<16).map { _ in DoubleRadixSort.finiteSorted((0..<n).map { _ in 101 + 15 * g.normal() }) }
                func time(_ search: Bool) -> Double {
                    let t = BenchTimer.measure(repetitions: 5) {
                        for c in 0..<calls {
                            blackHole(BenchmarkEntryPoints.sweep(reference, sortedCurrent: windows[c & 15], search: search))
                        }
                    }
                    return BenchTimer.median(t) * 1000 / Double(calls)
                }
                let merge = time(false), search = time(true)
                let chosen = BenchmarkEntryPoints.searchIsCheaper(current: n, reference: m)
                print(String(format: "%7d %7d %11.2f", m, n, merge) + (chosen ? " " : "*")
                      + String(format: " %10.2f", search) + (chosen ? "*" : " ") + String(format: " %10.1f×", merge / search))
            }
        }
        return 0
    }
}
