import Foundation
import MLWatchCore

/// Turns the answers of the fleet queries into the `Snapshot` every panel already draws: metrics with the
/// vocabulary's names and `model`/`version` labels, a `FeatureSummary` per feature (fleet PSI with its
/// bins, or the worst instance's drift test), an `OutputSummary` per model/version, the alerts, and the
/// `FleetInfo` of the Instances view. Pure: the same answers give the same snapshot.
public struct FleetSnapshotBuilder: Sendable {
    /// `prometheus http://…`, for the header.
    public var source: String
    /// The instance the panels are narrowed to (nil: the fleet).
    public var scope: String?
    public var mode: SourceMode
    /// Where the Alerts panel's alerts come from, for the Instances view's title.
    public var alertSource: String
    /// Whether acknowledgements can be made (Alertmanager given).
    public var silences: Bool
    /// The config's drift settings: the fleet PSI's threshold per feature.
    public var drift: DriftSettings
    /// Thresholds of the config's rules (colours and markers on the panels).
    public var thresholds: [MetricThreshold]

    public init(source: String, scope: String? = nil, mode: SourceMode = .live, alertSource: String = "mlwatch_alert series",
                silences: Bool = false, drift: DriftSettings = DriftSettings(), thresholds: [MetricThreshold] = []) {
        self.source = source
        self.scope = scope
        self.mode = mode
        self.alertSource = alertSource
        self.silences = silences
        self.drift = drift
        self.thresholds = thresholds
    }

    /// Evidently's default threshold for PSI (a distance).
    static let defaultPSIThreshold = 0.1

    /// The fleet PSI's threshold for a feature: the config's, where it names PSI or names no test.
    func psiThreshold(_ feature: String) -> Double {
        let o = drift.options(for: feature)
        guard o.test == nil || o.test == .psi else { return Self.defaultPSIThreshold }
        return o.threshold ?? Self.defaultPSIThreshold
    }

    /// - Parameters:
    ///   - time: when the answers were evaluated (the window's end, for the sparklines' history).
    ///   - builtAt: wall-clock time now.
    ///   - notes: what was left out (capped answers, warnings), for the Instances view and the header.
    public func build(_ answers: FleetAnswers, at time: Double, builtAt: Double, notes: [String] = []) -> Snapshot {
        var snapshot = Snapshot(sources: [source], mode: mode, builtAt: builtAt)
        snapshot.windowTo = time
        snapshot.thresholds = thresholds
        var groups = Set<Labels>()
        software(answers.stats(.software), into: &snapshot, groups: &groups)
        let outputUntested = input(answers.stats(.input), into: &snapshot, groups: &groups)
        output(answers.stats(.output), into: &snapshot, groups: &groups)
        let alertSamples = answers.samples[.alerts] ?? []
        let fleetAlerts = FleetSnapshotBuilder.alerts(from: alertSamples, scope: scope)
        // Alertmanager's alerts are the fleet's (they carry no instance); one instance's are its own series.
        snapshot.alerts = scope == nil ? (answers.alertmanager ?? fleetAlerts) : fleetAlerts
        // Every group seen anywhere has an output summary: the panels list groups from there.
        let known = Set(snapshot.outputs.map(\.labels))
        for g in groups where !known.contains(g) {
            snapshot.outputs.append(OutputSummary(labels: g, count: 0, nullRate: 0))
        }
        snapshot.outputs.sort { $0.labels < $1.labels }
        for i in snapshot.outputs.indices {
            snapshot.outputs[i].driftUntested = outputUntested[snapshot.outputs[i].labels] ?? [:]
        }
        snapshot.fleet = FleetInfo(
            source: source, scope: scope, instances: instances(answers.stats(.instances), alerts: alertSamples),
            alertSource: alertSource, silences: silences, notes: notes)
        return snapshot
    }

    // MARK: Software

