/// Computes the metric vocabulary of ARCHITECTURE.md for one window from its per-group aggregates, per
/// model/version and, when `segment_by` is set, per model/version/segment.
///
/// Quantiles are exact (the aggregates keep every value, sorted), and so are the drift tests' inputs.
struct MetricsCalculator {
    let options: MetricOptions
    let drift: (any DriftEvaluating)?

    /// - Parameters:
    ///   - duration: the window's length in seconds, for `events_per_second`.
    ///   - featureStatistics: compute the per-feature `feature_*` metrics and summaries. Rule evaluations
    ///     whose rules read none skip them (and do not sort the feature columns they do not test for drift).
    ///   - metricNames: when given, only these metrics must be right (rule evaluations pass the names their
    ///     rules read): the sorted columns behind the others (prediction and score means, MAE, latency
    ///     quantiles) are then not merged, which was most of an evaluation's cost after the drift tests.
    ///   - comparisonScope: the columns compared with the `compare` baseline (nil: those of `driftScope`).
    /// - Complexity: O(n + k log k) for n values in the window and k changed since the last call.
    func compute<S: Collection<SystemEvent>>(
        _ aggregate: inout WindowAggregator, systems: S, duration: Double, driftScope: DriftScope = .all,
        featureStatistics: Bool = true, metricNames: Set<String>? = nil, comparisonScope: DriftScope? = nil
    ) -> WindowMetrics {
        var out = WindowMetrics()
        // Worked out only when a drift test can write them (filtering the names per evaluation was 5 % of a
        // sparse log's `check` with no drift configured).
        let driftSamples = drift == nil ? .all : metricNames.map(DriftSamples.init(reading:)) ?? .all
        for (i, key) in aggregate.keys.enumerated() where aggregate.groups[i].count > 0 {
            var labels = Labels(["model": key.model, "version": key.version])
            if let s = key.segment { labels["segment"] = s }
            aggregate.withGroup(i) { g in
                emit(&g, labels: labels, duration: duration, driftScope: driftScope,
                     featureStatistics: featureStatistics, metricNames: metricNames, driftSamples: driftSamples, into: &out)
            }
        }
        // Rule evaluations read `traffic_share` only when a rule names it (it was 5 % of a sparse log's
        // `check`, one dictionary of models and one labelled sample per version at every evaluation).
        if metricNames?.contains("traffic_share") ?? true {
            VersionComparison.trafficShares(aggregate, into: &out.metrics)
        }
        if let compare = options.compare {
            let scope = comparisonScope ?? driftScope
            // Rule evaluations compare only when a rule can read a comparison; snapshots always do.
            if metricNames == nil || scope != .none {
                VersionComparison(options: compare).compare(&aggregate, scope: scope, details: metricNames == nil, into: &out)
            }
        }
        emitSystem(systems, into: &out)
        out.cardinality = aggregate.cardinality
        return out
    }

