/// The PromQL behind one refresh of the fleet dashboard: five queries, whatever the size of the fleet.
///
/// Aggregation happens in Prometheus (sums of counter rates, `histogram_quantile` over summed bucket rates,
/// the fleet PSI over summed bin counts, the worst instance of the other gauges), so an answer holds one
/// series per model/version (and feature, class, host…) — not one per instance. Each query is a union
/// (`or`) of several aggregates, each tagged with the label `mlwatch_stat` (`label_replace`) naming what
/// it is; `FleetSnapshotBuilder` reads the answers back by that label.
///
/// | query | by | what |
/// |---|---|---|
/// | software | model, version (host) | throughput, error rate, latency quantiles and mean, resources, totals |
/// | input | model, version, feature | fleet PSI, its bins and their count, missing rate, means, categories, drift per instance |
/// | output | model, version (class, kind) | null rate, scores, class shares, feedback, accuracy, traffic share |
/// | alerts | — | `mlwatch_alert` of every instance in scope |
/// | instances | instance, job | up, scrape age, events/s, error rate, lag |
///
/// Conventions (README, "Running a fleet"): rates and means are fleet values (counter rates summed; means
/// and shares weighted by each instance's window counts); other rates are the worst instance — `max`, or
/// `min` for accuracy — as the alert rules of `mlwatch export prometheus-rules` read them. Per-window gauges
/// are read for the groups without a segment (`segment=""`).
public struct FleetQueries: Sendable, Equatable {
    /// The five queries of a refresh.
    public enum Kind: String, Sendable, CaseIterable {
        case software, input, output, alerts, instances
    }

    /// The label that names each aggregate of a union.
    public static let statLabel = "mlwatch_stat"

    /// `--match`: added to every selector.
    public var matchers: [PromMatcher]
    /// The instance every panel is narrowed to (nil: the whole fleet). The instances query ignores it.
    public var instance: String?
    /// The range of `rate()` (a PromQL duration, e.g. `1m`; at least two scrape intervals).
    public var rateWindow: String
    /// Read the fleet PSI and its bins from the recording rules of `mlwatch export prometheus-rules`
    /// instead of computing them inline. Only meaningful for the whole fleet without `--match` (the rules
    /// sum every instance Prometheus scrapes); `effectiveRecordingRule` checks that.
    public var recordingRule: Bool

    public init(matchers: [PromMatcher] = [], instance: String? = nil, rateWindow: String = "1m", recordingRule: Bool = false) {
        self.matchers = matchers
        self.instance = instance
        self.rateWindow = rateWindow
        self.recordingRule = recordingRule
    }

    /// Whether the recording rules are read (asked for, whole fleet, no `--match`).
    public var effectiveRecordingRule: Bool { recordingRule && instance == nil && matchers.isEmpty }

    /// The query of one kind.
    public func query(_ kind: Kind) -> String {
        switch kind {
        case .software: return software
        case .input: return input
        case .output: return output
        case .alerts: return alerts
        case .instances: return instances
        }
    }

    // MARK: Building blocks

    private static let noSegment = [PromMatcher("segment", .equal, "")]
    private static let mv = "model, version"
    private static let mvf = "model, version, feature"
    private static let perInstance = "instance, job"

    /// The matchers of the scope: `--match` and the instance.
    var scopeMatchers: [PromMatcher] {
        matchers + (instance.map { [PromMatcher("instance", .equal, $0)] } ?? [])
    }

    /// `metric{scope matchers, extra}`.
    func sel(_ metric: String, _ extra: [PromMatcher] = [], scoped: Bool = true) -> String {
        let all = (scoped ? scopeMatchers : matchers) + extra
        return all.isEmpty ? metric : metric + "{" + PromMatcher.render(all) + "}"
    }

    /// A per-window gauge of the groups without a segment.
    private func gauge(_ metric: String) -> String { sel(metric, Self.noSegment) }

    /// A drift gauge against the reference: not the series of a version against a `compare:` baseline
    /// (label `baseline`), which the Input panel would otherwise mix into the feature's worst value.
    private func referenceDrift(_ metric: String) -> String { sel(metric, Self.noSegment + [PromMatcher("baseline", .equal, "")]) }

    private func rate(_ metric: String, scoped: Bool = true) -> String {
        "rate(\(sel(metric, scoped: scoped))[\(rateWindow)])"
    }

    /// `expr` tagged `mlwatch_stat="name"`.
    static func stat(_ expr: String, _ name: String) -> String {
        "label_replace(\(expr), \"\(statLabel)\", \"\(name)\", \"\", \"\")"
    }

    private static func union(_ parts: [(String, String)]) -> String {
        parts.map { stat($0.1, $0.0) }.joined(separator: " or ")
    }

