import MLWatchCore

/// The answers of one refresh (or one step of a range), by query, as the snapshot builder reads them.
public struct FleetAnswers: Sendable, Equatable {
    /// Each query's samples (absent: the query has not answered yet).
    public var samples: [FleetQueries.Kind: [PromSample]]
    /// The alerts Alertmanager lists, when the dashboard reads them from there (nil: from `mlwatch_alert`).
    public var alertmanager: [AlertInstance]?

    public init(samples: [FleetQueries.Kind: [PromSample]] = [:], alertmanager: [AlertInstance]? = nil) {
        self.samples = samples
        self.alertmanager = alertmanager
    }

    /// One query's samples, grouped by the `mlwatch_stat` label of the union they came from.
    func stats(_ kind: FleetQueries.Kind) -> [String: [PromSample]] {
        Dictionary(grouping: samples[kind] ?? []) { $0.labels[FleetQueries.statLabel] ?? "" }
    }
}


/// The answers of range queries (a replay, or the sparklines' history), by query: the answers at any
/// step are read from them without copying the series.
public struct FleetRangeAnswers: Sendable, Equatable {
    public var series: [FleetQueries.Kind: [PromSeries]]
    public var start: Double
    public var end: Double
    public var step: Double

    public init(series: [FleetQueries.Kind: [PromSeries]] = [:], start: Double, end: Double, step: Double) {
        self.series = series
        self.start = start
        self.end = end
        self.step = step
    }

    /// The times of the steps, oldest first (none for a range of more than a million steps: no
    /// Prometheus answers that many points).
    public var times: [Double] {
        let n = ((end - start) / step).rounded(.down)
        guard step > 0, n.isFinite, n >= 0, n < 1_000_000 else { return [] }
        return (0...Int(n)).map { start + Double($0) * step }
    }

    /// The instant answers at `time`: each series' newest point at or before it, if less than a step old.
    /// (Prometheus writes times to the millisecond: a point is found within a millisecond of its step.)
    /// - Complexity: O(s log p) for s series of p points.
    public func answers(at time: Double) -> FleetAnswers {
        var out = FleetAnswers()
        for (kind, list) in series {
            var samples: [PromSample] = []
            samples.reserveCapacity(list.count)
            for s in list {
                if let v = s.value(at: time + 0.001, maxAge: step * 0.999) { samples.append(PromSample(labels: s.labels, value: v, time: time)) }
            }
            out.samples[kind] = samples
        }
        return out
    }

    /// Points in all the series (memory is ~16 bytes each).
    public var points: Int { series.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.times.count } } }
}
