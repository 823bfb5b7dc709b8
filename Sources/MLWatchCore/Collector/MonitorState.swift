import CPrefetch
import Foundation

/// Everything the collector knows, and the one place that changes it: parses lines, places events in
/// the window, joins labels, evaluates rules at event-time boundaries and builds snapshots.
///
/// Not thread-safe by design: `Collector` confines one instance to its serial queue; `mlwatch check`
/// and replay drive one from a single thread.
public final class MonitorState {
    public let options: CollectorOptions
    public var sources: [String]
    public var mode: SourceMode
    private let parser: EventParser
    // `@exclusivity(unchecked)` on the properties every line touches: `MonitorState` is confined to one
    // thread (see above), and the run-time exclusivity checks (`swift_beginAccess`, a thread-local access
    // set) were ~2.5 % of parse + ingest in `perf`. The compile-time checks still apply.
    @exclusivity(unchecked) private var window: EventWindow
    @exclusivity(unchecked) private var joiner: LabelJoiner
    private let calculator: MetricsCalculator
    /// Aggregates of the window that rule evaluations read (moves by `slide`).
    @exclusivity(unchecked) private var evaluationAggregate: WindowAggregator
    /// Aggregates of the displayed window (moves with the newest event); unused by count windows, whose
    /// evaluation aggregate always covers the whole window.
    @exclusivity(unchecked) private var viewAggregate: WindowAggregator
    private let drift: (any DriftEvaluating)?
    /// The alert rules and their lifecycle; nil when no rules are configured. (`@exclusivity(unchecked)`
    /// like the properties above: a replay reads `timelineCount` after every entry.)
    @exclusivity(unchecked) public var rules: RuleEngine? {
        didSet { noteRules() }
    }

    /// Works out what rule evaluations need from `rules` (after `init`, and whenever the rules change).
    private func noteRules() {
        evaluationDriftScope = rules.map { DriftScope.needed(by: $0.rules) } ?? .none
        evaluationComparisonScope = options.metrics.compare.flatMap { compare in
            rules.map { VersionComparison.scope(for: $0.rules, baseline: compare.baseline) }
        } ?? .none
        rulesReadFeatureStatistics = rules.map(Self.readsFeatureStatistics) ?? false
        rulesMetricNames = rules.map(Self.metricNames) ?? []
    }
    /// The metric names the rules read (rule evaluations compute only those exactly; see
    /// `MetricsCalculator.compute(metricNames:)`).
    private var rulesMetricNames: Set<String> = []

    private static func metricNames(_ engine: RuleEngine) -> Set<String> {
        Set(engine.rules.flatMap { rule in rule.expression.comparisons.map(\.selector.name) })
    }
    /// Whether a rule reads a `feature_*` metric (rule evaluations skip them otherwise).
    private var rulesReadFeatureStatistics = false

    private static func readsFeatureStatistics(_ engine: RuleEngine) -> Bool {
        engine.rules.contains { rule in rule.expression.comparisons.contains { $0.selector.name.hasPrefix("feature_") } }
    }
    /// Drift columns computed at rule evaluations (all of them when only an observer listens).
    private var evaluationDriftScope: DriftScope = .none
    /// Columns compared with the `compare` baseline at rule evaluations.
    private var evaluationComparisonScope: DriftScope = .none
    /// The last snapshot's window metrics and the input counts they were computed from.
    private var cachedWindow: (key: [Double], metrics: WindowMetrics)?
    /// Sees the metrics of every rule evaluation (used to learn adaptive thresholds from a reference).
    public var evaluationObserver: ((Double, [MetricSample]) -> Void)?
    /// Transitions that should notify (bell, `--on-fire`), waiting to be taken by `drainNotifications`.
    private var pendingNotifications: [AlertTransition] = []

    @exclusivity(unchecked) public private(set) var events = 0
    @exclusivity(unchecked) public private(set) var labels = 0
    @exclusivity(unchecked) public private(set) var systemSamples = 0
    @exclusivity(unchecked) public private(set) var late = 0
    /// Cumulative per-(model, version) counts and latency histogram for `/metrics` (see `PredictionCounters`).
    @exclusivity(unchecked) public private(set) var counters: PredictionCounters
    /// The counters' pair of each recent prediction, so that joined labels are counted without reading it.
    @exclusivity(unchecked) private var arrivalSlots = ArrivalSlots()
    private var malformedByReason: [MalformedReason: Int] = [:]
    private var recentMalformed: [String] = []