    /// Σ(value × weight) / Σ weight by `by`, over the instances that have both (`on` the labels a value
    /// and its weight share).
    private func weighted(_ value: String, by weight: String, by: String, on: String) -> String {
        let v = gauge(value)
        let w = gauge(weight)
        return "sum by (\(by)) (\(v) * on (\(on)) \(w)) / sum by (\(by)) (\(w) and on (\(on)) \(v))"
    }

    /// Like `weighted`, for a gauge with one more label than its weight (`class`, `kind`, `category`): the
    /// fleet's share of each value of that label.
    private func weightedShare(_ value: String, extra: String, by weight: String, by: String, on: String) -> String {
        let v = gauge(value)
        let w = gauge(weight)
        return "sum by (\(by), \(extra)) (\(v) * on (\(on)) group_left \(w)) / on (\(by)) group_left "
            + "sum by (\(by)) (\(w) and on (\(on)) \(v))"
    }

    // MARK: Fleet drift

    /// The fleet's share of window values per bin (`mlwatch:feature_window_share:fleet`, inline).
    var windowShare: String {
        if effectiveRecordingRule { return sel(PrometheusRuleFile.windowShareRecord, scoped: false) }
        return FleetDriftPromQL.windowShare(values: gauge("mlwatch_feature_window_values"))
    }

    /// The reference's share per bin (`mlwatch:feature_reference_share:fleet`, inline).
    var referenceShare: String {
        if effectiveRecordingRule { return sel(PrometheusRuleFile.referenceShareRecord, scoped: false) }
        return FleetDriftPromQL.referenceShare(shares: gauge("mlwatch_feature_reference_share"))
    }

    /// PSI on the summed bins (`mlwatch:drift_psi:fleet`, or the same expression inline).
    var psi: String {
        if effectiveRecordingRule { return PrometheusRuleFile.psiRecord }
        return FleetDriftPromQL.psi(windowShare: windowShare, referenceShare: referenceShare)
    }

    // MARK: The five queries

    /// Per model/version: throughput, errors, latency; per host: resources; totals for the header.
    var software: String {
        let events = "sum by (\(Self.mv)) (\(rate("mlwatch_events_total")))"
        let bucket = "sum by (\(Self.mv), le) (\(rate("mlwatch_prediction_latency_seconds_bucket")))"
        var parts: [(String, String)] = [
            ("events_per_second", events),
            ("error_rate", "sum by (\(Self.mv)) (\(rate("mlwatch_prediction_errors_total"))) / \(events)"),
        ]
        for (name, q) in [("latency_p50_ms", "0.5"), ("latency_p95_ms", "0.95"), ("latency_p99_ms", "0.99")] {
            parts.append((name, "histogram_quantile(\(q), \(bucket)) * 1000"))
        }
        parts += [
            ("latency_mean_ms", "sum by (\(Self.mv)) (\(rate("mlwatch_prediction_latency_seconds_sum"))) / "
                + "sum by (\(Self.mv)) (\(rate("mlwatch_prediction_latency_seconds_count"))) * 1000"),
            ("events_cumulative", "sum by (\(Self.mv)) (\(sel("mlwatch_events_total")))"),
            ("cpu_pct", "max by (host) (\(sel("mlwatch_cpu_ratio"))) * 100"),
            ("mem_mb", "max by (host) (\(sel("mlwatch_mem_bytes"))) / 1048576"),
            ("load1", "max by (host) (\(sel("mlwatch_load1")))"),
            ("monitor_rss_mb", "max(\(sel("mlwatch_monitor_rss_bytes"))) / 1048576"),
            ("monitor_cpu_pct", "max(\(sel("mlwatch_monitor_cpu_ratio"))) * 100"),
            ("events", "sum(\(sel("mlwatch_events_total")))"),
            ("malformed", "sum by (reason) (\(sel("mlwatch_malformed_lines_total")))"),
            ("late", "sum(\(sel("mlwatch_late_events_total")))"),
            ("newest_event", "max(\(sel("mlwatch_last_event_timestamp_seconds")))"),
        ]
        return Self.union(parts)
    }

