import CPrefetch
import Foundation

/// Everything the collector knows, and the one place that changes it. The jobs are done by parts, each a
/// type of its own: `EventParser` parses lines; `WindowStore` holds the window, joins labels and keeps the
/// aggregates and counters; `EvaluationSchedule` decides which event-time boundaries are evaluated;
/// `RuleEngine` runs the alerts; `SnapshotBuilder` builds snapshots. `MonitorState` feeds events through
/// them in order.
///
/// Not thread-safe by design: `Collector` confines one instance to its serial queue; `mlwatch check`
/// and replay drive one from a single thread.
public final class MonitorState {
    public let options: CollectorOptions
    public var sources: [String]
    public var mode: SourceMode
    private let parser: EventParser
    private let store: WindowStore
    /// The boundaries of time and `all` windows (count windows evaluate every `slide` events instead, at the
    /// newest event time, and leave it unused: `onGrid` is false). Not optional: reading a field of an
    /// optional struct copied the whole of it on every event.
    @exclusivity(unchecked) private var schedule: EvaluationSchedule
    private let onGrid: Bool
    /// The alert rules and their lifecycle; nil when no rules are configured. Setting another engine (a
    /// reload) makes the next boundary evaluate in full; changing this one (an acknowledgement) does not.
    public var rules: RuleEngine? {
        get { engine }
        set {
            let replaced = newValue?.instance !== engine?.instance
            engine = newValue
            if replaced { noteRules() }
        }
    }
    /// `rules`, for the engine's own calls: mutating it in place does not go through the setter.
    /// (`@exclusivity(unchecked)` like the store's properties: a replay reads `timelineCount` after every
    /// entry.)
    @exclusivity(unchecked) private var engine: RuleEngine?
    /// Sees the metrics of every evaluation, and how many boundaries each stood for (a reference read for
    /// adaptive thresholds).
    var evaluationObserver: EvaluationObserver?
    /// Everything else the state carries between calls, in one value (`copy()` copies it whole).
    /// (`@exclusivity(unchecked)`: a count window reads it for every event, and the run-time check was
    /// ~60 instructions of each; the state is confined to one thread, see above.)
    @exclusivity(unchecked) private var progress = Progress()
    /// Events stamped too far ahead do not move event time (see `FutureEventGuard`).
    @exclusivity(unchecked) private var futureGuard: FutureEventGuard<HeldLine>
    /// The wall clock (seconds since the epoch), for the future-event tolerance.
    private let wallClock: @Sendable () -> Double
    /// The source of the lines being ingested (a batch's), for counting future events by source.
    private var currentSource: String

    /// What evaluations and snapshots left for the next ones.
    private struct Progress {
        /// What rule evaluations compute (from `rules`, or set for a reference read).
        var demand: RuleDemand = .none
        /// Whether rules are configured (`engine != nil`, kept here: comparing the optional engine with nil
        /// copied the whole engine, retaining and releasing each of its fields, at every boundary).
        var hasRules = false
        /// The metrics of the latest evaluation (reused while the window's content does not change).
        var samples: [MetricSample]?
        /// Evaluations whose metrics were computed.
        var metricsComputed = 0
        /// Prediction count at the last evaluation (count windows evaluate every `slide` events).
        var eventsAtLastEvaluation = 0
        /// Transitions that should notify (bell, `--on-fire`), waiting to be taken by `drainNotifications`.
        var pendingNotifications: [AlertTransition] = []
        var snapshots = SnapshotBuilder()
    }

    /// - Parameter wallClock: seconds since the epoch now (tests pass a fixed clock): live, events more than
    ///   `options.maxFuture` ahead of it are future; at the end of a check, a held event is judged by it.
    public init(options: CollectorOptions, sources: [String] = [], mode: SourceMode = .live,
                drift: (any DriftEvaluating)? = nil, rules: RuleEngine? = nil,
                wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.options = options
        self.sources = sources
        self.mode = mode
        self.wallClock = wallClock
        let guardMode: FutureEventGuard<HeldLine>.Mode = switch mode {
        case .live: .live
        case .check: .recorded
        case .replay: .prejudged
        }
        self.futureGuard = FutureEventGuard(maxFuture: options.maxFuture, mode: guardMode)
        self.currentSource = sources.count == 1 ? sources[0] : "-"
        self.parser = EventParser(mapping: options.mapping, maxCategories: options.metrics.maxCategories)
        self.store = WindowStore(options: options, drift: drift)
        switch options.window {
        case .time(let size, let slide): (schedule, onGrid) = (EvaluationSchedule(slide: slide, size: size), true)
        case .all(let slide): (schedule, onGrid) = (EvaluationSchedule(slide: slide), true)
        case .count: (schedule, onGrid) = (EvaluationSchedule(slide: 1), false)
        }
        self.engine = rules
        noteRules()
        // `unowned(unsafe)`: the parser is private to this state and calls back only from `ingestLine`,
        // while the state (and its store) is alive; a checked reference would cost a reference-count check
        // per line.
        parser.requestIDSeen = { [unowned(unsafe) store] hash in
            mlwatch_prefetch(store.joiner.prefetchAddress(hash: hash))
        }
    }

