/// Pearson's chi-square goodness-of-fit test as Evidently's `chisquare` stattest
/// (`chisquare_stattest.py` `_chi_stat_test`): over the categories of reference ∪ current,
/// expected = reference count · (n_current / n_reference), statistic = Σ (obs − exp)² / exp
/// (`scipy.stats.chisquare(f_obs, f_exp)`), p-value = `chi2.sf(statistic, k − 1)`.
/// A category absent from the reference has exp = 0, which makes the statistic +∞ and p = 0.
/// Drift when p < threshold (default 0.05).
public struct ChiSquareTest: Sendable, Equatable {
    /// The chi-square statistic.
    public var statistic: Double
    /// The p-value.
    public var pValue: Double
    /// Degrees of freedom, k − 1.
    public var degreesOfFreedom: Int

    /// Runs the test on aligned per-category counts.
    public static func test(referenceCounts: [Int], currentCounts: [Int]) -> ChiSquareTest {
        precondition(referenceCounts.count == currentCounts.count)
        let nRef = referenceCounts.reduce(0, +)
        let nCur = currentCounts.reduce(0, +)
        let kNorm = Double(nCur) / Double(nRef)
        var stat = 0.0
        for k in 0..<referenceCounts.count {
            let expected = Double(referenceCounts[k]) * kNorm
            let diff = Double(currentCounts[k]) - expected
            stat += diff * diff / expected  // 0/0 cannot occur: each category is seen somewhere
        }
        let dof = referenceCounts.count - 1
        let p = SpecialFunctions.chiSquareSF(stat, degreesOfFreedom: Double(dof))
        return ChiSquareTest(statistic: stat, pValue: p, degreesOfFreedom: dof)
    }
}
