/// A comparison between a metric's value and a threshold.
public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case equal = "=="
    case notEqual = "!="

    /// `value op threshold`; NaN never satisfies a comparison (not even `!=`), so a metric without data
    /// cannot raise an alert.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        if value.isNaN || threshold.isNaN { return false }
        switch self {
        case .greater: return value > threshold
        case .greaterOrEqual: return value >= threshold
        case .less: return value < threshold
        case .lessOrEqual: return value <= threshold
        case .equal: return value == threshold
        case .notEqual: return value != threshold
        }
    }

    /// Whether the operator has a direction (needed for a recovery threshold).
    public var isDirectional: Bool {
        switch self {
        case .greater, .greaterOrEqual, .less, .lessOrEqual: return true
        case .equal, .notEqual: return false
        }
    }
}
