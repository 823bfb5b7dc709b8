/// Quantiles as numpy's default (`method="linear"`, Hyndman & Fan type 7) computes them.
public enum Quantiles {
    /// - Parameter sorted: ascending, finite values.
    /// - Complexity: O(1).
    public static func linear(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// The quantiles shown for numeric features: p5, p25, p50, p75, p95.
    public static let displayed: [Double] = [0.05, 0.25, 0.5, 0.75, 0.95]
}
