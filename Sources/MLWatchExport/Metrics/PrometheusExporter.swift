import Foundation
import MLWatchCore
import Prometheus
import Synchronization

/// Turns published snapshots into the Prometheus text exposition (format 0.0.4) of `/metrics`.
///
/// Counters and gauges live in a swift-prometheus registry that is brought in line with the newest
/// snapshot at each scrape: series that are no longer in the snapshot (a feature, version or alert that
/// went away) are unregistered, new ones registered, and cumulative counts turned into counter increments.
/// The latency histogram is written by `HistogramText` instead: the engine keeps cumulative bucket counts
/// (so that the exporter reads only snapshots), and swift-prometheus' histograms can only be fed one
/// observation at a time.
///
/// Cardinality is bounded by `Limits`: label values past a limit are not exported, and
/// `mlwatch_exporter_series_dropped` says how many series were left out.
///
/// Thread-safe: scrapes may come from several connections at once; one exposition is built at a time.
public final class PrometheusExporter: Sendable {
    /// How many series a scrape may carry.
    public struct Limits: Sendable, Equatable {
        /// Distinct (model, version) pairs of the per-window gauges.
        public var modelVersions: Int
        /// Distinct `feature` label values.
        public var features: Int
        /// Distinct values of any other label (`segment`, `class`, `kind`, `category`, `host`, …).
        public var labelValues: Int
        /// Active alerts in `mlwatch_alert`.
        public var alerts: Int
        /// Gauge series in all.
        public var series: Int

        public init(modelVersions: Int = 50, features: Int = 200, labelValues: Int = 50, alerts: Int = 500,
                    series: Int = 20_000) {
            self.modelVersions = modelVersions
            self.features = features
            self.labelValues = labelValues
            self.alerts = alerts
            self.series = series
        }
    }

    /// A cumulative count kept outside the snapshot (e.g. notification errors), exported as a counter.
    public struct ExtraCounter: Sendable, Equatable {
        public var name: String
        public var help: String
        public var labels: [String: String]
        public var value: Int
        public init(name: String, help: String, labels: [String: String] = [:], value: Int) {
            self.name = name
            self.help = help
            self.labels = labels
            self.value = value
        }
    }

    public let limits: Limits
    private let state: Mutex<ExporterState>

    public init(limits: Limits = Limits()) {
        self.limits = limits
        state = Mutex(ExporterState())
    }

    /// The exposition of `snapshot` (plus `extra` counters), UTF-8.
    public func exposition(of snapshot: Snapshot, extra: [ExtraCounter] = []) -> [UInt8] {
        let plan = ExpositionPlan(snapshot: snapshot, extra: extra, limits: limits)
        return state.withLock { state in
            state.apply(plan)
            var out: [UInt8] = []
            out.reserveCapacity(64 * 1024)
            state.registry.emit(into: &out)
            HistogramText.append(snapshot.counters, into: &out)
            return out
        }
    }

    /// The exposition as text (tests, `--no-ui` debugging).
    public func text(of snapshot: Snapshot, extra: [ExtraCounter] = []) -> String {
        String(decoding: exposition(of: snapshot, extra: extra), as: UTF8.self)
    }
}

/// One series: a metric name and its label pairs (sorted by label name).
struct SeriesKey: Hashable, Sendable {
    var name: String
    var labels: [String]

    init(_ name: String, _ labels: [(String, String)]) {
        self.name = name
        self.labels = labels.flatMap { [$0.0, $0.1] }
    }

    var pairs: [(String, String)] {
        stride(from: 0, to: labels.count, by: 2).map { (labels[$0], labels[$0 + 1]) }
    }
}

/// What a scrape should contain, worked out from a snapshot outside the exporter's lock.
struct ExpositionPlan {
    var gauges: [SeriesKey: (help: String, value: Double)] = [:]
    var counters: [SeriesKey: (help: String, value: Int)] = [:]
    var dropped = 0

