import MLWatchCore

/// How one metric of the vocabulary appears on `/metrics`: its Prometheus name (`mlwatch_` + the
/// vocabulary name in base units), the factor from the vocabulary's unit to the base unit, and the help
/// text. The names are a public contract (README, "Metric names on /metrics"): dashboards, the rules of
/// `mlwatch export prometheus-rules` and `mlwatch watch --prometheus` read them.
///
/// Names are a pure function of the vocabulary name, and so is the help text: swift-prometheus traps
/// when one name is registered with two types or two help texts, so nothing that comes from a log (a
/// feature, a model) ever becomes part of a name — only of label values.
public struct ExportedName: Sendable, Equatable {
    /// The Prometheus metric name.
    public var name: String
    /// Multiply the vocabulary's value by this to get the exported value (ms → s: 0.001).
    public var scale: Double
    public var help: String

    public static let prefix = "mlwatch_"

    /// Vocabulary metrics that are cumulative counts: exported as counters (from the snapshot's
    /// cumulative fields), never as gauges.
    public static let cumulative: Set<String> = [
        "malformed_lines_total", "late_events_total", "label_join_expired_total", "labels_unmatched_total",
    ]

    /// Window counts whose vocabulary name ends in `_total`: a gauge must not (promtool's lint), and
    /// `mlwatch_events_total` is the cumulative counter.
    private static let renamed: [String: String] = [
        "events_total": "window_events",
        "labelled_total": "window_labelled",
        "feature_count": "feature_values",
        "shadow_pairs_total": "window_shadow_pairs",
        "group_predictions_total": "window_group_predictions",
        "group_labelled_total": "window_group_labelled",
    ]

    /// The gauge of a per-window vocabulary metric; nil for the cumulative ones (exported as counters).
    public static func gauge(for metric: String) -> ExportedName? {
        guard !cumulative.contains(metric) else { return nil }
        var base = renamed[metric] ?? metric
        var scale = 1.0
        if base.hasSuffix("_ms") {
            base = String(base.dropLast(3)) + "_seconds"
            scale = 0.001
        } else if base.hasSuffix("_mb") {
            base = String(base.dropLast(3)) + "_bytes"
            scale = 1_048_576
        } else if base.hasSuffix("_pct") {
            base = String(base.dropLast(4)) + "_ratio"
            scale = 0.01
        }
        let name = prefix + sanitized(base)
        return ExportedName(name: name, scale: scale, help: help(metric: metric, scale: scale))
    }

    /// The vocabulary name a gauge on `/metrics` comes from, and the factor back to its unit (for
    /// translating rules: `latency_p99_ms > 250` reads `mlwatch_latency_p99_seconds * 1000`).
    public static func vocabulary(ofGauge name: String) -> (metric: String, scale: Double)? {
        guard name.hasPrefix(prefix) else { return nil }
        let base = String(name.dropFirst(prefix.count))
        if let original = renamed.first(where: { $0.value == base })?.key { return (original, 1) }
        if base.hasSuffix("_seconds") { return (String(base.dropLast(8)) + "_ms", 0.001) }
        if base.hasSuffix("_bytes") { return (String(base.dropLast(6)) + "_mb", 1_048_576) }
        if base.hasSuffix("_ratio") { return (String(base.dropLast(6)) + "_pct", 0.01) }
        return (base, 1)
    }

    /// Metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`; the vocabulary already is, this guards the rest.
    static func sanitized(_ s: String) -> String {
        var out = ""
        for (i, c) in s.unicodeScalars.enumerated() {
            switch c {
            case "a"..."z", "A"..."Z", "_": out.unicodeScalars.append(c)
            case "0"..."9": out.unicodeScalars.append(i == 0 ? "_" : c)
            default: out.unicodeScalars.append("_")
            }
        }
        return out
    }

    private static func help(metric: String, scale: Double) -> String {
        let unit = scale == 0.001 ? " (seconds)" : scale == 1_048_576 ? " (bytes)" : scale == 0.01 ? " (ratio 0-1)" : ""
        let what = descriptions[metric] ?? "mlwatch per-window metric \(metric)"
        return what + unit + "."
    }

