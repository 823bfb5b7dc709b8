/// The `drift:` section: a default drift test/threshold and per-feature overrides
/// (`drift: {features: {amount: {test: psi, threshold: 0.2}}, default: {test: ks}}`).
public struct DriftSettings: Sendable, Equatable {
    /// For features without their own entry; `DriftOptions.default` means Evidently's automatic choice.
    public var defaultOptions: DriftOptions
    /// Per-feature overrides, by feature name.
    public var features: [String: DriftOptions]

    public init(defaultOptions: DriftOptions = .default, features: [String: DriftOptions] = [:]) {
        self.defaultOptions = defaultOptions
        self.features = features
    }

    /// The options for one feature: its own test and threshold where given, else the default's.
    public func options(for feature: String) -> DriftOptions {
        guard let own = features[feature] else { return defaultOptions }
        return DriftOptions(test: own.test ?? defaultOptions.test, threshold: own.threshold ?? defaultOptions.threshold)
    }
}