    init(snapshot: Snapshot, extra: [PrometheusExporter.ExtraCounter], limits: PrometheusExporter.Limits) {
        var budget = LabelBudget(limits: limits)
        /// Whether each gauge name has been given labels (a family is either labelled or not).
        var labelled: [String: Bool] = [:]
        func addGauge(_ name: String, help: String, labels: [(String, String)], value: Double) {
            guard gauges.count < limits.series, budget.admits(labels),
                labelled[name, default: !labels.isEmpty] == !labels.isEmpty
            else {
                dropped += 1
                return
            }
            labelled[name] = !labels.isEmpty
            gauges[SeriesKey(name, labels)] = (help, value)
        }

        // Per-window metrics of the vocabulary, in base units.
        for m in snapshot.metrics {
            guard let exported = ExportedName.gauge(for: m.name) else { continue }
            var labels = LabelSanitizer.pairs(m.labels.pairs.map { ($0.key, $0.value) })
            var value = m.value * exported.scale
            if m.name == "drift_test" {
                // The chosen test as a label: `mlwatch_drift_test{…,test="ks"} 1`.
                guard let test = m.text else { continue }
                labels = LabelSanitizer.pairs(labels + [("test", test)])
                value = 1
            }
            addGauge(exported.name, help: exported.help, labels: labels, value: value)
        }

        // Fleet-exact drift: reference shares and window counts on reference-fixed bins, of the input
        // features and of the outputs (`feature="prediction"`, `"score"`, as their drift metrics are
        // labelled). Only the groups without a segment, so that summing over instances never counts a value
        // twice.
        var binned: [([(String, String)], FleetBins)] = []
        for f in snapshot.features where f.labels["segment"] == nil {
            // An untested column's counts too: the fleet sums them over its instances.
            guard let bins = f.drift?.fleetBins ?? f.driftUntested?.fleetBins else { continue }
            binned.append((f.labels.pairs.map { ($0.key, $0.value) }, bins))
        }
        for o in snapshot.outputs where o.labels["segment"] == nil {
            for (column, bins) in o.fleetBins.sorted(by: { $0.key < $1.key }) {
                binned.append((o.labels.pairs.map { ($0.key, $0.value) } + [("feature", column)], bins))
            }
        }
        for (base, bins) in binned {
            // The reference's size, for `drift.min_samples` on the fleet PSI (the recording rule records
            // nothing over a reference smaller than that, as one instance tests nothing against it).
            if let n = bins.referenceValues {
                addGauge("mlwatch_feature_reference_values", help: ExpositionPlan.referenceValuesHelp,
                         labels: LabelSanitizer.pairs(base), value: Double(n))
            }
            for (i, share) in bins.referenceShares.enumerated() where i < bins.windowCounts.count {
                let bin: (String, String)
                switch bins.edges {
                case .numeric(let uppers): bin = ("upper", PromFloat.format(uppers[i]))
                case .categorical(let names): bin = ("category", names[i])
                }
                let labels = LabelSanitizer.pairs(base + [bin])
                addGauge("mlwatch_feature_reference_share", help: ExpositionPlan.referenceShareHelp, labels: labels,
                         value: share)
                addGauge("mlwatch_feature_window_values", help: ExpositionPlan.windowValuesHelp, labels: labels,
                         value: Double(bins.windowCounts[i]))
            }
        }

        // Active alerts, like Prometheus' ALERTS.
        var alerts = 0
        for a in snapshot.alerts {
            let state: String
            switch a.state {
            case .pending, .firing, .acknowledged, .snoozed: state = a.state.rawValue
            case .inactive, .resolved: continue
            }
            guard alerts < limits.alerts else {
                dropped += 1
                continue
            }
            alerts += 1
            var labels = a.labels.pairs.filter { !["alertname", "severity", "state"].contains($0.key) }.map { ($0.key, $0.value) }
            labels += [("alertname", a.rule), ("severity", a.severity.rawValue), ("state", state)]
            let pairs = LabelSanitizer.pairs(labels)
            gauges[SeriesKey("mlwatch_alert", pairs)] = (ExpositionPlan.alertHelp, 1)
            // What the fleet dashboard shows of an alert besides its state: its value and since when.
            if a.value.isFinite { gauges[SeriesKey("mlwatch_alert_value", pairs)] = (ExpositionPlan.alertValueHelp, a.value) }
            if let since = a.firedAt ?? a.activeSince {
                gauges[SeriesKey("mlwatch_alert_active_since_timestamp_seconds", pairs)] = (ExpositionPlan.alertSinceHelp, since)
            }
        }
        if let newest = snapshot.newestEventTime {
            // The instance's lag on the fleet dashboard: time() minus this.
            gauges[SeriesKey("mlwatch_last_event_timestamp_seconds", [])] = (ExpositionPlan.lastEventHelp, newest)
        }

        // Cumulative counters.
        let c = snapshot.counters
        for (i, key) in c.keys.enumerated() {
            let labels = [("model", key.model), ("version", key.version)]
            let t = c.totals[i]
            counters[SeriesKey("mlwatch_events_total", labels)] = ("Predictions read (late ones included).", t.events)
            counters[SeriesKey("mlwatch_prediction_errors_total", labels)] =
                ("Predictions whose status marks a failed request.", t.errors)
            counters[SeriesKey("mlwatch_labels_total", labels)] =
                ("Ground-truth labels joined to a prediction (inline or delayed).", t.labels)
        }
        for (reason, count) in snapshot.malformed.byReason {
            counters[SeriesKey("mlwatch_malformed_lines_total", [("reason", reason)])] =
                ("Log lines that could not be used, by reason.", count)
        }
        counters[SeriesKey("mlwatch_late_events_total", [])] = ("Events later than the lateness bound (not placed).", snapshot.late)
        counters[SeriesKey("mlwatch_label_join_expired_total", [])] =
            ("Predictions whose label did not arrive in time.", snapshot.labelJoin.expired)
        counters[SeriesKey("mlwatch_labels_unmatched_total", [])] =
            ("Labels whose prediction was not waiting.", snapshot.labelJoin.unmatched)
        for e in extra {
            let labels = LabelSanitizer.pairs(e.labels.map { ($0.key, $0.value) })
            counters[SeriesKey(e.name, labels)] = (e.help, e.value)
        }
        gauges[SeriesKey("mlwatch_exporter_series_dropped", [])] = (ExpositionPlan.droppedHelp, Double(dropped))
    }

