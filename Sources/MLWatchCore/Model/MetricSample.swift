/// One value of one metric for one label set, as it appears in snapshots, rules and JSON output.
/// Metric names are the vocabulary of ARCHITECTURE.md (`latency_p99_ms`, `drift_psi`, …).
public struct MetricSample: Sendable, Equatable {
    public var name: String
    public var labels: Labels
    public var value: Double
    /// A textual value for metrics that are not numbers (`drift_test` carries the test's name here
    /// and `value` is the test's stable numeric id).
    public var text: String?

    public init(name: String, labels: Labels = Labels(), value: Double, text: String? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.text = text
    }
}
