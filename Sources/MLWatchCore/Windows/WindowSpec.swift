import Foundation

/// Which events the metrics of a snapshot cover, and how often alert rules are evaluated.
public enum WindowSpec: Sendable, Equatable, CustomStringConvertible {
    /// Sliding event-time window of `size` seconds, evaluated every `slide` seconds of event time.
    case time(size: Double, slide: Double)
    /// The last `size` prediction events, evaluated every `slide` events.
    case count(size: Int, slide: Int)
    /// Every event seen, evaluated every `slide` seconds of event time.
    case all(slide: Double)

    public static let `default` = WindowSpec.time(size: 600, slide: 30)

    /// Parses the `--window` flag: `all`, a duration (`10m`), a duration with slide (`10m/30s`) or an
    /// event count (`5000`).
    public static func parse(_ text: String) -> WindowSpec? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "all" { return .all(slide: 30) }
        if let n = Int(t), n > 0 { return .count(size: n, slide: max(1, n / 10)) }
        // Empty parts are kept so that "" and "/30s" are rejected (an empty flag used to trap on parts[0]).
        let parts = t.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let size = DurationText.parse(first), size > 0 else { return nil }
        if parts.count == 2 {
            guard let slide = DurationText.parse(parts[1]), slide > 0, slide <= size else { return nil }
            return .time(size: size, slide: slide)
        }
        return .time(size: size, slide: WindowSpec.defaultSlide(for: size))
    }

    /// A twentieth of the window, rounded to a whole second (at least one second).
    public static func defaultSlide(for size: Double) -> Double {
        max(1, (size / 20).rounded())
    }

    public var description: String {
        switch self {
        case .time(let size, let slide): return "\(DurationText.format(size)) sliding every \(DurationText.format(slide))"
        case .count(let size, _): return "last \(size) events"
        case .all: return "all events"
        }
    }
}
