import Foundation

/// Formats journal records for people (a hand-over between shifts) or for tools (JSON Lines).
///
/// Text, one line per record, times in UTC:
/// ```
/// 2026-11-22T10:17:03.000Z  LatencyP99High{model="fraud"}  pending → firing  value=312.5 threshold=250  #1
/// 2026-11-22T10:19:40.000Z  LatencyP99High{model="fraud"}  acknowledged by alice: "looking at it"  #1
/// ```
public struct JournalPrinter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text
        /// One JSON object per line with the fields of `AlertJournalEntry` (sorted keys).
        case jsonLines = "json"
    }

    public var format: Format

    public init(format: Format = .text) {
        self.format = format
    }

    /// All records, one per line, each line ending in a newline.
    public func format(_ entries: [AlertJournalEntry]) -> String {
        entries.map { line(for: $0) + "\n" }.joined()
    }

    /// One record as one line (without the newline). Text lines are sanitized (`TextSanitizer`, one
    /// line): labels come from logs and notes from people, and neither may move the cursor or add lines.
    /// Each value is sanitized on its own first, so one that leaves an escape sequence open cannot swallow
    /// the rest of the record (the state, the value, the incident).
    public func line(for e: AlertJournalEntry) -> String {
        switch format {
        case .jsonLines:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
            guard let data = try? encoder.encode(e) else { return "{}" }
            return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
        case .text:
            return TextSanitizer.sanitize(text(e))
        }
    }

    private func text(_ e: AlertJournalEntry) -> String {
        let note = e.note.map { TextSanitizer.sanitize($0) }
        var parts = [TimestampParser.format(e.time), TextSanitizer.sanitize(e.rule) + Labels(e.labels).displayDescription]
        let by = e.actor.map { " by \(TextSanitizer.sanitize($0))" } ?? ""
        let quotedNote = note.map { ": \"\($0)\"" } ?? ""
        switch e.kind {
        case .transition:
            var s = "\(e.from?.rawValue ?? "?") → \(e.to?.rawValue ?? "?")"
            if let v = e.value { s += "  value=\(AlertTemplate.format(v))" }
            if let t = e.threshold { s += " threshold=\(AlertTemplate.format(t))" }
            if let n = note { s += "  (\(n))" }
            parts.append(s)
        case .acknowledge:
            parts.append("acknowledged\(by)\(quotedNote)")
        case .snooze:
            parts.append("snoozed until \(e.until.map(TimestampParser.format) ?? "?")\(by)\(quotedNote)")
        case .undo:
            let what = e.undone == .acknowledge ? "acknowledgement" : e.undone == .snooze ? "snooze" : "action"
            parts.append("undid \(what)\(by)")
        case .note:
            parts.append("note\(by)\(quotedNote)")
        case .thresholdOverride:
            let value = e.threshold.map { "set to \(AlertTemplate.format($0))" } ?? "cleared"
            parts.append("threshold \(value)\(by)\(quotedNote)")
        case .notified:
            parts.append("notified")
        }
        if let i = e.incident, i > 0 { parts.append("#\(i)") }
        return parts.joined(separator: "  ")
    }
}
