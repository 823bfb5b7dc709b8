/// A model output (`prediction`) or a ground-truth label: a number (regression or score),
/// a class (string or integer class id), or nothing (`null`, `""`, absent) which counts as a null output.
public enum OutputValue: Sendable, Equatable, Hashable {
    case number(Double)
    case label(String)
    case null

    /// The class key used for class shares and accuracy: integers print without a fraction.
    public var classKey: String? {
        switch self {
        case .label(let s): return s
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .null: return nil
        }
    }

    public var numericValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }
}
