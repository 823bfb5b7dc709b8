import Foundation

/// Wall-clock timing helpers for the benchmark suites.
enum BenchTimer {
    /// Runs `body` `repetitions` times (after one warm-up run) and returns the per-run
    /// **thread CPU** times in ms (`CLOCK_THREAD_CPUTIME_ID`): on a shared machine this is the
    /// one-core cost, unaffected by time spent descheduled. `wall` receives wall-clock times.
    static func measure(repetitions: Int, wall: inout [Double], _ body: () -> Void) -> [Double] {
        body()
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<repetitions {
            let c0 = threadCPUms()
            let d = clock.measure { body() }
            times.append(threadCPUms() - c0)
            wall.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15)
        }
        return times
    }

    /// CPU-time variant without wall times.
    static func measure(repetitions: Int, _ body: () -> Void) -> [Double] {
        var wall: [Double] = []
        return measure(repetitions: repetitions, wall: &wall, body)
    }

    static func threadCPUms() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
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
