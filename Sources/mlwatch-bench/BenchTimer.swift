import Foundation

/// Wall-clock timing helpers for the benchmark suites.
enum BenchTimer {
    /// Runs `body` `repetitions` times (after one warm-up run) and returns the per-run times in ms.
    static func measure(repetitions: Int, _ body: () -> Void) -> [Double] {
        body()
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<repetitions {
            let d = clock.measure { body() }
            times.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15)
        }
        return times
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func format(_ ms: Double) -> String { String(format: "%8.2f ms", ms) }
}

/// Keeps the optimiser from discarding benchmark results.
@inline(never)
func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }
