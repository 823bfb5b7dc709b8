/// The `drift:` section: a default drift test/threshold, per-feature overrides and the fewest values a
/// column needs to be tested (`drift: {features: {amount: {test: psi, threshold: 0.2}}, default: {test: ks},
/// min_samples: 30}`).
public struct DriftSettings: Sendable, Equatable {
    /// For features without their own entry; `DriftOptions.default` means Evidently's automatic choice.
    public var defaultOptions: DriftOptions
    /// Per-feature overrides, by feature name.
    public var features: [String: DriftOptions]
    /// A column with fewer non-missing values than this in the window (or in the `compare` baseline's
    /// window) is not tested: no `drift_*` samples, a "not tested" note instead (see `DriftUntested`).
    public var minSamples: Int

    /// The default `min_samples`: below about 30 values a two-sample statistic against a large reference
    /// is noise (one value against 50,000 gives a Wasserstein distance near 1), and the sizes monitoring
    /// tools use before they evaluate PSI or KS start there.
    public static let defaultMinSamples = 30
    /// Largest `drift.min_samples`.
    public static let maxMinSamples = 10_000_000

    public init(defaultOptions: DriftOptions = .default, features: [String: DriftOptions] = [:],
                minSamples: Int = DriftSettings.defaultMinSamples) {
        self.defaultOptions = defaultOptions
        self.features = features
        self.minSamples = max(1, minSamples)
    }

    /// The options for one feature: its own test and threshold where given, else the default's.
    public func options(for feature: String) -> DriftOptions {
        guard let own = features[feature] else { return defaultOptions }
        return DriftOptions(test: own.test ?? defaultOptions.test, threshold: own.threshold ?? defaultOptions.threshold)
    }
}
