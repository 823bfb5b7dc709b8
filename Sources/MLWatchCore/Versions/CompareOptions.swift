/// `compare: {baseline: v1}`: every other version of a model is compared with this one in the same window
/// (drift of its inputs and outputs against the baseline's, shadow agreement), with the drift tests and
/// thresholds of the `drift:` section.
public struct CompareOptions: Sendable, Equatable {
    /// The version the others are compared against.
    public var baseline: String
    /// Per-column test and threshold overrides, and the default (from `drift:`).
    public var driftOverrides: [String: DriftOptions]
    public var driftDefaults: DriftOptions
    /// A column is compared only when both versions have at least this many non-missing values of it in
    /// the window (`drift.min_samples`).
    public var minSamples: Int

    public init(baseline: String, driftOverrides: [String: DriftOptions] = [:], driftDefaults: DriftOptions = .default,
                minSamples: Int = DriftSettings.defaultMinSamples) {
        self.baseline = baseline
        self.driftOverrides = driftOverrides
        self.driftDefaults = driftDefaults
        self.minSamples = max(1, minSamples)
    }
}
