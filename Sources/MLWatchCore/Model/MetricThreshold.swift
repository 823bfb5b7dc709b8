/// A threshold that an alert rule applies to one metric series, as shown beside the metric.
public struct MetricThreshold: Sendable, Equatable {
    public var metric: String
    public var labels: Labels
    public var value: Double
    public var rule: String
    /// The comparison (`>`, `<`, …) so a panel knows which side is bad.
    public var op: String

    public init(metric: String, labels: Labels, value: Double, rule: String, op: String) {
        self.metric = metric
        self.labels = labels
        self.value = value
        self.rule = rule
        self.op = op
    }
}

extension Snapshot {
    /// The threshold a rule applies to `metric` for the series of `group` (nil when no rule watches it).
    public func thresholdValue(_ metric: String, group: Labels?, extra: [String: String] = [:]) -> Double? {
        var wanted = group ?? Labels()
        for (k, v) in extra { wanted[k] = v }
        return thresholds.first { t in
            t.metric == metric && t.labels.pairs.allSatisfy { wanted[$0.key] == $0.value }
        }?.value
    }
}