    /// Last event-time boundary at which rules were evaluated; nil before the first event.
    @exclusivity(unchecked) private var lastEvaluation: Double?
    /// Prediction count at the last evaluation (count windows evaluate every `slide` events).
    private var eventsAtLastEvaluation = 0

    public init(options: CollectorOptions, sources: [String] = [], mode: SourceMode = .live,
                drift: (any DriftEvaluating)? = nil, rules: RuleEngine? = nil) {
        self.options = options
        self.sources = sources
        self.mode = mode
        self.parser = EventParser(mapping: options.mapping, maxCategories: options.metrics.maxCategories)
        self.window = EventWindow(spec: options.window, lateness: options.lateness)
        // With `compare`, a label joins every version's prediction of its request id (shadows).
        self.joiner = LabelJoiner(maxPending: options.joinMaxPending, ttl: options.joinTTL,
                                  joinsSiblings: options.metrics.compare != nil)
        self.calculator = MetricsCalculator(options: options.metrics, drift: drift)
        let countWindow: Bool
        if case .count = options.window { countWindow = true } else { countWindow = false }
        // Rule evaluations of a time window start keeping no feature's values and widen to what they read;
        // a count window's aggregate also serves snapshots (and is filled by ingest): it keeps everything.
        self.evaluationAggregate = WindowAggregator(options: options.metrics, coversEverything: countWindow,
                                                    featureDemand: countWindow ? .all : .only([]))
        self.viewAggregate = WindowAggregator(options: options.metrics, coversEverything: false)
        self.drift = drift
        self.counters = PredictionCounters(latencyBuckets: options.latencyBuckets)
        self.rules = rules
        // (`didSet` does not run for the assignment in `init`.)
        noteRules()
        // `unowned(unsafe)`: the parser is private to this state and calls back only from `ingestLine`,
        // while the state is alive; a checked reference would cost a reference-count check per line.
        parser.requestIDSeen = { [unowned(unsafe) self] hash in
            mlwatch_prefetch(self.joiner.prefetchAddress(hash: hash))
        }
    }

    /// An independent copy (replay checkpoints): later changes to either do not show in the other.
    /// Cheap: the window and aggregates are copy-on-write and are duplicated only when one side changes.
    public func copy() -> MonitorState {
        let c = MonitorState(options: options, sources: sources, mode: mode, drift: drift?.copy(), rules: rules)
        c.window = window
        c.joiner = joiner
        c.evaluationAggregate = evaluationAggregate
        c.viewAggregate = viewAggregate
        // The copy does not share the merge buffers: this state would otherwise copy them on its next merge.
        c.evaluationAggregate.releaseScratch()
        c.viewAggregate.releaseScratch()
        c.cachedWindow = cachedWindow
        c.evaluationObserver = evaluationObserver
        c.pendingNotifications = pendingNotifications
        c.events = events
        c.labels = labels
        c.systemSamples = systemSamples
        c.late = late
        c.counters = counters
        c.arrivalSlots = arrivalSlots
        c.malformedByReason = malformedByReason
        c.recentMalformed = recentMalformed
        c.lastEvaluation = lastEvaluation
        c.eventsAtLastEvaluation = eventsAtLastEvaluation
        return c
    }

    /// Alert transitions so far (read without copying the rule engine, once per replayed line).
    public var timelineCount: Int { rules?.timeline.count ?? 0 }

    public var malformedTotal: Int { malformedByReason.values.reduce(0, +) }
    public var newestEventTime: Double? { window.newest }

    // MARK: Ingest

    /// Parses and ingests every line of a batch, then counts its over-long lines.
    public func ingest(_ batch: LineBatch) {
        batch.bytes.withUnsafeBufferPointer { buf in
            for r in batch.lines {
                ingestLine(UnsafeBufferPointer(rebasing: buf[r]))
            }
        }
        if batch.skippedTooLong > 0 {
            malformedByReason[.tooLong, default: 0] += batch.skippedTooLong
            remember("(a line longer than the limit was skipped in \(batch.source))")
        }
    }

