/// A reference log, read once: its drift profile, and what the adaptive thresholds of a set of rules learn
/// from it.
///
/// The adaptive part is the rules' metrics at every evaluation boundary of the reference, windowed as the
/// run is (`CollectorOptions.window`), kept only for the metrics adaptive comparisons read and bounded per
/// series (`AdaptiveReference`). The boundaries go through the same `EvaluationSchedule` as a run, so a
/// sparse reference (a prediction every few minutes over months) costs what its events cost, not one
/// evaluation per slide of its time span. Without adaptive rules, only the profile is built.
public struct ReferenceLog: Sendable {
    /// The reference's columns, for drift.
    public let profile: ReferenceProfile
    /// What adaptive thresholds learn from it; nil when no rule has one.
    public let adaptive: AdaptiveReference?

    /// Reads `path` (gzip allowed) with `options` (window, lateness, field mapping, categories kept).
    /// - Parameter progress: called after each batch with the number of lines read so far.
    /// - Throws: `ReferenceError.unreadable` when the log cannot be read, `.empty` without predictions.
    /// - Complexity: O(n) in the log's events (evaluations at the boundaries where its windows change).
    public static func read(path: String, options: CollectorOptions, rules: [AlertRule],
                            progress: (Int) -> Void = { _ in }) throws(ReferenceError) -> ReferenceLog {
        var builder: ReferenceProfileBuilder? = ReferenceProfileBuilder(maxCategories: options.metrics.maxCategories)
        let adaptive = try scan(paths: [path], options: options, rules: rules, builder: &builder, progress: progress).adaptive
        return ReferenceLog(profile: builder!.build(sources: [path]), adaptive: adaptive)
    }

    /// What `mlwatch baseline` saves of some logs (read in order, as one recorded log), built as `read` builds
    /// a reference log's profile — the same predictions, left out by the same `max_future` rule — so a check
    /// against the saved profile gives the drift numbers of a check against the log.
    /// - Throws: `ReferenceError.unreadable` when a log cannot be read, `.empty` without predictions.
    /// - Complexity: O(n) in the logs' lines.
    public static func baseline(paths: [String], options: CollectorOptions,
                                maxLineBytes: Int = TailerOptions().maxLineBytes) throws(ReferenceError) -> Baseline {
        var builder: ReferenceProfileBuilder? = ReferenceProfileBuilder(maxCategories: options.metrics.maxCategories)
        let scanned = try scan(paths: paths, options: options, rules: [], builder: &builder, maxLineBytes: maxLineBytes,
                               progress: { _ in })
        return Baseline(profile: builder!.build(sources: paths), malformedLines: scanned.malformed,
                        oversizedColumns: builder!.oversizedColumns)
    }

    /// A profile to save, and what reading its logs skipped.
    public struct Baseline: Sendable {
        public let profile: ReferenceProfile
        /// Lines that could not be used (malformed, or longer than the line limit).
        public let malformedLines: Int
        /// Columns left out for having more categories than a profile keeps.
        public let oversizedColumns: [(name: String, categories: Int)]
    }