    static let referenceShareHelp =
        "Share of the reference's values in a fleet drift bin (upper edge upper, or category category)."
    static let referenceValuesHelp = "Values of the drift reference behind a feature's fleet drift bins."
    static let windowValuesHelp =
        "Current-window values in a fleet drift bin (upper edge upper, or category category)."
    static let alertHelp = "1 per active alert (state pending, firing, acknowledged or snoozed)."
    static let alertValueHelp = "The value of an active alert's expression, in the rule's units (labels of mlwatch_alert)."
    static let alertSinceHelp = "When an active alert started firing, or became pending (event time, Unix seconds)."
    static let lastEventHelp = "Event time of the newest event read (Unix seconds)."
    static let droppedHelp = "Series left out of this scrape by the cardinality limits."
}

/// Admits label sets while the distinct values of each label stay within the limits.
struct LabelBudget {
    let limits: PrometheusExporter.Limits
    private var pairs = Set<[String]>()
    private var values: [String: Set<String>] = [:]

    init(limits: PrometheusExporter.Limits) {
        self.limits = limits
    }

    mutating func admits(_ labels: [(String, String)]) -> Bool {
        var model: String?
        var version: String?
        for (k, v) in labels {
            switch k {
            case "model": model = v
            case "version": version = v
            case "upper", "q", "test", "alertname", "severity", "state":
                continue  // bounded by construction
            default:
                let limit = k == "feature" ? limits.features : limits.labelValues
                if !values[k, default: []].contains(v) {
                    guard values[k, default: []].count < limit else { return false }
                    values[k, default: []].insert(v)
                }
            }
        }
        if model != nil || version != nil {
            let pair = [model ?? "", version ?? ""]
            if !pairs.contains(pair) {
                guard pairs.count < limits.modelVersions else { return false }
                pairs.insert(pair)
            }
        }
        return true
    }
}

/// Label names as Prometheus accepts them: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved),
/// not `le` (histograms only), each once; values as they are (the exposition escapes them).
enum LabelSanitizer {
    static func pairs(_ labels: [(String, String)]) -> [(String, String)] {
        var seen = Set<String>()
        var out: [(String, String)] = []
        // Later pairs win (an explicitly added label over one carried along).
        for (k, v) in labels.reversed() {
            let name = ExportedName.sanitized(k)
            guard !name.isEmpty, !name.hasPrefix("__"), name != "le", !seen.contains(name) else { continue }
            seen.insert(name)
            out.append((name, v))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

/// Floats as Prometheus writes them (`+Inf`, `-Inf`, `NaN`, else the shortest round-trip spelling).
enum PromFloat {
    static func format(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x == .infinity { return "+Inf" }
        if x == -.infinity { return "-Inf" }
        return "\(x)"
    }

    /// A number in an expression: integers without a fraction (`250`, not `250.0`).
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : format(x)
    }
}

/// The registry and the series registered in it, owned by the exporter's lock.
struct ExporterState: ~Copyable {
    let registry = PrometheusCollectorRegistry()
    private var gauges: [SeriesKey: Gauge] = [:]
    private var counters: [SeriesKey: (counter: Counter, value: Int)] = [:]

    /// The whole name as `metricName` (the names are already complete; the unit is part of them).
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    mutating func apply(_ plan: ExpositionPlan) {
        // Removals first, so that a family never holds an old unlabelled series beside new labelled ones.
        for (key, gauge) in gauges where plan.gauges[key] == nil {
            registry.unregisterGauge(gauge)
            gauges[key] = nil
        }
        for (key, wanted) in plan.gauges {
            let gauge = gauges[key]
                ?? registry.makeGauge(descriptor: Self.descriptor(key.name, wanted.help), labels: key.pairs)
            gauge.set(wanted.value)
            gauges[key] = gauge
        }
        for (key, old) in counters where plan.counters[key] == nil {
            registry.unregisterCounter(old.counter)
            counters[key] = nil
        }
        for (key, wanted) in plan.counters {
            if let known = counters[key] {
                let delta = wanted.value - known.value
                if delta < 0 {
                    // The engine started over (a config reload): a counter reset, as Prometheus expects.
                    known.counter.reset()
                    known.counter.increment(by: Int64(wanted.value))
                } else if delta > 0 {
                    known.counter.increment(by: Int64(delta))
                }
                counters[key] = (known.counter, wanted.value)
            } else {
                let counter = registry.makeCounter(descriptor: Self.descriptor(key.name, wanted.help), labels: key.pairs)
                counter.increment(by: Int64(wanted.value))
                counters[key] = (counter, wanted.value)
            }
        }
    }
}
