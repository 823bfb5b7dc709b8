/// Compares every version of a model with the `compare` baseline version in the same window, from the
/// window's per-version aggregates: for each version ≠ baseline, the usual drift metrics of its inputs and
/// outputs (`drift_*{model,version,feature,baseline}`, `drift_share{model,version,baseline}`), tested as the
/// reference drift is (Evidently's choice of test, the `drift:` overrides) with the baseline's values as the
/// reference. Also `traffic_share{model,version}` for every model (`trafficShares`), compare or not.
///
/// A model whose baseline has no prediction in the window is not compared, and says so (`MonitorWarning`).
struct VersionComparison {
    let options: CompareOptions

    /// Prepared references of the baseline's columns, built once per computation.
    private enum Reference {
        case numeric(NumericReference)
        case categorical(CategoricalReference)
        /// Free text: the lengths of its values.
        case text(NumericReference)
    }

    /// `traffic_share{model,version}`: each version's share of its model's predictions in the window (the
    /// whole-model groups, not the segments). A shadow that mirrors every request shows half.
    /// - Complexity: O(g) for g groups.
    static func trafficShares(_ aggregate: WindowAggregator, into out: inout [MetricSample]) {
        var totals: [String: Int] = [:]
        for (i, key) in aggregate.keys.enumerated() where key.segment == nil {
            totals[key.model, default: 0] += aggregate.groups[i].count
        }
        for (i, key) in aggregate.keys.enumerated() where key.segment == nil && aggregate.groups[i].count > 0 {
            let total = totals[key.model] ?? 0
            out.append(MetricSample(name: "traffic_share", labels: Labels(["model": key.model, "version": key.version]),
                                    value: total > 0 ? Double(aggregate.groups[i].count) / Double(total) : 0))
        }
    }

    /// The comparison of every model's versions in the aggregate.
    /// - Parameters:
    ///   - scope: the columns to test (rule evaluations: those their rules can read; snapshots: all).
    ///   - details: also test latency, error rate and accuracy for the versions view (snapshots only).
    /// - Complexity: O(n) per tested column for n values of the two versions (plus the drift tests' own cost).
    func compare(_ aggregate: inout WindowAggregator, scope: DriftScope, details: Bool,
                 into out: inout WindowMetrics) {
        let baseline = options.baseline
        var byModel: [String: [(version: String, index: Int)]] = [:]
        var models: [String] = []
        for (i, key) in aggregate.keys.enumerated() where key.segment == nil && aggregate.groups[i].count > 0 {
            if byModel[key.model] == nil { models.append(key.model) }
            byModel[key.model, default: []].append((key.version, i))
        }
        for model in models.sorted() {
            let versions = byModel[model]!.sorted { $0.version < $1.version }
            let total = versions.reduce(0) { $0 + aggregate.groups[$1.index].count }
            guard let base = versions.first(where: { $0.version == baseline }) else {
                let seen = versions.map(\.version).joined(separator: ", ")
                out.warnings.append(MonitorWarning(
                    topic: "compare", short: "baseline \(baseline) not in window",
                    message: "compare: baseline version \(baseline) has no predictions of \(model) in the window (versions: \(seen)); nothing is compared against it"))
                continue
            }
            func share(_ i: Int) -> Double { total > 0 ? Double(aggregate.groups[i].count) / Double(total) : 0 }
            var summary = VersionComparisonSummary(model: model, baseline: baseline)
            summary.versions.append(.init(version: baseline, events: aggregate.groups[base.index].count, trafficShare: share(base.index)))
            var references: [String: Reference] = [:]
            var baselineCounts: [String: Int] = [:]
            for v in versions where v.version != baseline {
                var column = VersionComparisonSummary.Version(version: v.version, events: aggregate.groups[v.index].count,
                                                              trafficShare: share(v.index))
                let labels = Labels(["model": model, "version": v.version, "baseline": baseline])
                var tested = 0
                var detected = 0
                let names = aggregate.withGroup(v.index) { $0.keptFeatureNames }
                var untested = 0
                func compared(_ name: String, feature: Bool = false,
                              _ values: (inout GroupAccumulator) -> ColumnValues?) -> DriftSummary? {
                    switch drift(name, aggregate: &aggregate, base: base.index, current: v.index, references: &references,
                                 baselineCounts: &baselineCounts, ksPValue: scope.needsKSPValue,
                                 labels: labels.with("feature", name), column: values) {
                    case .tested(let d)?:
                        MetricsCalculator.emitDrift(d, labels: labels.with("feature", name), into: &out)
                        return d
                    case .untested(let u)?:
                        // Rule evaluations (no details) need not say so; snapshots do.
                        if details {
                            column.driftUntested[name] = u
                            out.driftUntested.append(u)
                        }
                        if feature { untested += 1 }
                        return nil
                    case nil:
                        return nil
                    }
                }
                for name in names where scope.includes(name) {
                    guard let d = compared(name, feature: true, { g in g.driftColumn(feature: name) }) else { continue }
                    column.featureDrift[name] = d
                    tested += 1
                    if d.detected { detected += 1 }
                }
                // Over the compared features; none when `min_samples` left every one uncompared.
                if scope == .all || scope == .allWithoutKSPValue, tested > 0 || untested == 0 {
                    out.metrics.append(MetricSample(name: "drift_share", labels: labels,
                                                    value: tested > 0 ? Double(detected) / Double(tested) : 0))
                    out.metrics.append(MetricSample(name: "drift_features_detected", labels: labels, value: Double(detected)))
                }
                if scope.includes("prediction") {
                    column.predictionDrift = compared("prediction", { g in g.predictionColumn() })
                }
                if scope.includes("score") {
                    column.scoreDrift = compared("score", { g in
                        let s = g.sortedScores()
                        return s.isEmpty ? nil : .sortedNumeric(s)
                    })
                }
                if details { significance(&column, aggregate: &aggregate, base: base.index, current: v.index, ksPValue: scope.needsKSPValue) }
                summary.versions.append(column)
            }
            out.versions.append(summary)
        }
    }

