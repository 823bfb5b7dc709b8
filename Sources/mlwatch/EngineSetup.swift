import Foundation
import MLWatchCore

/// Builds the engine a command runs: config + flags → collector options, reference drift, alert rules.
struct EngineSetup {
    /// The config (commands that call https peers apply `--ca-file` to it: `TLSFlags`).
    var config: MLWatchConfig
    let logs: [String]
    let options: CollectorOptions
    let common: CommonOptions

    /// Reads the config (if any) and resolves the logs to read and the window.
    init(common: CommonOptions, logs: [String], requireLogs: Bool = true) throws(SetupError) {
        self.common = common
        var config = MLWatchConfig()
        if let path = common.config {
            do {
                config = try MLWatchConfig.load(path: path)
            } catch {
                throw .config(error)
            }
        }
        self.config = config
        let logs = logs.isEmpty ? config.sources : logs
        if requireLogs && logs.isEmpty { throw .noLogs }
        self.logs = logs
        var window = config.window
        if let w = common.window {
            guard let parsed = WindowSpec.parse(w) else {
                throw .badValue("--window", w, WindowSpec.problem(parsing: w) ?? "expected all, 10m, 10m/30s or 5000")
            }
            window = parsed
        }
        var lateness = config.lateness
        if let l = common.lateness {
            guard let parsed = DurationText.parse(l) else {
                throw .badValue("--lateness", l, DurationText.problem(l) ?? "expected a duration such as 30s")
            }
            lateness = parsed
        }
        let maxFuture = try EngineSetup.maxFuture(flag: common.maxFuture, config: config)
        if let b = common.compareBaseline, b.isEmpty { throw .badValue("--compare-baseline", b, "expected a version, e.g. v1") }
        var fairness = config.fairness
        if let feature = common.fairnessGroupBy {
            guard !feature.isEmpty else { throw .badValue("--fairness-group-by", feature, "expected a feature name") }
            fairness = FairnessOptions(groupBy: feature, positive: fairness?.positive ?? "1",
                                       minSamples: fairness?.minSamples ?? FairnessOptions.defaultMinSamples)
        }
        if let positive = common.fairnessPositive {
            guard fairness != nil else {
                throw .badValue("--fairness-positive", positive, "needs --fairness-group-by (or fairness.group_by in the config)")
            }
            guard !positive.isEmpty else { throw .badValue("--fairness-positive", positive, "expected the favourable prediction, e.g. 1") }
            fairness?.positive = MLWatchConfig.positiveClassKey(positive)
        }
        options = CollectorOptions(
            window: window, lateness: lateness,
            metrics: MetricOptions(segmentBy: common.segmentBy ?? config.segmentBy, lowConfidence: config.lowConfidence,
                                   maxCategories: config.maxCategories,
                                   compare: config.compareOptions(baseline: common.compareBaseline ?? config.compareBaseline),
                                   fairness: fairness, maxGroups: config.maxGroups,
                                   maxFeaturesPerGroup: config.maxFeaturesPerGroup, driftMinSamples: config.drift.minSamples),
            joinMaxPending: config.joinMaxPending, joinTTL: config.joinTTL, mapping: config.fieldMapping,
            latencyBuckets: config.latencyBuckets, maxFuture: maxFuture)
    }

    /// `--max-future` when given (checked), else the config's `max_future`.
    static func maxFuture(flag: String?, config: MLWatchConfig) throws(SetupError) -> Double {
        guard let f = flag else { return config.maxFuture }
        guard let parsed = DurationText.parse(f) else {
            throw .badValue("--max-future", f, DurationText.problem(f) ?? "expected a duration such as 1h")
        }
        // Below a second every line ahead of the one before would wait for later lines to confirm it.
        guard parsed >= 1 else { throw .badValue("--max-future", f, "must be at least 1s") }
        return parsed
    }

    /// The reference spec after `--reference` overrides the config.
    var referenceSpec: ReferenceSpec {
        if let r = common.reference {
            return r.hasSuffix(".json") || ReferenceProfile.isProfile(path: r) ? .profile(r) : .file(r)
        }
        return config.reference
    }

    /// The drift reference, read once: a fresh `DriftMonitor` per state (replay rebuilds states on every
    /// backward seek), and what the reference log teaches adaptive thresholds (nil without a reference log
    /// or without adaptive rules).
    struct PreparedReference {
        let makeDrift: () -> DriftMonitor?
        let adaptive: AdaptiveReference?
        /// A reference log still being read on another thread (`prepareReference(concurrently: true)`).
        var pending: PendingReference?
    }

