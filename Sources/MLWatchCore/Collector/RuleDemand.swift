/// What rule evaluations compute: only the metrics their rules read (see `MetricsCalculator.compute`), the
/// drift columns they test, and the `feature_*` statistics only when a rule reads one.
struct RuleDemand: Sendable, Equatable {
    /// The metric names read (computed exactly; others may be left out or approximate).
    var metricNames: Set<String>
    /// Drift columns computed.
    var driftScope: DriftScope
    /// Whether a `feature_*` metric is read.
    var featureStatistics: Bool
    /// Columns compared with the `compare` baseline.
    var comparisonScope: DriftScope

    /// Nothing is evaluated.
    static let none = RuleDemand(metricNames: [], driftScope: .none, featureStatistics: false)

    init(metricNames: Set<String>, driftScope: DriftScope, featureStatistics: Bool, comparisonScope: DriftScope = .none) {
        self.metricNames = metricNames
        self.driftScope = driftScope
        self.featureStatistics = featureStatistics
        self.comparisonScope = comparisonScope
    }

    /// What `rules` read, with the run's metric options (the `compare` baseline).
    init(rules: [AlertRule], metrics: MetricOptions = MetricOptions()) {
        let names = Set(rules.flatMap { $0.expression.comparisons.map(\.selector.name) })
        self.init(metricNames: names, driftScope: DriftScope.needed(by: rules),
                  featureStatistics: names.contains { $0.hasPrefix("feature_") },
                  comparisonScope: metrics.compare.map { VersionComparison.scope(for: rules, baseline: $0.baseline) } ?? .none)
    }

    /// Whether the metrics read depend on the boundary's time itself, not only on the window's events:
    /// `events_per_second` divides by the time since the first event while less than a window has passed.
    var readsRate: Bool { metricNames.contains("events_per_second") }
}
