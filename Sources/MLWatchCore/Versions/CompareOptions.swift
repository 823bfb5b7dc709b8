/// `compare: {baseline: v1}`: every other version of a model is compared with this one in the same window
/// (drift of its inputs and outputs against the baseline's, shadow agreement), with the drift tests and
/// thresholds of the `drift:` section.
public struct CompareOptions: Sendable, Equatable {
    /// The version the others are compared against.
    public var baseline: String
    /// Per-column test and threshold overrides, and the default (from `drift:`).
    public var driftOverrides: [String: DriftOptions]
    public var driftDefaults: DriftOptions

    public init(baseline: String, driftOverrides: [String: DriftOptions] = [:], driftDefaults: DriftOptions = .default) {
        self.baseline = baseline
        self.driftOverrides = driftOverrides
        self.driftDefaults = driftDefaults
    }
}