    private init(copying other: MonitorState) {
        options = other.options
        sources = other.sources
        mode = other.mode
        wallClock = other.wallClock
        futureGuard = other.futureGuard
        currentSource = other.currentSource
        parser = EventParser(mapping: other.options.mapping, maxCategories: other.options.metrics.maxCategories)
        store = other.store.copy()
        schedule = other.schedule
        onGrid = other.onGrid
        engine = other.engine
        evaluationObserver = other.evaluationObserver
        progress = other.progress
        parser.requestIDSeen = { [unowned(unsafe) store] hash in
            mlwatch_prefetch(store.joiner.prefetchAddress(hash: hash))
        }
    }

    /// An independent copy (replay checkpoints): later changes to either do not show in the other.
    /// Cheap: the window and aggregates are copy-on-write and are duplicated only when one side changes.
    public func copy() -> MonitorState {
        MonitorState(copying: self)
    }

    /// Works out what rule evaluations need from `rules` (after `init`, and whenever the rules change); the
    /// next boundary is evaluated in full.
    private func noteRules() {
        progress.demand = engine.map { RuleDemand(rules: $0.rules, metrics: options.metrics) } ?? .none
        progress.hasRules = engine != nil
        schedule.forgetContent()
        progress.samples = nil
    }

    /// Makes evaluations compute `demand` and hands them to `observer` (with or without rules).
    func observeEvaluations(demand: RuleDemand, observer: EvaluationObserver) {
        progress.demand = demand
        evaluationObserver = observer
        schedule.forgetContent()
    }

    /// Alert transitions so far (read without copying the rule engine, once per replayed line).
    public var timelineCount: Int { engine?.timeline.count ?? 0 }

    public var events: Int { store.counts.events }
    public var labels: Int { store.counts.labels }
    public var systemSamples: Int { store.counts.systemSamples }
    public var late: Int { store.counts.late }
    /// Events stamped too far ahead (not placed).
    public var future: Int { futureGuard.total }
    public var malformedTotal: Int { store.counts.malformedTotal }
    public var newestEventTime: Double? { store.window.newest }
    /// Cumulative per-(model, version) counts and latency histogram for `/metrics` (see `PredictionCounters`).
    public var counters: PredictionCounters { store.predictionCounters }

    /// The latest boundary dealt with (time and `all` windows).
    var lastBoundaryTime: Double? { onGrid ? schedule.lastBoundaryTime : nil }

    /// Evaluations whose metrics were computed, boundaries evaluated (computed, or rules stepped on the
    /// previous metrics), and boundaries skipped because nothing changed (for tests and benchmarks).
    public var scheduleCounts: (computed: Int, evaluated: Int, skipped: Int) {
        (progress.metricsComputed, schedule.evaluatedCount, schedule.skippedCount)
    }

    // MARK: Ingest

    /// Parses and ingests every line of a batch, then counts its over-long lines.
    public func ingest(_ batch: LineBatch) {
        currentSource = batch.source
        batch.bytes.withUnsafeBufferPointer { buf in
            for r in batch.lines {
                parseAndApply(UnsafeBufferPointer(rebasing: buf[r]))
            }
        }
        if batch.skippedTooLong > 0 {
            store.counts.malformed(.tooLong, count: batch.skippedTooLong,
                                     text: "(a line longer than the limit was skipped in \(batch.source))")
        }
        if batch.atEnd { endOfBatch() }
    }

