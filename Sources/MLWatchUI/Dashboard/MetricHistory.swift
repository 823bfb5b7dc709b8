import MLWatchCore

/// Past values of every metric series, one per published snapshot, in fixed-size rings, so panels can
/// draw sparklines over the recent windows. Each value keeps the event time of its snapshot's window end,
/// so that a replay that seeks backwards can drop only what lies after its new position.
public struct MetricHistory: Sendable {
    public let capacity: Int
    private var rings: [String: Series] = [:]

    /// One series' values, oldest first, with the event time each was recorded at.
    private struct Series: Sendable {
        var times: [Double] = []
        var values: [Double] = []
    }

    public init(capacity: Int = 120) {
        self.capacity = capacity
    }

    static func key(_ name: String, _ labels: Labels) -> String {
        name + labels.description
    }

    /// Appends the value of every metric in the snapshot.
    /// - Complexity: O(m) in the number of metrics (amortized).
    public mutating func record(_ snapshot: Snapshot) {
        let time = snapshot.windowTo ?? -.infinity
        for m in snapshot.metrics {
            let k = MetricHistory.key(m.name, m.labels)
            var ring = rings.removeValue(forKey: k) ?? Series()
            ring.times.append(time)
            ring.values.append(m.value)
            if ring.values.count > capacity {
                ring.times.removeFirst(ring.times.count - capacity)
                ring.values.removeFirst(ring.values.count - capacity)
            }
            rings[k] = ring
        }
    }

    /// Drops the values recorded at event times after `time` (a replay went back to `time`: what it shows
    /// from there on replaces them; the values before stay, as the replay is deterministic).
    public mutating func truncate(after time: Double) {
        for k in Array(rings.keys) {
            guard var ring = rings.removeValue(forKey: k) else { continue }
            let kept = ring.times.indices.filter { ring.times[$0] <= time }
            guard !kept.isEmpty else { continue }
            if kept.count < ring.times.count {
                ring.times = kept.map { ring.times[$0] }
                ring.values = kept.map { ring.values[$0] }
            }
            rings[k] = ring
        }
    }

    /// Replaces every series with `backfill`'s (the newest `capacity` points of each): what was recorded
    /// before belongs to data no longer shown (a fleet dashboard narrowed to another instance).
    public mutating func replace(with backfill: HistoryBackfill) {
        rings.removeAll()
        for s in backfill.series {
            let n = min(s.times.count, s.values.count)
            let from = max(0, n - capacity)
            rings[MetricHistory.key(s.name, s.labels)] = Series(times: Array(s.times[from..<n]), values: Array(s.values[from..<n]))
        }
    }

    /// Oldest-first values of one series (empty when never seen).
    public func values(_ name: String, _ labels: Labels) -> [Double] {
        rings[MetricHistory.key(name, labels)]?.values ?? []
    }
}
