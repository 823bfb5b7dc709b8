/// Which features an aggregate keeps the values of (sorted numbers, category counts, string lengths).
///
/// Rule evaluations read a feature's values only for the drift tests of the columns their rules name,
/// or for `feature_*` metrics. Keeping every feature's values anyway (a sorted-column insert and removal
/// per value, a merge per evaluation) was about a sixth of a replay; an aggregate for evaluations keeps
/// only what has been asked of it, and widens (recomputing from the window) when asked for more.
enum FeatureDemand: Sendable, Equatable {
    case all
    case only(Set<String>)

    func includes(_ name: String) -> Bool {
        switch self {
        case .all: return true
        case .only(let names): return names.contains(name)
        }
    }

    /// Whether every feature `other` keeps is kept here.
    func covers(_ other: FeatureDemand) -> Bool {
        switch (self, other) {
        case (.all, _): return true
        case (.only, .all): return false
        case (.only(let mine), .only(let theirs)): return theirs.isSubset(of: mine)
        }
    }

    func union(_ other: FeatureDemand) -> FeatureDemand {
        switch (self, other) {
        case (.only(let a), .only(let b)): return .only(a.union(b))
        default: return .all
        }
    }

    /// What a metrics computation reads (see `MetricsCalculator.compute`): every feature for `feature_*`
    /// statistics, else those tested for drift.
    static func needed(featureStatistics: Bool, driftScope: DriftScope) -> FeatureDemand {
        if featureStatistics { return .all }
        switch driftScope {
        case .all, .allWithoutKSPValue: return .all
        case .none: return .only([])
        case .columns(let names, _): return .only(names)
        }
    }
}
