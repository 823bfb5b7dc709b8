/// Evidently's default test choice (`_get_default_stattest` in
/// `evidently/legacy/calculations/stattests/registry.py`, reached through `get_stattest` when no
/// stattest is configured):
///
/// | reference size (cleaned) | kind | n_values of reference ∪ current | test |
/// |---|---|---|---|
/// | ≤ 1000 | numerical | ≤ 2 | z |
/// | ≤ 1000 | numerical | 3…5 | chisquare |
/// | ≤ 1000 | numerical | > 5 | ks |
/// | ≤ 1000 | categorical | ≤ 2 | z, else chisquare |
/// | > 1000 | numerical | ≤ 5 | jensenshannon, else wasserstein |
/// | > 1000 | categorical | any | jensenshannon |
///
/// `n_values = pd.concat([reference, current]).nunique()`: distinct non-missing values of both.
public enum DriftTestSelector {
    /// Evidently's reference-size limit between the small-data and large-data choices.
    public static let smallReferenceLimit = 1000

    /// The default test for a column.
    public static func defaultTest(kind: ColumnKind, referenceCount: Int, distinctValues nValues: Int) -> DriftTest {
        if referenceCount <= smallReferenceLimit {
            switch kind {
            case .numerical:
                if nValues <= 5 { return nValues > 2 ? .chisquare : .z }
                return .ks
            case .categorical:
                return nValues > 2 ? .chisquare : .z
            }
        }
        switch kind {
        case .numerical: return nValues <= 5 ? .jensenshannon : .wasserstein
        case .categorical: return .jensenshannon
        }
    }

    /// The test and threshold to use: the caller's choice when given, else Evidently's default
    /// test with its default threshold.
    public static func resolve(
        kind: ColumnKind, referenceCount: Int, distinctValues: Int, options: DriftOptions
    ) -> (test: DriftTest, threshold: Double) {
        let test = options.test ?? defaultTest(kind: kind, referenceCount: referenceCount, distinctValues: distinctValues)
        return (test, options.threshold ?? test.defaultThreshold)
    }
}
