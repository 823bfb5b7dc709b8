/// Per-call overrides of the drift test (per-feature configuration maps onto this).
public struct DriftOptions: Sendable, Equatable, Codable {
    /// Force this test instead of Evidently's default choice.
    public var test: DriftTest?
    /// Use this threshold instead of the test's default.
    public var threshold: Double?

    /// Options; `nil` means Evidently's default.
    public init(test: DriftTest? = nil, threshold: Double? = nil) {
        self.test = test
        self.threshold = threshold
    }

    /// Evidently's defaults.
    public static let `default` = DriftOptions()
}
