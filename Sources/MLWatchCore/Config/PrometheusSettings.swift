/// The `prometheus:` section: where the fleet dashboard (`mlwatch watch --prometheus`) reads the fleet from.
/// An instance's config may carry it too (the same file for the fleet and its dashboard): it is only used
/// by a `watch` given no logs (neither on the command line nor in `sources:`), or with `--prometheus`.
public struct PrometheusSettings: Sendable, Equatable {
    /// Prometheus' base URL (`http://prometheus:9090`), nil when the section does not give one.
    public var url: String?
    /// A label selector added to every query (`{job="mlwatch"}`), checked by the fleet dashboard.
    public var match: String?
    /// Seconds between two refreshes of the fleet view.
    public var refresh: Double?
    /// The range of `rate()` in the fleet queries (a PromQL duration such as `1m`), in seconds.
    public var rateWindow: Double?

    public init(url: String? = nil, match: String? = nil, refresh: Double? = nil, rateWindow: Double? = nil) {
        self.url = url
        self.match = match
        self.refresh = refresh
        self.rateWindow = rateWindow
    }
}
