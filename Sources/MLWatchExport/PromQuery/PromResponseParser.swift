import Foundation

/// Reads the JSON of Prometheus' query API (`/api/v1/query`, `/api/v1/query_range`; Thanos, Mimir and
/// VictoriaMetrics answer the same way) into `PromResponse`, or says why it cannot:
///
/// - `{"status":"error","errorType":…,"error":…}` → `PromQueryError.api` (whatever the HTTP status);
/// - an HTTP error whose body is not that JSON (a proxy's page) → `.http` with an excerpt;
/// - a body cut at the client's limit → `.tooLarge`; anything else that is not the API's JSON → `.malformed`.
///
/// Sample values are strings in the API: `"NaN"`, `"+Inf"`, `"-Inf"` and decimal numbers are read; any
/// other spelling is malformed. Series past `maxSeries` are left out and counted (`cappedFrom`); native
/// histogram samples are skipped and counted. `warnings` (and `infos`) are kept: a partial answer says so
/// there, and the dashboard shows it.
///
/// Uses Foundation's `JSONDecoder`: answers are a few hundred series per refresh (the fleet queries
/// aggregate in PromQL), and a replay's range answers are read once, off the UI thread.
public enum PromResponseParser {
    /// Parses one HTTP answer.
    /// - Parameters:
    ///   - truncated: the client stopped reading the body at its limit (`limit` bytes).
    public static func parse(status: Int, body: [UInt8], truncated: Bool = false, limit: Int = 0,
                             maxSeries: Int = 10_000) -> Result<PromResponse, PromQueryError> {
        if truncated { return .failure(.tooLarge(limit: limit)) }
        let decoder = JSONDecoder()
        decoder.userInfo[maxSeriesKey] = max(0, maxSeries)
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: Data(body))
        } catch {
            if !(200..<300).contains(status) { return .failure(.http(status: status, excerpt: excerpt(body))) }
            return .failure(.malformed(describe(error)))
        }
        switch envelope.status {
        case "error":
            return .failure(.api(status: status, type: envelope.errorType ?? "error", message: envelope.error ?? ""))
        case "success":
            guard let data = envelope.data else { return .failure(.malformed("no data in a successful answer")) }
            return .success(PromResponse(data: data.data, warnings: (envelope.warnings ?? []) + (envelope.infos ?? []),
                                         cappedFrom: data.total > maxSeries ? data.total : nil,
                                         histogramsSkipped: data.histograms))
        default:
            if !(200..<300).contains(status) { return .failure(.http(status: status, excerpt: excerpt(body))) }
            return .failure(.malformed("status \(excerpt(Array(envelope.status.utf8)))"))
        }
    }

    /// A sample value as the API writes it.
    public static func value(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            // Only decimal spellings: Double("nan"), Double("infinity") and hex floats are not the API's.
            guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || first == UInt8(ascii: "."),
                !text.utf8.contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "n") || $0 == UInt8(ascii: "N") })
            else { return nil }
            return Double(text)
        }
    }

    /// The first 200 printable characters of a body.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        let kept = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) ? " " : $0 }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return where_(c) + c.debugDescription
        case DecodingError.keyNotFound(let k, let c): return where_(c) + "missing \(k.stringValue)"
        case DecodingError.typeMismatch(_, let c): return where_(c) + c.debugDescription
        case DecodingError.valueNotFound(_, let c): return where_(c) + c.debugDescription
        default: return "\(error)"
        }
    }

    private static func where_(_ c: DecodingError.Context) -> String {
        let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return path.isEmpty ? "" : path + ": "
    }

    static let maxSeriesKey = CodingUserInfoKey(rawValue: "mlwatch.maxSeries")!

    private struct Envelope: Decodable {
        var status: String
        var data: DataField?
        var errorType: String?
        var error: String?
        var warnings: [String]?
        var infos: [String]?
    }

    /// `data`: `resultType` and `result`, read into `PromData` with at most `maxSeries` series.
    private struct DataField: Decodable {
        var data: PromData
        var total = 0
        var histograms = 0

        private enum Keys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let limit = decoder.userInfo[PromResponseParser.maxSeriesKey] as? Int ?? 10_000
            let c = try decoder.container(keyedBy: Keys.self)
            let type = try c.decode(String.self, forKey: .resultType)
            switch type {
            case "vector":
                var list = try c.nestedUnkeyedContainer(forKey: .result)
                var out: [PromSample] = []
                while !list.isAtEnd {
                    total += 1
                    guard out.count < limit else {
                        _ = try list.decode(Skipped.self)
                        continue
                    }
                    let item = try list.decode(VectorItem.self)
                    guard let pair = item.value else {
                        if item.histogram { histograms += 1; continue }
                        throw DecodingError.dataCorrupted(.init(codingPath: list.codingPath, debugDescription: "a sample without a value"))
                    }
                    out.append(PromSample(labels: item.metric, value: pair.value, time: pair.time))
                }
                data = .vector(out)
            case "matrix":
                var list = try c.nestedUnkeyedContainer(forKey: .result)
                var out: [PromSeries] = []
                while !list.isAtEnd {
                    total += 1
                    guard out.count < limit else {
                        _ = try list.decode(Skipped.self)
                        continue
                    }
                    let item = try list.decode(MatrixItem.self)
                    if item.histograms, item.times.isEmpty { histograms += 1; continue }
                    out.append(PromSeries(labels: item.metric, times: item.times, values: item.values))
                }
                data = .matrix(out)
            case "scalar":
                let pair = try c.decode(Pair.self, forKey: .result)
                data = .scalar(time: pair.time, value: pair.value)
            case "string":
                var pair = try c.nestedUnkeyedContainer(forKey: .result)
                let time = try Pair.time(&pair)
                data = .string(time: time, value: try pair.decode(String.self))
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "unknown resultType"))
            }
        }
    }

    /// Any JSON value, read and dropped (series past the cap).
    private struct Skipped: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    private struct VectorItem: Decodable {
        var metric: [String: String]
        var value: Pair?
        var histogram: Bool

        private enum Keys: String, CodingKey { case metric, value, histogram }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            metric = try c.decodeIfPresent([String: String].self, forKey: .metric) ?? [:]
            value = try c.decodeIfPresent(Pair.self, forKey: .value)
            histogram = c.contains(.histogram)
        }
    }

    private struct MatrixItem: Decodable {
        var metric: [String: String]
        var times: [Double] = []
        var values: [Double] = []
        var histograms: Bool

        private enum Keys: String, CodingKey { case metric, values, histograms }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            metric = try c.decodeIfPresent([String: String].self, forKey: .metric) ?? [:]
            histograms = c.contains(.histograms)
            if c.contains(.values) {
                var list = try c.nestedUnkeyedContainer(forKey: .values)
                if let n = list.count {
                    times.reserveCapacity(n)
                    values.reserveCapacity(n)
                }
                var last = -Double.infinity
                while !list.isAtEnd {
                    let p = try list.decode(Pair.self)
                    // Points come oldest first; one out of order would break the binary search of `value(at:)`.
                    guard p.time > last else {
                        throw DecodingError.dataCorrupted(.init(codingPath: list.codingPath, debugDescription: "points out of time order"))
                    }
                    last = p.time
                    times.append(p.time)
                    values.append(p.value)
                }
            }
        }
    }

    /// `[1700000000.123, "0.25"]`.
    private struct Pair: Decodable {
        var time: Double
        var value: Double

        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            time = try Self.time(&c)
            let text = try c.decode(String.self)
            guard let v = PromResponseParser.value(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "sample value \(PromResponseParser.excerpt(Array(text.utf8.prefix(40))))"))
            }
            value = v
            guard c.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "a sample pair with more than two items"))
            }
        }

        /// A timestamp: a number (Prometheus), or a decimal string (some proxies); finite.
        static func time(_ c: inout any UnkeyedDecodingContainer) throws -> Double {
            let t: Double
            switch try c.decode(NumberOrText.self) {
            case .number(let n): t = n
            case .text(let text):
                guard let n = PromResponseParser.value(text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "timestamp"))
                }
                t = n
            }
            guard t.isFinite else { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "timestamp not finite")) }
            return t
        }
    }
}

/// A JSON number, or a string (read in one go, so that a failed attempt never leaves a container half-read).
private enum NumberOrText: Decodable {
    case number(Double)
    case text(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else {
            self = .text(try c.decode(String.self))
        }
    }
}
