/// Two-proportion z-test as Evidently's `z` stattest (`z_stattest.py` `_z_stat_test`).
///
/// If both samples hold one and the same single value, p = 1. Otherwise the categories of
/// reference ∪ current are sorted, the first one is coded 0 and every other value 1, and
/// `proportions_diff_z_stat_ind`: p1, p2 = shares of 1s, P = (p1·n1 + p2·n2)/(n1 + n2),
/// z = (p1 − p2) / sqrt(P(1 − P)(1/n1 + 1/n2)); `proportions_diff_z_test`:
/// p = 2·(1 − Φ(|z|)). Drift when p < threshold (default 0.05).
public struct ZTest: Sendable, Equatable {
    /// The z statistic (NaN when p was set to 1 by the single-value rule).
    public var statistic: Double
    /// The two-sided p-value.
    public var pValue: Double

    /// Runs the test. `firstCategoryReference`/`firstCategoryCurrent` are the counts of the
    /// smallest category (in sort order) of reference ∪ current.
    public static func test(
        referenceTotal n1: Int, referenceFirstCategory ref0: Int,
        currentTotal n2: Int, currentFirstCategory cur0: Int,
        singleSameValue: Bool
    ) -> ZTest {
        if singleSameValue { return ZTest(statistic: .nan, pValue: 1) }
        let n1d = Double(n1), n2d = Double(n2)
        let p1 = Double(n1 - ref0) / n1d
        let p2 = Double(n2 - cur0) / n2d
        let pooled = (p1 * n1d + p2 * n2d) / (n1d + n2d)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1.0 / n1d + 1.0 / n2d)).squareRoot()
        let p = 2 * (1 - SpecialFunctions.normalCDF(abs(z)))
        return ZTest(statistic: z, pValue: p)
    }
}