    private func emit(_ g: inout GroupAccumulator, labels: Labels, duration: Double, driftScope: DriftScope,
                      featureStatistics: Bool, metricNames: Set<String>?, driftSamples: DriftSamples,
                      into out: inout WindowMetrics) {
        func add(_ name: String, _ value: Double, _ extra: Labels? = nil, text: String? = nil) {
            out.metrics.append(MetricSample(name: name, labels: extra ?? labels, value: value, text: text))
        }
        func wants(_ names: String...) -> Bool {
            guard let metricNames else { return true }
            return names.contains { metricNames.contains($0) }
        }
        let n = Double(g.count)
        add("events_total", n)
        add("events_per_second", duration > 0 ? n / duration : 0)
        if !g.latencies.isEmpty, wants("latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_mean_ms") {
            let sorted = g.latencies.sorted()
            add("latency_p50_ms", Quantiles.linear(sorted, 0.5)!)
            add("latency_p95_ms", Quantiles.linear(sorted, 0.95)!)
            add("latency_p99_ms", Quantiles.linear(sorted, 0.99)!)
            add("latency_mean_ms", sorted.reduce(0, +) / Double(sorted.count))
        }
        add("error_rate", n > 0 ? Double(g.errors) / n : 0)

        // Inputs.
        var driftTested = 0
        var driftDetected = 0
        var driftUntested = 0
        for (slot, name) in g.featureNames.enumerated() where g.features[slot].present > 0 {
            let testsDrift = drift != nil && driftScope.includes(name)
            guard featureStatistics || testsDrift else { continue }
            let f = g.features[slot]
            let sawNumber = f.numbers > 0
            let sawCategory = f.categoricals > 0
            let kind: FeatureSummary.Kind =
                sawNumber && sawCategory ? .mixed : sawNumber ? .numeric : sawCategory ? (f.isText ? .text : .categorical) : .empty
            let fl = labels.with("feature", name)
            guard featureStatistics else {
                // Only the drift test this evaluation's rules read.
                let column: ColumnValues =
                    kind == .numeric ? .sortedNumeric(g.features[slot].numeric.sorted())
                    : f.isText ? .textLengths(g.features[slot].lengths.sorted()) : .categorical(f.categoryCounts)
                guard column.testedCount >= options.driftMinSamples,
                      (drift?.referenceCount(column: name) ?? .max) >= options.driftMinSamples else {
                    driftUntested += 1
                    continue
                }
                if let d = drift?.drift(column: name, current: column, ksPValue: driftScope.needsKSPValue,
                                             details: false) {
                    Self.emitDrift(d, labels: fl, into: &out, only: driftSamples)
                }
                continue
            }
            let sortedNumeric = g.features[slot].numeric.sorted()
            let missing = g.count - f.present + f.missing
            let missingRate = n > 0 ? Double(missing) / n : 0
            add("feature_missing_rate", missingRate, fl)
            add("feature_type_mixed", kind == .mixed ? 1 : 0, fl)
            var summary = FeatureSummary(labels: fl, name: name, kind: kind, count: f.present - f.missing, missingRate: missingRate)
            if !sortedNumeric.isEmpty {
                let sorted = sortedNumeric
                let mean = sorted.reduce(0, +) / Double(sorted.count)
                let variance = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sorted.count)
                summary.mean = mean
                summary.std = variance.squareRoot()
                summary.min = sorted.first
                summary.max = sorted.last
                summary.quantiles = Quantiles.displayed.map { Quantiles.linear(sorted, $0)! }
                add("feature_mean", mean, fl)
                add("feature_std", summary.std!, fl)
                add("feature_min", sorted.first!, fl)
                add("feature_max", sorted.last!, fl)
                for (q, v) in zip(Quantiles.displayed, summary.quantiles) {
                    add("feature_quantile", v, fl.with("q", String(q)))
                }
            }
            add("feature_count", Double(summary.count), fl)
            if f.lengthCount > 0 {
                summary.lengthMean = Double(f.lengthSum) / Double(f.lengthCount)
                add("feature_length_mean", summary.lengthMean!, fl)
            }
            let categories = f.categoryCounts
            if !categories.isEmpty {
                summary.topCategories = topShares(categories)
                for (cat, share) in summary.topCategories {
                    add("feature_category_share", share, fl.with("category", cat))
                }
            }
            if let drift, driftScope.includes(name) {
                let column: ColumnValues =
                    kind == .numeric ? .sortedNumeric(sortedNumeric)
                    : f.isText ? .textLengths(g.features[slot].lengths.sorted()) : .categorical(categories)
                if var untested = DriftUntested.check(labels: fl, values: column.testedCount,
                                                      referenceValues: drift.referenceCount(column: name),
                                                      minSamples: options.driftMinSamples) {
                    // Not tested. A snapshot still computes it, for the window's fleet bins only (a fleet sums
                    // them over its instances) and to tell a column without a reference ("no ref.") apart.
                    driftUntested += 1
                    if metricNames == nil,
                       let d = drift.drift(column: name, current: column, ksPValue: false, details: true) {
                        untested.fleetBins = d.fleetBins
                        summary.driftUntested = untested
                        out.driftUntested.append(untested)
                    }
                } else if let d = drift.drift(column: name, current: column, ksPValue: driftScope.needsKSPValue,
                                              details: metricNames == nil) {
                    summary.drift = d
                    Self.emitDrift(d, labels: fl, into: &out, only: driftSamples)
                    driftTested += 1
                    if d.detected { driftDetected += 1 }
                }
            }
            out.features.append(summary)
        }
        // Over the tested features only; when `min_samples` left every one untested there is no share to
        // speak of (a 0 would read as "nothing drifted").
        if drift != nil, driftScope == .all || driftScope == .allWithoutKSPValue, driftTested > 0 || driftUntested == 0 {
            add("drift_share", driftTested > 0 ? Double(driftDetected) / Double(driftTested) : 0)
            add("drift_features_detected", Double(driftDetected))
        }

