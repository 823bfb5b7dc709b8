/// First Wasserstein (earth mover's) distance between two 1-D samples.
public enum WassersteinDistance {
    /// Evidently's norm floor: `max(np.std(reference), 0.001)`.
    public static let minimumNorm = 0.001

    /// `scipy.stats.wasserstein_distance(u, v)` for two **sorted** finite samples:
    /// Σ |U(x_k) − V(x_k)| · (x_{k+1} − x_k) over the merged sorted values, with U, V the
    /// empirical CDFs evaluated with `searchsorted(..., "right")` (scipy `_cdf_distance(1, u, v)`).
    /// Where scipy overflows (a gap between consecutive values wider than 1.8e308), the gap is measured
    /// without overflow: the result is the true distance, `inf` only when that exceeds a Double.
    /// - Complexity: O(n1 + n2).
    public static func raw(sortedU u: [Double], sortedV v: [Double]) -> Double {
        let n1 = u.count, n2 = v.count
        if n1 == 0 || n2 == 0 { return .nan }
        let n1d = Double(n1), n2d = Double(n2)
        var total = 0.0
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                var i = 0, j = 0
                // Current merged value, and CDFs after all copies of it.
                var x: Double = min(pu[0], pv[0])
                while true {
                    while i < n1 && pu[i] <= x { i += 1 }
                    while j < n2 && pv[j] <= x { j += 1 }
                    let next: Double
                    if i < n1 {
                        next = j < n2 ? min(pu[i], pv[j]) : pu[i]
                    } else if j < n2 {
                        next = pv[j]
                    } else {
                        break
                    }
                    // An empty stretch adds nothing, even one too wide for a Double (scipy: 0 · inf = NaN);
                    // a stretch from −1e308 to 1e308 is measured at half scale.
                    let difference = abs(Double(i) / n1d - Double(j) / n2d)
                    if difference != 0 {
                        let width = next - x
                        total += width.isFinite ? difference * width : difference * (next * 0.5 - x * 0.5) * 2
                    }
                    x = next
                }
            }
        }
        return total
    }

    /// Evidently's `wasserstein` stattest (`_wasserstein_distance_norm`):
    /// `wasserstein_distance(reference, current) / max(np.std(reference), 0.001)` (population std).
    public static func normed(raw: Double, referenceStd: Double) -> Double {
        raw / max(referenceStd, minimumNorm)
    }
}
