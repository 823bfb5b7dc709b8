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

    /// The counts of one group (its name is kept apart, so that counting copies no string).
    private struct Counts {
        var predictions = 0
        var selected = 0
        var labelled = 0
        var labelPositives = 0
        var truePositives = 0
        var labelNegatives = 0
        var falsePositives = 0
    }

    /// One model version's groups. A window holds a handful of groups: they are found by comparing names
    /// (the parser interns feature strings, so equal names compare by their bits), not by hashing.
    private struct Tally {
        var key: VersionKey
        var names: [String] = []
        var counts: [Counts] = []
        /// Predictions seen (null outputs included), and those that carried the feature at all.
        var events = 0
        var carried = 0
        var overflow = false
        /// Whether any prediction or label equals the positive value, and a few classes seen otherwise.
        var positiveSeen = false
        var classesSeen: [String] = []

        init(key: VersionKey) {
            self.key = key
        }

        /// The slot of group `name` (a new one when there is room), nil past `maxGroups`.
        mutating func slot(_ name: String) -> Int? {
            if let i = names.firstIndex(of: name) { return i }
            guard names.count < FairnessCalculator.maxGroups else { return nil }
            names.append(name)
            counts.append(Counts())
            return names.count - 1
        }
    }

    private var tallies: [Tally] = []
    private var tallyIndex: [VersionKey: Int] = [:]
    /// The last prediction's version (consecutive predictions mostly share it).
    private var last: (model: String, version: String, slot: Int)?
    /// The schema whose `group_by` position is `cachedPosition` (schemas are shared by the parser).
    private var cachedSchema: FeatureSchema?
    private var cachedPosition: Int?
    /// `positive` as a number, when it is one (a prediction `1.0` is positive for `positive: 1`).
    private let positiveNumber: Double?

    init(options: FairnessOptions) {
        self.options = options
        positiveNumber = Double(options.positive).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Whether an output is the positive value (what `classKey == positive` says, without building keys).
    private func isPositive(_ v: OutputValue) -> Bool {
        switch v {
        case .number(let d): return d == positiveNumber
        case .label(let s): return s == options.positive
        case .null: return false
        }
    }

    private mutating func tallySlot(model: String, version: String) -> Int {
        if let last, last.model == model, last.version == version { return last.slot }
        let key = VersionKey(model: model, version: version)
        let slot = tallyIndex[key] ?? {
            tallies.append(Tally(key: key))
            tallyIndex[key] = tallies.count - 1
            return tallies.count - 1
        }()
        last = (model, version, slot)
        return slot
    }

    /// Counts one prediction (by address, as the window hands them out).
    mutating func add<P: PredictionFields>(_ e: P) {
        let t = tallySlot(model: e.model, version: e.version)
        let schema = e.featureSchema
        if schema !== cachedSchema {
            cachedSchema = schema
            cachedPosition = schema.position(of: options.groupBy)
        }
        tallies[t].events += 1
        if cachedPosition != nil { tallies[t].carried += 1 }
        let prediction = e.prediction
        let label = e.label
        let selected = isPositive(prediction)
        if !tallies[t].positiveSeen {
            note(prediction, selected, in: &tallies[t])
            if let label { note(label, isPositive(label), in: &tallies[t]) }
        }
        guard prediction != .null else { return }
        let value = cachedPosition.map { e.featureValue(at: $0) } ?? .missing
        guard let name = Self.groupName(value), let g = tallies[t].slot(name) else {
            // Free text, or more groups than a grouping feature has.
            tallies[t].overflow = true
            return
        }
        let labelled = label.map { $0 != .null } ?? false
        let labelPositive = label.map(isPositive) ?? false
        tallies[t].counts.withUnsafeMutableBufferPointer { counts in
            counts[g].predictions += 1
            if selected { counts[g].selected += 1 }
            guard labelled else { return }
            counts[g].labelled += 1
            if labelPositive {
                counts[g].labelPositives += 1
                if selected { counts[g].truePositives += 1 }
            } else {
                counts[g].labelNegatives += 1
                if selected { counts[g].falsePositives += 1 }
            }
        }
    }

    private func note(_ value: OutputValue, _ positive: Bool, in tally: inout Tally) {
        if positive {
            tally.positiveSeen = true
        } else if tally.classesSeen.count < 5, let key = value.classKey, !tally.classesSeen.contains(key) {
            tally.classesSeen.append(key)
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
        for tally in tallies.sorted(by: { ($0.key.model, $0.key.version) < ($1.key.model, $1.key.version) }) {
            let key = tally.key
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
            let groups = zip(tally.names, tally.counts).map { name, c in
                FairnessSummary.Group(name: name, predictions: c.predictions, selected: c.selected, labelled: c.labelled,
                                      labelPositives: c.labelPositives, truePositives: c.truePositives,
                                      labelNegatives: c.labelNegatives, falsePositives: c.falsePositives)
            }
            let summary = Self.summarize(groups, labels: labels, options: options)
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
