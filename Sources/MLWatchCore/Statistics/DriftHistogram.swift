/// The common bins a drift result was computed on, for display (shares before the empty-bin fill).
public struct DriftHistogram: Sendable, Equatable, Codable {
    /// What the bins are.
    public enum Bins: Sendable, Equatable, Codable {
        /// Sturges bin edges (count = shares + 1), numpy semantics.
        case edges([Double])
        /// One bin per distinct numeric value (count = shares).
        case values([Double])
        /// One bin per category (count = shares).
        case labels([String])
    }

    /// The bins.
    public var bins: Bins
    /// Share of the reference in each bin (count / reference size).
    public var referenceShares: [Double]
    /// Share of the current window in each bin.
    public var currentShares: [Double]

    /// Creates a histogram.
    public init(bins: Bins, referenceShares: [Double], currentShares: [Double]) {
        self.bins = bins
        self.referenceShares = referenceShares
        self.currentShares = currentShares
    }

    /// The bin edges when the bins are Sturges intervals.
    public var edges: [Double]? {
        if case .edges(let e) = bins { return e }
        return nil
    }

    /// Display labels of the bins (categories, distinct values, or `[lo, hi)` intervals).
    public var labels: [String] {
        switch bins {
        case .labels(let l): return l
        case .values(let v): return v.map { "\($0)" }
        case .edges(let e):
            guard e.count > 1 else { return [] }
            return (0..<(e.count - 1)).map { i in
                i == e.count - 2 ? "[\(e[i]), \(e[i + 1])]" : "[\(e[i]), \(e[i + 1]))"
            }
        }
    }
}
