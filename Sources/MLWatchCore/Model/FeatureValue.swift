/// One input feature's value in one prediction event, typed as ARCHITECTURE.md prescribes:
/// numbers are numeric, strings and booleans are categorical (as Evidently treats booleans),
/// `null` or an absent key is missing. Strings of a feature found to be free text (see
/// `FeatureCardinality`) keep only their length.
public enum FeatureValue: Sendable, Equatable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// A value of a free-text feature: its length in characters (grapheme clusters, as `String.count`).
    case text(length: Int)
    case missing

    /// The categorical spelling of a string or boolean value (`"true"`/`"false"` for booleans).
    public var categoryKey: String? {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number, .text, .missing: return nil
        }
    }
}