    /// Per model/version/feature.
    var input: String {
        let on = "instance, job, model, version, feature"
        return Self.union([
            ("drift_psi", psi),
            ("bin_window", windowShare),
            ("bin_reference", referenceShare),
            // The fleet PSI's sample size, for `drift.min_samples` (`FleetSnapshotBuilder` gates with it).
            ("bin_count", FleetDriftPromQL.windowValues(values: gauge("mlwatch_feature_window_values"))),
            // The reference's size behind the bins, for the same gate (as the recording rule reads it).
            ("reference_values", "max by (\(Self.mvf)) (\(gauge("mlwatch_feature_reference_values")))"),
            ("feature_missing_rate", "max by (\(Self.mvf)) (\(gauge("mlwatch_feature_missing_rate")))"),
            ("feature_count", "sum by (\(Self.mvf)) (\(gauge("mlwatch_feature_values")))"),
            ("feature_mean", weighted("mlwatch_feature_mean", by: "mlwatch_feature_values", by: Self.mvf, on: on)),
            ("feature_length_mean", weighted("mlwatch_feature_length_mean", by: "mlwatch_feature_values", by: Self.mvf, on: on)),
            ("feature_type_mixed", "max by (\(Self.mvf)) (\(gauge("mlwatch_feature_type_mixed")))"),
            ("feature_category_share", weightedShare("mlwatch_feature_category_share", extra: "category",
                                                     by: "mlwatch_feature_values", by: Self.mvf, on: on)),
            ("drift_score_max", "max by (\(Self.mvf)) (\(referenceDrift("mlwatch_drift_score")))"),
            ("drift_score_min", "min by (\(Self.mvf)) (\(referenceDrift("mlwatch_drift_score")))"),
            ("drift_threshold", "max by (\(Self.mvf)) (\(referenceDrift("mlwatch_drift_threshold")))"),
            ("drift_test", "max by (\(Self.mvf), test) (\(referenceDrift("mlwatch_drift_test")))"),
            ("drift_detected", "sum by (\(Self.mvf)) (\(referenceDrift("mlwatch_drift_detected")))"),
            ("drift_tested", "count by (\(Self.mvf)) (\(referenceDrift("mlwatch_drift_detected")))"),
        ] + (matchers.isEmpty && instance == nil ? [("psi_rule", "count(\(PrometheusRuleFile.psiRecord))")] : []))
    }

    /// Per model/version (class, feedback kind).
    var output: String {
        let on = "instance, job, model, version"
        let events = gauge("mlwatch_window_events")
        return Self.union([
            ("events_total", "sum by (\(Self.mv)) (\(events))"),
            ("labelled_total", "sum by (\(Self.mv)) (\(gauge("mlwatch_window_labelled")))"),
            ("traffic_share", "sum by (\(Self.mv)) (\(events)) / on (model) group_left sum by (model) (\(events))"),
            ("output_null_rate", "max by (\(Self.mv)) (\(gauge("mlwatch_output_null_rate")))"),
            ("low_confidence_rate", "max by (\(Self.mv)) (\(gauge("mlwatch_low_confidence_rate")))"),
            ("accuracy", "min by (\(Self.mv)) (\(gauge("mlwatch_accuracy")))"),
            ("mae", "max by (\(Self.mv)) (\(gauge("mlwatch_mae")))"),
            ("prediction_mean", weighted("mlwatch_prediction_mean", by: "mlwatch_window_events", by: Self.mv, on: on)),
            ("score_mean", weighted("mlwatch_score_mean", by: "mlwatch_window_events", by: Self.mv, on: on)),
            ("prediction_class_share", weightedShare("mlwatch_prediction_class_share", extra: "class",
                                                     by: "mlwatch_window_events", by: Self.mv, on: on)),
            ("feedback_rate", weightedShare("mlwatch_feedback_rate", extra: "kind", by: "mlwatch_window_events", by: Self.mv, on: on)),
        ])
    }

    /// The alert series every instance exports — `mlwatch_alert` (state), `mlwatch_alert_value` and
    /// `mlwatch_alert_active_since_timestamp_seconds` — for the whole fleet (the Instances view counts
    /// each instance's alerts; the Alerts panel keeps those in scope).
    var alerts: String {
        let names = PromMatcher("__name__", .regex, Self.alertSeries.joined(separator: "|"))
        return "{" + PromMatcher.render([names] + matchers) + "}"
    }

    /// The metric names of the alerts query.
    static let alertSeries = ["mlwatch_alert", "mlwatch_alert_value", "mlwatch_alert_active_since_timestamp_seconds"]

    /// Every scraped target of the fleet (not narrowed to the instance in view). Without `--match`, the
    /// targets that served mlwatch's metrics in the last hour (so other jobs' targets stay out, and one
    /// that went down stays in).
    var instances: String {
        var up = sel("up", scoped: false)
        var age = "time() - timestamp(\(up))"
        if matchers.isEmpty {
            let known = " and on (\(Self.perInstance)) group by (\(Self.perInstance)) (present_over_time(mlwatch_exporter_series_dropped[1h]))"
            up += known
            age += known
        }
        let events = "sum by (\(Self.perInstance)) (\(rate("mlwatch_events_total", scoped: false)))"
        return Self.union([
            ("up", up),
            ("scrape_age", age),
            ("scrape_duration", "max by (\(Self.perInstance)) (\(sel("scrape_duration_seconds", scoped: false)))"),
            ("events_per_second", events),
            ("error_rate", "sum by (\(Self.perInstance)) (\(rate("mlwatch_prediction_errors_total", scoped: false))) / \(events)"),
            ("lag", "time() - max by (\(Self.perInstance)) (\(sel("mlwatch_last_event_timestamp_seconds", scoped: false)))"),
        ])
    }
}
