import Foundation

/// Evidently's common bins for PSI, KL and Jensen–Shannon (`get_binned_data` in
/// `evidently/legacy/calculations/stattests/utils.py`).
///
/// - Numeric column with more than 20 distinct reference values: the edges are
///   `np.histogram_bin_edges(concat(reference, current), bins="sturges")` and the shares are
///   `np.histogram(x, edges)[0] / len(x)` (bins half-open `[e_i, e_{i+1})`, the last one closed).
/// - Otherwise: one bin per distinct value of reference ∪ current, share = count / len.
public enum HistogramBinning {
    /// Evidently's limit: more distinct reference values than this → Sturges bins.
    public static let maxDiscreteReferenceValues = 20

    /// `np.histogram_bin_edges(a, bins="sturges")` for a sample with the given extremes and size.
    ///
    /// numpy: `first, last = a.min(), a.max()` (widened by ±0.5 when equal);
    /// `width = np.ptp(a) / (np.log2(a.size) + 1.0)`; `n = int(np.ceil((last - first) / width))`
    /// if width else 1; `edges = np.linspace(first, last, n + 1)`, which computes
    /// `step = (last - first) / n`, `edges[i] = i * step + first` and sets the last edge to `last`.
    ///
    /// Extreme values: when `max − min` overflows (a range wider than 1.8e308, e.g. −1e308 and 1e308 in
    /// the same sample), numpy's `ptp` is `inf`, `inf / inf` is NaN and `int(nan)` raises ValueError, so
    /// Evidently has no PSI for such a column. Here the edges are then computed at half scale (halving
    /// is exact) and doubled back: the bins numpy would give with exact arithmetic, every edge finite,
    /// `first` and `last` exactly the extremes. On every range numpy can handle, the result is numpy's
    /// bit for bit.
    public static func sturgesEdges(min lo: Double, max hi: Double, count: Int) -> [Double] {
        guard (hi - lo).isFinite else {
            var edges = sturgesEdges(min: lo * 0.5, max: hi * 0.5, count: count).map { $0 * 2 }
            if !edges.isEmpty {
                edges[0] = lo
                edges[edges.count - 1] = hi
            }
            return edges
        }
        var first = lo, last = hi
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let ptp = hi - lo
        let width = ptp / (Foundation.log2(Double(count)) + 1.0)
        var bins = 1
        if width != 0 && count > 0 {
            // (last − first) / width is log2(count) + 1 up to rounding: at most 65 for any Int count.
            let ratio = ((last - first) / width).rounded(.up)
            if ratio.isFinite, ratio >= 1, ratio <= 1_000 { bins = Int(ratio) }
        }
        return linspace(first, last, count: bins + 1)
    }