    private func software(_ stats: [String: [PromSample]], into s: inout Snapshot, groups: inout Set<Labels>) {
        var eventsPerSecond: [Labels: Double] = [:]
        for name in ["events_per_second", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_mean_ms"] {
            for sample in stats[name] ?? [] {
                guard let g = Self.group(sample), sample.value.isFinite else { continue }
                groups.insert(g)
                if name == "events_per_second" { eventsPerSecond[g] = sample.value }
                s.metrics.append(MetricSample(name: name, labels: g, value: sample.value))
            }
        }
        for sample in stats["error_rate"] ?? [] {
            guard let g = Self.group(sample) else { continue }
            // 0/0: no predictions in the rate window — no errors either, as on one instance.
            let value = sample.value.isNaN && (eventsPerSecond[g] ?? 0) == 0 ? 0 : sample.value
            guard value.isFinite else { continue }
            s.metrics.append(MetricSample(name: "error_rate", labels: g, value: value))
        }
        for sample in stats["events_cumulative"] ?? [] {
            if let g = Self.group(sample) { groups.insert(g) }
        }
        for name in ["cpu_pct", "mem_mb", "load1"] {
            for sample in stats[name] ?? [] where sample.value.isFinite {
                s.metrics.append(MetricSample(name: name, labels: Labels(["host": sample.labels["host"] ?? ""]), value: sample.value))
            }
        }
        for name in ["monitor_rss_mb", "monitor_cpu_pct"] {
            if let v = stats[name]?.first?.value, v.isFinite { s.metrics.append(MetricSample(name: name, value: v)) }
        }
        s.events = Self.count(stats["events"]?.first?.value)
        s.late = Self.count(stats["late"]?.first?.value)
        var byReason: [String: Int] = [:]
        for sample in stats["malformed"] ?? [] { byReason[sample.labels["reason"] ?? "", default: 0] += Self.count(sample.value) }
        s.malformed = MalformedStats(total: byReason.values.reduce(0, +), byReason: byReason)
        if let newest = stats["newest_event"]?.first?.value, newest.isFinite { s.newestEventTime = newest }
    }

    // MARK: Input

    private struct FeatureKey: Hashable, Comparable {
        var model: String
        var version: String
        var feature: String

        static func < (a: FeatureKey, b: FeatureKey) -> Bool {
            (a.model, a.version, a.feature) < (b.model, b.version, b.feature)
        }

        var labels: Labels { Labels(["model": model, "version": version, "feature": feature]) }
        var group: Labels { Labels(["model": model, "version": version]) }
    }

    private static func featureKey(_ s: PromSample) -> FeatureKey? {
        guard let m = s.labels["model"], let v = s.labels["version"], let f = s.labels["feature"] else { return nil }
        return FeatureKey(model: m, version: v, feature: f)
    }

    /// One bin of the fleet drift: its upper edge (numeric) or category, and a share.
    private struct Bin {
        var upper: Double?
        var category: String?
        var share: Double
    }

