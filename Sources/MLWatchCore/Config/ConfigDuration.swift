/// Durations as written in the config: `500ms`, `30s`, `10m`, `2h`, `1d`, combinations such as `1h30m`,
/// and bare numbers (seconds, so `for: 0` works). Unlike the lenient `DurationText.parse` used for flags,
/// this reports where and why a duration is wrong. Every duration is range-checked against
/// `DurationText.maxSeconds`, so no config value can overflow an integer conversion downstream.
enum ConfigDuration {
    /// A problem and its 0-based offset (in Unicode scalars) inside the text.
    struct Problem: Error {
        var offset: Int
        var message: String
    }

    static let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]

    static func parse(_ text: String) throws(Problem) -> Double {
        let scalars = Array(text.unicodeScalars)
        let shown = ConfigNode.quoted(text)
        if scalars.isEmpty { throw Problem(offset: 0, message: "empty duration (write e.g. 30s, 10m, 2h)") }
        if let n = Double(text) {
            guard !n.isNaN else { throw Problem(offset: 0, message: "\(shown) is not a duration (write e.g. 30s, 10m, 2h)") }
            guard n >= 0 else { throw Problem(offset: 0, message: "a duration cannot be negative") }
            return try checked(n, shown)
        }
        var total = 0.0
        var i = 0
        while i < scalars.count {
            let start = i
            while i < scalars.count, (scalars[i] >= "0" && scalars[i] <= "9") || scalars[i] == "." { i += 1 }
            guard i > start, let number = Double(String(String.UnicodeScalarView(scalars[start..<i]))) else {
                throw Problem(offset: start, message: "\(shown) is not a duration (write e.g. 500ms, 30s, 10m, 2h, 1d)")
            }
            let unitStart = i
            while i < scalars.count, scalars[i].properties.isAlphabetic { i += 1 }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<i]))
            guard !unit.isEmpty else {
                throw Problem(offset: unitStart, message: "duration \(shown) needs a unit after \(ConfigNode.quoted(String(String.UnicodeScalarView(scalars[start..<i])))) (use ms, s, m, h, d)")
            }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else {
                throw Problem(offset: unitStart, message: "unknown duration unit \(ConfigNode.quoted(unit)) (use ms, s, m, h, d)")
            }
            total += number * scale
            if !(total <= DurationText.maxSeconds) { throw Problem(offset: start, message: tooLong(shown)) }
        }
        return total
    }

    private static func checked(_ seconds: Double, _ shown: String) throws(Problem) -> Double {
        guard seconds <= DurationText.maxSeconds else { throw Problem(offset: 0, message: tooLong(shown)) }
        return seconds
    }

    private static func tooLong(_ shown: String) -> String {
        "duration \(shown) is longer than the limit of \(DurationText.maxText)"
    }
}