    /// - Parameter concurrently: read a reference log on a thread of its own while the caller goes on (the
    ///   first drift test waits for it), when no adaptive rule needs it before the first evaluation. The
    ///   caller then reports a failure to read it from `pending`.
    func prepareReference(concurrently: Bool = false) throws(SetupError) -> PreparedReference {
        let drift = config.drift
        func monitor(_ source: DriftMonitor.Source) -> () -> DriftMonitor? {
            { [maxCategories = config.maxCategories] in
                DriftMonitor(source: source, overrides: drift.features, defaults: drift.defaultOptions,
                             maxCategories: maxCategories)
            }
        }
        switch referenceSpec {
        case .none:
            return PreparedReference(makeDrift: { nil }, adaptive: nil)
        case .profile(let path):
            do {
                return PreparedReference(makeDrift: monitor(.profile(try ReferenceProfile.load(path: path))), adaptive: nil)
            } catch {
                throw .reference(error.description)
            }
        case .file(let path) where ReferenceProfile.isProfile(path: path):
            // A saved profile under `reference: {file: …}` whatever its name.
            do {
                return PreparedReference(makeDrift: monitor(.profile(try ReferenceProfile.load(path: path))), adaptive: nil)
            } catch {
                throw .reference(error.description)
            }
        case .file(let path) where concurrently && !AdaptiveReference(rules: config.rules).isNeeded:
            guard FileManager.default.fileExists(atPath: path) || path == "-" else {
                throw .reference(ReferenceError.unreadable(path: path, reason: "no such file").description)
            }
            let options = options
            let pending = PendingReference { () throws(ReferenceError) in
                try ReferenceLog.read(path: path, options: options, rules: []).profile
            }
            return PreparedReference(makeDrift: monitor(.pending(pending)), adaptive: nil, pending: pending)
        case .file(let path):
            let log = try EngineSetup.readReference(path: path, options: options, rules: config.rules)
            return PreparedReference(makeDrift: monitor(.profile(log.profile)), adaptive: log.adaptive)
        case .first(let n):
            return PreparedReference(makeDrift: monitor(.firstEvents(n)), adaptive: nil)
        case .range(let from, let to):
            // An open range learns one hour from its start.
            return PreparedReference(makeDrift: monitor(.timeRange(from: from, to: to ?? from + 3600)), adaptive: nil)
        }
    }

    /// The rules of the config (nil when there are none), with adaptive thresholds learned from the
    /// reference and, given a journal, the alerts' state restored from it.
    func makeRules(reference: PreparedReference, journal: (any AlertJournal)?) throws(SetupError) -> RuleEngine? {
        guard !config.rules.isEmpty else { return nil }
        var engine = RuleEngine(rules: config.rules, journal: journal)
        if let adaptive = reference.adaptive { engine.learnReference(adaptive) }
        if journal != nil {
            do {
                try engine.restoreFromJournal()
            } catch {
                throw .journal(error.description)
            }
        }
        return engine
    }

    /// The monitor state for a run, with drift against the reference and the rules (restored from the
    /// journal when one is given).
    func makeState(mode: SourceMode, journal: (any AlertJournal)? = nil) throws(SetupError) -> MonitorState {
        try makeState(mode: mode, journal: journal, reference: try prepareReference())
    }

    /// The monitor state for a run with a reference already prepared.
    func makeState(mode: SourceMode, journal: (any AlertJournal)? = nil, reference: PreparedReference) throws(SetupError)
        -> MonitorState
    {
        MonitorState(options: options, sources: logs, mode: mode, drift: reference.makeDrift(),
                     rules: try makeRules(reference: reference, journal: journal), wallClock: HostClock.system.wall)
    }

    /// Fresh monitor states without a journal, the reference read once (replay: replayed transitions are
    /// not written to the live journal; acknowledgements made during a replay last until the next
    /// backward seek).
    func stateFactory(mode: SourceMode) throws(SetupError) -> () -> MonitorState {
        let reference = try prepareReference()
        let rules = try makeRules(reference: reference, journal: nil)
        let (options, logs) = (options, logs)
        return {
            MonitorState(options: options, sources: logs, mode: mode, drift: reference.makeDrift(), rules: rules,
                         wallClock: HostClock.system.wall)
        }
    }

    /// Reads a reference log once (`ReferenceLog`): its profile for drift and, when `rules` have adaptive
    /// thresholds, what they learn from it. `options` carries the field mapping and the categories kept.
    /// - Parameter progress: called after each batch with the number of lines read so far.
    static func readReference(path: String, options: CollectorOptions, rules: [AlertRule],
                              progress: (Int) -> Void = { _ in }) throws(SetupError) -> ReferenceLog {
        do {
            return try ReferenceLog.read(path: path, options: options, rules: rules, progress: progress)
        } catch {
            throw .reference(error.description)
        }
    }
}

/// Why a command cannot start; each message says what to change.
enum SetupError: Error, CustomStringConvertible {
    case config(ConfigError)
    case noLogs
    case badFlag(String, String, String)
    /// A flag's value and why it is refused (the message names the limit it breaks).
    case badValue(String, String, String)
    case reference(String)
    case journal(String)
    case tailer(TailerError)
    case metrics(String)

    var description: String {
        switch self {
        case .config(let e): return e.description
        case .noLogs: return "no logs to read: give LOG paths (or globs, or - for stdin), or `sources:` in the config"
        case .badFlag(let flag, let value, let expected): return "\(flag) \(value): expected \(expected)"
        case .badValue(let flag, let value, let problem): return "\(flag) \(value): \(problem)"
        case .reference(let m): return m
        case .journal(let m): return "alert journal: \(m)"
        case .tailer(let e): return e.description
        case .metrics(let m): return m
        }
    }
}