    /// - Returns: the output columns (`prediction`, `score`) whose fleet PSI is not tested for want of values,
    ///   by model/version group and column, for the Output panel.
    private func input(_ stats: [String: [PromSample]], into s: inout Snapshot,
                       groups: inout Set<Labels>) -> [Labels: [String: DriftUntested]] {
        var outputUntested: [Labels: [String: DriftUntested]] = [:]
        func values(_ name: String) -> [FeatureKey: Double] {
            var out: [FeatureKey: Double] = [:]
            for sample in stats[name] ?? [] {
                if let k = Self.featureKey(sample), !sample.value.isNaN { out[k] = sample.value }
            }
            return out
        }
        func bins(_ name: String) -> [FeatureKey: [Bin]] {
            var out: [FeatureKey: [Bin]] = [:]
            for sample in stats[name] ?? [] {
                guard let k = Self.featureKey(sample), sample.value.isFinite else { continue }
                let upper = sample.labels["upper"].flatMap { PromResponseParser.value($0) }
                let category = sample.labels["category"]
                guard upper != nil || category != nil, !(upper?.isNaN ?? false) else { continue }
                out[k, default: []].append(Bin(upper: upper, category: category, share: sample.value))
            }
            return out
        }
        let psi = values("drift_psi")
        let missing = values("feature_missing_rate")
        let count = values("feature_count")
        let binCount = values("bin_count")
        let referenceValues = values("reference_values")
        let mean = values("feature_mean")
        let length = values("feature_length_mean")
        let mixed = values("feature_type_mixed")
        let worstHigh = values("drift_score_max")
        let worstLow = values("drift_score_min")
        let threshold = values("drift_threshold")
        let detected = values("drift_detected")
        let tested = values("drift_tested")
        let windowBins = bins("bin_window")
        let referenceBins = bins("bin_reference")
        var categories: [FeatureKey: [(String, Double)]] = [:]
        for sample in stats["feature_category_share"] ?? [] {
            guard let k = Self.featureKey(sample), let c = sample.labels["category"], sample.value.isFinite else { continue }
            categories[k, default: []].append((c, sample.value))
        }
        var tests: [FeatureKey: String] = [:]
        for sample in (stats["drift_test"] ?? []).sorted(by: { ($0.labels["test"] ?? "") < ($1.labels["test"] ?? "") }) {
            if let k = Self.featureKey(sample), let t = sample.labels["test"], tests[k] == nil { tests[k] = t }
        }
        var keys = Set<FeatureKey>()
        for dict in [psi, missing, count, mean, length, worstHigh, tested] { keys.formUnion(dict.keys) }
        keys.formUnion(categories.keys)
        keys.formUnion(referenceBins.keys)

        for key in keys.sorted() {
            groups.insert(key.group)
            let labels = key.labels
            var drift: DriftSummary?
            if let p = psi[key] {
                let thr = psiThreshold(key.feature)
                var d = DriftSummary(test: "psi", score: p, threshold: thr, detected: p.isFinite && p >= thr, values: ["psi": p])
                Self.addBins(window: windowBins[key] ?? [], reference: referenceBins[key] ?? [], to: &d)
                if let n = tested[key] {
                    d.values["instances tested"] = n
                    d.values["instances drifting"] = detected[key] ?? 0
                }
                drift = d
            } else if let test = tests[key] {
                // No fleet bins (no common reference file): the worst instance's own test.
                let pValue = ["ks", "chisquare", "z"].contains(test)
                if let score = pValue ? worstLow[key] : worstHigh[key] {
                    let thr = threshold[key] ?? (pValue ? 0.05 : Self.defaultPSIThreshold)
                    var d = DriftSummary(test: test, score: score, threshold: thr, detected: (detected[key] ?? 0) > 0,
                                         values: [Self.valueKey(test): score])
                    d.values["instances tested"] = tested[key]
                    d.values["instances drifting"] = detected[key] ?? 0
                    drift = d
                }
            }
            // Drift of an output column (the prediction's, the score's; fleet bins of their own) is the Output
            // panel's, not a feature: input features are those with feature statistics.
            let isOutput = key.feature == "prediction" || (key.feature == "score" && count[key] == nil)
            // The fleet PSI over fewer summed values than `drift.min_samples` (the bins' count, which the PSI
            // is computed on and the exported recording rule gates on; else the feature's count): not tested,
            // as one instance would not test them. Inputs and outputs alike. (The worst instance's own test
            // was gated by that instance already.)
            // A reference with fewer values than that (every instance exports the same count) gates it too,
            // and is named first, as one instance names it.
            var untested: DriftUntested?
            let minimum = Double(self.drift.minSamples)
            let shortReference = referenceValues[key].flatMap { $0.isFinite && $0 < minimum ? $0 : nil }
            let shortWindow = (binCount[key] ?? count[key]).flatMap { $0.isFinite && $0 < minimum ? $0 : nil }
            if psi[key] != nil || referenceBins[key] != nil, let n = shortReference ?? shortWindow {
                let u = DriftUntested(labels: labels, values: Self.count(n), minSamples: self.drift.minSamples,
                                      side: shortReference != nil ? .reference : .window)
                untested = u
                drift = nil
                s.driftUntested.append(u)
                if isOutput { outputUntested[key.group, default: [:]][key.feature] = u }
            }
            if let d = drift {
                s.metrics.append(MetricSample(name: "drift_score", labels: labels, value: d.score))
                s.metrics.append(MetricSample(name: "drift_detected", labels: labels, value: d.detected ? 1 : 0))
                s.metrics.append(MetricSample(name: "drift_test", labels: labels, value: 1, text: d.test))
                if let p = psi[key] { s.metrics.append(MetricSample(name: "drift_psi", labels: labels, value: p)) }
            }
            let isFeature = count[key] != nil || missing[key] != nil || mean[key] != nil || referenceBins[key] != nil
            guard !isOutput, isFeature else { continue }
            let shares = (categories[key] ?? []).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            let isNumeric = mean[key] != nil || (referenceBins[key]?.first?.upper != nil)
            let isCategorical = !shares.isEmpty || (referenceBins[key]?.first?.category != nil)
            let kind: FeatureSummary.Kind =
                (mixed[key] ?? 0) > 0 ? .mixed : isNumeric ? .numeric : isCategorical ? .categorical : length[key] != nil ? .text : .empty
            var summary = FeatureSummary(labels: labels, name: key.feature, kind: kind, count: Self.count(count[key]),
                                         missingRate: missing[key] ?? 0, mean: mean[key], lengthMean: length[key],
                                         topCategories: shares, drift: drift)
            summary.driftUntested = untested
            if kind == .text { summary.lengthMean = length[key] ?? mean[key] }
            s.features.append(summary)
            if let v = missing[key] { s.metrics.append(MetricSample(name: "feature_missing_rate", labels: labels, value: v)) }
            if let v = mean[key] { s.metrics.append(MetricSample(name: "feature_mean", labels: labels, value: v)) }
            if let v = count[key] { s.metrics.append(MetricSample(name: "feature_count", labels: labels, value: v)) }
            if let v = length[key] { s.metrics.append(MetricSample(name: "feature_length_mean", labels: labels, value: v)) }
        }
        return outputUntested
    }

