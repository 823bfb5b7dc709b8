import MLWatchCore

/// Past values of every metric series, one per published snapshot, in fixed-size rings, so panels can
/// draw sparklines over the recent windows.
public struct MetricHistory: Sendable {
    public let capacity: Int
    private var rings: [String: [Double]] = [:]

    public init(capacity: Int = 120) {
        self.capacity = capacity
    }

    static func key(_ name: String, _ labels: Labels) -> String {
        name + labels.description
    }

    /// Appends the value of every metric in the snapshot.
    /// - Complexity: O(m) in the number of metrics (amortized).
    public mutating func record(_ snapshot: Snapshot) {
        for m in snapshot.metrics {
            let k = MetricHistory.key(m.name, m.labels)
            var ring = rings[k] ?? []
            ring.append(m.value)
            if ring.count > capacity { ring.removeFirst(ring.count - capacity) }
            rings[k] = ring
        }
    }

    /// Oldest-first values of one series (empty when never seen).
    public func values(_ name: String, _ labels: Labels) -> [Double] {
        rings[MetricHistory.key(name, labels)] ?? []
    }
}