    /// Latency, error rate and accuracy against the baseline, for the versions view.
    private func significance(_ column: inout VersionComparisonSummary.Version, aggregate: inout WindowAggregator,
                              base: Int, current: Int, ksPValue: Bool) {
        let baseLatency = aggregate.withGroup(base) { $0.sortedLatencies() }
        let latency = aggregate.withGroup(current) { $0.sortedLatencies() }
        if !baseLatency.isEmpty, !latency.isEmpty,
           let r = try? DriftCalculator.numeric(reference: NumericReference(sortedFiniteValues: baseLatency, droppedCount: 0),
                                                sortedCurrent: latency, options: .default, ksPValue: ksPValue) {
            column.latencyDrift = DriftMonitor.summary(r)
        }
        let b = aggregate.groups[base]
        let c = aggregate.groups[current]
        column.errorRatePValue = Self.proportionPValue(b.errors, of: b.count, c.errors, of: c.count)
        if !b.regression, !c.regression {
            column.accuracyPValue = Self.proportionPValue(b.correct, of: b.labelled, c.correct, of: c.labelled)
        }
    }

    /// Two-sided p-value of a two-proportion z-test (Evidently's `z` stattest), nil without data or when
    /// undefined (both proportions 0 or both 1 give p = 1).
    static func proportionPValue(_ k1: Int, of n1: Int, _ k2: Int, of n2: Int) -> Double? {
        guard n1 > 0, n2 > 0 else { return nil }
        let single = (k1 == 0 && k2 == 0) || (k1 == n1 && k2 == n2)
        let z = ZTest.test(referenceTotal: n1, referenceFirstCategory: n1 - k1, currentTotal: n2, currentFirstCategory: n2 - k2,
                           singleSameValue: single)
        return z.pValue.isFinite ? z.pValue : nil
    }

    /// A column's comparison: tested, or not for want of values on one side.
    private enum ColumnDrift {
        case tested(DriftSummary)
        case untested(DriftUntested)
    }

    /// Drift of one column of version `current` against the same column of the baseline `base`; untested when
    /// either side has fewer than `min_samples` values of it (nil when the column cannot be compared).
    private func drift(_ name: String, aggregate: inout WindowAggregator, base: Int, current: Int,
                       references: inout [String: Reference], baselineCounts: inout [String: Int], ksPValue: Bool,
                       labels: Labels, column: (inout GroupAccumulator) -> ColumnValues?) -> ColumnDrift? {
        if references[name] == nil {
            let values = aggregate.withGroup(base, column)
            switch values {
            case .sortedNumeric(let sorted)?:
                references[name] = .numeric(NumericReference(sortedFiniteValues: sorted, droppedCount: 0))
            case .categorical(let counts)?:
                references[name] = .categorical(CategoricalReference(counts: counts))
            case .textLengths(let sorted)?:
                references[name] = .text(NumericReference(sortedFiniteValues: sorted, droppedCount: 0))
            case .numeric, nil:
                return nil
            }
            baselineCounts[name] = values?.testedCount ?? 0
        }
        guard let reference = references[name], let values = aggregate.withGroup(current, column) else { return nil }
        switch (reference, values) {
        case (.numeric, .sortedNumeric), (.text, .textLengths), (.categorical, .categorical): break
        default: return nil  // kinds differ: not compared (below)
        }
        if let untested = DriftUntested.check(labels: labels, values: values.testedCount,
                                              baselineValues: baselineCounts[name] ?? 0, minSamples: options.minSamples) {
            return .untested(untested)
        }
        let options = self.options.driftOverrides[name] ?? self.options.driftDefaults
        do {
            switch (reference, values) {
            case (.numeric(let r), .sortedNumeric(let sorted)), (.text(let r), .textLengths(let sorted)):
                return .tested(DriftMonitor.summary(try DriftCalculator.numeric(reference: r, sortedCurrent: sorted, options: options,
                                                                                ksPValue: ksPValue)))
            case (.categorical(let r), .categorical(let counts)):
                return .tested(DriftMonitor.summary(try DriftCalculator.categorical(reference: r, current: counts, options: options)))
            default:
                // The column's kind differs between the versions (numbers against categories, or free text
                // in one version only): not compared.
                return nil
            }
        } catch {
            return nil
        }
    }

    /// The columns rule evaluations must compare against the baseline: those a rule's `drift_*` selector
    /// can match on a series with a `baseline` label (a selector with `version="<baseline>"`, or a
    /// `baseline` matcher the baseline fails, never matches one). `.none` when no rule can.
    static func scope(for rules: [AlertRule], baseline: String) -> DriftScope {
        var columns = Set<String>()
        var ks = false
        for rule in rules {
            for c in rule.expression.comparisons where c.selector.name.hasPrefix("drift_") {
                // A series of the comparison: version ≠ baseline, baseline = baseline.
                let excluded = c.selector.matchers.contains { m in
                    (m.label == "version" && m.op == .equal && m.value == baseline)
                        || (m.label == "baseline" && !m.matches(Labels(["baseline": baseline])))
                }
                if excluded { continue }
                let exact = c.selector.matchers.filter { $0.label == "feature" && $0.op == .equal }
                guard c.selector.name != "drift_share", c.selector.name != "drift_features_detected", let m = exact.first else {
                    return .all
                }
                columns.insert(m.value)
                if c.selector.name == "drift_ks_pvalue" { ks = true }
            }
        }
        return columns.isEmpty ? .none : .columns(columns, ksPValue: ks)
    }
}
