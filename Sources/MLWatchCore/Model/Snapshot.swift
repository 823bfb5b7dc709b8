/// Counts of lines that could not be used, by reason, and the last few of them (sanitized for display).
public struct MalformedStats: Sendable, Equatable {
    public var total: Int
    public var byReason: [String: Int]
    public var recent: [String]
    public init(total: Int = 0, byReason: [String: Int] = [:], recent: [String] = []) {
        self.total = total
        self.byReason = byReason
        self.recent = recent
    }
}

/// Cumulative counts of the label join (they also appear among the window metrics, by name).
public struct LabelJoinCounts: Sendable, Equatable {
    /// Predictions whose label did not arrive within the join's TTL (or were pushed out of its buffer).
    public var expired: Int
    /// Labels whose prediction was not (or no longer) waiting.
    public var unmatched: Int
    public init(expired: Int = 0, unmatched: Int = 0) {
        self.expired = expired
        self.unmatched = unmatched
    }
}

/// How the data reaches the dashboard.
public enum SourceMode: String, Sendable, Equatable {
    case live = "LIVE"
    case replay = "REPLAY"
    case check = "CHECK"
}

/// The immutable picture of everything the collector knows at one moment. The UI thread and the
/// headless commands only ever see these; the collector builds a new one per refresh tick.
public struct Snapshot: Sendable {
    public var sources: [String]
    public var mode: SourceMode
    /// Prediction events accepted so far (labels and system samples are not counted here).
    public var events: Int
    /// Events that arrived later than the lateness bound allows (counted, not placed).
    public var late: Int
    /// Events stamped too far ahead (counted by source, not placed; see `FutureEventGuard`).
    public var future = FutureEvents()
    public var malformed: MalformedStats
    /// The current window in event time (seconds since the epoch), nil before the first event.
    public var windowFrom: Double?
    public var windowTo: Double?
    /// Newest event time seen on any source.
    public var newestEventTime: Double?
    /// Wall-clock time at which the snapshot was built.
    public var builtAt: Double
    public var metrics: [MetricSample]
    public var features: [FeatureSummary]
    public var outputs: [OutputSummary]
    public var alerts: [AlertInstance]
    public var timeline: [AlertTransition]
    /// Thresholds that rules apply to the metrics above (for markers and colouring).
    public var thresholds: [MetricThreshold] = []
    /// The bound on label sets per rule, when it made a rule forget or not track some (nil otherwise).
    public var alertSeriesLimit: AlertSeriesLimit?
    /// Cumulative per-(model, version) counts and latency histogram since the engine started (`/metrics`).
    public var counters = PredictionCounters()
    /// Cumulative label-join outcomes since the engine started (`/metrics`).
    public var labelJoin = LabelJoinCounts()
    /// Versions against the `compare` baseline, per model (the versions view).
    public var versions: [VersionComparisonSummary] = []
    /// Fairness across groups, per model version (the fairness view).
    public var fairness: [FairnessSummary] = []
    /// Configured comparisons the data do not support (header and JSON).
    public var warnings: [MonitorWarning] = []
    /// Columns not tested for drift for want of values (`drift.min_samples`), in the order computed.
    public var driftUntested: [DriftUntested] = []
    /// How the window's groups and features fit their caps (a capped window is not complete).
    public var cardinality = Cardinality()
    /// A fleet read from Prometheus: its source, scope and instances (nil for a dashboard on logs).
    public var fleet: FleetInfo?

    public init(
        sources: [String] = [], mode: SourceMode = .live, events: Int = 0, late: Int = 0,
        malformed: MalformedStats = MalformedStats(), windowFrom: Double? = nil, windowTo: Double? = nil,
        newestEventTime: Double? = nil, builtAt: Double = 0, metrics: [MetricSample] = [],
        features: [FeatureSummary] = [], outputs: [OutputSummary] = [], alerts: [AlertInstance] = [],
        timeline: [AlertTransition] = []
    ) {
        self.sources = sources
        self.mode = mode
        self.events = events
        self.late = late
        self.malformed = malformed
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.newestEventTime = newestEventTime
        self.builtAt = builtAt
        self.metrics = metrics
        self.features = features
        self.outputs = outputs
        self.alerts = alerts
        self.timeline = timeline
    }

    /// The first sample with this name whose labels include all of `matching`.
    public func metric(_ name: String, _ matching: [String: String] = [:]) -> MetricSample? {
        metrics.first { m in
            m.name == name && matching.allSatisfy { m.labels[$0.key] == $0.value }
        }
    }

    public func value(_ name: String, _ matching: [String: String] = [:]) -> Double? {
        metric(name, matching)?.value
    }
}