    /// Ingests a batch parsed ahead (`EventParser.parse(_: LineBatch)`, on another thread in
    /// `ParallelIngest`): the same events, counts and remembered lines as `ingest(_: LineBatch)` of the
    /// same batch with this state's own parser.
    public func ingest(_ parsed: consuming ParsedBatch) {
        currentSource = parsed.source
        let hashes = parsed.requestIDHashes
        let times = parsed.times
        let bad = parsed.malformed
        var m = 0
        var i = 0
        while let e = parsed.events.popFirst() {
            // Malformed lines are counted where they were in the log, between the same events (and after
            // the lines `futureGuard` holds, as in the serial path).
            while m < bad.count && bad[m].afterEvents == i {
                malformed(bad[m].reason, text: bad[m].text)
                m += 1
            }
            // The joiner slot of a request id a few events ahead: its cache miss overlaps this event's work
            // (what `requestIDSeen` does while the serial path parses a line).
            if i + 4 < hashes.count, let h = hashes[i + 4] { mlwatch_prefetch(store.joiner.prefetchAddress(hash: h)) }
            ingest(e, requestIDHash: hashes[i], time: times[i])
            i += 1
        }
        while m < bad.count {
            malformed(bad[m].reason, text: bad[m].text)
            m += 1
        }
        if parsed.skippedTooLong > 0 {
            store.counts.malformed(.tooLong, count: parsed.skippedTooLong,
                                     text: "(a line longer than the limit was skipped in \(parsed.source))")
        }
        endOfBatch()
    }

    /// Ingests one line, as a batch of its own.
    public func ingestLine(_ line: UnsafeBufferPointer<UInt8>) {
        parseAndApply(line)
        endOfBatch()
    }

    @inline(__always)
    private func parseAndApply(_ line: UnsafeBufferPointer<UInt8>) {
        apply(parser.parse(line), line: line)
    }

    /// Live, after a batch that reached the end of its source (or a line or event handed over alone): a jump to
    /// near the wall clock is confirmed (see `FutureEventGuard.endOfBatch`).
    @inline(__always)
    private func endOfBatch() {
        if futureGuard.isHolding { confirmNearTheClock() }
    }

    @inline(never)
    private func confirmNearTheClock() {
        let store = self.store
        futureGuard.endOfBatch(newest: { store.window.newestTime }, wallClock: wallClock) { e, line in place(e, line) }
    }

    /// Takes the parse of `line` into account (`line` is only read again to remember a malformed one).
    private func apply(_ outcome: consuming ParseOutcome, line: UnsafeBufferPointer<UInt8>) {
        switch consume outcome {
        case .blank:
            return
        case .malformed(let reason):
            malformed(reason, text: MalformedReason.shown(reason, line: line))
        case .event(let e):
            ingest(e, requestIDHash: parser.requestIDHash, time: parser.eventTime)
        }
    }

