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
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
                // Class ids are mostly small integers: their keys are made once, not per event.
                if d >= 0, d < Double(Self.smallClassKeys.count) { return Self.smallClassKeys[Int(d)] }
                return String(Int64(d))
            }
            return String(d)
        case .null: return nil
        }
    }

    private static let smallClassKeys: [String] = (0..<256).map { String($0) }

    /// Whether two outputs name the same class (what `classKey ==` says, without building the keys).
    public func sameClass(as other: OutputValue) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.label(let a), .label(let b)): return a == b
        case (.null, _), (_, .null): return false
        default: return classKey == other.classKey
        }
    }

    public var numericValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }
}
