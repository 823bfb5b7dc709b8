/// Fairness across the groups of one feature (`fairness.group_by`), per model version, over the predictions
/// of a window: each group's selection rate, true positive rate and false positive rate, and the gaps
/// between groups, with Fairlearn's definitions (`fairlearn.metrics`, 0.15):
/// - `selection_rate{model,version,group}`: predictions equal to the positive value / the group's
///   non-null predictions, labelled or not (Fairlearn's `selection_rate` ignores y_true);
/// - `true_positive_rate{…,group}` = TP / labelled positives, `false_positive_rate{…,group}` = FP / labelled
///   negatives, over the group's labelled predictions, outcomes binarised as "equals the positive value"
///   (Fairlearn's `true_positive_rate` / `false_positive_rate`; a multiclass model is positive-vs-rest);
/// - `demographic_parity_difference{model,version}` = max − min selection rate, `demographic_parity_ratio`
///   = min / max (NaN when every rate is 0, Fairlearn's 0 / 0), `equalized_odds_difference` = the larger of
///   the TPR gap and the FPR gap (method "between_groups", agg "worst_case").
///
/// Where it differs from Fairlearn, on purpose: a rate with fewer than `min_samples` predictions behind it
/// is n/a (no metric) and is left out of the gaps. Fairlearn gives a group without positive labels a TPR
/// of 0 (scikit-learn's confusion matrix turns 0/0 into 0), which reads as a large equalized-odds gap.
/// A gap needs two groups with a value (Fairlearn says 0 for one group, which reads as "fair").
/// `scripts/fairness_fixtures.py` records both and `FairnessCalculatorTests` checks these against Fairlearn.
///
/// Predictions with a null output are not decisions and are not counted. A prediction without the feature
/// (or with `null`) is in the group `(missing)`. Fed once per prediction of the window (`add`), then read.
/// - Complexity: O(1) per prediction (a dictionary update), O(g log g) for g groups at the end.
struct FairnessCalculator {
    let options: FairnessOptions
    /// Groups beyond this many per version mean `group_by` is not a grouping feature (an id, a number):
    /// no metrics for that version, and a warning. Also bounds the memory a hostile log can take here.
    static let maxGroups = 64
    /// The group of predictions that lack the feature.
    static let missingGroup = "(missing)"

    private struct VersionKey: Hashable {
        var model: String
        var version: String
    }

    private struct Tally {
        var groups: [String: FairnessSummary.Group] = [:]
        /// Predictions seen (null outputs included), and those that carried the feature at all.
        var events = 0
        var carried = 0
        var overflow = false
        /// Whether any prediction or label equals the positive value, and a few classes seen otherwise.
        var positiveSeen = false
        var classesSeen: [String] = []
    }

    private var tallies: [VersionKey: Tally] = [:]
    /// The schema whose `group_by` position is `cachedPosition` (schemas are shared by the parser).
    private var cachedSchema: FeatureSchema?
    private var cachedPosition: Int?

    init(options: FairnessOptions) {
        self.options = options
    }

    /// Counts one prediction (by address, as the window hands them out).
    mutating func add(_ e: UnsafePointer<PredictionEvent>) {
        let key = VersionKey(model: e.pointee.model, version: e.pointee.version)
        let schema = e.pointee.features.schema
        if schema !== cachedSchema {
            cachedSchema = schema
            cachedPosition = schema.position(of: options.groupBy)
        }
        let value: FeatureValue = cachedPosition.map { e.pointee.features.values[$0] } ?? .missing
        let prediction = e.pointee.prediction
        let label = e.pointee.label
        var tally = tallies.removeValue(forKey: key) ?? Tally()
        defer { tallies[key] = tally }
        tally.events += 1
        if cachedPosition != nil { tally.carried += 1 }
        let predictionClass = prediction.classKey
        note(predictionClass, in: &tally)
        if let label { note(label.classKey, in: &tally) }
        guard let predictionClass else { return }
        guard let name = Self.groupName(value) else {
            // Free text (more distinct values than `max_categories`): not a grouping feature.
            tally.overflow = true
            return
        }
        if tally.groups[name] == nil {
            guard tally.groups.count < Self.maxGroups else {
                tally.overflow = true
                return
            }
            tally.groups[name] = FairnessSummary.Group(name: name)
        }
        let selected = predictionClass == options.positive
        tally.groups[name]!.predictions += 1
        if selected { tally.groups[name]!.selected += 1 }
        guard let label, let labelClass = label.classKey else { return }
        tally.groups[name]!.labelled += 1
        if labelClass == options.positive {
            tally.groups[name]!.labelPositives += 1
            if selected { tally.groups[name]!.truePositives += 1 }
        } else {
            tally.groups[name]!.labelNegatives += 1
            if selected { tally.groups[name]!.falsePositives += 1 }
        }
    }

    private func note(_ classKey: String?, in tally: inout Tally) {
        guard !tally.positiveSeen, let classKey else { return }
        if classKey == options.positive {
            tally.positiveSeen = true
        } else if tally.classesSeen.count < 5, !tally.classesSeen.contains(classKey) {
            tally.classesSeen.append(classKey)
        }
    }

