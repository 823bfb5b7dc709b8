import Foundation

/// Parses and prints durations as written in configs and flags: `500ms`, `30s`, `10m`, `2h`, `1d`,
/// combinations such as `1h30m`, and bare numbers (seconds).
public enum DurationText {
    /// Longest duration accepted anywhere (`for:`, `window:`, `lateness`, snooze, …): ten years. Far
    /// beyond any use, and far inside every integer conversion made downstream (even in nanoseconds).
    public static let maxSeconds: Double = 3650 * 86_400
    /// `maxSeconds` as people read it, for messages.
    public static let maxText = "3650d (ten years)"

    /// Seconds, or nil when the text is not a duration or is longer than `maxSeconds`
    /// (`problem(_:)` says which).
    public static func parse(_ text: String) -> Double? {
        guard let seconds = parseUnlimited(text), seconds <= maxSeconds else { return nil }
        return seconds
    }

    /// Why `text` is refused by `parse`, for a message after the flag (`--lateness 1e9d: …`); nil when
    /// it is a valid duration.
    public static func problem(_ text: String) -> String? {
        guard let seconds = parseUnlimited(text) else { return "expected a duration such as 500ms, 30s, 10m, 2h or 1d" }
        guard seconds <= maxSeconds else { return "longer than the limit of \(maxText)" }
        return nil
    }

    /// Seconds (finite, not negative) without the `maxSeconds` check, for callers that check a limit of
    /// their own and name it; nil when the text is not a duration.
    public static func parseUnlimited(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        if let n = Double(s) { return n >= 0 && n.isFinite ? n : nil }
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Double(number) else { return false }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86_400
            case "w": scale = 604_800
            default: return false
            }
            total += n * scale
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for c in s {
            if c.isASCII && (c.isNumber || c == ".") {
                if !unit.isEmpty, !flush() { return nil }
                number.append(c)
            } else if c.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(c)
            } else {
                return nil
            }
        }
        guard flush(), sawAny, total.isFinite else { return nil }
        return total
    }

    /// Short human form: `45s`, `10m`, `1h30m`, `250ms`; `∞` for what no duration can be.
    public static func format(_ seconds: Double) -> String {
        // Beyond 2^62 seconds there is nothing to show in days, and Int(…) would trap.
        guard seconds.isFinite, abs(seconds) < 0x1p62 else { return "∞" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        var rest = Int(seconds.rounded())
        var parts: [String] = []
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
        }
        return parts.prefix(2).joined()
    }
}