    /// `np.linspace(start, stop, num, endpoint=True)` bit for bit.
    public static func linspace(_ start: Double, _ stop: Double, count num: Int) -> [Double] {
        if num <= 0 { return [] }
        if num == 1 { return [start] }
        let div = Double(num - 1)
        let delta = stop - start
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            if step == 0 {
                y[i] = (Double(i) / div) * delta + start
            } else {
                y[i] = Double(i) * step + start
            }
        }
        y[num - 1] = stop
        return y
    }

    /// Counts of a **sorted** sample in the bins of `edges` with numpy's rule: bin i holds
    /// `edges[i] <= x < edges[i+1]`, the last bin also holds `x == edges.last`
    /// (`np.histogram`'s `_search_sorted_inclusive`).
    /// - Complexity: O(bins · log n).
    public static func counts(sorted values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        if bins <= 0 { return [] }
        var cumulative = [Int](repeating: 0, count: edges.count)
        for e in 0..<bins { cumulative[e] = lowerBound(values, edges[e]) }
        cumulative[bins] = upperBound(values, edges[bins])
        var result = [Int](repeating: 0, count: bins)
        for b in 0..<bins { result[b] = cumulative[b + 1] - cumulative[b] }
        return result
    }

    /// Distinct values of two **sorted** samples (merged, ascending) and the count of each
    /// sample at every value: the `value_counts` of Evidently's discrete branch.
    /// - Complexity: O(d·log(n/d)) for d distinct values in n1 + n2 (each group of equal values is
    ///   crossed by a galloping search, so a large reference with few values costs little per window).
    public static func discreteCounts(sortedReference a: [Double], sortedCurrent b: [Double])
        -> (values: [Double], reference: [Int], current: [Int])
    {
        var values: [Double] = []
        var ra: [Int] = []
        var cb: [Int] = []
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var i = 0, j = 0
                while i < pa.count || j < pb.count {
                    let v = i < pa.count && (j >= pb.count || pa[i] <= pb[j]) ? pa[i] : pb[j]
                    let i1 = groupEnd(pa, v, from: i), j1 = groupEnd(pb, v, from: j)
                    values.append(v)
                    ra.append(i1 - i)
                    cb.append(j1 - j)
                    i = i1
                    j = j1
                }
            }
        }
        return (values, ra, cb)
    }

    /// Number of distinct values in a sorted sample (−0.0 and +0.0 count once, as in pandas).
    public static func distinctCount(sorted values: [Double]) -> Int {
        if values.isEmpty { return 0 }
        var c = 1
        for k in 1..<values.count where values[k] != values[k - 1] { c += 1 }
        return c
    }

    /// Number of distinct values in the union of two sorted samples, stopping early once it
    /// exceeds `limit` (Evidently only ever compares it with small limits).
    /// - Complexity: O(min(d, limit)·log n): groups of equal values are crossed by galloping searches.
    public static func unionDistinctCount(_ a: [Double], _ b: [Double], limit: Int = .max) -> Int {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var i = 0, j = 0, c = 0
                while i < pa.count || j < pb.count {
                    let v = i < pa.count && (j >= pb.count || pa[i] <= pb[j]) ? pa[i] : pb[j]
                    i = groupEnd(pa, v, from: i)
                    j = groupEnd(pb, v, from: j)
                    c += 1
                    if c > limit { return c }
                }
                return c
            }
        }
    }

    /// The first index at or after `start` whose value is above `v`, for a sorted buffer whose values
    /// before `start` are at most `v`: a galloping search, O(log r) for a run of r values equal to `v`
    /// (one comparison when the run is empty).
    @inline(__always)
    static func groupEnd(_ p: UnsafeBufferPointer<Double>, _ v: Double, from start: Int) -> Int {
        let n = p.count
        guard start < n, p[start] <= v else { return start }
        // p[lo] <= v; find hi with p[hi] > v (or n).
        var lo = start, step = 1
        var hi = start + 1
        while hi < n && p[hi] <= v {
            lo = hi
            step &<<= 1
            hi = lo &+ step
        }
        if hi > n { hi = n }
        // p[lo] <= v < p[hi] (hi = n counts as above).
        return upperBound(p, v, from: lo + 1, to: hi)
    }

    /// Evidently's empty-bin fill (`feel_zeroes=True`), per array and without renormalising:
    /// zeros become `min_nonzero / 1e6` when `min_nonzero <= 1e-4`, else `1e-4`.
    public static func filledEmptyBins(_ shares: [Double]) -> [Double] {
        var minNonZero = Double.infinity
        for s in shares where s != 0 && s < minNonZero { minNonZero = s }
        if minNonZero == .infinity { return shares }  // numpy would raise on min([]); keep as is.
        let fill = minNonZero <= 0.0001 ? minNonZero / 1_000_000 : 0.0001
        return shares.map { $0 == 0 ? fill : $0 }
    }

    /// First index with `values[i] >= x` (`searchsorted(side="left")`).
    static func lowerBound(_ values: [Double], _ x: Double) -> Int {
        values.withUnsafeBufferPointer { lowerBound($0, x, from: 0) }
    }

    /// First index with `values[i] > x` (`searchsorted(side="right")`).
    static func upperBound(_ values: [Double], _ x: Double) -> Int {
        values.withUnsafeBufferPointer { upperBound($0, x, from: 0) }
    }

    /// First index in `start..<end` (default: the end of the buffer) with `values[i] >= x`, or `end`.
    /// - Complexity: O(log(end − start)).
    @inline(__always)
    static func lowerBound(_ values: UnsafeBufferPointer<Double>, _ x: Double, from start: Int, to end: Int? = nil) -> Int {
        var lo = start, hi = end ?? values.count
        while lo < hi {
            let mid = Int(bitPattern: UInt(bitPattern: lo &+ hi) >> 1)
            if values[mid] < x { lo = mid &+ 1 } else { hi = mid }
        }
        return lo
    }

    /// First index in `start..<end` (default: the end of the buffer) with `values[i] > x`, or `end`.
    /// - Complexity: O(log(end − start)).
    @inline(__always)
    static func upperBound(_ values: UnsafeBufferPointer<Double>, _ x: Double, from start: Int, to end: Int? = nil) -> Int {
        var lo = start, hi = end ?? values.count
        while lo < hi {
            let mid = Int(bitPattern: UInt(bitPattern: lo &+ hi) >> 1)
            if values[mid] <= x { lo = mid &+ 1 } else { hi = mid }
        }
        return lo
    }
}
