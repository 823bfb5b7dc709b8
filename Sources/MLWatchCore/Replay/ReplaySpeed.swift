import Foundation

/// How fast a replay runs: a multiple of real time, or as fast as the machine can go.
public enum ReplaySpeed: Sendable, Hashable, CustomStringConvertible {
    /// Virtual seconds per wall-clock second.
    case factor(Double)
    /// No clock: events are fed as fast as they can be processed.
    case max

    /// The steps `+` and `-` move through.
    public static let steps: [ReplaySpeed] = [.factor(1), .factor(2), .factor(5), .factor(10), .factor(60), .factor(600), .max]

    /// Parses `1`, `10x`, `60×`, `0.5` or `max`; nil for anything else (zero and negatives too).
    public static func parse(_ text: String) -> ReplaySpeed? {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "max" { return .max }
        if t.hasSuffix("x") || t.hasSuffix("×") { t.removeLast() }
        guard let v = Double(t), v.isFinite, v > 0 else { return nil }
        return .factor(v)
    }

    /// The next step up (`+`); `.max` stays `.max`. A speed between steps goes to the next one above it.
    public var faster: ReplaySpeed {
        guard case .factor(let v) = self else { return .max }
        return ReplaySpeed.steps.first { step in
            if case .factor(let s) = step { return s > v }
            return true
        } ?? .max
    }

    /// The next step down (`-`); 1× (or a slower custom speed) stays where it is.
    public var slower: ReplaySpeed {
        switch self {
        case .max: return .factor(600)
        case .factor(let v):
            let lower = ReplaySpeed.steps.reversed().first { step in
                if case .factor(let s) = step { return s < v }
                return false
            }
            return lower ?? self
        }
    }

    /// `60×`, `0.5×`, `max`.
    public var description: String {
        switch self {
        case .max: return "max"
        case .factor(let v):
            if v == v.rounded(), v < 1e9 { return "\(Int(v))×" }
            return "\(v)×"
        }
    }
}
