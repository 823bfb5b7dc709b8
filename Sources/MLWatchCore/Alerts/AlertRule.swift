/// One alerting rule, Prometheus style: a name, a condition, how long it must hold (`for`), how long an
/// alert outlives its condition (`keep_firing_for`), labels (severity) and annotations (summary).
public struct AlertRule: Sendable, Equatable {
    /// The `alert:` name; unique within a config.
    public var name: String
    public var expression: RuleExpression
    /// Seconds of event time the condition must hold before pending becomes firing; 0 fires at once.
    public var forDuration: Double
    /// Seconds of event time the condition must stay false before a firing alert resolves.
    public var keepFiringFor: Double
    public var labels: [String: String]
    /// `summary`, `description`, … with `{{ $value }}`, `{{ $threshold }}` and `{{ $labels.x }}` templates.
    public var annotations: [String: String]
    /// Re-learn adaptive thresholds from the series' trailing history every this many seconds of event time.
    /// Nil: learn once from the reference when one was fed, else continuously from trailing history.
    public var relearnInterval: Double?
    /// Capacity of the trailing-history ring buffer of each adaptive threshold.
    public var historySize: Int
    /// Trailing values needed before a history-learned threshold exists (until then the comparison is false).
    public var minSamples: Int

    public init(
        name: String, expression: RuleExpression, forDuration: Double = 0, keepFiringFor: Double = 0,
        labels: [String: String] = [:], annotations: [String: String] = [:], relearnInterval: Double? = nil,
        historySize: Int = 1000, minSamples: Int = 10
    ) {
        self.name = name
        self.expression = expression
        self.forDuration = forDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
        self.relearnInterval = relearnInterval
        self.historySize = max(1, historySize)
        self.minSamples = max(1, minSamples)
    }

    /// Convenience for code and tests: parses `expr`.
    public init(
        name: String, expr: String, forDuration: Double = 0, keepFiringFor: Double = 0,
        labels: [String: String] = [:], annotations: [String: String] = [:], relearnInterval: Double? = nil,
        historySize: Int = 1000, minSamples: Int = 10
    ) throws(RuleParseError) {
        self.init(
            name: name, expression: try RuleExpression.parse(expr), forDuration: forDuration,
            keepFiringFor: keepFiringFor, labels: labels, annotations: annotations,
            relearnInterval: relearnInterval, historySize: historySize, minSamples: minSamples)
    }

    /// From `labels: {severity: …}`.
    public var severity: AlertSeverity { AlertSeverity(label: labels["severity"]) }
}