    /// The reference and window shares on the fleet bins, for the detail view's overlay: numeric bins by
    /// upper edge, categories by reference share (`__other__` last).
    private static func addBins(window: [Bin], reference: [Bin], to d: inout DriftSummary) {
        guard !reference.isEmpty else { return }
        if reference.first?.upper != nil {
            let ref = reference.filter { $0.upper != nil }.sorted { $0.upper! < $1.upper! }
            var current: [Double: Double] = [:]
            for b in window { if let u = b.upper { current[u] = b.share } }
            d.referenceShares = ref.map(\.share)
            d.currentShares = ref.map { current[$0.upper!] ?? 0 }
            d.binEdges = ref.compactMap { $0.upper!.isFinite ? $0.upper : nil }
        } else {
            let ref = reference.filter { $0.category != nil }.sorted { a, b in
                let ao = a.category == FleetBins.otherCategory
                let bo = b.category == FleetBins.otherCategory
                if ao != bo { return bo }
                return a.share != b.share ? a.share > b.share : a.category! < b.category!
            }
            var current: [String: Double] = [:]
            for b in window { if let c = b.category { current[c] = b.share } }
            d.referenceShares = ref.map(\.share)
            d.currentShares = ref.map { current[$0.category!] ?? 0 }
            d.binLabels = ref.map { $0.category! }
        }
    }

    /// The entry of `DriftSummary.values` that holds a test's score (as the detail view marks it).
    static func valueKey(_ test: String) -> String {
        switch test {
        case "ks": return "ks_pvalue"
        case "chisquare": return "chi2_pvalue"
        case "z": return "z_pvalue"
        case "jensenshannon": return "js"
        default: return test
        }
    }

    // MARK: Output

