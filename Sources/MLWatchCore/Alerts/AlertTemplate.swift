import Foundation

/// Renders annotation templates: `{{ $value }}`, `{{ $threshold }}`, `{{ $labels.model }}` (spaces inside
/// the braces optional). Anything else between braces is left as written, so a typo shows up in the text.
/// A label's value comes from a log: it is put in sanitized (`TextSanitizer`, one line), as an annotation is
/// text for people (the dashboard, `MLWATCH_SUMMARY`, a chat message from Alertmanager) — a value that leaves
/// an escape sequence open would otherwise swallow the rest of the text. The labels themselves stay exact.
enum AlertTemplate {
    static func render(_ template: String, value: Double, threshold: Double?, labels: Labels) -> String {
        guard template.contains("{{") else { return template }
        var out = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            switch inner {
            case "$value": out += format(value)
            case "$threshold": out += threshold.map(format) ?? ""
            default:
                if inner.hasPrefix("$labels.") {
                    out += labels[String(inner.dropFirst("$labels.".count))].map { TextSanitizer.sanitize($0) } ?? ""
                } else {
                    out += rest[open.lowerBound..<close.upperBound]
                }
            }
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    /// Short human form: integers without a fraction, otherwise up to 6 significant digits.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }
}
