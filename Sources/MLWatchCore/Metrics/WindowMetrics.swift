/// The metrics of one window: flat samples (for rules and JSON) plus per-feature and per-output detail
/// (for the panels).
public struct WindowMetrics: Sendable {
    public var metrics: [MetricSample]
    public var features: [FeatureSummary]
    public var outputs: [OutputSummary]
    /// Versions against the `compare` baseline, per model (empty without `compare`).
    public var versions: [VersionComparisonSummary] = []
    /// Fairness across groups, per model version (empty without `fairness`).
    public var fairness: [FairnessSummary] = []
    /// What `compare` or `fairness` could not compute, and why.
    public var warnings: [MonitorWarning] = []
    /// Columns not tested for drift for want of values (`drift.min_samples`).
    public var driftUntested: [DriftUntested] = []
    /// How the groups and features of the window fit their caps.
    public var cardinality = Cardinality()

    public init(metrics: [MetricSample] = [], features: [FeatureSummary] = [], outputs: [OutputSummary] = []) {
        self.metrics = metrics
        self.features = features
        self.outputs = outputs
    }
}

/// The current window's values of one column, handed to drift detection.
public enum ColumnValues: Sendable {
    case numeric([Double])
    /// Finite values, already sorted ascending (the window keeps them so; no sort needed).
    case sortedNumeric([Double])
    case categorical([String: Int])
    /// A free-text feature: the lengths of its values in characters, sorted ascending.
    case textLengths([Double])
}

/// Compares a column of the current window against the reference (implemented by `DriftMonitor`).
/// Confined to the collector's queue like the rest of `MonitorState`.
public protocol DriftEvaluating: AnyObject {
    /// Nil when the reference has no such column or either side is empty after cleaning.
    /// - Parameters:
    ///   - ksPValue: whether to compute the (costly) KS p-value when KS is not the chosen test.
    ///   - details: whether to fill what only a display reads (bins and their labels, shares, reference
    ///     quantiles, fleet bins); rule evaluations read only the test values and the decision.
    func drift(column: String, current: ColumnValues, ksPValue: Bool, details: Bool) -> DriftSummary?
    /// The reference's values of `column` that a test would compare with (non-missing, finite), for
    /// `drift.min_samples`; nil when the reference has no such column (or is not known yet).
    func referenceCount(column: String) -> Int?
    /// Whether `observe` still wants predictions (a reference being learned from the stream). The
    /// collector asks first, so a fixed reference costs no copy of each event.
    var observesEvents: Bool { get }
    /// Sees every accepted prediction while `observesEvents` (a reference learned from the stream uses it).
    func observe(_ event: PredictionEvent)
    /// An independent copy, for state checkpoints (a reference still being learned is copied too).
    func copy() -> any DriftEvaluating
}

extension DriftEvaluating {
    /// The drift of a column with every detail (see `drift(column:current:ksPValue:details:)`).
    public func drift(column: String, current: ColumnValues, ksPValue: Bool) -> DriftSummary? {
        drift(column: column, current: current, ksPValue: ksPValue, details: true)
    }
}