/// Per-feature detail for the Input panel and the feature detail view (beyond the flat metrics).
public struct FeatureSummary: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `text`: a free-text feature (more distinct strings than `max_categories`), summarised by length.
        case numeric, categorical, text, mixed, empty
    }
    public var labels: Labels
    public var name: String
    public var kind: Kind
    public var count: Int
    public var missingRate: Double
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?
    /// p5, p25, p50, p75, p95 of the current window (numeric features).
    public var quantiles: [Double]
    public var lengthMean: Double?
    /// Top categories with their shares, `other` last when there are more.
    public var topCategories: [(String, Double)]
    public var drift: DriftSummary?
    /// Set (and `drift` nil) when the window had too few values of the feature to test it.
    public var driftUntested: DriftUntested?

    public init(
        labels: Labels, name: String, kind: Kind, count: Int, missingRate: Double, mean: Double? = nil,
        std: Double? = nil, min: Double? = nil, max: Double? = nil, quantiles: [Double] = [],
        lengthMean: Double? = nil, topCategories: [(String, Double)] = [], drift: DriftSummary? = nil
    ) {
        self.labels = labels
        self.name = name
        self.kind = kind
        self.count = count
        self.missingRate = missingRate
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
        self.quantiles = quantiles
        self.lengthMean = lengthMean
        self.topCategories = topCategories
        self.drift = drift
    }

    public static func == (a: FeatureSummary, b: FeatureSummary) -> Bool {
        a.labels == b.labels && a.name == b.name && a.kind == b.kind && a.count == b.count
            && a.missingRate == b.missingRate && a.mean == b.mean && a.std == b.std && a.min == b.min
            && a.max == b.max && a.quantiles == b.quantiles && a.lengthMean == b.lengthMean
            && a.topCategories.elementsEqual(b.topCategories, by: { $0.0 == $1.0 && $0.1 == $1.1 })
            && a.drift == b.drift && a.driftUntested == b.driftUntested
    }
}

/// Drift of one column against the reference, for display.
public struct DriftSummary: Sendable, Equatable {
    /// The test the default rule (or the config) chose, e.g. `ks`, `chisquare`, `z`, `jensenshannon`, `wasserstein`, `psi`.
    public var test: String
    /// The chosen test's score (p-value for ks/chisquare/z, distance otherwise).
    public var score: Double
    public var threshold: Double
    public var detected: Bool
    /// Every computed test: name → (value, p-value if any).
    public var values: [String: Double]
    public var unseenCategories: [String]
    /// Reference and current histograms on common bins (shares), for the overlay in the detail view.
    public var binEdges: [Double]
    public var binLabels: [String]
    public var referenceShares: [Double]
    public var currentShares: [Double]
    /// p5, p25, p50, p75, p95 of the reference (numeric).
    public var referenceQuantiles: [Double]
    /// The window's counts on bins fixed by the reference (deciles or top categories), which instances of a
    /// fleet export so that Prometheus can compute drift on their merged data.
    public var fleetBins: FleetBins?

    public init(
        test: String, score: Double, threshold: Double, detected: Bool, values: [String: Double] = [:],
        unseenCategories: [String] = [], binEdges: [Double] = [], binLabels: [String] = [],
        referenceShares: [Double] = [], currentShares: [Double] = [], referenceQuantiles: [Double] = [],
        fleetBins: FleetBins? = nil
    ) {
        self.test = test
        self.score = score
        self.threshold = threshold
        self.detected = detected
        self.values = values
        self.unseenCategories = unseenCategories
        self.binEdges = binEdges
        self.binLabels = binLabels
        self.referenceShares = referenceShares
        self.currentShares = currentShares
        self.referenceQuantiles = referenceQuantiles
        self.fleetBins = fleetBins
    }
}

/// Per model/version/segment output detail for the Output panel.
public struct OutputSummary: Sendable, Equatable {
    public var labels: Labels
    public var count: Int
    public var nullRate: Double
    public var classShares: [(String, Double)]
    public var predictionMean: Double?
    public var scoreMean: Double?
    public var lowConfidenceRate: Double?
    public var feedbackRates: [(String, Double)]
    public var accuracy: Double?
    public var mae: Double?
    public var labelled: Int
    /// The output columns' (`prediction`, `score`) window counts on reference-fixed bins, for fleet-exact
    /// drift of the outputs (`/metrics` exports them as the input features' are); empty without a reference.
    public var fleetBins: [String: FleetBins]
    /// The output columns (`prediction`, `score`) not tested for drift for want of values.
    public var driftUntested: [String: DriftUntested] = [:]

    public init(
        labels: Labels, count: Int, nullRate: Double, classShares: [(String, Double)] = [],
        predictionMean: Double? = nil, scoreMean: Double? = nil, lowConfidenceRate: Double? = nil,
        feedbackRates: [(String, Double)] = [], accuracy: Double? = nil, mae: Double? = nil, labelled: Int = 0,
        fleetBins: [String: FleetBins] = [:]
    ) {
        self.labels = labels
        self.count = count
        self.nullRate = nullRate
        self.classShares = classShares
        self.predictionMean = predictionMean
        self.scoreMean = scoreMean
        self.lowConfidenceRate = lowConfidenceRate
        self.feedbackRates = feedbackRates
        self.accuracy = accuracy
        self.mae = mae
        self.labelled = labelled
        self.fleetBins = fleetBins
    }

    public static func == (a: OutputSummary, b: OutputSummary) -> Bool {
        a.labels == b.labels && a.count == b.count && a.nullRate == b.nullRate
            && a.classShares.elementsEqual(b.classShares, by: { $0.0 == $1.0 && $0.1 == $1.1 })
            && a.predictionMean == b.predictionMean && a.scoreMean == b.scoreMean
            && a.lowConfidenceRate == b.lowConfidenceRate
            && a.feedbackRates.elementsEqual(b.feedbackRates, by: { $0.0 == $1.0 && $0.1 == $1.1 })
            && a.accuracy == b.accuracy && a.mae == b.mae && a.labelled == b.labelled && a.fleetBins == b.fleetBins
            && a.driftUntested == b.driftUntested
    }
}
