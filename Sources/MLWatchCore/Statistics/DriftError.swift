/// Errors of the drift calculation.
public enum DriftError: Error, Sendable, Equatable {
    /// No finite / non-missing value in the reference column (Evidently raises too).
    case emptyReference
    /// No finite / non-missing value in the current window.
    case emptyCurrent
    /// The forced test cannot be computed on this column kind (e.g. KS on a categorical column).
    case testNotApplicable(DriftTest, ColumnKind)
}
