/// The drift tests mlwatch computes, with Evidently's ids (except `kl`, Evidently's `kl_div`),
/// default thresholds and decision rules.
public enum DriftTest: String, Sendable, Codable, CaseIterable, Equatable {
    /// Two-sample Kolmogorov–Smirnov p-value (`ks_stat_test`). Numeric only.
    case ks
    /// Wasserstein distance normed by the reference std (`wasserstein_stat_test`). Numeric only.
    case wasserstein
    /// Population stability index (`psi_stat_test`).
    case psi
    /// Kullback–Leibler divergence (`kl_div_stat_test`).
    case kl
    /// Jensen–Shannon distance (`jensenshannon_stat_test`).
    case jensenshannon
    /// Chi-square p-value (`chi_stat_test`).
    case chisquare
    /// Two-proportion z-test p-value (`z_stat_test`).
    case z

    /// True when the score is a p-value (small means drift); false for distances.
    public var isPValue: Bool {
        switch self {
        case .ks, .chisquare, .z: true
        case .wasserstein, .psi, .kl, .jensenshannon: false
        }
    }

    /// Evidently's `StatTest.default_threshold`: 0.05 for p-value tests, 0.1 for distances.
    public var defaultThreshold: Double {
        isPValue ? 0.05 : 0.1
    }

    /// Evidently's decision rule for each stattest function:
    /// `ks`: p ≤ threshold (`_ks_stat_test` uses `<=`); `chisquare`, `z`: p < threshold;
    /// distances: value ≥ threshold. NaN never signals drift.
    public func isDrift(score: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: score <= threshold
        case .chisquare, .z: score < threshold
        case .wasserstein, .psi, .kl, .jensenshannon: score >= threshold
        }
    }

    /// Whether the test applies to a column kind (KS and Wasserstein need numbers).
    public func applies(to kind: ColumnKind) -> Bool {
        switch self {
        case .ks, .wasserstein: kind == .numerical
        default: true
        }
    }
}

/// The statistical type of a feature column, as Evidently's `ColumnType` (text not supported).
public enum ColumnKind: String, Sendable, Codable, Equatable {
    /// Numbers.
    case numerical
    /// Strings and booleans.
    case categorical
}
