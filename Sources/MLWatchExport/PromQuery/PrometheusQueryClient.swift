import Foundation
import MLWatchCore
import Synchronization

/// Runs PromQL against Prometheus' HTTP API (`POST /api/v1/query` and `/api/v1/query_range`, form-encoded,
/// so long expressions never hit a URL length limit) through the bounded HTTP client: every query has a
/// connect timeout, a total deadline (also passed to Prometheus as `timeout`, so the server gives up too),
/// and at most `maxResponseBytes` of answer read.
///
/// Blocking, like `BoundedHTTPClient`: call it from worker threads (the fleet host does), never from the UI
/// thread. Safe to call from several threads at once; `cancel()` ends every call within ~100 ms (shutdown).
public final class PrometheusQueryClient: Sendable {
    /// Prometheus' base URL (`http://host:9090`, or with a path prefix behind a proxy).
    public let base: URL
    public let http: BoundedHTTPClient
    /// Series kept per answer; the rest are counted (`PromResponse.cappedFrom`).
    public let maxSeries: Int
    private let sent = Atomic<Int>(0)

    /// - Parameters:
    ///   - timeout: seconds a query may take, connection included.
    ///   - maxResponseBytes: the most of one answer that is read (larger answers fail with `.tooLarge`).
    ///   - tls: trust for an `https://` Prometheus.
    public init(base: URL, timeout: Double = 10, connectTimeout: Double = 2, maxResponseBytes: Int = 32 * 1_048_576,
                maxSeries: Int = 10_000, tls: TLSSettings = TLSSettings()) {
        self.base = base
        self.maxSeries = maxSeries
        http = BoundedHTTPClient(connectTimeout: min(connectTimeout, timeout), totalTimeout: timeout, maxResponseBytes: maxResponseBytes,
                                 tls: tls)
    }

    /// A base URL as given on the command line: `http://host:port` with an optional path; a trailing `/`
    /// is dropped. Nil (with the reason) for anything the client cannot call.
    public static func baseURL(_ text: String) -> Result<URL, BoundedHTTPClient.Failure> {
        var t = text.trimmingCharacters(in: .whitespaces)
        while t.hasSuffix("/") { t.removeLast() }
        guard let url = URL(string: t), url.query == nil, url.fragment == nil else {
            return .failure(.badURL("\(text): not a URL such as http://127.0.0.1:9090"))
        }
        if let problem = BoundedHTTPClient.check(url) { return .failure(problem) }
        return .success(url)
    }

    /// Queries sent so far (each instant or range query is one HTTP request).
    public var queriesSent: Int { sent.load(ordering: .relaxed) }

    /// An instant query evaluated at `time` (epoch seconds; nil: Prometheus' now).
    public func instant(_ query: String, at time: Double? = nil) -> Result<PromResponse, PromQueryError> {
        var form = [("query", query)]
        if let time { form.append(("time", Self.seconds(time))) }
        return post("api/v1/query", form)
    }

    /// A range query: the expression at every `step` seconds from `start` to `end`.
    public func range(_ query: String, start: Double, end: Double, step: Double) -> Result<PromResponse, PromQueryError> {
        post("api/v1/query_range", [("query", query), ("start", Self.seconds(start)), ("end", Self.seconds(end)),
                                    ("step", Self.seconds(step))])
    }

    /// Ends every call in progress and every later one with `.transport(.cancelled)` (shutdown).
    public func cancel() { http.cancel() }

    private func post(_ path: String, _ form: [(String, String)]) -> Result<PromResponse, PromQueryError> {
        var fields = form
        // Prometheus stops evaluating when our deadline has passed anyway (at least one second).
        // (A PromQL duration: whole milliseconds, no fraction.)
        fields.append(("timeout", "\(Int(max(1, http.totalTimeout - 0.5) * 1000))ms"))
        let body = Array(fields.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&").utf8)
        sent.add(1, ordering: .relaxed)
        let result = http.send(method: "POST", url: base.appendingPathComponent(path),
                               headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                               body: body)
        switch result {
        case .failure(let f):
            return .failure(.transport(f))
        case .success(let r):
            return PromResponseParser.parse(status: r.status, body: r.body, truncated: r.truncated, limit: http.maxResponseBytes,
                                            maxSeries: maxSeries)
        }
    }

    /// `application/x-www-form-urlencoded`: unreserved characters as they are, everything else %XX.
    static func formEncoded(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Seconds as the API takes them (millisecond precision, no exponent).
    static func seconds(_ t: Double) -> String {
        String(format: "%.3f", t)
    }
}
