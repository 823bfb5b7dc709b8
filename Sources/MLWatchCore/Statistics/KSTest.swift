import Foundation

/// Two-sample two-sided Kolmogorov–Smirnov test, identical to
/// `scipy.stats.ks_2samp(a, b, alternative="two-sided", method="auto")` (scipy 1.17).
public struct KSTest: Sendable, Equatable {
    /// How the p-value was obtained.
    public enum Method: String, Sendable, Equatable, Codable {
        /// `_compute_prob_outside_square` (n1 == n2) or `_compute_outer_prob_inside_method`.
        case exact
        /// `kstwo.sf(D, round(n1·n2/(n1+n2)))`.
        case asymptotic
    }

    /// The KS statistic D. In exact mode scipy returns h/lcm(n1, n2) with h = round(D·lcm),
    /// which this reproduces.
    public var statistic: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// Exact or asymptotic.
    public var method: Method

    /// `MAX_AUTO_N` of `ks_2samp`: exact p-values when max(n1, n2) ≤ 10000.
    public static let maxExactSampleSize = 10_000

    /// Runs the test on two **sorted**, finite, non-empty samples.
    /// - Complexity: O(n1 + n2) for the statistic; the exact p-value costs up to O(n1·n2·D).
    public static func sorted(_ a: [Double], _ b: [Double]) -> KSTest {
        precondition(!a.isEmpty && !b.isEmpty, "ks_2samp needs non-empty samples")
        let d = statistic(sortedA: a, sortedB: b)
        return pValue(statistic: d, n1: a.count, n2: b.count)
    }

    /// Sorts the samples (dropping nothing) and runs the test.
    public static func unsorted(_ a: [Double], _ b: [Double]) -> KSTest {
        sorted(DoubleRadixSort.sorted(a), DoubleRadixSort.sorted(b))
    }

    /// The statistic max |F1 − F2| where the empirical CDFs are evaluated after each value
    /// (`np.searchsorted(..., side="right")`) so that ties are handled as scipy does:
    /// `cddiffs = cdf1 - cdf2`, `maxS = max(cddiffs)`, `minS = clip(-min(cddiffs), 0, 1)`,
    /// D = minS if minS > maxS else maxS.
    public static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let n1 = a.count, n2 = b.count
        let n1d = Double(n1), n2d = Double(n2)
        var maxS = -Double.infinity
        var minDiff = Double.infinity
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var i = 0, j = 0
                while i < n1 || j < n2 {
                    let v: Double
                    if i < n1 && (j >= n2 || pa[i] <= pb[j]) { v = pa[i] } else { v = pb[j] }
                    while i < n1 && pa[i] <= v { i += 1 }
                    while j < n2 && pb[j] <= v { j += 1 }
                    let diff = Double(i) / n1d - Double(j) / n2d
                    if diff > maxS { maxS = diff }
                    if diff < minDiff { minDiff = diff }
                }
            }
        }
        let minS = min(max(-minDiff, 0), 1)
        return minS > maxS ? minS : maxS
    }

    /// The `ks_2samp` p-value for a statistic and sample sizes (`method="auto"`).
    public static func pValue(statistic d: Double, n1: Int, n2: Int) -> KSTest {
        var d = d
        if max(n1, n2) <= maxExactSampleSize {
            let g = gcd(n1, n2)
            let (success, dExact, prob) = attemptExact(n1: n1, n2: n2, g: g, d: d)
            d = dExact
            if success { return KSTest(statistic: d, pValue: min(max(prob, 0), 1), method: .exact) }
        }
        // Asymptotic: m, n = sorted([n1, n2], reverse=True); en = m*n/(m+n);
        // prob = kstwo.sf(d, np.round(en)).
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = m * n / (m + n)
        let nRounded = Int(en.rounded(.toNearestOrEven))
        let prob = KolmogorovDistribution.sf(d, n: nRounded)
        return KSTest(statistic: d, pValue: min(max(prob, 0), 1), method: .asymptotic)
    }

    /// `_attempt_exact_2kssamp` (two-sided): returns (success, rounded d, probability).
    static func attemptExact(n1: Int, n2: Int, g: Int, d: Double) -> (Bool, Double, Double) {
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let dRounded = Double(h) * 1.0 / Double(lcm)
        if h == 0 { return (true, dRounded, 1.0) }
        let prob: Double
        if n1 == n2 {
            prob = probOutsideSquare(n: n1, h: h)
        } else {
            prob = outerProbInsideMethod(m: n1, n: n2, g: g, h: h)
        }
        if !prob.isFinite { return (false, dRounded, .nan) }
        if !(0 <= prob && prob <= 1) { return (false, dRounded, prob) }
        return (true, dRounded, prob)
    }

    /// `_compute_prob_outside_square(n, h)`: Pr(D_{n,n} ≥ h/n)
    /// = 2·(C(2n,n−h) − C(2n,n−2h) + …)/C(2n,n), evaluated Horner-like as
    /// P = 2·A0·(1 − A1·(1 − A2·(1 − …))).
    static func probOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// `_compute_outer_prob_inside_method(m, n, g, h)` (scipy `_stats_pythran.py`): the proportion
    /// of lattice paths from (0,0) to (m,n) that leave |x/m − y/n| < h/lcm, computed directly as
    /// 1 − p with Viehmann's (arXiv:2102.08037) recursion over a sliding column window (Hodges 1958).
    static func outerProbInsideMethod(m mIn: Int, n nIn: Int, g: Int, h: Int) -> Double {
        var m = mIn, n = nIn
        if m < n { swap(&m, &n) }
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1.0, count: lenA)
        for idx in minj..<maxj { a[idx] = 0.0 }
        return a.withUnsafeMutableBufferPointer { pa -> Double in
            for i in 1...m {
                let lastminj = minj, lastlen = curlen
                minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
                minj = min(minj, n)
                maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
                if maxj <= minj { return 1.0 }
                var val = minj == 0 ? 0.0 : 1.0
                let id = Double(i)
                for jj in 0..<(maxj - minj) {
                    let j = jj + minj
                    val = (pa[jj + minj - lastminj] * id + val * Double(j)) / (id + Double(j))
                    pa[jj] = val
                }
                curlen = maxj - minj
                if lastlen > curlen {
                    let lo = maxj - minj
                    let hi = min(lo + (lastlen - curlen), lenA)
                    if lo < hi { for idx in lo..<hi { pa[idx] = 1 } }
                }
            }
            return pa[maxj - minj - 1]
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
