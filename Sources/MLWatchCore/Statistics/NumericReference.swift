/// A numeric reference column prepared once (cleaned, sorted, summarised) and reused for every
/// window. Saved in the reference profile by `mlwatch baseline`.
public struct NumericReference: Sendable, Codable, Equatable {
    /// Levels of `quantiles`.
    public static let quantileLevels: [Double] = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]

    /// The finite values, ascending.
    public let sortedValues: [Double]
    /// Number of finite values.
    public let count: Int
    /// Number of values dropped by the cleaning (NaN, ±∞, missing).
    public let droppedCount: Int
    /// Arithmetic mean (`np.mean`).
    public let mean: Double
    /// Population standard deviation (`np.std`, ddof = 0), Evidently's Wasserstein norm.
    public let standardDeviation: Double
    /// Number of distinct values (`Series.nunique()`), which picks Evidently's binning.
    public let distinctCount: Int
    /// Quantiles at `quantileLevels` (numpy's default linear interpolation).
    public let quantiles: [Double]
    /// Every `cdfIntegralStride`-th value of P_c = count · ∫ from x₀ to x_c of F(x) dx, F the empirical CDF
    /// (x = `sortedValues`): P_c = Σ_{t<c} (t+1)·(x_{t+1} − x_t), summed with compensation. With
    /// `cdfIntegral(at:)` it lets `TwoSampleSweep` integrate a small window against this reference in
    /// O(n log m) instead of merging all m values (see `TwoSampleSweep+Search.swift`). One value in 8: a
    /// full prefix array doubled a reference's memory (+38 MB for a 1M-line profile). Derived from the
    /// values, so neither saved nor compared.
    let cdfIntegralBlocks: [Double]
    static let cdfIntegralStride = 8

    /// Prepares a reference; NaN and ±∞ are dropped as Evidently does.
    /// - Complexity: O(n).
    public init(values: [Double]) {
        let sorted = DoubleRadixSort.finiteSorted(values)
        self.init(sortedFiniteValues: sorted, droppedCount: values.count - sorted.count)
    }

    /// Prepares a reference; `nil` (missing), NaN and ±∞ are dropped.
    public init(values: [Double?]) {
        let sorted = DoubleRadixSort.finiteSorted(values.map { $0 ?? .nan })
        self.init(sortedFiniteValues: sorted, droppedCount: values.count - sorted.count)
    }

    init(sortedFiniteValues sorted: [Double], droppedCount: Int) {
        sortedValues = sorted
        count = sorted.count
        self.droppedCount = droppedCount
        let (m, s) = NumericReference.meanAndPopulationStd(sorted)
        mean = m
        standardDeviation = s
        distinctCount = HistogramBinning.distinctCount(sorted: sorted)
        quantiles = NumericReference.quantileLevels.map { NumericReference.quantile(sorted: sorted, $0) }
        cdfIntegralBlocks = NumericReference.cdfIntegralBlocks(sorted)
    }

    private enum CodingKeys: String, CodingKey {
        case sortedValues, count, droppedCount, mean, standardDeviation, distinctCount, quantiles
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sortedValues = try c.decode([Double].self, forKey: .sortedValues)
        count = try c.decode(Int.self, forKey: .count)
        droppedCount = try c.decode(Int.self, forKey: .droppedCount)
        mean = try c.decode(Double.self, forKey: .mean)
        standardDeviation = try c.decode(Double.self, forKey: .standardDeviation)
        distinctCount = try c.decode(Int.self, forKey: .distinctCount)
        quantiles = try c.decode([Double].self, forKey: .quantiles)
        cdfIntegralBlocks = NumericReference.cdfIntegralBlocks(sortedValues)
    }

    public static func == (a: NumericReference, b: NumericReference) -> Bool {
        a.sortedValues == b.sortedValues && a.count == b.count && a.droppedCount == b.droppedCount
            && a.mean == b.mean && a.standardDeviation == b.standardDeviation
            && a.distinctCount == b.distinctCount && a.quantiles == b.quantiles
    }

    /// P at every `cdfIntegralStride`-th index, accumulated with Neumaier compensation: each stored value is
    /// within about one rounding (2⁻⁵³ relative) of the exact sum of its (rounded, non-negative) terms,
    /// whatever m is. Values whose gaps overflow give non-finite entries; the sweep then falls back to the
    /// merge (it checks that its result is finite).
    /// - Complexity: O(m).
    static func cdfIntegralBlocks(_ x: [Double]) -> [Double] {
        guard !x.isEmpty else { return [] }
        var out = [Double](repeating: 0, count: (x.count - 1) / cdfIntegralStride + 1)
        x.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                var sum = 0.0, c = 0.0
                for t in 0..<(p.count - 1) {
                    let term = Double(t + 1) * (p[t + 1] - p[t])
                    let s = sum + term
                    if abs(sum) >= abs(term) { c += (sum - s) + term } else { c += (term - s) + sum }
                    sum = s
                    if (t + 1) % cdfIntegralStride == 0 { o[(t + 1) / cdfIntegralStride] = sum + c }
                }
            }
        }
        return out
    }

    /// P_c (see `cdfIntegralBlocks`): the stored value at the block start plus at most stride − 1 terms,
    /// within ~(stride + 2)·u·P_c of the exact P_c (the block's error plus a plain sum of positive terms).
    /// - Complexity: O(`cdfIntegralStride`).
    @inline(__always)
    static func cdfIntegral(at c: Int, values x: UnsafeBufferPointer<Double>, blocks: UnsafeBufferPointer<Double>) -> Double {
        let start = c / cdfIntegralStride * cdfIntegralStride
        var sum = blocks[c / cdfIntegralStride]
        var t = start
        while t < c {
            sum += Double(t + 1) * (x[t + 1] - x[t])
            t += 1
        }
        return sum
    }

    /// True when there is no finite value.
    public var isEmpty: Bool { count == 0 }

    /// Mean and population std with compensated (Neumaier) sums: `np.mean`, `np.std(ddof=0)`
    /// (numpy: mean = Σx/n, std = sqrt(Σ(x − mean)²/n)).
    ///
    /// Values near ±1e308 overflow numpy's sums and squares (mean or std `inf` for finite data); then
    /// both are computed on the values scaled by a power of two (exact) and scaled back: the true mean
    /// and deviation, `inf` only when they exceed a Double.
    static func meanAndPopulationStd(_ x: [Double]) -> (Double, Double) {
        if x.isEmpty { return (.nan, .nan) }
        let (mean, std) = unscaledMeanAndPopulationStd(x)
        if mean.isFinite && std.isFinite { return (mean, std) }
        guard let largest = x.lazy.map(abs).max(), largest.isFinite, largest > 0 else { return (mean, std) }
        let scale = Double(sign: .plus, exponent: largest.exponent, significand: 1)
        let (m, s) = unscaledMeanAndPopulationStd(x.map { $0 / scale })
        return (m * scale, s * scale)
    }

    private static func unscaledMeanAndPopulationStd(_ x: [Double]) -> (Double, Double) {
        let n = Double(x.count)
        let mean = compensatedSum(x) / n
        var sum = 0.0, c = 0.0
        for v in x {
            let d = v - mean
            let t = sum + d * d
            if abs(sum) >= abs(d * d) { c += (sum - t) + d * d } else { c += (d * d - t) + sum }
            sum = t
        }
        return (mean, ((sum + c) / n).squareRoot())
    }

    static func compensatedSum(_ x: [Double]) -> Double {
        var sum = 0.0, c = 0.0
        for v in x {
            let t = sum + v
            if abs(sum) >= abs(v) { c += (sum - t) + v } else { c += (v - t) + sum }
            sum = t
        }
        return sum + c
    }

    /// `np.quantile(x, q)` (method "linear") on sorted values, `q` in 0…1.
    ///
    /// Where the two neighbouring values are so far apart that their difference overflows (−1e308 and
    /// 1e308), numpy returns NaN or ±inf; here the value is interpolated as `a·(1 − t) + b·t`, which
    /// cannot overflow, and a quantile that falls on a value is that value.
    public static func quantile(sorted x: [Double], _ q: Double) -> Double {
        if x.isEmpty || !(0...1).contains(q) { return .nan }
        let pos = q * Double(x.count - 1)
        let lo = min(Int(pos.rounded(.down)), x.count - 1)
        let hi = min(lo + 1, x.count - 1)
        let frac = pos - Double(lo)
        return interpolate(x[lo], x[hi], frac)
    }

    /// `a + (b − a) · t` as numpy computes it, without the overflow of `b − a` for extreme values.
    static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
        if t == 0 { return a }
        let difference = b - a
        if difference.isFinite { return a + difference * t }
        return a * (1 - t) + b * t
    }
}
