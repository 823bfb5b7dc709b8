/// A metric name with optional label matchers: `drift_psi{feature="amount",model!="b"}`.
public struct MetricSelector: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var matchers: [LabelMatcher]

    public init(name: String, matchers: [LabelMatcher] = []) {
        self.name = name
        self.matchers = matchers
    }

    /// Whether a sample belongs to this selector.
    public func matches(_ sample: MetricSample) -> Bool {
        sample.name == name && matchers.allSatisfy { $0.matches(sample.labels) }
    }

    public var description: String {
        matchers.isEmpty ? name : name + "{" + matchers.map(\.description).joined(separator: ",") + "}"
    }
}
