/// One merge pass over two sorted samples that yields the KS statistic and the raw Wasserstein
/// distance together (the drift hot path; `KSTest.statistic` and `WassersteinDistance.raw` are the
/// readable reference versions and the tests check that all agree).
///
/// After every group of equal values the empirical CDF difference is tracked exactly as the
/// integer v = i·n2 − j·n1 (= n1·n2·(F1 − F2)); there is no division in the loop. The KS statistic
/// is then formed with scipy's float expression `i/n1 − j/n2` from the (i, j) that reach the
/// extremes (`cddiffs` in `ks_2samp`), and Wasserstein = Σ |v|·Δx / (n1·n2)
/// (scipy `_cdf_distance(1, u, v)`: Σ |U − V|·Δx; differs from scipy's summation order by a
/// few ulps only, all terms being non-negative).
struct TwoSampleSweep {
    var ksStatistic: Double
    var wassersteinRaw: Double

    /// - Complexity: O(n1 + n2), branch-light.
    static func run(sortedA a: [Double], sortedB b: [Double]) -> TwoSampleSweep {
        let n1 = a.count, n2 = b.count
        precondition(n1 > 0 && n2 > 0)
        var maxV = Int.min, minV = Int.max
        var maxFloat = -Double.infinity, minFloat = Double.infinity
        var weighted = 0.0
        let n1d = Double(n1), n2d = Double(n2)
        @inline(__always) func cdfDiff(_ i: Int, _ j: Int) -> Double { Double(i) / n1d - Double(j) / n2d }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var i = 0, j = 0
                while i < n1 || j < n2 {
                    let va = i < n1 ? pa[i] : Double.infinity
                    let vb = j < n2 ? pb[j] : Double.infinity
                    let takeA = va <= vb
                    let x = takeA ? va : vb
                    i &+= takeA ? 1 : 0
                    j &+= takeA ? 0 : 1
                    let na = i < n1 ? pa[i] : Double.infinity
                    let nb = j < n2 ? pb[j] : Double.infinity
                    let next = na < nb ? na : nb
                    if next > x {  // end of a group of equal values: F1, F2 are final here
                        let v = i &* n2 &- j &* n1
                        if v >= maxV {
                            if v > maxV {
                                maxV = v; maxFloat = cdfDiff(i, j)
                            } else {
                                maxFloat = Swift.max(maxFloat, cdfDiff(i, j))
                            }
                        }
                        if v <= minV {
                            if v < minV {
                                minV = v; minFloat = cdfDiff(i, j)
                            } else {
                                minFloat = Swift.min(minFloat, cdfDiff(i, j))
                            }
                        }
                        if next != .infinity {
                            weighted += Double(v < 0 ? -v : v) * (next - x)
                        }
                    }
                }
            }
        }
        let minS = Swift.min(Swift.max(-minFloat, 0), 1)
        let d = minS > maxFloat ? minS : maxFloat
        // |v|·Δx is n1·n2 times a term of the distance: with values near ±1e308 it overflows although the
        // distance itself does not. Then the division-first version measures it (rare: extreme values only).
        let raw = weighted.isFinite ? weighted / (n1d * n2d) : WassersteinDistance.raw(sortedU: a, sortedV: b)
        return TwoSampleSweep(ksStatistic: d, wassersteinRaw: raw)
    }
}
