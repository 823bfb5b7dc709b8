import MLWatchCore

/// The human-readable form of `mlwatch check --format text`. Model names, labels and feature names
/// come from logs: each value is sanitized on its own (`TextSanitizer`, one line; labels through
/// `Labels.displayDescription`), so no value can add a line, move the cursor, send an escape sequence to the
/// terminal of whoever reads the report, or — leaving a sequence open — swallow the rest of its line (the
/// number, the state). Each line is sanitized once more as a whole.
enum CheckReport {
    static func text(_ s: Snapshot) -> String {
        lines(s).map { TextSanitizer.sanitize($0) + "\n" }.joined()
    }

    private static func lines(_ s: Snapshot) -> [String] {
        var out = ["mlwatch check: \(s.sources.map { TextSanitizer.sanitize($0) }.joined(separator: ", "))"]
        var counts = "events \(s.events), late \(s.late), malformed \(s.malformed.total)"
        if !s.malformed.byReason.isEmpty {
            counts += " (" + s.malformed.byReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        if s.future.total > 0 {
            counts += ", future \(s.future.total) (more than \(DurationText.format(s.future.maxFuture)) ahead: "
                + s.future.bySource.sorted { $0.key < $1.key }.map { "\(TextSanitizer.sanitize($0.key)) \($0.value)" }.joined(separator: ", ") + ")"
        }
        out.append(counts)
        if let limit = s.alertSeriesLimit, limit.wasHit {
            let rules = limit.forgotten.merging(limit.untracked, uniquingKeysWith: +).sorted { $0.key < $1.key }
            out.append("rule label sets capped at \(limit.cap) per rule: " + rules.map { "\(TextSanitizer.sanitize($0.key)) \($0.value) dropped" }.joined(separator: ", "))
        }
        out.append("window \(s.windowFrom.map(TimestampParser.format) ?? "-") .. \(s.windowTo.map(TimestampParser.format) ?? "-")")
        let c = s.cardinality
        if c.overflowGroups > 0 {
            out.append("capped: \(c.overflowGroups) more groups (\(c.overflowEvents) events) counted as model \"\(Cardinality.overflowName)\", over the limit of \(c.maxGroups)")
        }
        if c.overflowFeatures > 0 {
            out.append("capped: \(c.overflowFeatures) more feature names counted but not kept, over the limit of \(c.maxFeaturesPerGroup) per group")
        }
        for u in s.driftUntested {
            out.append("  drift\(u.labels.displayDescription) \(u.message)")
        }
        for m in s.metrics {
            let value = m.text.map { TextSanitizer.sanitize($0) } ?? (m.value.isFinite ? String(m.value) : (m.value.isNaN ? "NaN" : m.value > 0 ? "+Inf" : "-Inf"))
            out.append("  \(m.name)\(m.labels.displayDescription) \(value)")
        }
        out.append("alerts (\(s.timeline.count) transitions)")
        for t in s.timeline {
            let labels = Labels(t.labels).displayDescription
            var line = "  \(TimestampParser.format(t.time)) \(TextSanitizer.sanitize(t.rule))\(labels) \(t.from.rawValue) -> \(t.to.rawValue)"
            line += " value \(t.value)"
            if let th = t.threshold { line += " threshold \(th)" }
            line += " [\(t.severity.rawValue)]"
            out.append(line)
        }
        return out
    }
}