    /// The group a feature value belongs to: strings and booleans as they read, numbers as class keys
    /// (1.0 is `1`), missing, null and NaN values in `(missing)`; nil for free text.
    static func groupName(_ value: FeatureValue) -> String? {
        switch value {
        case .text: return nil
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return d.isNaN ? missingGroup : OutputValue.number(d).classKey ?? missingGroup
        case .missing: return missingGroup
        }
    }

    /// The metrics, summaries and warnings of everything added, versions in label order.
    func finish() -> (metrics: [MetricSample], summaries: [FairnessSummary], warnings: [MonitorWarning]) {
        var metrics: [MetricSample] = []
        var summaries: [FairnessSummary] = []
        var warnings: [MonitorWarning] = []
        let feature = options.groupBy
        for key in tallies.keys.sorted(by: { ($0.model, $0.version) < ($1.model, $1.version) }) {
            let tally = tallies[key]!
            let who = key.version.isEmpty ? key.model : "\(key.model) \(key.version)"
            let labels = Labels(["model": key.model, "version": key.version])
            if tally.carried == 0 {
                warnings.append(MonitorWarning(
                    topic: "fairness", short: "no feature \(feature)",
                    message: "fairness: the predictions of \(who) have no feature \(feature) (check fairness.group_by); no fairness metrics for it"))
                continue
            }
            if tally.overflow {
                warnings.append(MonitorWarning(
                    topic: "fairness", short: "\(feature): too many groups",
                    message: "fairness: \(feature) takes more than \(Self.maxGroups) values in \(who)'s window (or is free text); group_by should be a feature with a few categories; no fairness metrics for it"))
                continue
            }
            if !tally.positiveSeen, !tally.classesSeen.isEmpty {
                warnings.append(MonitorWarning(
                    topic: "fairness", short: "positive \(options.positive) never seen",
                    message: "fairness: no prediction or label of \(who) equals the positive value \(options.positive) (seen: \(tally.classesSeen.joined(separator: ", "))); check fairness.positive"))
            }
            let summary = Self.summarize(Array(tally.groups.values), labels: labels, options: options)
            Self.emit(summary, into: &metrics)
            summaries.append(summary)
        }
        return (metrics, summaries, warnings)
    }

    /// Rates and gaps from the groups' counts (see the type's documentation for the definitions).
    static func summarize(_ groups: [FairnessSummary.Group], labels: Labels, options: FairnessOptions) -> FairnessSummary {
        let minimum = max(1, options.minSamples)
        var rated = groups.sorted { CategoricalReference.codePointLess($0.name, $1.name) }
        for i in rated.indices {
            let g = rated[i]
            if g.predictions >= minimum { rated[i].selectionRate = Double(g.selected) / Double(g.predictions) }
            if g.labelPositives >= minimum { rated[i].truePositiveRate = Double(g.truePositives) / Double(g.labelPositives) }
            if g.labelNegatives >= minimum { rated[i].falsePositiveRate = Double(g.falsePositives) / Double(g.labelNegatives) }
        }
        var s = FairnessSummary(labels: labels, feature: options.groupBy, positive: options.positive, minSamples: minimum,
                                groups: rated)
        let selection = rated.compactMap(\.selectionRate)
        if selection.count >= 2, let lo = selection.min(), let hi = selection.max() {
            s.demographicParityDifference = hi - lo
            // 0 / 0 is NaN, as Fairlearn's ratio of an all-zero column.
            s.demographicParityRatio = lo / hi
        }
        s.truePositiveRateGap = gap(rated.compactMap(\.truePositiveRate))
        s.falsePositiveRateGap = gap(rated.compactMap(\.falsePositiveRate))
        if let t = s.truePositiveRateGap, let f = s.falsePositiveRateGap { s.equalizedOddsDifference = max(t, f) }
        return s
    }

    private static func gap(_ rates: [Double]) -> Double? {
        guard rates.count >= 2, let lo = rates.min(), let hi = rates.max() else { return nil }
        return hi - lo
    }

    /// The metric samples of a summary: rates per group (only those that are not n/a), counts per group,
    /// and the gaps.
    static func emit(_ s: FairnessSummary, into out: inout [MetricSample]) {
        for g in s.groups {
            let gl = s.labels.with("group", g.name)
            out.append(MetricSample(name: "group_predictions_total", labels: gl, value: Double(g.predictions)))
            out.append(MetricSample(name: "group_labelled_total", labels: gl, value: Double(g.labelled)))
            if let v = g.selectionRate { out.append(MetricSample(name: "selection_rate", labels: gl, value: v)) }
            if let v = g.truePositiveRate { out.append(MetricSample(name: "true_positive_rate", labels: gl, value: v)) }
            if let v = g.falsePositiveRate { out.append(MetricSample(name: "false_positive_rate", labels: gl, value: v)) }
        }
        if let v = s.demographicParityDifference {
            out.append(MetricSample(name: "demographic_parity_difference", labels: s.labels, value: v))
        }
        if let v = s.demographicParityRatio { out.append(MetricSample(name: "demographic_parity_ratio", labels: s.labels, value: v)) }
        if let v = s.equalizedOddsDifference {
            out.append(MetricSample(name: "equalized_odds_difference", labels: s.labels, value: v))
        }
    }

    /// The metric names this computes (rule evaluations skip the scan when no rule reads one).
    static let metricNames: Set<String> = [
        "selection_rate", "true_positive_rate", "false_positive_rate", "group_predictions_total", "group_labelled_total",
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
    ]
}
