/// Parses the timestamp forms of the log format into seconds since the Unix epoch (UTC):
/// RFC 3339 / ISO 8601 (`2026-11-22T10:15:03.120Z`, `T` or space, with or without fraction and zone;
/// no zone means UTC), and epoch numbers (seconds, or milliseconds/microseconds/nanoseconds by magnitude).
///
/// Why hand-written: Foundation's `ISO8601DateFormatter` costs microseconds per call and allocates;
/// this runs once per line on the hot path.
public enum TimestampParser {
    /// The event times mlwatch accepts: from the Unix epoch, 1970-01-01T00:00:00Z, up to but not including
    /// 10000-01-01T00:00:00Z (253,402,300,800 s), so `9999-12-31T23:59:59Z` is the last whole second in.
    /// Outside it a timestamp is malformed (`timestamp_out_of_range`), whatever its spelling: negative or
    /// non-finite epoch numbers, `1e30`, twenty-six digits, or an offset that pushes year 9999 past the end.
    /// Inside it every conversion to whole seconds, milliseconds or days fits an `Int64`.
    public static let plausibleRange: Range<Double> = 0..<253_402_300_800

    /// An epoch number in seconds, its unit told by its magnitude: below 1e11 it is seconds (until year
    /// 5138), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. Negative and non-finite
    /// numbers are returned as they are (out of `plausibleRange`).
    public static func epochSeconds(_ n: Double) -> Double {
        guard n.isFinite, n >= 0 else { return n }
        if n < 1e11 { return n }
        if n < 1e14 { return n / 1e3 }
        if n < 1e17 { return n / 1e6 }
        return n / 1e9
    }

    /// An epoch number as seconds, or nil when it is outside `plausibleRange`.
    public static func fromEpoch(_ n: Double) -> Double? {
        let t = epochSeconds(n)
        return plausibleRange.contains(t) ? t : nil
    }

    /// A timestamp in seconds, or nil when it does not parse or is outside `plausibleRange`.
    public static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    /// - Complexity: O(n) in the length of the text.
    public static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        var cache = DayCache()
        return parse(s, cache: &cache).flatMap { plausibleRange.contains($0) ? $0 : nil }
    }

    /// The date of the last ISO timestamp parsed and its day number: consecutive lines of a log are almost
    /// always on the same day, so the date's ten bytes are compared (two loads) instead of parsed, validated
    /// and turned into days again (a third of the timestamp's cost in `perf`).
    struct DayCache {
        fileprivate var first8: UInt64 = 0
        fileprivate var next2: UInt16 = 0
        fileprivate var days: Int?
    }

    /// As ``parse(_:)`` without the range check (the caller tells a malformed timestamp from one out of
    /// range), remembering the date in `cache` for the next call. Never traps: the digits of an epoch
    /// string accumulate in a `Double` (twenty-six of them are 1e25, not an overflow), and an ISO date has
    /// four-digit years.
    static func parse(_ s: UnsafeBufferPointer<UInt8>, cache: inout DayCache) -> Double? {
        let n = s.count
        // All digits (optionally with a fraction): an epoch number written as a string.
        // (At least one digit: "." alone is not epoch 0.)
        if n > 0, s.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), s.contains(where: { $0 != 46 }) {
            var v = 0.0
            var scale = 0.0
            for b in s {
                if b == 46 {
                    if scale != 0 { return nil }
                    scale = 1
                } else if scale == 0 {
                    v = v * 10 + Double(b - 48)
                } else {
                    scale /= 10
                    v += Double(b - 48) * scale
                }
            }
            return epochSeconds(v)
        }
        guard n >= 19 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for i in at..<(at + count) {
                let d = Int(s[i]) - 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        let raw = UnsafeRawPointer(s.baseAddress!)
        let first8 = raw.loadUnaligned(as: UInt64.self)
        let next2 = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int
        if let cached = cache.days, cache.first8 == first8, cache.next2 == next2 {
            days = cached
        } else {
            guard let year = digits(0, 4), s[4] == 45, let month = digits(5, 2), s[7] == 45, let day = digits(8, 2),
                (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
            else { return nil }
            days = daysFromCivil(year: year, month: month, day: day)
            cache = DayCache(first8: first8, next2: next2, days: days)
        }
        guard s[10] == 84 || s[10] == 116 || s[10] == 32,
            let hour = digits(11, 2), s[13] == 58, let minute = digits(14, 2), s[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < n, s[i] == 46 || s[i] == 44 {
            i += 1
            // The digits as one integer, then a single division (a division per digit was the slowest part
            // of a timestamp). Digits past the 18th are below a double's resolution of an epoch time.
            var numerator: UInt64 = 0
            var kept = 0
            let start = i
            while i < n, s[i] >= 48, s[i] <= 57 {
                if kept < 18 {
                    numerator = numerator * 10 + UInt64(s[i] - 48)
                    kept += 1
                }
                i += 1
            }
            if i == start { return nil }
            fraction = Double(numerator) / JSONScanner.powerOf10(kept)
        }
        var offset = 0
        if i < n {
            switch s[i] {
            case 90, 122:  // Z z
                i += 1
            case 43, 45:  // + -
                let sign = s[i] == 45 ? -1 : 1
                guard i + 3 <= n, let oh = digits(i + 1, 2) else { return nil }
                var om = 0
                if i + 6 <= n, s[i + 3] == 58, let m = digits(i + 4, 2) {
                    om = m
                    i += 6
                } else if i + 5 <= n, let m = digits(i + 3, 2) {
                    om = m
                    i += 5
                } else {
                    i += 3
                }
                // RFC 3339's time-hour and time-minute: an offset of 25:00 is a typo, not a zone.
                guard oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard i == n else { return nil }
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(secs) + fraction
    }

    /// Days in `month` (1–12) of `year`, proleptic Gregorian: a date past them (`2023-02-30`) is invalid,
    /// not carried into the next month.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Formats seconds since the epoch as RFC 3339 UTC with milliseconds (`2026-11-22T10:15:03.120Z`).
    /// Beyond ±9·10^15 s (no calendar year of any use) it is `-`: the milliseconds would not fit an Int64.
    public static func format(_ t: Double) -> String {
        guard t.isFinite, abs(t) < 9e15 else { return "-" }
        let totalMs = Int64((t * 1000).rounded())
        var days = Int(totalMs / 86_400_000)
        var msOfDay = Int(totalMs % 86_400_000)
        if msOfDay < 0 {
            msOfDay += 86_400_000
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let ms = msOfDay % 1000
        func p(_ v: Int, _ w: Int) -> String {
            let str = String(v)
            return String(repeating: "0", count: max(0, w - str.count)) + str
        }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(h, 2)):\(p(mi, 2)):\(p(s, 2)).\(p(ms, 3))Z"
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
