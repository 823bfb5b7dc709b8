/// Quantiles as numpy's default (`method="linear"`, Hyndman & Fan type 7) computes them.
public enum Quantiles {
    /// - Parameter sorted: ascending, finite values; `q` in 0…1.
    /// - Complexity: O(1).
    /// Neighbours too far apart for their difference (−1e308 and 1e308) are interpolated without
    /// overflow (`NumericReference.interpolate`), where numpy gives NaN or ±inf.
    public static func linear(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty, (0...1).contains(q) else { return nil }
        let h = Double(sorted.count - 1) * q
        let lo = min(Int(h.rounded(.down)), sorted.count - 1)
        let hi = min(lo + 1, sorted.count - 1)
        return NumericReference.interpolate(sorted[lo], sorted[hi], h - Double(lo))
    }

    /// The quantiles shown for numeric features: p5, p25, p50, p75, p95.
    public static let displayed: [Double] = [0.05, 0.25, 0.5, 0.75, 0.95]
}
