import MLWatchCore

/// Translates mlwatch rule expressions into PromQL over the fleet's exported series.
///
/// - Latency quantiles: `histogram_quantile` of the summed bucket rates (interpolated inside a bucket:
///   close to, not equal to, the exact quantile one instance computes over its window).
/// - Mean latency, error rate, throughput: ratios and sums of counter rates over the window's length.
/// - `drift_psi`: the fleet recording rule `mlwatch:drift_psi:fleet` (decile bins; see `FleetBins`), and the
///   worst instance for the series the record does not cover: per segment, and against a baseline version
///   (`compare:`, label `baseline`).
/// - Cumulative counts (`malformed_lines_total`, …): summed over the fleet.
/// - Every other metric: the worst instance — `max by` for `>`/`>=`/`==`/`!=`, `min by` for `<`/`<=` —
///   of its gauge, by every label the metric's series carry (`feature`, `baseline`, `group`, …: the alerts
///   carry the labels mlwatch's own would), scaled back to the unit the rule was written in.
///
/// `and`/`or` match on the labels both sides have (mlwatch's rule: two label sets match when they agree on
/// every label they both have). What cannot be expressed (adaptive thresholds, `recover` hysteresis,
/// matchers on labels the fleet series do not carry) throws `Untranslatable` with the reason.
struct PromQLTranslation {
    struct Untranslatable: Error {
        var reason: String
    }

    /// A translated (sub)expression and the labels its series carry.
    struct Term {
        var promql: String
        var labels: [String]
    }

    /// The range of `rate()`s: the config's window, or 5m for count and `all` windows.
    let range: String

    init(window: WindowSpec) {
        if case .time(let size, _) = window, size >= 1 {
            range = "\(Int(size.rounded()))s"
        } else {
            range = "5m"
        }
    }

    func translate(_ expression: RuleExpression) throws(Untranslatable) -> Term {
        switch expression {
        case .comparison(let c):
            return try comparison(c)
        case .and(let a, let b), .or(let a, let b):
            let lhs = try translate(a)
            let rhs = try translate(b)
            let shared = lhs.labels.filter { rhs.labels.contains($0) }
            let op: String
            if case .and = expression { op = "and" } else { op = "or" }
            let labels: [String]
            if case .and = expression { labels = lhs.labels } else { labels = lhs.labels + rhs.labels.filter { !lhs.labels.contains($0) } }
            return Term(promql: "(\(lhs.promql)) \(op) on (\(shared.joined(separator: ", "))) (\(rhs.promql))", labels: labels)
        }
    }

    private func comparison(_ c: RuleComparison) throws(Untranslatable) -> Term {
        guard case .fixed(let threshold) = c.threshold else {
            throw Untranslatable(reason: "its threshold is adaptive (\(c.threshold)): mlwatch learns it from the reference and history, Prometheus has no equivalent")
        }
        guard c.recover == nil else {
            throw Untranslatable(reason: "it recovers at another threshold (recover …): PromQL alerts have no hysteresis")
        }
        guard threshold.isFinite else { throw Untranslatable(reason: "its threshold is not a finite number") }
        let term = try selector(c.selector, op: c.op)
        return Term(promql: "\(term.promql) \(c.op.rawValue) \(PromFloat.number(threshold))", labels: term.labels)
    }

