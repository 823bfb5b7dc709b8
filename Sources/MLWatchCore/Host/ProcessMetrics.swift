import Foundation
import Synchronization

/// The monitor's own resource use (`monitor_rss_mb`, `monitor_cpu_pct`), read from /proc/self.
final class ProcessMetrics: Sendable {
    private let last: Mutex<(wall: Double, cpu: Double)?> = Mutex(nil)

    /// - Parameter wall: the time now (seconds), from the host's injected clock.
    func sample(wall: Double) -> [MetricSample] {
        var out: [MetricSample] = []
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let parts = statm.split(separator: " ")
            if parts.count > 1, let pages = Double(parts[1]) {
                out.append(MetricSample(name: "monitor_rss_mb", value: pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let previous = last.withLock { value in
            let old = value
            value = (wall, cpu)
            return old
        }
        if let p = previous, wall > p.wall {
            out.append(MetricSample(name: "monitor_cpu_pct", value: 100 * (cpu - p.cpu) / (wall - p.wall)))
        }
        return out
    }
}
