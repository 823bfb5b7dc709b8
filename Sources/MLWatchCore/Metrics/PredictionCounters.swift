/// Monotonic counts per (model, version) since the engine started: predictions read, failed requests,
/// labels joined, and a latency histogram. They feed `/metrics` (`mlwatch_events_total`,
/// `mlwatch_prediction_errors_total`, `mlwatch_labels_total`, `mlwatch_prediction_latency_seconds`), so
/// that Prometheus can sum them over a fleet and take `rate`s and `histogram_quantile`s of the sums —
/// which per-window figures (p99 of one instance's window) cannot give.
///
/// Updated on the ingest path (one call per prediction, one per joined label) and carried in every
/// `Snapshot`, so the exporter only ever reads published snapshots. Value type: a snapshot's copy shares
/// the arrays until the engine next changes them (a copy of a few small arrays per publication).
///
/// Cardinality is bounded: after `maxSeries` distinct (model, version) pairs, further pairs are counted
/// under `model="__other__", version="__other__"` (a log with a new model name on every line must not
/// grow memory or the export without bound).
public struct PredictionCounters: Sendable, Equatable {
    /// One (model, version) pair.
    public struct Key: Sendable, Hashable {
        public var model: String
        public var version: String
        public init(model: String, version: String) {
            self.model = model
            self.version = version
        }
    }

    /// Prometheus client defaults (seconds): 5 ms … 10 s.
    public static let defaultLatencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Label values of the pair that collects everything past `maxSeries`.
    public static let overflowLabel = "__other__"

    /// Upper bounds of the latency buckets in seconds, ascending and finite (`+Inf` is implied).
    public let latencyBounds: [Double]
    /// Distinct (model, version) pairs kept before folding the rest into `__other__`.
    public let maxSeries: Int
    /// Counts of one pair.
    public struct Totals: Sendable, Equatable {
        /// Predictions read (late ones included: they were read, and are also counted as late).
        public var events = 0
        /// Predictions whose `status` marks a failed request.
        public var errors = 0
        /// Ground-truth labels that reached a prediction (inline, or a `label` event joined by `request_id`).
        public var labels = 0
        /// Predictions with a finite latency, and the sum of those latencies in seconds.
        public var latencyCount = 0
        public var latencySum = 0.0
    }

    /// The pairs, in order of first appearance; `totals` is indexed like it.
    public private(set) var keys: [Key] = []
    /// One array of small structs rather than an array per count: the ingest path pays one uniqueness
    /// and one bounds check per prediction instead of five.
    public private(set) var totals: [Totals] = []
    /// Per pair, `latencyBounds.count + 1` non-cumulative bucket counts (the last one is above every
    /// bound), flattened: pair `i`'s buckets start at `i * (latencyBounds.count + 1)`.
    public private(set) var latencyBuckets: [Int] = []

    private var index: [Key: Int] = [:]
    /// The pair of the previous call: consecutive predictions of one model skip the dictionary (the parser
    /// interns model and version strings, so the comparison is of two identical small strings).
    private var lastModel = ""
    private var lastVersion = ""
    private var lastIndex = -1

    /// - Parameter latencyBuckets: upper bounds in seconds; non-finite and non-positive ones are dropped,
    ///   the rest sorted and de-duplicated.
    public init(latencyBuckets: [Double] = PredictionCounters.defaultLatencyBuckets, maxSeries: Int = 500) {
        latencyBounds = Array(Set(latencyBuckets.filter { $0.isFinite && $0 > 0 })).sorted()
        self.maxSeries = max(1, maxSeries)
    }

    /// Counts one prediction read from the log. Kept out of line on purpose: inlined into the ingest loop it
    /// saved the call (~100 instructions) but made the loop bigger, and parse + ingest got slower from
    /// instruction-cache misses (callgrind's I1 misses +70 %; BENCHMARKS.md, "/metrics counters").
    /// - Complexity: O(1) for a pair seen before (plus O(buckets) for its latency).
    /// - Returns: the pair's index (for `recordLabel(pair:)`).
    @inline(never) @discardableResult
    public mutating func record(_ p: borrowing PredictionEvent) -> Int {
        let i = lastIndex >= 0 && p.model == lastModel && p.version == lastVersion
            ? lastIndex : slot(model: p.model, version: p.version)
        let error = p.status != nil && PredictionEvent.isError(status: p.status)
        var seconds = -1.0
        if let ms = p.latencyMs, ms.isFinite, ms >= 0 { seconds = ms / 1000 }
        totals.withUnsafeMutableBufferPointer { t in
            t[i].events &+= 1
            if error { t[i].errors &+= 1 }
            if p.inlineLabel != nil { t[i].labels &+= 1 }
            if seconds >= 0 {
                t[i].latencyCount &+= 1
                t[i].latencySum += seconds
            }
        }
        if seconds >= 0 {
            var b = 0
            let n = latencyBounds.count
            latencyBounds.withUnsafeBufferPointer { bounds in
                while b < n && seconds > bounds[b] { b += 1 }
            }
            latencyBuckets[i &* (n &+ 1) &+ b] &+= 1
        }
        return i
    }

    /// Counts a delayed label joined to a prediction of this model and version.
    public mutating func recordLabel(model: String, version: String) {
        totals[slot(model: model, version: version)].labels &+= 1
    }

    /// Counts a delayed label joined to a prediction of pair `pair` (as `record` returned it).
    public mutating func recordLabel(pair: Int) {
        guard totals.indices.contains(pair) else { return }
        totals[pair].labels &+= 1
    }

    /// The cumulative bucket counts of pair `i` (as exposed: `le` bounds, then `+Inf` = the count).
    public func cumulativeBuckets(_ i: Int) -> [Int] {
        let n = latencyBounds.count + 1
        var running = 0
        return latencyBuckets[i * n..<(i + 1) * n].map { c in
            running += c
            return running
        }
    }

    @inline(never)
    private mutating func slot(model: String, version: String) -> Int {
        if lastIndex >= 0 && model == lastModel && version == lastVersion { return lastIndex }
        var key = Key(model: model, version: version)
        let i: Int
        if let known = index[key] {
            i = known
        } else {
            if keys.count >= maxSeries {
                key = Key(model: Self.overflowLabel, version: Self.overflowLabel)
            }
            if let known = index[key] {
                i = known
            } else {
                i = keys.count
                index[key] = i
                keys.append(key)
                totals.append(Totals())
                latencyBuckets.append(contentsOf: repeatElement(0, count: latencyBounds.count + 1))
            }
        }
        lastModel = model
        lastVersion = version
        lastIndex = i
        return i
    }

    public static func == (a: PredictionCounters, b: PredictionCounters) -> Bool {
        a.latencyBounds == b.latencyBounds && a.keys == b.keys && a.totals == b.totals && a.latencyBuckets == b.latencyBuckets
    }
}
