import Foundation

/// What adaptive thresholds need of one reference series (a metric × label set, one value per reference
/// boundary in time order), in bounded memory:
/// - `mean` centres (and every `stddev`): count, mean and sum of squared deviations (West's weighted
///   Welford update, one step per run of equal values) — O(1);
/// - `quantile` centres: the distinct values with their counts — exact up to `maxDistinct` values, then
///   compacted (adjacent values merged pairwise into their weighted mean; a quantile is then off by at most
///   the count of one merged pair, out of the whole reference);
/// - `ewma` centres: the latest values, as many as still weigh more than 2⁻⁶⁴ of the result for the smallest
///   α read (an EWMA forgets older values geometrically) — at most 2²⁰.
///
/// Values arrive as `add(value, times:)`; equal consecutive values are merged into a run before they are
/// counted, so `m` boundaries added at once give exactly what `m` single adds give.
struct ReferenceSeriesStatistics: Sendable {
    /// Distinct values kept for quantiles before compaction.
    static let maxDistinct = 1 << 16
    /// Values kept for an EWMA at most.
    static let maxTail = 1 << 20

    private(set) var count = 0
    private(set) var mean = 0.0
    private(set) var m2 = 0.0
    private var open: ValueRuns.Run?
    private var distribution: [Double: Int]?
    private var tail: ValueRuns?

    /// - Parameters:
    ///   - quantiles: keep the distribution (a quantile centre reads this series).
    ///   - smallestAlpha: keep a tail for EWMA centres, long enough for this α (nil: none reads it).
    init(quantiles: Bool, smallestAlpha: Double?) {
        if quantiles { distribution = [:] }
        if let a = smallestAlpha { tail = ValueRuns(capacity: Self.tailLength(alpha: a)) }
    }

    /// Values of an EWMA with smoothing `alpha` that weigh more than 2⁻⁶⁴ of it.
    static func tailLength(alpha: Double) -> Int {
        guard alpha > 0, alpha < 1 else { return 1 }
        let n = (64 * log(2.0) / -log1p(-alpha)).rounded(.up) + 1
        return n >= Double(maxTail) ? maxTail : max(1, Int(n))
    }

    /// Adds `value` for `times` boundaries (non-finite values are not learned from).
    mutating func add(_ value: Double, times: Int) {
        guard value.isFinite, times > 0 else { return }
        if let o = open, o.value == value {
            open = ValueRuns.Run(value: value, count: o.count + times)
        } else {
            close()
            open = ValueRuns.Run(value: value, count: times)
        }
    }

    /// Counts the open run (call before reading).
    mutating func close() {
        guard let r = open else { return }
        open = nil
        let c = Double(r.count)
        count += r.count
        let delta = r.value - mean
        mean += delta * c / Double(count)
        m2 += delta * (r.value - mean) * c
        if distribution != nil {
            distribution![r.value, default: 0] += r.count
            if distribution!.count > Self.maxDistinct { compact() }
        }
        tail?.append(r.value, times: r.count)
    }

    private mutating func compact() {
        guard let d = distribution else { return }
        let sorted = d.sorted { $0.key < $1.key }
        var merged: [Double: Int] = [:]
        var i = 0
        while i < sorted.count {
            if i + 1 < sorted.count {
                let (a, b) = (sorted[i], sorted[i + 1])
                let n = a.value + b.value
                let v = (a.key * Double(a.value) + b.key * Double(b.value)) / Double(n)
                merged[v, default: 0] += n
                i += 2
            } else {
                merged[sorted[i].key, default: 0] += sorted[i].value
                i += 1
            }
        }
        distribution = merged
    }

    /// Merges `other` after this one (pooling series in label order): Chan et al.'s parallel update of the
    /// moments, the union of the distributions, the tails one after the other.
    mutating func append(_ other: ReferenceSeriesStatistics) {
        guard other.count > 0 else { return }
        if count == 0 {
            self = other
            return
        }
        let n = count + other.count
        let delta = other.mean - mean
        mean += delta * Double(other.count) / Double(n)
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / Double(n)
        count = n
        if var d = distribution, let od = other.distribution {
            for (v, c) in od { d[v, default: 0] += c }
            distribution = d
            if d.count > Self.maxDistinct { compact() }
        }
        if var t = tail, let ot = other.tail {
            for r in ot.runs { t.append(r.value, times: r.count) }
            tail = t
        }
    }

    /// The threshold `spec` learns from this series, or nil when it holds nothing (or not what `spec` needs).
    /// Call `close()` first.
    func threshold(_ spec: AdaptiveThreshold) -> Double? {
        guard count > 0 else { return nil }
        let sd = (m2 / Double(count)).squareRoot()
        switch spec.center {
        case .mean:
            return mean + spec.k * sd
        case .quantile:
            guard let d = distribution else { return nil }
            let runs = d.sorted { $0.key < $1.key }.map { ValueRuns.Run(value: $0.key, count: $0.value) }
            let centre = AdaptiveThreshold(center: spec.center).learn(runs: runs)
            return centre.map { $0 + spec.k * sd }
        case .ewma:
            guard let t = tail else { return nil }
            return spec.learn(runs: t.runs)
        }
    }
}
