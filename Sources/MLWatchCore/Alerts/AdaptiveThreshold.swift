import Foundation

/// A threshold learned from data instead of written down: `adaptive(mean + 3 * stddev)`,
/// `adaptive(quantile(0.99))`, `adaptive(ewma(alpha=0.1) + 3 * stddev)`.
///
/// The learned value is `center + k · spread` where the center is the mean, a quantile or an
/// exponentially weighted moving average, and the spread is the matching standard deviation.
public struct AdaptiveThreshold: Sendable, Equatable, CustomStringConvertible {
    /// What the threshold is centred on.
    public enum Center: Sendable, Equatable {
        /// Arithmetic mean; spread is the population standard deviation (numpy's `std`, ddof = 0).
        case mean
        /// Quantile with linear interpolation between order statistics (numpy's default `linear`
        /// method, R type 7); spread is the population standard deviation.
        case quantile(Double)
        /// Exponentially weighted moving average `m ← m + α (x − m)` started at the first value; spread is
        /// the square root of the matching exponentially weighted variance
        /// `v ← (1 − α) (v + α (x − m_prev)²)` (Finch 2009, "Incremental calculation of weighted mean
        /// and variance", eq. 143), which is what an EWMA control band uses.
        case ewma(alpha: Double)
    }

    public var center: Center
    /// Multiplier of the spread added to the center (negative for a lower band).
    public var k: Double

    public init(center: Center, k: Double = 0) {
        self.center = center
        self.k = k
    }

    /// The threshold for a series of values in time order, or nil for no values.
    /// - Complexity: O(n) for mean and EWMA, O(n log n) for a quantile.
    public func learn<C: Collection>(from values: C) -> Double? where C.Element == Double {
        let xs = values.filter { $0.isFinite }
        guard !xs.isEmpty else { return nil }
        switch center {
        case .mean:
            let (mean, sd) = Self.meanAndStd(xs)
            return mean + k * sd
        case .quantile(let q):
            let sorted = xs.sorted()
            let position = q * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            let fraction = position - Double(lower)
            let value = sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
            if k == 0 { return value }
            return value + k * Self.meanAndStd(xs).1
        case .ewma(let alpha):
            var mean = xs[0]
            var variance = 0.0
            for x in xs.dropFirst() {
                let diff = x - mean
                mean += alpha * diff
                variance = (1 - alpha) * (variance + alpha * diff * diff)
            }
            return mean + k * variance.squareRoot()
        }
    }

    static func meanAndStd(_ xs: [Double]) -> (Double, Double) {
        let n = Double(xs.count)
        let mean = xs.reduce(0, +) / n
        let ss = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (ss / n).squareRoot())
    }

    public var description: String {
        let base: String
        switch center {
        case .mean: base = "mean"
        case .quantile(let q): base = "quantile(\(Self.format(q)))"
        case .ewma(let a): base = "ewma(alpha=\(Self.format(a)))"
        }
        if k == 0 { return "adaptive(\(base))" }
        return "adaptive(\(base) \(k < 0 ? "-" : "+") \(Self.format(abs(k))) * stddev)"
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