    /// The PromQL whose value is the metric in the rule's units, by the labels it keeps.
    func selector(_ s: MetricSelector, op: ComparisonOperator) throws(Untranslatable) -> Term {
        let name = s.name
        let modelVersion = ["model", "version"]
        if let q = Self.latencyQuantiles[name] {
            let m = try matchers(s, allowed: modelVersion)
            return Term(promql: "histogram_quantile(\(q), sum by (model, version, le) (rate(mlwatch_prediction_latency_seconds_bucket\(m)[\(range)]))) * 1000",
                        labels: modelVersion)
        }
        switch name {
        case "latency_mean_ms":
            let m = try matchers(s, allowed: modelVersion)
            return Term(promql: "sum by (model, version) (rate(mlwatch_prediction_latency_seconds_sum\(m)[\(range)])) / sum by (model, version) (rate(mlwatch_prediction_latency_seconds_count\(m)[\(range)])) * 1000",
                        labels: modelVersion)
        case "error_rate":
            let m = try matchers(s, allowed: modelVersion)
            return Term(promql: "sum by (model, version) (rate(mlwatch_prediction_errors_total\(m)[\(range)])) / sum by (model, version) (rate(mlwatch_events_total\(m)[\(range)]))",
                        labels: modelVersion)
        case "events_per_second":
            let m = try matchers(s, allowed: modelVersion)
            return Term(promql: "sum by (model, version) (rate(mlwatch_events_total\(m)[\(range)]))", labels: modelVersion)
        case "events_total":
            let m = try matchers(s, allowed: modelVersion)
            return Term(promql: "sum by (model, version) (increase(mlwatch_events_total\(m)[\(range)]))", labels: modelVersion)
        case "drift_psi":
            // The fleet recording rule covers the drift of each model/version against the reference (exact
            // on the merged data). mlwatch's `drift_psi` also has series per segment (`segment_by`) and per
            // version against a baseline version (`compare:`), which have no fleet bins: for those, the
            // worst instance. Matchers select as in mlwatch (a label a series lacks is empty: the record
            // has no segment or baseline, so `segment="DE"` selects only the worst-instance series).
            let m = try matchers(s, allowed: Self.labels(of: name))
            let compared = try worstInstance(s, op: op, extra: [#"baseline!="""#])
            let segmented = try worstInstance(s, op: op, extra: [#"segment!="""#])
            return Term(promql: "(\(PrometheusRuleFile.psiRecord)\(m) or \(compared.promql) or \(segmented.promql))", labels: compared.labels)
        default:
            break
        }
        if ExportedName.cumulative.contains(name) {
            let m = try matchers(s, allowed: [])
            return Term(promql: "sum(mlwatch_\(name)\(m))", labels: [])
        }
        return try worstInstance(s, op: op)
    }

    /// The worst instance of a per-window gauge — `max`, or `min` for `<`/`<=` — by every label the metric's
    /// series carry, in the unit the rule was written in. `extra`: matchers (PromQL) added to the rule's.
    private func worstInstance(_ s: MetricSelector, op: ComparisonOperator, extra: [String] = []) throws(Untranslatable) -> Term {
        guard let exported = ExportedName.gauge(for: s.name) else {
            throw Untranslatable(reason: "\(s.name) is not exported on /metrics")
        }
        let labels = Self.labels(of: s.name)
        let m = try matchers(s, allowed: labels, extra: extra)
        let aggregate: String
        switch op {
        case .less, .lessOrEqual: aggregate = "min"
        case .greater, .greaterOrEqual, .equal, .notEqual: aggregate = "max"
        }
        let by = labels.isEmpty ? "" : " by (\(labels.joined(separator: ", ")))"
        var promql = "\(aggregate)\(by) (\(exported.name)\(m))"
        if exported.scale == 0.001 {
            promql += " * 1000"
        } else if exported.scale == 0.01 {
            promql += " * 100"
        } else if exported.scale != 1 {
            promql += " / \(PromFloat.format(exported.scale))"
        }
        return Term(promql: promql, labels: labels)
    }

    private static let latencyQuantiles = ["latency_p50_ms": "0.5", "latency_p95_ms": "0.95", "latency_p99_ms": "0.99"]

    /// The labels a vocabulary metric's series carry (besides `instance` and `job`), as the engine emits
    /// them: a worst-instance aggregate keeps every one, so a rule's alerts carry the same labels as
    /// mlwatch's own (a label a series lacks groups as empty and is absent from the result, as in mlwatch).
    /// `PromQLTranslationTests` checks this list against every series `/metrics` serves.
    static func labels(of metric: String) -> [String] {
        let base = ["model", "version", "segment"]
        switch metric {
        case "cpu_pct", "mem_mb", "load1": return ["host"]
        case "monitor_rss_mb", "monitor_cpu_pct", "label_join_pending": return []
        case "feature_quantile": return base + ["feature", "q"]
        case "feature_category_share": return base + ["feature", "category"]
        case "prediction_class_share": return base + ["class"]
        case "feedback_rate": return base + ["kind"]
        // `compare:` — each version against the baseline version.
        case "drift_test": return base + ["feature", "test", "baseline"]
        case "drift_share", "drift_features_detected": return base + ["baseline"]
        case "shadow_pairs_total", "shadow_agreement_rate": return base + ["baseline"]
        // `fairness:` — per group of the `group_by` feature.
        case "selection_rate", "true_positive_rate", "false_positive_rate", "group_predictions_total", "group_labelled_total":
            return base + ["group"]
        default:
            if metric.hasPrefix("drift_") { return base + ["feature", "baseline"] }
            if metric.hasPrefix("feature_") { return base + ["feature"] }
            return base
        }
    }

    /// `{label="value",…}` for the selector's matchers (empty when none), refusing labels the series lack.
    private func matchers(_ s: MetricSelector, allowed: [String], extra: [String] = []) throws(Untranslatable) -> String {
        var parts: [String] = []
        for m in s.matchers {
            guard allowed.contains(m.label) else {
                throw Untranslatable(reason: "it matches on \(m.label), which the fleet series of \(s.name) do not carry")
            }
            parts.append("\(m.label)\(m.op.rawValue)\(Self.quoted(m.value))")
        }
        parts += extra
        return parts.isEmpty ? "" : "{" + parts.joined(separator: ", ") + "}"
    }

    /// A PromQL string literal (Go's escaping: backslash, double quote, control characters).
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + String(u.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