    /// Reads the logs once, in order: predictions into `builder` (nil: none, only counted), and returns what
    /// adaptive rules learn (nil when none has an adaptive threshold) and how many lines could not be used.
    fileprivate static func scan(paths: [String], options: CollectorOptions, rules: [AlertRule],
                                 builder: inout ReferenceProfileBuilder?, maxLineBytes: Int = TailerOptions().maxLineBytes,
                                 progress: (Int) -> Void) throws(ReferenceError)
        -> (adaptive: AdaptiveReference?, malformed: Int)
    {
        let path = paths.joined(separator: ", ")
        var predictions = 0
        let learner = ReferenceLearner(rules: rules)
        let state: MonitorState?
        if learner.reference.isNeeded {
            // No wall clock, as for `sentry` below: both judge the same lines alike.
            let s = MonitorState(options: options, sources: paths, mode: .check, wallClock: { .infinity })
            let names = learner.reference.metricNames
            s.observeEvaluations(
                demand: RuleDemand(metricNames: names, driftScope: .none,
                                   featureStatistics: names.contains { $0.hasPrefix("feature_") }),
                observer: EvaluationObserver(
                    evaluated: { _, samples in learner.evaluated(samples) },
                    repeated: { learner.repeated($0) }))
            state = s
        } else {
            state = nil
        }
        let parser = EventParser(mapping: options.mapping, maxCategories: options.metrics.maxCategories)
        // The profile leaves out the predictions a check would count as future (a producer with a wrong
        // clock), by the same rules (`FutureEventGuard`); the state, when there is one, applies them itself.
        var sentry = FutureEventGuard<Void>(maxFuture: options.maxFuture, mode: .recorded)
        var newest = -Double.infinity
        var malformed = 0
        func place(_ e: consuming Event?, _: Void) {
            guard let e else { return }
            switch consume e {
            case .prediction(let p):
                newest = max(newest, p.timestamp)
                predictions += 1
                builder?.add(p)
            case .system(let s): newest = max(newest, s.timestamp)
            case .label: break
            }
        }
        do {
            let tailer = try LogTailer(paths: paths, options: TailerOptions(fromStart: true, maxLineBytes: maxLineBytes,
                                                                            follow: false))
            var lines = 0
            try tailer.readToEnd { batch in
                lines += batch.lines.count
                malformed += batch.skippedTooLong
                defer { progress(lines) }
                batch.bytes.withUnsafeBufferPointer { buf in
                    for r in batch.lines {
                        let parsed = parser.parse(UnsafeBufferPointer(rebasing: buf[r]))
                        if case .malformed = parsed { malformed += 1 }
                        if case .event(let e) = parsed {
                            state?.ingest(e)
                            if case .label = e {
                                // Labels are not in the profile.
                            } else if sentry.isOnTime(e.timestamp, newest: newest) {
                                place(e, ())
                            } else {
                                sentry.admit(e, tag: (), source: batch.source, newest: { newest }, wallClock: { .infinity },
                                             place: place)
                            }
                        }
                    }
                }
            }
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        sentry.finish(newest: { newest }, wallClock: { .infinity }, place: place)
        state?.finish()
        guard predictions > 0 else { throw .empty(path) }
        return (learner.finish(), malformed)
    }
}

extension AdaptiveReference {
    /// What the adaptive thresholds of `rules` learn from the reference log at `path`, read once without
    /// building its drift profile: what a running engine needs to re-learn when its rules are reloaded
    /// (`RulesReloader`; the drift reference itself does not change without a restart). Nil, without
    /// opening the log, when no rule has an adaptive threshold.
    /// - Parameter progress: called after each batch with the number of lines read so far.
    /// - Throws: `ReferenceError.unreadable` when the log cannot be read, `.empty` without predictions.
    public static func read(path: String, options: CollectorOptions, rules: [AlertRule],
                            progress: (Int) -> Void = { _ in }) throws(ReferenceError) -> AdaptiveReference? {
        guard AdaptiveReference(rules: rules).isNeeded else { return nil }
        var none: ReferenceProfileBuilder?
        return try ReferenceLog.scan(paths: [path], options: options, rules: rules, builder: &none, progress: progress).adaptive
    }
}

/// Collects a reference's evaluations into an `AdaptiveReference`, each counted for the boundaries it stood
/// for (known only when the next one comes).
private final class ReferenceLearner {
    var reference: AdaptiveReference
    private var latest: [MetricSample] = []
    private var times = 0

    init(rules: [AlertRule]) {
        reference = AdaptiveReference(rules: rules)
    }

    func evaluated(_ samples: [MetricSample]) {
        flush()
        latest = samples
        times = 1
    }

    func repeated(_ count: Int) {
        times += count
    }

    private func flush() {
        if times > 0 { reference.add(latest, times: times) }
        times = 0
    }

    func finish() -> AdaptiveReference? {
        guard reference.isNeeded else { return nil }
        flush()
        reference.finish()
        return reference
    }
}
