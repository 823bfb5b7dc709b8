/// The views opened from the Output panel that set versions or groups side by side (they replace the
/// panels until Esc, or the same key again).
public enum ComparisonView: Equatable, Sendable {
    /// The model's versions in columns, metrics in rows, differences from the `compare` baseline marked
    /// (`v`).
    case versions
    /// The groups of `fairness.group_by` in rows, their rates as bars, the gaps and their thresholds (`f`).
    case fairness
}
