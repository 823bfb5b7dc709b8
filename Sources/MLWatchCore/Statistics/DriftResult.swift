/// Everything one drift computation of a column produced: the chosen test and its decision, every
/// statistic that applies to the column, and the common-bin histogram for display.
public struct DriftResult: Sendable, Equatable {
    /// The test that decided (`drift_test`): Evidently's default or the caller's.
    public var test: DriftTest
    /// The chosen test's value: a p-value for `ks`, `chisquare`, `z`; a distance otherwise.
    public var score: Double
    /// The threshold applied to `score`.
    public var threshold: Double
    /// Whether drift was detected (`test.isDrift(score:threshold:)`).
    public var detected: Bool

    /// KS statistic (numeric columns).
    public var ksStatistic: Double?
    /// KS p-value (numeric columns).
    public var ksPValue: Double?
    /// How the KS p-value was computed.
    public var ksMethod: KSTest.Method?
    /// Evidently's normed Wasserstein distance (numeric columns).
    public var wassersteinNormed: Double?
    /// scipy's Wasserstein distance (numeric columns).
    public var wassersteinRaw: Double?
    /// PSI on Evidently's bins.
    public var psi: Double?
    /// KL divergence on Evidently's bins.
    public var kl: Double?
    /// Jensen–Shannon distance on Evidently's bins.
    public var js: Double?
    /// Chi-square statistic (categorical columns; numeric columns with ≤ 20 distinct values).
    public var chi2Statistic: Double?
    /// Chi-square p-value.
    public var chi2PValue: Double?
    /// z-test p-value (binary columns).
    public var zPValue: Double?
    /// Categories seen in the current window but not in the reference (sorted by code point).
    public var unseenCategories: [String]
    /// Categories of the reference absent from the current window (sorted by code point).
    public var vanishedCategories: [String]
    /// The common bins and shares.
    public var histogram: DriftHistogram
    /// Values used from the reference (after cleaning).
    public var referenceCount: Int
    /// Values used from the current window (after cleaning).
    public var currentCount: Int

    /// The test's string id (`"ks"`, `"wasserstein"`, `"psi"`, `"kl"`, `"jensenshannon"`,
    /// `"chisquare"`, `"z"`).
    public var testID: String { test.rawValue }
}
