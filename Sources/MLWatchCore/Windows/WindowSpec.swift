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

    /// Most slides in one window (size / slide): a slide so fine that a window has more steps than this
    /// is refused, whatever the engine could do with it.
    public static let maxSteps = 100_000
    /// Largest count window, in events.
    public static let maxEvents = 10_000_000
    /// Finest slide of a time (or `all`) window.
    public static let minSlide = 0.001

    /// Parses the `--window` flag: `all`, a duration (`10m`), a duration with slide (`10m/30s`) or an
    /// event count (`5000`); nil when it is not one or breaks a limit (`problem(parsing:)` says why).
    public static func parse(_ text: String) -> WindowSpec? {
        if case .success(let spec) = parseChecked(text) { return spec }
        return nil
    }

    /// Why `text` is not a valid `--window` value; nil when it is one.
    public static func problem(parsing text: String) -> String? {
        if case .failure(let problem) = parseChecked(text) { return problem.message }
        return nil
    }

    /// A reason a window is refused.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    private static func parseChecked(_ text: String) -> Result<WindowSpec, Problem> {
        let expected = Problem(message: "expected all, 10m, 10m/30s or 5000")
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "all" { return .success(.all(slide: 30)) }
        if !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int(t) else { return .failure(Problem(message: "a count window holds 1 to \(maxEvents) events")) }
            guard n > 0 else { return .failure(expected) }
            return validated(.count(size: n, slide: max(1, n / 10)))
        }
        // Empty parts are kept so that "" and "/30s" are rejected (an empty flag used to trap on parts[0]).
        let parts = t.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        // Durations unlimited here: `problem` names the window's own limits.
        guard let first = parts.first, let size = DurationText.parseUnlimited(first), size > 0 else { return .failure(expected) }
        if parts.count == 2 {
            guard let slide = DurationText.parseUnlimited(parts[1]), slide > 0 else { return .failure(expected) }
            return validated(.time(size: size, slide: slide))
        }
        return validated(.time(size: size, slide: WindowSpec.defaultSlide(for: min(size, DurationText.maxSeconds))))
    }

    private static func validated(_ spec: WindowSpec) -> Result<WindowSpec, Problem> {
        if let message = spec.problem { return .failure(Problem(message: message)) }
        return .success(spec)
    }

    /// What is wrong with this window (a limit it breaks, in words that name the limit); nil when valid.
    public var problem: String? {
        switch self {
        case .time(let size, let slide):
            guard size > 0, size <= DurationText.maxSeconds else {
                return "the window size must be positive and at most \(DurationText.maxText)"
            }
            guard slide >= Self.minSlide else { return "the slide must be at least 1ms" }
            guard slide <= size else { return "the slide must be at most the window size" }
            guard size / slide <= Double(Self.maxSteps) else {
                return "a \(DurationText.format(size)) window sliding every \(DurationText.format(slide)) has "
                    + "\(Self.stepsText(size / slide)) slides, over the limit of \(Self.maxSteps) (use a longer slide)"
            }
        case .count(let size, let slide):
            guard size > 0, size <= Self.maxEvents else { return "a count window holds 1 to \(Self.maxEvents) events" }
            guard slide > 0, slide <= size else { return "the slide must be positive and at most the window size" }
            guard size / slide <= Self.maxSteps else {
                return "a window of \(size) events sliding every \(slide) has \(size / slide) slides, over the limit of \(Self.maxSteps) (use a longer slide)"
            }
        case .all(let slide):
            guard slide >= Self.minSlide, slide <= DurationText.maxSeconds else {
                return "the slide must be between 1ms and \(DurationText.maxText)"
            }
        }
        return nil
    }

    private static func stepsText(_ steps: Double) -> String {
        steps < 1e15 ? String(Int(steps.rounded())) : String(format: "%.3g", steps)
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
