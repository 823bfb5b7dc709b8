/// The KS statistic and raw Wasserstein distance of a small current sample against a large prepared
/// reference, by binary searches into the reference instead of a merge of both samples.
///
/// Why: a sparse log (one prediction every few minutes) has 1–3 events in a 10-minute window, and every
/// rule evaluation compared them with the whole reference (16k values in the sample config): the merge is
/// O(n + m), so each evaluation cost the reference's size. Here it is O(k·log m + k·s) for k distinct
/// current values (s ≤ `directGaps`), independent of m.
///
/// The current sample's distinct values u₁ < … < u_k cut the line into k + 1 segments. Within a segment
/// the current CDF is constant (J/n) and the reference CDF only grows, so:
///
/// - **KS, exactly the merge's D.** The merge looks at every group end (the point after all copies of
///   one value in both samples) and keeps v = i·n − j·m (i, j: reference and current counts there) with
///   its extremes, then forms D from the float `i/m − j/n` of the (i, j) pairs reaching them. Inside a
///   segment j is fixed and v strictly increases with i, so of the reference-only group ends in a segment
///   only the last can reach the maximum (or tie it), and none reaches the minimum or ties it: the first has
///   a larger v than the group end at the segment's lower current value (before u₁, v > 0 ≥ v(m, n) = 0,
///   the final point). This path visits exactly the group ends at each uₖ and the last group end of each
///   segment, so it sees every (i, j) pair that reaches or ties an extreme, and builds D with the same
///   expressions: the same bits.
/// - **Wasserstein, the same integral summed differently.** The merge adds |v|·Δx over every gap. Here a
///   segment's gaps between reference values are added directly when there are at most `directGaps` of
///   them (then those terms, in the same order, are the merge's), else in two closed forms around the one
///   reference count s where v changes sign: with g_t = x_{t+1} − x_t and P_c = Σ_{t<c} (t+1)·g_t
///   (`NumericReference.cdfIntegral(at:)`: a stored value every 8 indices plus at most 7 terms),
///   Σ (J·m − (t+1)·n)·g_t = J·m·(x_q − x_a) − n·(P_q − P_a) below, and the mirror image above.
///
/// Tolerance (u = 2⁻⁵³, R = range of the reference, n, m the sizes, K ≤ k + 1 the segments summed in
/// closed form). Each P_c is within ~11u·P_c ≤ 11u·m·R of the exact Σ(t+1)·g_t (the stored block value
/// ~3u, compensated, plus a plain sum of ≤ 7 positive terms), each difference x_q − x_a within u·R; so each
/// closed form is within ~25·n·m·u·R of its exact value, and after the division by n·m each segment is off
/// by at most ~50·u·R. The merge itself is within (n + m)·u·W of the exact W (positive terms). Hence
///   |W_search − W_merge| ≤ 50·K·u·R + (n + m + K)·u·W,
/// an absolute error proportional to the reference's range, not to W: relative to W it is 50·K·u·R/W,
/// e.g. 6·10⁻¹³·R/W for 100 distinct current values (the scipy fixtures of 20,000 vs 100 values agree to
/// 1e-9 relative, their tolerance). The bound does not grow with m or with the values' offset (P is built
/// from gaps, never from the values themselves). A result that is not finite (gaps near 1.8e308) is
/// measured again by `WassersteinDistance.raw`, as in the merge.
extension TwoSampleSweep {
    /// A segment with at most this many reference gaps is summed term by term: as cheap as the closed form,
    /// and then the terms are the merge's.
    static let directGaps = 8

    /// Whether binary searches beat the merge for n current values against m reference values:
    /// 2·n·⌈log₂ m⌉ < n + m.
    ///
    /// The merge costs about one predictable step per value, n + m (≈ 1.3 ns here); the search path two
    /// binary searches per current value (2·log₂ m unpredictable steps, often cache misses) plus up to three
    /// lookups of the reference's CDF integral (≤ 7 terms each), about two merge steps per log₂ m per current
    /// value. Measured with `mlwatch-bench drift-small` (BENCHMARKS.md "Drift statistics"): m = 16,000:
    /// n = 300 search ×1.4 faster, n = 1000 ×0.6 (the rule takes the merge there); m = 100,000: n = 1000
    /// ×1.9, n = 3000 ×0.9; m = 2000: n = 100 ×2.1 (merge taken). Near the crossing both cost about the same.
    static func searchIsCheaper(current n: Int, reference m: Int) -> Bool {
        guard n > 0, m > 0 else { return false }
        let log2m = Int.bitWidth - m.leadingZeroBitCount
        return 2 &* n &* log2m < n &+ m
    }

    /// KS statistic and raw Wasserstein distance of a **sorted, finite** current sample against a prepared
    /// reference: the search path when `searchIsCheaper`, else the merge.
    /// - Complexity: O(min(n + m, n·log m)).
    static func run(reference: NumericReference, sortedCurrent cur: [Double]) -> TwoSampleSweep {
        if searchIsCheaper(current: cur.count, reference: reference.sortedValues.count) {
            return search(reference: reference, sortedCurrent: cur)
        }
        return run(sortedA: reference.sortedValues, sortedB: cur)
    }

