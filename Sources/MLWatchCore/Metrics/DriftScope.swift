/// Which columns a window computation runs drift tests on. Snapshots for display test every column;
/// rule evaluations (hundreds per hour of log) test only the columns their rules read.
public enum DriftScope: Sendable, Equatable {
    case all
    /// Every column, without exact KS p-values where KS is not the chosen test: the live dashboard's
    /// snapshots, rebuilt several times a second.
    case allWithoutKSPValue
    case none
    /// Only these columns; `ksPValue`: whether a rule reads `drift_ks_pvalue` (exact KS p-values cost
    /// O(n1·n2) and are skipped otherwise, unless KS is a column's chosen test).
    case columns(Set<String>, ksPValue: Bool)

    func includes(_ column: String) -> Bool {
        switch self {
        case .all, .allWithoutKSPValue: return true
        case .none: return false
        case .columns(let set, _): return set.contains(column)
        }
    }

    var needsKSPValue: Bool {
        if case .columns(_, let ks) = self { return ks }
        return self == .all
    }

    /// The drift columns that rules need: none when no rule reads a `drift_*` metric; all when one
    /// reads drift without an exact `feature="…"` matcher (or reads `drift_share`).
    public static func needed(by rules: [AlertRule]) -> DriftScope {
        var columns = Set<String>()
        var ks = false
        for rule in rules {
            for c in rule.expression.comparisons where c.selector.name.hasPrefix("drift_") {
                let exact = c.selector.matchers.filter { $0.label == "feature" && $0.op == .equal }
                guard c.selector.name != "drift_share", let m = exact.first else { return .all }
                columns.insert(m.value)
                if c.selector.name == "drift_ks_pvalue" { ks = true }
            }
        }
        return columns.isEmpty ? .none : .columns(columns, ksPValue: ks)
    }
}
