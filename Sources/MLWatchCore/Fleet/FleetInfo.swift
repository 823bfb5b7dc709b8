/// What a dashboard over a fleet (read from Prometheus) shows beyond the panels' metrics: where the data
/// come from, the instance the panels are narrowed to, every scraped instance for the Instances view, and
/// what was left out. Part of `Snapshot` (nil for a dashboard on logs).
public struct FleetInfo: Sendable, Equatable {
    /// Where the data come from, for the header: `prometheus 127.0.0.1:9090`.
    public var source: String
    /// The instance every panel is narrowed to (`host:port`), nil for the whole fleet.
    public var scope: String?
    /// Every scraped instance, in the order the Instances view lists them (down first, then by name).
    public var instances: [FleetInstance]
    /// Where the Alerts panel's alerts come from (`Alertmanager http://…`, or `mlwatch_alert series`).
    public var alertSource: String
    /// Whether acknowledgements and snoozes can be made (as Alertmanager silences).
    public var silences: Bool
    /// What was left out or may be incomplete (series over the cap, warnings of a partial answer), short.
    public var notes: [String]

    public init(source: String, scope: String? = nil, instances: [FleetInstance] = [], alertSource: String = "",
                silences: Bool = false, notes: [String] = []) {
        self.source = source
        self.scope = scope
        self.instances = instances
        self.alertSource = alertSource
        self.silences = silences
        self.notes = notes
    }
}

/// One scraped target of the fleet, as the Instances view lists it.
public struct FleetInstance: Sendable, Equatable {
    /// The target's `instance` label (`host:port`).
    public var instance: String
    public var job: String
    /// Whether the last scrape succeeded (`up == 1`).
    public var up: Bool
    /// Seconds since the last scrape.
    public var scrapeAge: Double?
    /// How long the last scrape took (seconds).
    public var scrapeDuration: Double?
    /// Predictions per second (counter rate over the rate window).
    public var eventsPerSecond: Double?
    public var errorRate: Double?
    /// Seconds the instance's newest event is behind the query time.
    public var lag: Double?
    /// Names of the alerts firing on it (sorted).
    public var firing: [String]
    /// Its other active alerts (pending, acknowledged, snoozed).
    public var otherAlerts: Int

    public init(instance: String, job: String, up: Bool, scrapeAge: Double? = nil, scrapeDuration: Double? = nil,
                eventsPerSecond: Double? = nil, errorRate: Double? = nil, lag: Double? = nil, firing: [String] = [],
                otherAlerts: Int = 0) {
        self.instance = instance
        self.job = job
        self.up = up
        self.scrapeAge = scrapeAge
        self.scrapeDuration = scrapeDuration
        self.eventsPerSecond = eventsPerSecond
        self.errorRate = errorRate
        self.lag = lag
        self.firing = firing
        self.otherAlerts = otherAlerts
    }
}
