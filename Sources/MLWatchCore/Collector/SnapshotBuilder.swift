import Foundation

/// Builds the snapshot of a store's current window (the window ending at the newest event), reusing the
/// previous snapshot's metrics while nothing was ingested since: a quiet log costs nothing.
struct SnapshotBuilder: Sendable {
    /// The last snapshot's window metrics and the input counts they were computed from.
    private var cached: (key: [Double], metrics: WindowMetrics)?

    /// The snapshot of `store` (sources, mode and alerts are the caller's to fill in).
    mutating func snapshot(of store: WindowStore, extraMetrics: [MetricSample], now: Double,
                           exactKSPValues: Bool) -> Snapshot {
        let c = store.counts
        var snap = Snapshot(events: c.events, late: c.late, malformed: c.malformedStats,
                            newestEventTime: store.window.newest, builtAt: now)
        snap.counters = store.predictionCounters
        snap.labelJoin = LabelJoinCounts(expired: store.joiner.expired, unmatched: store.joiner.unmatched)
        if let w = store.currentWindow {
            let key = [Double(c.events), Double(c.labels), Double(c.systemSamples), Double(c.late),
                       Double(c.malformedTotal), w.to, exactKSPValues ? 1 : 0]
            let m: WindowMetrics
            if let cached, cached.key == key {
                m = cached.metrics
            } else {
                m = store.metrics(from: w.from, to: w.to, driftScope: exactKSPValues ? .all : .allWithoutKSPValue)
                cached = (key, m)
            }
            snap.windowFrom = w.from ?? store.window.predictions.first?.timestamp
            snap.windowTo = w.to
            snap.metrics = m.metrics
            snap.features = m.features
            snap.outputs = m.outputs
            snap.versions = m.versions
            snap.fairness = m.fairness
            snap.warnings = m.warnings
            snap.driftUntested = m.driftUntested
            snap.cardinality = m.cardinality
        } else {
            snap.metrics = [MetricSample(name: "malformed_lines_total", value: Double(c.malformedTotal))]
        }
        snap.metrics.append(contentsOf: extraMetrics)
        return snap
    }
}
