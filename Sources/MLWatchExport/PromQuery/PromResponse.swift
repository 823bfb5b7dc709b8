/// One sample of an instant vector: the series' labels (without `__name__` when PromQL dropped it), the
/// value (`NaN` and `±Inf` as Prometheus spells them) and the evaluation time.
public struct PromSample: Sendable, Equatable {
    public var labels: [String: String]
    public var value: Double
    public var time: Double

    public init(labels: [String: String], value: Double, time: Double = 0) {
        self.labels = labels
        self.value = value
        self.time = time
    }

    public static func == (a: PromSample, b: PromSample) -> Bool {
        a.labels == b.labels && a.time == b.time && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// One series of a range result: its labels and its points, oldest first.
public struct PromSeries: Sendable, Equatable {
    public var labels: [String: String]
    public var times: [Double]
    public var values: [Double]

    public init(labels: [String: String], times: [Double] = [], values: [Double] = []) {
        self.labels = labels
        self.times = times
        self.values = values
    }

    /// The value at `time`: the newest point at or before it, if that point is at most `maxAge` older.
    /// - Complexity: O(log n) in the number of points.
    public func value(at time: Double, maxAge: Double) -> Double? {
        var lo = 0
        var hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= time { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, time - times[lo - 1] <= maxAge else { return nil }
        return values[lo - 1]
    }

    public static func == (a: PromSeries, b: PromSeries) -> Bool {
        a.labels == b.labels && a.times == b.times
            && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// What `/api/v1/query` or `/api/v1/query_range` answered (`data.resultType` and `data.result`).
public enum PromData: Sendable, Equatable {
    case vector([PromSample])
    case matrix([PromSeries])
    case scalar(time: Double, value: Double)
    case string(time: Double, value: String)

    /// The samples of an instant answer (a scalar is one sample without labels; a string none).
    public var samples: [PromSample] {
        switch self {
        case .vector(let v): return v
        case .scalar(let t, let v): return [PromSample(labels: [:], value: v, time: t)]
        case .matrix, .string: return []
        }
    }

    /// The series of a range answer (a vector becomes one-point series).
    public var series: [PromSeries] {
        switch self {
        case .matrix(let m): return m
        case .vector(let v): return v.map { PromSeries(labels: $0.labels, times: [$0.time], values: [$0.value]) }
        case .scalar(let t, let v): return [PromSeries(labels: [:], times: [t], values: [v])]
        case .string: return []
        }
    }

    /// Series (or samples) in the answer.
    public var count: Int {
        switch self {
        case .vector(let v): return v.count
        case .matrix(let m): return m.count
        case .scalar: return 1
        case .string: return 0
        }
    }
}

/// A successful answer of the query API, with what it warned about and what was left out.
public struct PromResponse: Sendable, Equatable {
    public var data: PromData
    /// `warnings` (and `infos`) of the answer: a partial response from Thanos or Mimir says so here.
    public var warnings: [String]
    /// Series in the answer before the cap, when more than the cap came back (only the first ones kept).
    public var cappedFrom: Int?
    /// Series whose samples were native histograms (not read: mlwatch exports classic ones).
    public var histogramsSkipped: Int

    public init(data: PromData, warnings: [String] = [], cappedFrom: Int? = nil, histogramsSkipped: Int = 0) {
        self.data = data
        self.warnings = warnings
        self.cappedFrom = cappedFrom
        self.histogramsSkipped = histogramsSkipped
    }
}

/// Why a query has no answer, in words an on-call engineer can act on.
public enum PromQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer: cannot connect, timed out, cancelled at shutdown.
    case transport(BoundedHTTPClient.Failure)
    /// Prometheus refused or failed the query (`"status":"error"`): `errorType` (`bad_data`, `timeout`,
    /// `execution`, `unavailable`, …) and its message.
    case api(status: Int, type: String, message: String)
    /// An HTTP error that is not the API's JSON (a proxy's 502 page): its status and the start of its body.
    case http(status: Int, excerpt: String)
    /// Something answered that is not the query API's JSON.
    case malformed(String)
    /// The answer was longer than the client reads (too many series for one query).
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .transport(let f): return f.description
        case .api(let status, let type, let message):
            return "\(type) (HTTP \(status)): \(message)"
        case .http(let status, let excerpt):
            return "HTTP \(status)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
        case .malformed(let m): return "not a Prometheus API answer: \(m)"
        case .tooLarge(let limit):
            return "answer larger than \(limit / 1_048_576) MiB (too many series: narrow --match)"
        }
    }
}
