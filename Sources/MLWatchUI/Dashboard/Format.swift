import Foundation
import MLWatchCore

/// Number and time formatting for panels: short, fixed-width-friendly, never "nan".
public enum Format {
    /// `12.3`, `1.23k`, `4.56M`; `–` for nil or non-finite.
    public static func number(_ v: Double?, digits: Int = 3) -> String {
        guard let v, v.isFinite else { return "–" }
        let a = abs(v)
        if a >= 1e9 { return trimmed(v / 1e9, digits) + "G" }
        if a >= 1e6 { return trimmed(v / 1e6, digits) + "M" }
        if a >= 1e4 { return trimmed(v / 1e3, digits) + "k" }
        if a == 0 { return "0" }
        if a < 0.001 { return String(format: "%.1e", v) }
        return trimmed(v, digits)
    }

    /// Significant-digit formatting without trailing zeros.
    static func trimmed(_ v: Double, _ digits: Int) -> String {
        let a = abs(v)
        let decimals = a >= 100 ? max(0, digits - 3) : a >= 10 ? max(0, digits - 2) : a >= 1 ? digits - 1 : digits
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// `12.5%`; `–` for nil.
    public static func percent(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        let p = v * 100
        if p != 0 && abs(p) < 0.1 { return String(format: "%.2f%%", p) }
        return String(format: "%.1f%%", p)
    }

    /// Milliseconds: `12.7ms`, `1.25s`.
    public static func millis(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        if v >= 1000 { return trimmed(v / 1000, 3) + "s" }
        return trimmed(v, 3) + "ms"
    }

    /// Event time as `HH:MM:SS` (UTC) with the date when `withDate`.
    public static func time(_ t: Double?, withDate: Bool = false) -> String {
        guard let t else { return "–" }
        let full = TimestampParser.format(t)
        let date = full.prefix(10)
        let clock = full.dropFirst(11).prefix(8)
        return withDate ? "\(date) \(clock)Z" : String(clock)
    }

    /// A duration as `45s`, `12m`, `3h5m`.
    public static func age(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite else { return "–" }
        if s < 0 { return "0s" }
        if s < 60 { return "\(Int(s))s" }
        if s < 3600 { return "\(Int(s / 60))m" }
        if s < 86_400 { return "\(Int(s / 3600))h\(Int(s.truncatingRemainder(dividingBy: 3600) / 60))m" }
        return "\(Int(s / 86_400))d\(Int(s.truncatingRemainder(dividingBy: 86_400) / 3600))h"
    }
}
