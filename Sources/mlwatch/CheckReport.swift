import MLWatchCore

/// The human-readable form of `mlwatch check --format text`.
enum CheckReport {
    static func text(_ s: Snapshot) -> String {
        var out = "mlwatch check: \(s.sources.joined(separator: ", "))\n"
        out += "events \(s.events), late \(s.late), malformed \(s.malformed.total)"
        if !s.malformed.byReason.isEmpty {
            out += " (" + s.malformed.byReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        out += "\nwindow \(s.windowFrom.map(TimestampParser.format) ?? "-") .. \(s.windowTo.map(TimestampParser.format) ?? "-")\n"
        for m in s.metrics {
            let value = m.text ?? (m.value.isFinite ? String(m.value) : (m.value.isNaN ? "NaN" : m.value > 0 ? "+Inf" : "-Inf"))
            out += "  \(m.name)\(m.labels) \(value)\n"
        }
        out += "alerts (\(s.timeline.count) transitions)\n"
        for t in s.timeline {
            let labels = Labels(t.labels).description
            out += "  \(TimestampParser.format(t.time)) \(t.rule)\(labels) \(t.from.rawValue) -> \(t.to.rawValue)"
            out += " value \(t.value)"
            if let th = t.threshold { out += " threshold \(th)" }
            out += " [\(t.severity.rawValue)]\n"
        }
        return out
    }
}
