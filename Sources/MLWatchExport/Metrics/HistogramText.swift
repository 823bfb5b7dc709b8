import MLWatchCore

/// Writes `mlwatch_prediction_latency_seconds` (a histogram per model and version) in the text format,
/// from the engine's cumulative bucket counts. (swift-prometheus' histogram takes single observations;
/// the exporter only reads snapshots, which carry counts.)
enum HistogramText {
    static let name = "mlwatch_prediction_latency_seconds"
    static let help = "Prediction latency (seconds) as logged, per model and version."

    static func append(_ counters: PredictionCounters, into out: inout [UInt8]) {
        guard !counters.keys.isEmpty else { return }
        out.append(contentsOf: "# HELP \(name) \(help)\n# TYPE \(name) histogram\n".utf8)
        let bounds = counters.latencyBounds.map(PromFloat.format) + ["+Inf"]
        for (i, key) in counters.keys.enumerated() {
            var labels: [UInt8] = []
            labels.append(contentsOf: "model=\"".utf8)
            appendEscaped(key.model, into: &labels)
            labels.append(contentsOf: "\",version=\"".utf8)
            appendEscaped(key.version, into: &labels)
            labels.append(UInt8(ascii: "\""))
            for (bound, count) in zip(bounds, counters.cumulativeBuckets(i)) {
                out.append(contentsOf: "\(name)_bucket{".utf8)
                out.append(contentsOf: labels)
                out.append(contentsOf: ",le=\"\(bound)\"} \(count)\n".utf8)
            }
            out.append(contentsOf: "\(name)_sum{".utf8)
            out.append(contentsOf: labels)
            out.append(contentsOf: "} \(PromFloat.format(counters.totals[i].latencySum))\n".utf8)
            out.append(contentsOf: "\(name)_count{".utf8)
            out.append(contentsOf: labels)
            out.append(contentsOf: "} \(counters.totals[i].latencyCount)\n".utf8)
        }
    }

    /// Label value escaping of the text format: backslash, double quote and line feed.
    static func appendEscaped(_ value: String, into out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            default: out.append(byte)
            }
        }
    }
}