    public func ingestLine(_ line: String) {
        var copy = line
        copy.withUTF8 { ingestLine(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    /// `consuming`: a parsed prediction is moved into the window, not copied (see `EventWindow.insert`).
    /// An event whose time the parser would not have accepted (outside `TimestampParser.plausibleRange`,
    /// not finite) is counted as malformed (`timestamp_out_of_range`), not placed.
    public func ingest(_ event: consuming Event) {
        let t = event.timestamp
        guard TimestampParser.plausibleRange.contains(t) else {
            store.counts.malformed(.timestampOutOfRange, text: MalformedReason.timestampOutOfRange.rawValue
                                   + ": (an event at \(t) seconds from \(TextSanitizer.sanitize(currentSource)))")
            return
        }
        ingest(event, requestIDHash: nil, time: t)
        endOfBatch()
    }

    /// Lets an event through `futureGuard`: one comparison when it is on time (a label too: while lines are
    /// held nothing is, and a label then waits in line; otherwise `admit` places it whatever its time).
    /// - Parameter requestIDHash: the parser's `ByteHash` of the event's request id, when it has one.
    /// - Parameter time: the event's time, as the parser read it. Not read from the event: reading it there
    ///   (or taking the prediction out of the enum to test it) copied the whole event on the stack, a
    ///   `memcpy` or more per line (+1.1 % of parse + ingest in callgrind).
    @inline(never)
    private func ingest(_ event: consuming Event, requestIDHash: UInt64?, time: Double) {
        if futureGuard.isOnTime(time, newest: store.window.newestTime) {
            place(event, requestIDHash: requestIDHash)
        } else {
            admitSlowly(event, requestIDHash: requestIDHash)
        }
    }

    /// An event ahead of the tolerance, the first one, or one while lines are held (see `FutureEventGuard`).
    /// Out of line: cold code kept out of the ingest loop's instruction cache.
    @inline(never)
    private func admitSlowly(_ event: consuming Event, requestIDHash: UInt64?) {
        let store = self.store
        futureGuard.admit(event, tag: .event(requestIDHash: requestIDHash), source: currentSource,
                          newest: { store.window.newestTime }, wallClock: wallClock) { e, line in place(e, line) }
    }

    /// Counts a malformed line, after the lines held before it (see `FutureEventGuard`).
    @inline(__always)
    private func malformed(_ reason: MalformedReason, text: String) {
        if futureGuard.isHolding {
            holdMalformed(reason, text: text)
        } else {
            store.counts.malformed(reason, text: text)
        }
    }

    @inline(never)
    private func holdMalformed(_ reason: MalformedReason, text: String) {
        let store = self.store
        futureGuard.admit(nil, tag: .malformed(reason, text: text), source: currentSource,
                          newest: { store.window.newestTime }, wallClock: wallClock) { e, line in place(e, line) }
    }

    /// Counts an event judged future before it came (a replay: `ReplaySource.settleFutureEvents`).
    /// - Parameter source: the log it came from (nil: the current batch's source).
    public func countFuture(source: String? = nil) {
        futureGuard.countFuture(source: source ?? currentSource)
    }

    /// Lines held after a jump, waiting for later lines to confirm or refute it (see `FutureEventGuard`).
    public var held: Int { futureGuard.held }

    /// Live: the input paused (everything there was has been read). Lines held since the start of a backlog,
    /// with no event placed to judge them against, are placed as they are (see `FutureEventGuard.paused`).
    public func inputPaused() {
        let store = self.store
        futureGuard.paused(newest: { store.window.newestTime }, wallClock: wallClock) { e, line in place(e, line) }
    }

    /// A line the guard held: an event (with its request id's hash), or a malformed line.
    enum HeldLine {
        case event(requestIDHash: UInt64?)
        case malformed(MalformedReason, text: String)
    }

    /// Places a line the guard let through.
    private func place(_ event: consuming Event?, _ line: HeldLine) {
        switch line {
        case .malformed(let reason, let text):
            store.counts.malformed(reason, text: text)
        case .event(let requestIDHash):
            guard let event else { return }
            place(event, requestIDHash: requestIDHash)
        }
    }

    /// Places an event (rules due before a prediction's or system sample's time are evaluated first).
    @inline(__always)
    private func place(_ event: consuming Event, requestIDHash: UInt64?) {
        switch consume event {
        case .prediction(let p):
            // Rules due before this event's time are evaluated first, so that an evaluation at
            // boundary B never sees events after B (the same in live, check and replay).
            let t = p.timestamp
            advance(to: t)
            // `consume`: moved into the window; passing `p` copied the event (a retain per field).
            guard store.insert(consume p, requestIDHash: requestIDHash) else { return }
            if case .count(_, let slide) = options.window, store.counts.events - progress.eventsAtLastEvaluation >= slide {
                // At the newest time, not this event's: count windows accept out-of-order events, and the
                // rule engine ignores evaluations that go back in time.
                evaluate(at: store.window.newest ?? t, contentChanged: true)
                progress.eventsAtLastEvaluation = store.counts.events
            }
        case .label(let l):
            store.receive(consume l, requestIDHash: requestIDHash)
        case .system(let s):
            advance(to: s.timestamp)
            store.insert(consume s)
        }
    }

    // MARK: Rule evaluation in event time

    /// Deals with every boundary that the watermark (newest − lateness) has passed before `time` arrives,
    /// then drops the events no later evaluation needs.
    @inline(__always)
    private func advance(to time: Double) {
        guard onGrid else { return }
        guard schedule.position != nil else {
            schedule.start(at: time)
            return
        }
        let watermark = max(store.window.newest ?? time, time) - options.lateness
        if schedule.nextBoundaryTime < watermark {
            var target = self
            schedule.run(until: watermark, inclusive: false, target: &target)
        }
        evict()
    }

    /// Drops events no future window or evaluation can need.
    private func evict() {
        guard let size = store.size, let newest = store.window.newest else { return }
        store.evict(upTo: schedule.evictionCutoff(newest: newest, size: size, lateness: options.lateness))
    }

    /// Transitions that should notify since the last call.
    public func drainNotifications() -> [AlertTransition] {
        defer { progress.pendingNotifications.removeAll() }
        return progress.pendingNotifications
    }

    /// Records transitions caused by a person's action (ack, snooze, undo) among the notifications.
    public func noteActionResult(_ result: RuleEvaluation) {
        progress.pendingNotifications.append(contentsOf: result.notifications)
    }

    /// Ends the input (end of a `check`, or of a replay): deals with the boundaries still due up to the
    /// newest event, and evaluates once more at the newest event time itself.
    public func finish() {
        let store = self.store
        futureGuard.finish(newest: { store.window.newestTime }, wallClock: wallClock) { e, line in place(e, line) }
        guard let newest = store.window.newest else { return }
        if onGrid, schedule.position != nil {
            var target = self
            schedule.run(until: newest, inclusive: true, target: &target)
            schedule.runOnce(at: newest, target: &target)
        } else if case .count = options.window, store.counts.events != progress.eventsAtLastEvaluation {
            evaluate(at: newest, contentChanged: true)
            progress.eventsAtLastEvaluation = store.counts.events
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
        store.metrics(from: from, to: to, driftScope: driftScope, forEvaluation: forEvaluation,
                      featureStatistics: featureStatistics, metricNames: metricNames, comparisonScope: comparisonScope)
    }

    /// The current window: ending at the newest event.
    public var currentWindow: (from: Double?, to: Double)? { store.currentWindow }

    /// - Parameter exactKSPValues: compute exact KS p-values for every column (headless output); the
    ///   live dashboard passes false and gets them only where KS is the chosen test.
    public func snapshot(extraMetrics: [MetricSample] = [], now: Double = Date().timeIntervalSince1970,
                         exactKSPValues: Bool = true) -> Snapshot {
        var snap = progress.snapshots.snapshot(of: store, extraMetrics: extraMetrics, now: now, exactKSPValues: exactKSPValues)
        snap.sources = sources
        snap.mode = mode
        snap.future = futureGuard.stats
        engine?.settle()
        engine?.describe(into: &snap)
        return snap
    }
}

extension MonitorState: EvaluationTarget {
    var wantsEvaluations: Bool { progress.hasRules || evaluationObserver != nil }

    /// The window a boundary at `b` evaluates: `(b − size, b]`, or everything up to `b`.
    private func from(_ b: Double) -> Double? { store.size.map { b - $0 } }

    func content(at b: Double) -> WindowContent {
        store.content(from: from(b), to: b, rateDependsOnTime: progress.demand.readsRate)
    }

    func nextContentChange(after b: Double) -> Double? {
        store.nextContentChange(from: from(b), to: b, size: store.size)
    }

    var due: EvaluationDue { engine?.nextDue ?? .never }
    var boundariesCounted: Int { engine?.boundaries ?? 0 }

    func evaluate(at time: Double, contentChanged: Bool) {
        guard wantsEvaluations else { return }
        if !contentChanged, progress.samples != nil {
            evaluationObserver?.repeated(1)
            if let result = engine?.evaluateUnchanged(at: time) {
                progress.pendingNotifications.append(contentsOf: result.notifications)
            }
            return
        }
        progress.metricsComputed += 1
        let demand = progress.demand
        let samples = store.metrics(from: from(time), to: time, driftScope: demand.driftScope, forEvaluation: true,
                                    featureStatistics: demand.featureStatistics, metricNames: demand.metricNames,
                                    comparisonScope: demand.comparisonScope).metrics
        progress.samples = samples
        evaluationObserver?.evaluated(time, samples)
        if let result = engine?.evaluate(samples, at: time) {
            progress.pendingNotifications.append(contentsOf: result.notifications)
        }
    }

    func skip(_ count: Int, through time: Double) {
        evaluationObserver?.repeated(count)
        engine?.skip(boundaries: count, through: time)
    }
}

/// Sees each evaluation's metrics, and how many more boundaries read the same (skipped, or evaluated
/// without recomputing): a reference read for adaptive thresholds counts each boundary.
struct EvaluationObserver {
    /// An evaluation at an event time computed these metrics.
    var evaluated: (Double, [MetricSample]) -> Void
    /// This many more boundaries read the latest metrics.
    var repeated: (Int) -> Void
}
