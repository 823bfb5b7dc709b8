import Foundation

/// One column's current-window counts on bins fixed by the reference alone, so that several instances'
/// counts can be summed into the fleet's and a drift score computed on the merged data (Prometheus'
/// recording rule `mlwatch:drift_psi:fleet`). Per-instance PSI, KS and friends cannot be averaged; counts
/// on common bins can be added.
///
/// Numeric columns: ten bins at the reference's deciles (numpy's linear quantiles at 0.1 … 0.9), each
/// closed on the right — bin `k` holds the values in (`uppers[k-1]`, `uppers[k]`] — the last one's upper
/// edge `+Inf`. Equal deciles (a column with ties) are merged, so there may be fewer than ten bins.
/// Categorical columns: the reference's `topCategories` most frequent categories, then `__other__` for
/// every other category (those absent from the reference included).
public struct FleetBins: Sendable, Equatable {
    public enum Edges: Sendable, Equatable {
        /// Upper edges, strictly ascending, the last one `+infinity`.
        case numeric(uppers: [Double])
        /// Category names, `FleetBins.otherCategory` last.
        case categorical([String])
    }

    /// The catch-all category bin.
    public static let otherCategory = "__other__"
    /// Categories of the reference that get a bin of their own.
    public static let topCategories = 10

    public var edges: Edges
    /// Share of the reference's (finite, non-missing) values in each bin; sums to 1.
    public var referenceShares: [Double]
    /// How many of the current window's values fall in each bin.
    public var windowCounts: [Int]
    /// The reference's (finite, non-missing) values behind `referenceShares` (nil: not known), so that a
    /// fleet applies `drift.min_samples` to the reference as one instance does.
    public var referenceValues: Int?

    public init(edges: Edges, referenceShares: [Double], windowCounts: [Int], referenceValues: Int? = nil) {
        self.edges = edges
        self.referenceShares = referenceShares
        self.windowCounts = windowCounts
        self.referenceValues = referenceValues
    }

    /// PSI on these bins, as the fleet recording rule computes it: Σ (c − r) · ln(c / r) with c the
    /// window's share and r the reference's, both floored at 0.0001. Nil without window values.
    public static func psi(referenceShares: [Double], windowCounts: [Int]) -> Double? {
        let total = windowCounts.reduce(0, +)
        guard total > 0 else { return nil }
        var sum = 0.0
        for (r, n) in zip(referenceShares, windowCounts) {
            let c = max(Double(n) / Double(total), 0.0001)
            let rr = max(r, 0.0001)
            sum += (c - rr) * Foundation.log(c / rr)
        }
        return sum
    }
}

/// The reference side of a column's fleet bins, worked out once per column.
struct FleetBinReference: Sendable {
    let edges: FleetBins.Edges
    let referenceShares: [Double]
    /// The reference's values the shares are of.
    let referenceValues: Int

    init?(_ column: ColumnReference) {
        switch column {
        case .text:
            // Free text: drift is tested on the lengths of its strings, which fleets do not bin (yet).
            return nil
        case .numeric(let r):
            guard !r.sortedValues.isEmpty else { return nil }
            var uppers: [Double] = []
            for k in 1...9 {
                let q = NumericReference.quantile(sorted: r.sortedValues, Double(k) / 10)
                if q.isFinite, uppers.last.map({ q > $0 }) ?? true { uppers.append(q) }
            }
            uppers.append(.infinity)
            var shares: [Double] = []
            var below = 0
            let n = Double(r.sortedValues.count)
            for u in uppers {
                let upTo = FleetBinReference.countAtMost(u, in: r.sortedValues)
                shares.append(Double(upTo - below) / n)
                below = upTo
            }
            edges = .numeric(uppers: uppers)
            referenceShares = shares
            referenceValues = r.sortedValues.count
        case .categorical(let r):
            guard r.count > 0 else { return nil }
            let ranked = r.counts.sorted { $0.value > $1.value || ($0.value == $1.value && CategoricalReference.codePointLess($0.key, $1.key)) }
            let top = ranked.prefix(FleetBins.topCategories).filter { $0.key != FleetBins.otherCategory }
            let total = Double(r.count)
            var shares = top.map { Double($0.value) / total }
            shares.append(Double(r.count - top.reduce(0) { $0 + $1.value }) / total)
            edges = .categorical(top.map(\.key) + [FleetBins.otherCategory])
            referenceShares = shares
            referenceValues = r.count
        }
    }

    /// The window's counts on these bins.
    func bins(_ current: ColumnValues) -> FleetBins {
        var counts: [Int]
        switch (edges, current) {
        case (.numeric(let uppers), .sortedNumeric(let sorted)):
            counts = []
            var below = 0
            for u in uppers {
                let upTo = FleetBinReference.countAtMost(u, in: sorted)
                counts.append(upTo - below)
                below = upTo
            }
        case (.numeric(let uppers), .numeric(let values)):
            counts = Array(repeating: 0, count: uppers.count)
            for v in values where v.isFinite {
                counts[FleetBinReference.firstAtLeast(v, in: uppers)] += 1
            }
        case (.numeric(let uppers), .categorical), (.numeric(let uppers), .textLengths):
            counts = Array(repeating: 0, count: uppers.count)
        case (.categorical(let names), .textLengths):
            counts = Array(repeating: 0, count: names.count)
        case (.categorical(let names), .categorical(let byCategory)):
            counts = Self.categoryCounts(names, byCategory)
        case (.categorical(let names), .numeric(let values)), (.categorical(let names), .sortedNumeric(let values)):
            var byCategory: [String: Int] = [:]
            for v in values where v.isFinite { byCategory[OutputValue.number(v).classKey!, default: 0] += 1 }
            counts = Self.categoryCounts(names, byCategory)
        }
        return FleetBins(edges: edges, referenceShares: referenceShares, windowCounts: counts, referenceValues: referenceValues)
    }

    private static func categoryCounts(_ names: [String], _ byCategory: [String: Int]) -> [Int] {
        var counts = names.dropLast().map { byCategory[$0] ?? 0 }
        let total = byCategory.values.reduce(0, +)
        counts.append(total - counts.reduce(0, +))
        return counts
    }

    /// Number of values ≤ `x` in an ascending array.
    /// - Complexity: O(log n).
    static func countAtMost(_ x: Double, in sorted: [Double]) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first upper edge ≥ `x` (the bin of `x`); the last edge is `+infinity`.
    static func firstAtLeast(_ x: Double, in uppers: [Double]) -> Int {
        var lo = 0
        var hi = uppers.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if uppers[mid] >= x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
