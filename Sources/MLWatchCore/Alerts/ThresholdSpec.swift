/// The right-hand side of a comparison: a fixed number or an adaptive threshold.
public enum ThresholdSpec: Sendable, Equatable, CustomStringConvertible {
    case fixed(Double)
    case adaptive(AdaptiveThreshold)

    public var description: String {
        switch self {
        case .fixed(let v): return AdaptiveThreshold.format(v)
        case .adaptive(let a): return a.description
        }
    }
}
