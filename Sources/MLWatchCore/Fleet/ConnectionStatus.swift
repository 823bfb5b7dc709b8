/// How a remote data source (Prometheus) is answering, for the header: a dashboard that keeps showing the
/// last data it got must say that they are old, and why.
public struct ConnectionStatus: Sendable, Equatable {
    /// What is queried, for messages: `Prometheus 127.0.0.1:9090`.
    public var target: String
    /// Wall-clock time of the last refresh whose every query succeeded (nil before the first).
    public var lastSuccess: Double?
    /// Wall-clock time the data on screen were queried at (nil before any arrived).
    public var dataTime: Double?
    /// Why the last refresh (or a part of it) failed; nil when it succeeded. While set, the data shown are
    /// the last ones that arrived, marked stale.
    public var problem: String?
    /// Seconds between refreshes (data older than two of them are stale too).
    public var refreshInterval: Double

    public init(target: String, lastSuccess: Double? = nil, dataTime: Double? = nil, problem: String? = nil,
                refreshInterval: Double) {
        self.target = target
        self.lastSuccess = lastSuccess
        self.dataTime = dataTime
        self.problem = problem
        self.refreshInterval = refreshInterval
    }

    /// Whether the data on screen should be read as old at wall time `now`: the last refresh failed, or
    /// none succeeded for more than two intervals (a query that hangs until its timeout).
    public func isStale(now: Double) -> Bool {
        guard let lastSuccess else { return true }
        return problem != nil || now - lastSuccess > 2 * refreshInterval + 1
    }
}

/// Past values of metric series, for sparklines that start full instead of empty: a fleet dashboard reads
/// the last minutes from Prometheus (`query_range`) when it starts and when it is narrowed to another
/// instance. A reader replaces its whole history with `series` when `serial` changes.
public struct HistoryBackfill: Sendable, Equatable {
    /// One series: its metric name and labels (as in `Snapshot.metrics`), its points oldest first.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var labels: Labels
        public var times: [Double]
        public var values: [Double]

        public init(name: String, labels: Labels, times: [Double], values: [Double]) {
            self.name = name
            self.labels = labels
            self.times = times
            self.values = values
        }
    }

    /// Increases with every backfill of a host.
    public var serial: Int
    public var series: [Series]

    public init(serial: Int, series: [Series]) {
        self.serial = serial
        self.series = series
    }
}