    public func ingestLine(_ line: UnsafeBufferPointer<UInt8>) {
        apply(parser.parse(line), line: line)
    }

    /// Takes the parse of `line` into account (`line` is only read again to remember a malformed one).
    private func apply(_ outcome: consuming ParseOutcome, line: UnsafeBufferPointer<UInt8>) {
        switch consume outcome {
        case .blank:
            return
        case .malformed(let reason):
            malformedByReason[reason, default: 0] += 1
            remember(reason.rawValue + ": " + TextSanitizer.sanitize(line, maxCharacters: 160))
        case .event(let e):
            ingest(e, requestIDHash: parser.requestIDHash)
        }
    }

    public func ingestLine(_ line: String) {
        var copy = line
        copy.withUTF8 { ingestLine(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    private func remember(_ text: String) {
        recentMalformed.append(text)
        if recentMalformed.count > options.recentMalformed { recentMalformed.removeFirst() }
    }

    /// `consuming`: a parsed prediction is moved into the window, not copied (see `EventWindow.insert`).
    public func ingest(_ event: consuming Event) {
        ingest(event, requestIDHash: nil)
    }

    /// - Parameter requestIDHash: the parser's `ByteHash` of the event's request id, when it has one.
    private func ingest(_ event: consuming Event, requestIDHash: UInt64?) {
        switch consume event {
        case .prediction(let p):
            let t = p.timestamp
            // Rules due before this event's time are evaluated first, so that an evaluation at
            // boundary B never sees events after B (the same in live, check and replay).
            advance(to: t)
            let sequence = window.acceptedPredictions
            let waitingID = p.inlineLabel == nil ? p.requestID : nil
            // The pair's counter slot also tells the label joiner's siblings apart (with `compare`).
            let pair = counters.record(p)
            arrivalSlots.set(sequence, slot: pair)
            guard var at = window.insert(consume p) else {
                late += 1
                return
            }
            if window.isOverfull { at -= window.dropOverflow { e in removeFromAggregates(e) } }
            events += 1
            let inEvaluation = evaluationAggregate.covers(t)
            let inView = viewAggregate.covers(t)
            let observed = drift?.observesEvents == true
            if inEvaluation || inView || observed {
                window.withPrediction(at: at) { e in
                    if inEvaluation { evaluationAggregate.apply(e, sign: 1) }
                    if inView { viewAggregate.apply(e, sign: 1) }
                    if observed { drift?.observe(e.pointee) }
                }
            }
            if let id = waitingID {
                joiner.expect(id, at: t, sequence: sequence, hash: requestIDHash, group: Int32(truncatingIfNeeded: pair))
            }
            joiner.expire(now: t)
            if case .count(_, let slide) = options.window, events - eventsAtLastEvaluation >= slide {
                // At the newest time, not this event's: count windows accept out-of-order events, and the
                // rule engine ignores evaluations that go back in time.
                evaluate(at: window.newest ?? t, from: nil)
                eventsAtLastEvaluation = events
            }
        case .label(let l):
            labels += 1
            guard let match = joiner.receive(l, hash: requestIDHash) else { return }
            join(l, to: match)
            if match.sibling != nil { joinSiblings(l, of: match) }
        case .system(let s):
            advance(to: s.timestamp)
            if window.insert(s) { systemSamples += 1 } else { late += 1 }
        }
    }

    /// Stores a label on the prediction it was matched to.
    private func join(_ l: LabelEvent, to match: LabelJoiner.Match) {
        // Aggregates that already count the prediction swap its label contribution (read the event only
        // then: copying one costs a retain per field).
        let inEvaluation = evaluationAggregate.covers(match.time)
        let inView = viewAggregate.covers(match.time)
        guard let i = window.predictionIndex(requestID: l.requestID, match: match) else { return }
        let pair = arrivalSlots.slot(of: match.sequence)
        if let pair { counters.recordLabel(pair: pair) }
        if inEvaluation || inView || pair == nil {
            window.withPrediction(at: i) { before in
                guard before.pointee.inlineLabel == nil else { return }
                if pair == nil { counters.recordLabel(model: before.pointee.model, version: before.pointee.version) }
                if inEvaluation { evaluationAggregate.replaceLabel(of: before, with: l.label) }
                if inView { viewAggregate.replaceLabel(of: before, with: l.label) }
            }
        }
        window.setJoinedLabel(l.label, at: i)
    }

    /// The label of a request that several versions answered (a shadow) joins each version's prediction
    /// once (the newest of a version, when a version answered twice).
    private func joinSiblings(_ l: LabelEvent, of first: LabelJoiner.Match) {
        var joined: [Int32] = [first.group]
        var next = first.sibling
        while let position = next, let m = joiner.takeSibling(at: position, requestID: l.requestID) {
            next = m.sibling
            guard !joined.contains(m.group) else { continue }
            joined.append(m.group)
            join(l, to: m)
        }
    }

    // MARK: Rule evaluation in event time

    private var slide: Double? {
        switch options.window {
        case .time(_, let slide), .all(let slide): return slide
        case .count: return nil
        }
    }

    private var windowSize: Double? {
        if case .time(let size, _) = options.window { return size }
        return nil
    }

    /// Evaluates every boundary that the watermark (newest − lateness) has passed before `time` arrives.
    private func advance(to time: Double) {
        guard let slide else { return }
        guard let last = lastEvaluation else {
            lastEvaluation = (time / slide).rounded(.down) * slide
            return
        }
        let watermark = max(window.newest ?? time, time) - options.lateness
        evaluateBoundaries(upTo: watermark, inclusive: false, slide: slide, last: last)
    }

    /// - Parameter inclusive: whether a boundary equal to `limit` is due. While input continues it is not:
    ///   an event at exactly the watermark is still accepted and belongs to that boundary's window.
    private func evaluateBoundaries(upTo limit: Double, inclusive: Bool, slide: Double, last: Double) {
        var b = last + slide
        while b < limit || (inclusive && b == limit) {
            let from = windowSize.map { b - $0 }
            let range = window.predictionRange(from: from ?? -.infinity, to: b)
            if range.isEmpty, let next = window.firstPredictionTime(after: b) {
                // Nothing in this window: evaluate once, then jump to the boundary before the next data
                // instead of stepping through an idle gap boundary by boundary.
                evaluate(at: b, from: from)
                // Stay on the slide grid, and never jump past the first boundary at or beyond `limit`:
                // events may still arrive there (within lateness). Jumping to `limit` itself put every
                // later boundary off the grid when the next data were more than `lateness` ahead.
                let jump = ((next / slide).rounded(.down)) * slide
                let firstNotDue = (limit / slide).rounded(.up) * slide
                b = max(b + slide, min(jump, firstNotDue))
                lastEvaluation = b - slide
                continue
            }
            evaluate(at: b, from: from)
            lastEvaluation = b
            b += slide
        }
        evict()
    }

    private func evaluate(at time: Double, from: Double?) {
        guard rules != nil || evaluationObserver != nil else { return }
        let scope: DriftScope = evaluationObserver != nil ? .all : evaluationDriftScope
        let m = metrics(from: from, to: time, driftScope: scope, forEvaluation: true,
                        featureStatistics: evaluationObserver != nil || rulesReadFeatureStatistics,
                        metricNames: evaluationObserver != nil ? nil : rulesMetricNames,
                        comparisonScope: evaluationObserver != nil ? .all : evaluationComparisonScope)
        evaluationObserver?(time, m.metrics)
        if let result = rules?.evaluate(m.metrics, at: time) {
            pendingNotifications.append(contentsOf: result.notifications)
        }
    }

    /// Transitions that should notify since the last call.
    public func drainNotifications() -> [AlertTransition] {
        defer { pendingNotifications.removeAll() }
        return pendingNotifications
    }

    /// Records transitions caused by a person's action (ack, snooze, undo) among the notifications.
    public func noteActionResult(_ result: RuleEvaluation) {
        pendingNotifications.append(contentsOf: result.notifications)
    }

    /// Drops events no future window or evaluation can need.
    private func evict() {
        guard let size = windowSize, let newest = window.newest, let slide else { return }
        let cutoff = min(newest - size, (lastEvaluation ?? newest) + slide - size) - options.lateness
        window.evict(upTo: cutoff) { e in removeFromAggregates(e) }
    }

    /// An event leaves the window: it leaves the aggregates that counted it.
    private func removeFromAggregates(_ e: UnsafePointer<PredictionEvent>) {
        let t = e.pointee.timestamp
        if evaluationAggregate.covers(t) { evaluationAggregate.apply(e, sign: -1) }
        if viewAggregate.covers(t) { viewAggregate.apply(e, sign: -1) }
    }

    /// Ends the input (end of a `check`, or of a replay): evaluates the boundaries still due up to the
    /// newest event, and once more at the newest event time itself.
    public func finish() {
        guard let newest = window.newest else { return }
        if let slide, let last = lastEvaluation {
            evaluateBoundaries(upTo: newest, inclusive: true, slide: slide, last: last)
            if lastEvaluation != newest {
                evaluate(at: newest, from: windowSize.map { newest - $0 })
                lastEvaluation = newest
            }
        } else if case .count = options.window, events != eventsAtLastEvaluation {
            evaluate(at: newest, from: nil)
            eventsAtLastEvaluation = events
        }
    }

    // MARK: Metrics and snapshots

    /// Metrics of the window ending at `to` (starting after `from`, or everything held when nil).
    /// - Parameter forEvaluation: read the aggregates that rule evaluations move forward (else those of the
    ///   displayed window). Either works for any range; moving one back recomputes it from the window.
    /// - Parameter featureStatistics: compute the `feature_*` metrics and feature summaries.
    /// - Parameter metricNames: compute only these exactly (nil: all); see `MetricsCalculator.compute`.
    /// - Parameter comparisonScope: the columns compared with the `compare` baseline (nil: `driftScope`).
    public func metrics(from: Double?, to: Double, driftScope: DriftScope = .all,
                        forEvaluation: Bool = false, featureStatistics: Bool = true,
                        metricNames: Set<String>? = nil, comparisonScope: DriftScope? = nil) -> WindowMetrics {
        let range: Range<Int>
        let sysRange: Range<Int>
        let countWindow: Bool
        if case .count = options.window {
            // A count window is the last N events by arrival, not sorted by time: a binary search on
            // timestamps would cut an arbitrary part of it. It is always taken whole.
            range = window.predictions.indices
            sysRange = window.systems.indices
            countWindow = true
        } else {
            range = window.predictionRange(from: from ?? -.infinity, to: to)
            sysRange = window.systemRange(from: from ?? -.infinity, to: to)
            countWindow = false
        }
        let preds = window.predictions[range]
        let duration: Double
        if let from, let first = window.oldestEver {
            duration = to - max(from, first)
        } else if case .count = options.window, let first = preds.first?.timestamp {
            // Event-time span of the window (arrival order is not time order here).
            var lo = first
            var hi = first
            for e in preds {
                lo = min(lo, e.timestamp)
                hi = max(hi, e.timestamp)
            }
            duration = hi - lo
        } else if let first = preds.first?.timestamp, let lastT = preds.last?.timestamp {
            duration = lastT - first
        } else {
            duration = 0
        }
        let systems = window.systems[sysRange]
        var m: WindowMetrics
        if countWindow || forEvaluation {
            var demand = FeatureDemand.needed(featureStatistics: featureStatistics, driftScope: driftScope)
            if options.metrics.compare != nil {
                demand = demand.union(FeatureDemand.needed(featureStatistics: false, driftScope: comparisonScope ?? driftScope))
            }
            evaluationAggregate.require(demand)
            evaluationAggregate.move(from: from ?? -.infinity, to: to, window: window)
            m = calculator.compute(&evaluationAggregate, systems: systems, duration: max(duration, 1), driftScope: driftScope,
                                   featureStatistics: featureStatistics, metricNames: metricNames,
                                   comparisonScope: comparisonScope)
        } else {
            viewAggregate.move(from: from ?? -.infinity, to: to, window: window)
            m = calculator.compute(&viewAggregate, systems: systems, duration: max(duration, 1), driftScope: driftScope,
                                   featureStatistics: featureStatistics, metricNames: metricNames,
                                   comparisonScope: comparisonScope)
        }
        if var scan = WindowEventScan(compare: options.metrics.compare, fairness: options.metrics.fairness,
                                      metricNames: metricNames, expected: range.count) {
            scan.scan(window, range: range)
            scan.finish(into: &m)
        }
        m.metrics.append(MetricSample(name: "malformed_lines_total", value: Double(malformedTotal)))
        m.metrics.append(MetricSample(name: "late_events_total", value: Double(late)))
        m.metrics.append(MetricSample(name: "label_join_expired_total", value: Double(joiner.expired)))
        m.metrics.append(MetricSample(name: "labels_unmatched_total", value: Double(joiner.unmatched)))
        m.metrics.append(MetricSample(name: "label_join_pending", value: Double(joiner.pendingCount)))
        return m
    }

    /// The thresholds each rule applies to the series it watches (learned or overridden ones included).
    private func thresholds(_ rules: RuleEngine, metrics: [MetricSample]) -> [MetricThreshold] {
        var out: [MetricThreshold] = []
        for rule in rules.rules {
            for c in rule.expression.comparisons {
                for m in metrics where c.selector.matches(m) {
                    let value: Double?
                    if let learned = rules.threshold(rule: rule.name, labels: m.labels) {
                        value = learned
                    } else if case .fixed(let v) = c.threshold {
                        value = v
                    } else {
                        value = nil
                    }
                    if let value {
                        out.append(MetricThreshold(metric: m.name, labels: m.labels, value: value, rule: rule.name,
                                                   op: c.op.rawValue))
                    }
                }
            }
        }
        return out
    }

    /// The current window: ending at the newest event.
    public var currentWindow: (from: Double?, to: Double)? {
        guard let newest = window.newest else { return nil }
        switch options.window {
        case .time(let size, _): return (newest - size, newest)
        case .count, .all: return (nil, newest)
        }
    }

    /// - Parameter exactKSPValues: compute exact KS p-values for every column (headless output); the
    ///   live dashboard passes false and gets them only where KS is the chosen test.
    public func snapshot(extraMetrics: [MetricSample] = [], now: Double = Date().timeIntervalSince1970,
                         exactKSPValues: Bool = true) -> Snapshot {
        var snap = Snapshot(
            sources: sources, mode: mode, events: events, late: late,
            malformed: MalformedStats(
                total: malformedTotal,
                byReason: Dictionary(uniqueKeysWithValues: malformedByReason.map { ($0.key.rawValue, $0.value) }),
                recent: recentMalformed),
            newestEventTime: window.newest, builtAt: now)
        snap.counters = counters
        snap.labelJoin = LabelJoinCounts(expired: joiner.expired, unmatched: joiner.unmatched)
        if let w = currentWindow {
            // Nothing new since the last snapshot: reuse its metrics (a quiet log costs nothing).
            let key = [Double(events), Double(labels), Double(systemSamples), Double(late), Double(malformedTotal), w.to,
                       exactKSPValues ? 1 : 0]
            let m: WindowMetrics
            if let cached = cachedWindow, cached.key == key {
                m = cached.metrics
            } else {
                m = metrics(from: w.from, to: w.to, driftScope: exactKSPValues ? .all : .allWithoutKSPValue)
                cachedWindow = (key, m)
            }
            snap.windowFrom = w.from ?? window.predictions.first?.timestamp
            snap.windowTo = w.to
            snap.metrics = m.metrics
            snap.features = m.features
            snap.outputs = m.outputs
            snap.versions = m.versions
            snap.fairness = m.fairness
            snap.warnings = m.warnings
            snap.cardinality = m.cardinality
        } else {
            snap.metrics = [MetricSample(name: "malformed_lines_total", value: Double(malformedTotal))]
        }
        snap.metrics.append(contentsOf: extraMetrics)
        if let rules {
            snap.alerts = rules.alerts
            snap.timeline = rules.timeline
            snap.thresholds = thresholds(rules, metrics: snap.metrics)
        }
        return snap
    }
}
