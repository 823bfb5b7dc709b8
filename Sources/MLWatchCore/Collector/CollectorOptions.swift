/// How the collector windows, joins and summarises events.
public struct CollectorOptions: Sendable {
    public var window: WindowSpec
    /// Out-of-order events up to this many seconds behind the newest are placed; older ones are late.
    public var lateness: Double
    /// Events more than this many seconds ahead (of the wall clock live, else of the newest event, unless
    /// the next line confirms the jump) are `future`: counted, not placed (see `FutureEventGuard`).
    public var maxFuture: Double
    public var metrics: MetricOptions
    public var joinMaxPending: Int
    public var joinTTL: Double
    public var mapping: FieldMapping
    /// How many malformed lines are kept (sanitized) for display.
    public var recentMalformed: Int
    /// Upper bounds (seconds) of the cumulative latency histogram exported on `/metrics`.
    public var latencyBuckets: [Double]

    public init(
        window: WindowSpec = .default, lateness: Double = 30, metrics: MetricOptions = MetricOptions(),
        joinMaxPending: Int = 100_000, joinTTL: Double = 3600, mapping: FieldMapping = .standard,
        recentMalformed: Int = 5, latencyBuckets: [Double] = PredictionCounters.defaultLatencyBuckets,
        maxFuture: Double = CollectorOptions.defaultMaxFuture
    ) {
        self.window = window
        self.lateness = lateness
        self.maxFuture = maxFuture
        self.metrics = metrics
        self.joinMaxPending = joinMaxPending
        self.joinTTL = joinTTL
        self.mapping = mapping
        self.recentMalformed = recentMalformed
        self.latencyBuckets = latencyBuckets
    }

    /// One hour: a producer's clock that far off is wrong (NTP keeps them within a second), and a log
    /// paused for longer is confirmed by its next line anyway.
    public static let defaultMaxFuture = 3600.0
}