        // Outputs.
        var o = OutputSummary(labels: labels, count: g.count, nullRate: n > 0 ? Double(g.nullOutputs) / n : 0)
        add("output_null_rate", o.nullRate)
        let predictionDrift = drift != nil && driftScope.includes("prediction")
        let scoreDrift = drift != nil && driftScope.includes("score")
        // Built only when read: the class shares, or the prediction's drift test.
        let classCounts = wants("prediction_class_share") || predictionDrift ? g.classCounts.dictionary : [:]
        let classed = classCounts.values.reduce(0, +)
        if classed > 0, !g.regression {
            o.classShares = classCounts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { ($0.key, Double($0.value) / Double(classed)) }
            for (c, share) in o.classShares { add("prediction_class_share", share, labels.with("class", c)) }
        }
        let predictionValues = wants("prediction_mean") || (predictionDrift && g.regression) ? g.predictionValues.sorted() : []
        if !predictionValues.isEmpty {
            o.predictionMean = predictionValues.reduce(0, +) / Double(predictionValues.count)
            add("prediction_mean", o.predictionMean!)
        }
        let scoreValues = wants("score_mean") || scoreDrift ? g.scoreValues.sorted() : []
        if !scoreValues.isEmpty {
            o.scoreMean = scoreValues.reduce(0, +) / Double(scoreValues.count)
            add("score_mean", o.scoreMean!)
        }
        if !g.scoreValues.isEmpty {
            o.lowConfidenceRate = Double(g.lowConfidence) / Double(g.scoreValues.count)
            add("low_confidence_rate", o.lowConfidenceRate!)
        }
        if wants("feedback_rate") {
            o.feedbackRates = g.feedback.dictionary.sorted { $0.key < $1.key }.map { ($0.key, n > 0 ? Double($0.value) / n : 0) }
            for (kind, rate) in o.feedbackRates { add("feedback_rate", rate, labels.with("kind", kind)) }
        }
        o.labelled = g.labelled
        add("labelled_total", Double(g.labelled))
        if g.labelled > 0 {
            if g.regression, !g.absErrors.isEmpty {
                if wants("mae") {
                    let absErrors = g.absErrors.sorted()
                    o.mae = absErrors.reduce(0, +) / Double(absErrors.count)
                    add("mae", o.mae!)
                }
            } else {
                o.accuracy = Double(g.correct) / Double(g.labelled)
                add("accuracy", o.accuracy!)
            }
        }
        if let drift {
            // Tests an output column, or notes it untested (as the features are).
            func output(_ name: String, _ column: ColumnValues) {
                let ol = labels.with("feature", name)
                if let untested = DriftUntested.check(labels: ol, values: column.testedCount,
                                                      referenceValues: drift.referenceCount(column: name),
                                                      minSamples: options.driftMinSamples) {
                    guard metricNames == nil, let d = drift.drift(column: name, current: column, ksPValue: false, details: true)
                    else { return }
                    o.fleetBins[name] = d.fleetBins
                    o.driftUntested[name] = untested
                    out.driftUntested.append(untested)
                } else if let d = drift.drift(column: name, current: column, ksPValue: driftScope.needsKSPValue,
                                              details: metricNames == nil) {
                    Self.emitDrift(d, labels: ol, into: &out, only: driftSamples)
                    o.fleetBins[name] = d.fleetBins
                }
            }
            if predictionDrift, !predictionValues.isEmpty || !classCounts.isEmpty {
                output("prediction", g.regression ? .sortedNumeric(predictionValues) : .categorical(classCounts))
            }
            if scoreDrift, !scoreValues.isEmpty { output("score", .sortedNumeric(scoreValues)) }
        }
        out.outputs.append(o)
    }

    /// Shares of the most frequent categories, then `other` for the rest.
    private func topShares(_ counts: [String: Int]) -> [(String, Double)] {
        let total = Double(counts.values.reduce(0, +))
        let sorted = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        var shares = sorted.prefix(options.topCategories).map { ($0.key, Double($0.value) / total) }
        let rest = sorted.dropFirst(options.topCategories).reduce(0) { $0 + $1.value }
        if rest > 0 { shares.append(("other", Double(rest) / total)) }
        return shares
    }

    /// Which `drift_*` samples to write: all of them, or (rule evaluations) those the rules read, worked out
    /// once per evaluation. Half of a sparse log's evaluation samples were drift values no rule read, each
    /// built, indexed by the rule engine and freed again.
    struct DriftSamples {
        /// The values to write: key in `DriftSummary.values`, metric name.
        let values: [(key: String, name: String)]
        let test: Bool, score: Bool, threshold: Bool, detected: Bool
        /// Whether keys outside `driftValueNames` are written too (only when everything is).
        let everything: Bool

        static let all = DriftSamples(values: driftValueNames, test: true, score: true, threshold: true, detected: true,
                                      everything: true)

        private init(values: [(key: String, name: String)], test: Bool, score: Bool, threshold: Bool, detected: Bool,
                     everything: Bool) {
            (self.values, self.test, self.score, self.threshold, self.detected, self.everything) =
                (values, test, score, threshold, detected, everything)
        }

        /// Only the samples named in `names`.
        init(reading names: Set<String>) {
            self.init(values: driftValueNames.filter { names.contains($0.name) }, test: names.contains("drift_test"),
                      score: names.contains("drift_score"), threshold: names.contains("drift_threshold"),
                      detected: names.contains("drift_detected"), everything: false)
        }
    }

    /// The `drift_*` samples of one column's drift (also those against a `compare` baseline).
    static func emitDrift(_ d: DriftSummary, labels: Labels, into out: inout WindowMetrics, only: DriftSamples = .all) {
        // In key order, as sorting the keys gave (the names prepared once: sorting and concatenating them
        // per column was a visible part of each rule evaluation).
        var emitted = 0
        for (key, name) in only.values {
            if let value = d.values[key] {
                out.metrics.append(MetricSample(name: name, labels: labels, value: value))
                emitted += 1
            }
        }
        if only.everything, emitted != d.values.count {  // a key outside the known ones: the general way
            out.metrics.removeLast(emitted)
            for (key, value) in d.values.sorted(by: { $0.key < $1.key }) {
                out.metrics.append(MetricSample(name: "drift_" + key, labels: labels, value: value))
            }
        }
        if only.test {
            out.metrics.append(
                MetricSample(name: "drift_test", labels: labels, value: Double(DriftTestName.id(d.test)), text: d.test))
        }
        if only.score { out.metrics.append(MetricSample(name: "drift_score", labels: labels, value: d.score)) }
        if only.threshold { out.metrics.append(MetricSample(name: "drift_threshold", labels: labels, value: d.threshold)) }
        if only.detected { out.metrics.append(MetricSample(name: "drift_detected", labels: labels, value: d.detected ? 1 : 0)) }
    }

    /// The keys `DriftMonitor.summary` fills, in ascending order, with their metric names.
    static let driftValueNames: [(key: String, name: String)] =
        ["chi2_pvalue", "chi2_stat", "js", "kl", "ks_pvalue", "ks_stat", "psi", "wasserstein", "wasserstein_raw",
         "z_pvalue"].sorted().map { ($0, "drift_" + $0) }

    private func emitSystem<S: Collection<SystemEvent>>(_ systems: S, into out: inout WindowMetrics) {
        var byHost: [String: (cpu: [Double], mem: [Double], load: [Double])] = [:]
        var hosts: [String] = []
        for s in systems {
            if byHost[s.host] == nil {
                byHost[s.host] = ([], [], [])
                hosts.append(s.host)
            }
            if let v = s.cpuPct, v.isFinite { byHost[s.host]!.cpu.append(v) }
            if let v = s.memMB, v.isFinite { byHost[s.host]!.mem.append(v) }
            if let v = s.load1, v.isFinite { byHost[s.host]!.load.append(v) }
        }
        for host in hosts {
            let h = byHost[host]!
            let labels = Labels(["host": host])
            // The newest sample is the current reading (gauges); a window mean would lag behind.
            if let v = h.cpu.last { out.metrics.append(MetricSample(name: "cpu_pct", labels: labels, value: v)) }
            if let v = h.mem.last { out.metrics.append(MetricSample(name: "mem_mb", labels: labels, value: v)) }
            if let v = h.load.last { out.metrics.append(MetricSample(name: "load1", labels: labels, value: v)) }
        }
    }
}

/// Stable numeric ids for drift test names (the `value` of `drift_test`; the name is in `text`).
public enum DriftTestName {
    public static let all = ["ks", "wasserstein", "psi", "kl", "jensenshannon", "chisquare", "z"]
    public static func id(_ name: String) -> Int {
        (all.firstIndex(of: name) ?? all.count) + 1
    }
}