    private func output(_ stats: [String: [PromSample]], into s: inout Snapshot, groups: inout Set<Labels>) {
        func values(_ name: String) -> [Labels: Double] {
            var out: [Labels: Double] = [:]
            for sample in stats[name] ?? [] {
                if let g = Self.group(sample), sample.value.isFinite { out[g] = sample.value }
            }
            return out
        }
        func split(_ name: String, by label: String) -> [Labels: [(String, Double)]] {
            var out: [Labels: [(String, Double)]] = [:]
            for sample in stats[name] ?? [] {
                guard let g = Self.group(sample), let v = sample.labels[label], sample.value.isFinite else { continue }
                out[g, default: []].append((v, sample.value))
            }
            return out.mapValues { $0.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 } }
        }
        let events = values("events_total")
        let labelled = values("labelled_total")
        let nullRate = values("output_null_rate")
        let lowConfidence = values("low_confidence_rate")
        let accuracy = values("accuracy")
        let mae = values("mae")
        let predictionMean = values("prediction_mean")
        let scoreMean = values("score_mean")
        let traffic = values("traffic_share")
        let classes = split("prediction_class_share", by: "class")
        let feedback = split("feedback_rate", by: "kind")
        var keys = Set<Labels>()
        for dict in [events, nullRate, predictionMean, scoreMean, accuracy, mae] { keys.formUnion(dict.keys) }
        keys.formUnion(classes.keys)
        for g in keys.sorted() {
            groups.insert(g)
            let o = OutputSummary(labels: g, count: Self.count(events[g]), nullRate: nullRate[g] ?? 0, classShares: classes[g] ?? [],
                                  predictionMean: predictionMean[g], scoreMean: scoreMean[g], lowConfidenceRate: lowConfidence[g],
                                  feedbackRates: feedback[g] ?? [], accuracy: accuracy[g], mae: mae[g],
                                  labelled: Self.count(labelled[g]))
            s.outputs.append(o)
            let plain: [(String, Double?)] = [
                ("events_total", events[g]), ("labelled_total", labelled[g]), ("output_null_rate", nullRate[g]),
                ("low_confidence_rate", lowConfidence[g]), ("accuracy", accuracy[g]), ("mae", mae[g]),
                ("prediction_mean", predictionMean[g]), ("score_mean", scoreMean[g]), ("traffic_share", traffic[g]),
            ]
            for (name, v) in plain { if let v { s.metrics.append(MetricSample(name: name, labels: g, value: v)) } }
            for (c, v) in o.classShares { s.metrics.append(MetricSample(name: "prediction_class_share", labels: g.with("class", c), value: v)) }
            for (k, v) in o.feedbackRates { s.metrics.append(MetricSample(name: "feedback_rate", labels: g.with("kind", k), value: v)) }
        }
    }

    // MARK: Alerts and instances

    /// Labels that say where an alert series comes from, not which alert it is.
    static let seriesLabels: Set<String> = ["__name__", "instance", "job", "alertname", "severity", "state"]

    /// The alerts of `mlwatch_alert` series: one per alert and state across the instances in scope, with the
    /// worst value, the earliest start, and the instances it is on.
    static func alerts(from samples: [PromSample], scope: String?) -> [AlertInstance] {
        struct Key: Hashable {
            var rule: String
            var labels: Labels
            var state: String
            var severity: String
        }
        var instances: [Key: [String]] = [:]
        var values: [Key: Double] = [:]
        var since: [Key: Double] = [:]
        for sample in samples {
            if let scope, sample.labels["instance"] != scope { continue }
            guard let rule = sample.labels["alertname"], let state = sample.labels["state"] else { continue }
            let key = Key(rule: rule, labels: Labels(sample.labels.filter { !seriesLabels.contains($0.key) }), state: state,
                          severity: sample.labels["severity"] ?? "")
            switch sample.labels["__name__"] {
            case "mlwatch_alert":
                instances[key, default: []].append(sample.labels["instance"] ?? "?")
            case "mlwatch_alert_value":
                if sample.value.isFinite { values[key] = max(values[key] ?? -.infinity, sample.value) }
            case "mlwatch_alert_active_since_timestamp_seconds":
                if sample.value.isFinite { since[key] = min(since[key] ?? .infinity, sample.value) }
            default: break
            }
        }
        return instances.map { key, on in
            let state = AlertState(rawValue: key.state) ?? .firing
            let names = on.sorted()
            let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " +\(names.count - 3)" : "")
            let start = since[key]
            var a = AlertInstance(rule: key.rule, labels: key.labels, state: state, severity: AlertSeverity(label: key.severity),
                                  value: values[key] ?? .nan, activeSince: start,
                                  firedAt: state == .pending ? nil : start,
                                  summary: names.count == 1 ? "on \(shown)" : "on \(names.count) instances: \(shown)")
            a.annotations["instances"] = names.joined(separator: ", ")
            return a
        }.sorted(by: AlertInstance.listedBefore)
    }

    private func instances(_ stats: [String: [PromSample]], alerts: [PromSample]) -> [FleetInstance] {
        struct Key: Hashable {
            var instance: String
            var job: String
        }
        func values(_ name: String) -> [Key: Double] {
            var out: [Key: Double] = [:]
            for s in stats[name] ?? [] {
                guard let i = s.labels["instance"] else { continue }
                out[Key(instance: i, job: s.labels["job"] ?? "")] = s.value
            }
            return out
        }
        let up = values("up")
        let age = values("scrape_age")
        let duration = values("scrape_duration")
        let eps = values("events_per_second")
        let errors = values("error_rate")
        let lag = values("lag")
        var firing: [Key: Set<String>] = [:]
        var other: [Key: Int] = [:]
        for a in alerts where a.labels["__name__"] == "mlwatch_alert" {
            guard let i = a.labels["instance"] else { continue }
            let k = Key(instance: i, job: a.labels["job"] ?? "")
            if a.labels["state"] == "firing" {
                firing[k, default: []].insert(a.labels["alertname"] ?? "?")
            } else {
                other[k, default: 0] += 1
            }
        }
        func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }
        let list = up.keys.map { k in
            let rate = finite(eps[k])
            var errorRate = finite(errors[k])
            if errorRate == nil, rate == 0 { errorRate = 0 }
            return FleetInstance(instance: k.instance, job: k.job, up: up[k] == 1, scrapeAge: finite(age[k]),
                                 scrapeDuration: finite(duration[k]), eventsPerSecond: rate, errorRate: errorRate, lag: finite(lag[k]),
                                 firing: (firing[k] ?? []).sorted(), otherAlerts: other[k] ?? 0)
        }
        return list.sorted { a, b in
            if a.up != b.up { return !a.up }
            if a.firing.isEmpty != b.firing.isEmpty { return !a.firing.isEmpty }
            return (a.instance, a.job) < (b.instance, b.job)
        }
    }

    // MARK: Helpers

    /// The thresholds of a config's rules that the panels can mark: fixed thresholds of comparisons whose
    /// matchers are all equalities (adaptive ones are learned by each instance, not known here).
    public static func thresholds(of rules: [AlertRule]) -> [MetricThreshold] {
        var out: [MetricThreshold] = []
        for rule in rules {
            for c in rule.expression.comparisons {
                guard case .fixed(let v) = c.threshold, c.selector.matchers.allSatisfy({ $0.op == .equal }) else { continue }
                let labels = Labels(Dictionary(c.selector.matchers.map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a }))
                out.append(MetricThreshold(metric: c.selector.name, labels: labels, value: v, rule: rule.name, op: c.op.rawValue))
            }
        }
        return out
    }

    /// The `model`/`version` labels of a sample (nil when it has no model).
    static func group(_ s: PromSample) -> Labels? {
        guard let m = s.labels["model"] else { return nil }
        return Labels(["model": m, "version": s.labels["version"] ?? ""])
    }

    /// A count from a float (0 for NaN, negative or absent; capped at Int's range).
    static func count(_ v: Double?) -> Int {
        guard let v, v.isFinite, v > 0 else { return 0 }
        return v >= Double(Int.max) ? Int.max : Int(v.rounded())
    }
}
