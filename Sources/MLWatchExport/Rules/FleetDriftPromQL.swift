/// The PromQL of fleet-exact drift over the bins every instance exports (`mlwatch_feature_window_values`,
/// `mlwatch_feature_reference_share`), written once for both readers: the recording rules of `mlwatch export
/// prometheus-rules` (`PrometheusRuleFile`, over every scraped series) and the fleet dashboard's inline
/// queries (`FleetQueries`, over the series of its scope).
///
/// PSI = Σ over bins of (c − r) · ln(c / r), c the fleet's share of window values in the bin (counts summed
/// over instances), r the reference's share (the same on every instance), both floored at 0.0001 — what
/// `FleetBins.psi` computes on merged data.
///
/// `drift.min_samples` holds for the fleet as for one instance: PSI over fewer summed window values than
/// that, or against a reference with fewer values (`mlwatch_feature_reference_values`), is not a test
/// (`gated`). An instance under the minimum exports no `drift_*` samples but still its bins, so the sum over
/// instances can reach it.
enum FleetDriftPromQL {
    /// The labels of one bin of one feature.
    static let binLabels = "model, version, feature, upper, category"
    /// The labels of one feature's drift.
    static let featureLabels = "model, version, feature"

    /// The fleet's share of window values per bin; `values` selects `mlwatch_feature_window_values`.
    static func windowShare(values: String) -> String {
        "sum by (\(binLabels)) (\(values)) / ignoring (upper, category) group_left () (sum by (\(featureLabels)) (\(values)) > 0)"
    }

    /// The reference's share per bin; `shares` selects `mlwatch_feature_reference_share`.
    static func referenceShare(shares: String) -> String {
        "max by (\(binLabels)) (\(shares))"
    }

    /// The fleet's window values per feature: the bin counts summed over bins and instances (what the fleet
    /// PSI is computed on).
    static func windowValues(values: String) -> String {
        "sum by (\(featureLabels)) (\(values))"
    }

    /// `expr` (by model, version, feature) only where the fleet has at least `minSamples` window values of
    /// the feature (`values` selects `mlwatch_feature_window_values`), and not where the reference has fewer
    /// (`referenceValues` selects `mlwatch_feature_reference_values`; `unless`, so that instances of a version
    /// that does not export it are gated by the window alone); the labels of `expr` are kept.
    static func gated(_ expr: String, values: String, referenceValues: String, minSamples: Int) -> String {
        "\(expr) and on (\(featureLabels)) (\(windowValues(values: values)) >= \(minSamples))"
            + " unless on (\(featureLabels)) (max by (\(featureLabels)) (\(referenceValues)) < \(minSamples))"
    }

    /// PSI per feature from the two shares (expressions or recording rules).
    static func psi(windowShare: String, referenceShare: String) -> String {
        let c = "clamp_min(\(windowShare), 0.0001)"
        let r = "clamp_min(\(referenceShare), 0.0001)"
        return "sum by (\(featureLabels)) ((\(c) - \(r)) * ln(\(c) / \(r)))"
    }
}