    /// The search path (see the type's comment), whatever the sizes: the tests compare it with the merge.
    /// - Complexity: O(k·(log m + `directGaps`)) for k distinct current values.
    static func search(reference: NumericReference, sortedCurrent cur: [Double]) -> TwoSampleSweep {
        let ref = reference.sortedValues
        let m = ref.count, n = cur.count
        precondition(m > 0 && n > 0)
        var maxV = Int.min, minV = Int.max
        var maxFloat = -Double.infinity, minFloat = Double.infinity
        let md = Double(m), nd = Double(n)
        // The merge's bookkeeping of one group end, with the same expressions (see `run(sortedA:sortedB:)`).
        @inline(__always) func groupEnd(_ i: Int, _ j: Int) {
            let v = i &* n &- j &* m
            let f = Double(i) / md - Double(j) / nd
            if v >= maxV {
                if v > maxV { maxV = v; maxFloat = f } else { maxFloat = Swift.max(maxFloat, f) }
            }
            if v <= minV {
                if v < minV { minV = v; minFloat = f } else { minFloat = Swift.min(minFloat, f) }
            }
        }
        var weighted = 0.0
        ref.withUnsafeBufferPointer { x in
            reference.cdfIntegralBlocks.withUnsafeBufferPointer { blocks in
                cur.withUnsafeBufferPointer { c in
                    // Adds n·m times ∫|F_m − j/n| over the reference gaps t in a..<b (x_t to x_{t+1}, where
                    // F_m = (t+1)/m). Term by term it is the merge's own sum, in the same order.
                    @inline(__always) func addGaps(_ a: Int, _ b: Int, j: Int) {
                        if b - a <= directGaps {
                            var t = a
                            while t < b {
                                let v = (t + 1) &* n &- j &* m
                                weighted += Double(v < 0 ? -v : v) * (x[t + 1] - x[t])
                                t += 1
                            }
                            return
                        }
                        // First count s with s·n ≥ j·m: gaps t with t + 1 < s are below the current CDF.
                        let s = (j &* m &+ n &- 1) / n
                        let q = Swift.min(Swift.max(s - 1, a), b)
                        let jm = Double(j &* m)
                        let pa = NumericReference.cdfIntegral(at: a, values: x, blocks: blocks)
                        let pq = NumericReference.cdfIntegral(at: q, values: x, blocks: blocks)
                        let pb = NumericReference.cdfIntegral(at: b, values: x, blocks: blocks)
                        let below = jm * (x[q] - x[a]) - nd * (pq - pa)
                        let above = nd * (pb - pq) - jm * (x[b] - x[q])
                        // Each is a sum of non-negative terms: rounding may leave it just below 0 (NaN stays).
                        weighted += (below < 0 ? 0 : below) + (above < 0 ? 0 : above)
                    }
                    // The merge's term of one group end: |v|·(distance to the next value), also when v = 0
                    // (0·∞ = NaN sends extreme values to the fallback below, as in the merge).
                    @inline(__always) func addPiece(_ i: Int, _ j: Int, _ width: Double) {
                        let v = i &* n &- j &* m
                        weighted += Double(v < 0 ? -v : v) * width
                    }
                    var k = 0, j = 0
                    var lowerEnd = 0  // reference values ≤ the previous current value
                    var previous = -Double.infinity
                    while k < n {
                        let u = c[k]
                        var next = k + 1
                        while next < n && c[next] == u { next += 1 }
                        let a = lowerEnd
                        let b = HistogramBinning.lowerBound(x, u, from: a)  // reference values < u
                        let upper = HistogramBinning.upperBound(x, u, from: b)
                        // The segment from the previous current value (or the first reference value) to u.
                        if b > a {
                            if k > 0 { addPiece(a, j, x[a] - previous) }
                            addGaps(a, b - 1, j: j)
                            addPiece(b, j, u - x[b - 1])
                            groupEnd(b, j)
                        } else if k > 0 {
                            addPiece(a, j, u - previous)
                        }
                        j = next
                        groupEnd(upper, j)
                        lowerEnd = upper
                        previous = u
                        k = next
                    }
                    // After the last current value: the reference values above it.
                    if lowerEnd < m {
                        addPiece(lowerEnd, n, x[lowerEnd] - previous)
                        addGaps(lowerEnd, m - 1, j: n)
                        groupEnd(m, n)
                    }
                }
            }
        }
        let minS = Swift.min(Swift.max(-minFloat, 0), 1)
        let d = minS > maxFloat ? minS : maxFloat
        let raw = weighted.isFinite ? weighted / (md * nd) : WassersteinDistance.raw(sortedU: ref, sortedV: cur)
        return TwoSampleSweep(ksStatistic: d, wassersteinRaw: raw)
    }
}
