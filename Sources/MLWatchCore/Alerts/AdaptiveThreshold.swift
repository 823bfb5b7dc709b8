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

    /// The threshold for values given as runs of equal consecutive values (`ValueRuns`), or nil for none.
    /// For runs of one value each it computes what ``learn(from:)`` computes, operation for operation; a run
    /// of `m` equal values weighs `m` (its EWMA step is the closed form of `m` steps, see below).
    /// - Complexity: O(r) for r runs (O(r log r) for a quantile).
    func learn<C: Collection>(runs: C) -> Double? where C.Element == ValueRuns.Run {
        let total = runs.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        switch center {
        case .mean:
            let (mean, sd) = Self.meanAndStd(runs: runs, total: total)
            return mean + k * sd
        case .quantile(let q):
            let sorted = runs.sorted { $0.value < $1.value }
            // The order statistic at `index` of the values the runs stand for.
            func value(at index: Int) -> Double {
                var seen = 0
                for r in sorted {
                    seen += r.count
                    if index < seen { return r.value }
                }
                return sorted[sorted.count - 1].value
            }
            let position = q * Double(total - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, total - 1)
            let fraction = position - Double(lower)
            let lo = value(at: lower)
            let v = lo + (value(at: upper) - lo) * fraction
            if k == 0 { return v }
            return v + k * Self.meanAndStd(runs: runs, total: total).1
        case .ewma(let alpha):
            var mean = 0.0
            var variance = 0.0
            var first = true
            for r in runs {
                if first {
                    // Started at the first value: its other copies change nothing (their difference is 0).
                    mean = r.value
                    first = false
                    continue
                }
                if r.count == 1 {
                    let diff = r.value - mean
                    mean += alpha * diff
                    variance = (1 - alpha) * (variance + alpha * diff * diff)
                } else {
                    // m steps towards the same x: the difference shrinks by (1 − α) per step, so
                    // mean_m = x − (1 − α)^m·d₀ and v_m = (1 − α)^m·(v₀ + d₀²·(1 − (1 − α)^m)).
                    let d0 = r.value - mean
                    let decay = pow(1 - alpha, Double(r.count))
                    mean = r.value - decay * d0
                    variance = decay * (variance + d0 * d0 * (1 - decay))
                }
            }
            return mean + k * variance.squareRoot()
        }
    }

    /// Weighted mean and population standard deviation of runs (two passes, as `meanAndStd`).
    static func meanAndStd<C: Collection>(runs: C, total: Int) -> (Double, Double) where C.Element == ValueRuns.Run {
        let n = Double(total)
        let mean = runs.reduce(0) { $0 + (($1.count == 1) ? $1.value : $1.value * Double($1.count)) } / n
        let ss = runs.reduce(0) { acc, r in
            let d = (r.value - mean) * (r.value - mean)
            return acc + (r.count == 1 ? d : d * Double(r.count))
        }
        return (mean, (ss / n).squareRoot())
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