    /// What each metric of the vocabulary means (help texts).
    private static let descriptions: [String: String] = [
        "events_per_second": "Predictions per second over the current window",
        "events_total": "Predictions in the current window",
        "latency_p50_ms": "Median prediction latency over the current window",
        "latency_p95_ms": "95th percentile prediction latency over the current window",
        "latency_p99_ms": "99th percentile prediction latency over the current window",
        "latency_mean_ms": "Mean prediction latency over the current window",
        "error_rate": "Share of failed requests in the current window",
        "cpu_pct": "Newest CPU sample of a model server",
        "mem_mb": "Newest memory sample of a model server",
        "load1": "Newest load average sample of a model server",
        "monitor_rss_mb": "Resident memory of this mlwatch process",
        "monitor_cpu_pct": "CPU use of this mlwatch process",
        "label_join_pending": "Predictions waiting for their delayed label",
        "feature_mean": "Mean of a numeric feature over the current window",
        "feature_std": "Population standard deviation of a numeric feature over the current window",
        "feature_min": "Minimum of a numeric feature over the current window",
        "feature_max": "Maximum of a numeric feature over the current window",
        "feature_quantile": "Quantile q of a numeric feature over the current window",
        "feature_count": "Non-missing values of a feature in the current window",
        "feature_missing_rate": "Share of predictions with the feature missing in the current window",
        "feature_length_mean": "Mean length of a categorical feature's strings in the current window",
        "feature_category_share": "Share of a category of a feature in the current window",
        "feature_type_mixed": "1 when a feature has both numbers and strings in the current window",
        "drift_ks_stat": "Kolmogorov-Smirnov statistic against the reference",
        "drift_ks_pvalue": "Kolmogorov-Smirnov p-value against the reference",
        "drift_psi": "Population stability index against the reference (this instance's window)",
        "drift_kl": "Kullback-Leibler divergence against the reference",
        "drift_js": "Jensen-Shannon distance against the reference",
        "drift_wasserstein": "Wasserstein distance against the reference, normed by the reference's std",
        "drift_wasserstein_raw": "Wasserstein distance against the reference",
        "drift_chi2_stat": "Chi-square statistic against the reference",
        "drift_chi2_pvalue": "Chi-square p-value against the reference",
        "drift_z_pvalue": "Two-proportion z-test p-value against the reference",
        "drift_test": "1 for the drift test chosen for a column (label test)",
        "drift_score": "Score of the chosen drift test",
        "drift_threshold": "Threshold of the chosen drift test",
        "drift_detected": "1 when the chosen drift test detects drift",
        "drift_share": "Share of the tested features with drift detected",
        "drift_features_detected": "Features with drift detected",
        "output_null_rate": "Share of null predictions in the current window",
        "prediction_mean": "Mean numeric prediction over the current window",
        "prediction_class_share": "Share of a predicted class in the current window",
        "score_mean": "Mean score over the current window",
        "low_confidence_rate": "Share of predictions with a low-confidence score in the current window",
        "feedback_rate": "Feedback events of a kind per prediction in the current window",
        "labelled_total": "Predictions with a known label in the current window",
        "accuracy": "Accuracy of labelled predictions in the current window",
        "mae": "Mean absolute error of labelled predictions in the current window",
        "traffic_share": "Share of a version's predictions in the current window",
        "shadow_pairs_total": "Request ids answered by both a version and the compare baseline in the current window",
        "shadow_agreement_rate": "Share of the request ids answered by a version and the baseline with the same prediction",
        "selection_rate": "Share of a group's predictions equal to the favourable value in the current window",
        "true_positive_rate": "Share of a group's labelled positives predicted positive in the current window",
        "false_positive_rate": "Share of a group's labelled negatives predicted positive in the current window",
        "group_predictions_total": "Non-null predictions of a fairness group in the current window",
        "group_labelled_total": "Labelled predictions of a fairness group in the current window",
        "demographic_parity_difference": "Largest minus smallest selection rate over the fairness groups",
        "demographic_parity_ratio": "Smallest over largest selection rate over the fairness groups",
        "equalized_odds_difference": "Larger of the true and false positive rate gaps between the fairness groups",
    ]
}
