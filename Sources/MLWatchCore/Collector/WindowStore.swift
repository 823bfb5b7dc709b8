/// The events the engine holds and what ingest keeps up to date with them: the window, the label joiner,
/// the two incremental aggregates and the ingest counters; and the metrics of any range of the window.
///
/// A class with the hot fields as separate stored properties: an event's path updates the window and the
/// aggregates in one closure (`withPrediction`, `dropOverflow`), which exclusivity allows for separate
/// properties of a class but not for fields of one struct. Not thread-safe: owned by one `MonitorState`.
final class WindowStore {
    let options: CollectorOptions
    // `@exclusivity(unchecked)` on the properties every line touches: the store is confined to one thread
    // (see `MonitorState`), and the run-time exclusivity checks (`swift_beginAccess`, a thread-local access
    // set) were ~2.5 % of parse + ingest in `perf`. The compile-time checks still apply.
    @exclusivity(unchecked) private(set) var window: EventWindow
    @exclusivity(unchecked) private(set) var joiner: LabelJoiner
    /// Aggregates of the window that rule evaluations read (moves by `slide`). A count window's is by
    /// arrival number and serves its snapshots too (its window is always the events held): events are
    /// routed to its groups as they arrive and leave, and counted when its metrics are read.
    @exclusivity(unchecked) private var evaluationAggregate: WindowAggregator
    /// Aggregates of the displayed window (moves with the newest event); unused by count windows.
    @exclusivity(unchecked) private var viewAggregate: WindowAggregator
    @exclusivity(unchecked) var counts: IngestCounters
    /// Cumulative per-(model, version) counts and latency histogram for `/metrics` (see `PredictionCounters`).
    @exclusivity(unchecked) private(set) var predictionCounters: PredictionCounters
    /// The counters' pair of each recent prediction, so that joined labels are counted without reading it.
    @exclusivity(unchecked) private var arrivalSlots = ArrivalSlots()
    /// Labels joined to predictions in the window so far (each may change an evaluation's metrics).
    @exclusivity(unchecked) private(set) var labelsJoined = 0
    private(set) var drift: (any DriftEvaluating)?
    private var calculator: MetricsCalculator
    private let isCountWindow: Bool
    /// The window's size in seconds (time windows).
    let size: Double?

    init(options: CollectorOptions, drift: (any DriftEvaluating)?) {
        self.options = options
        // Only shadow pairing reads a windowed prediction's request id.
        self.window = EventWindow(spec: options.window, lateness: options.lateness,
                                  keepsRequestIDs: options.metrics.compare != nil)
        // With `compare`, a label joins every version's prediction of its request id (shadows).
        self.joiner = LabelJoiner(maxPending: options.joinMaxPending, ttl: options.joinTTL,
                                  joinsSiblings: options.metrics.compare != nil)
        self.predictionCounters = PredictionCounters(latencyBuckets: options.latencyBuckets)
        self.calculator = MetricsCalculator(options: options.metrics, drift: drift)
        self.counts = IngestCounters(recentLimit: options.recentMalformed)
        self.drift = drift
        switch options.window {
        case .count: (isCountWindow, size) = (true, nil)
        case .time(let size, _): (isCountWindow, self.size) = (false, size)
        case .all: (isCountWindow, size) = (false, nil)
        }
        // Rule evaluations of a time window start keeping no feature's values and widen to what they read;
        // a count window's aggregate also serves snapshots: it keeps everything.
        self.evaluationAggregate = WindowAggregator(options: options.metrics, order: isCountWindow ? .arrival : .eventTime,
                                                    featureDemand: isCountWindow ? .all : .only([]))
        self.viewAggregate = WindowAggregator(options: options.metrics)
    }

    /// An independent copy (the window and aggregates are copy-on-write; a drift reference still being
    /// learned is copied).
    func copy() -> WindowStore {
        let c = WindowStore(options: options, drift: drift?.copy())
        c.window = window
        c.joiner = joiner
        c.evaluationAggregate = evaluationAggregate
        c.viewAggregate = viewAggregate
        // The copy does not share the merge buffers: this store would otherwise copy them on its next merge.
        c.evaluationAggregate.releaseScratch()
        c.viewAggregate.releaseScratch()
        c.counts = counts
        c.predictionCounters = predictionCounters
        c.arrivalSlots = arrivalSlots
        c.labelsJoined = labelsJoined
        return c
    }

    // MARK: Ingest

    /// Places a prediction (`consuming`: moved into the window, not copied; see `EventWindow.insert`).
    /// Returns false when it is late.
    /// - Parameter requestIDHash: the parser's `ByteHash` of the event's request id, when it has one.
    @inline(__always)
    func insert(_ p: consuming PredictionEvent, requestIDHash: UInt64?) -> Bool {
        let t = p.timestamp
        let sequence = window.acceptedPredictions
        let waitingID = p.inlineLabel == nil ? p.requestID : nil
        // The pair's counter slot also tells the label joiner's siblings apart (with `compare`).
        let pair = predictionCounters.record(p)
        arrivalSlots.set(sequence, slot: pair)
        // A reference learned from the stream reads the whole event: before the window takes it apart.
        let observed = drift?.observesEvents == true
        if observed, window.accepts(t) { drift?.observe(p) }
        guard var at = window.insert(consume p) else {
            counts.late += 1
            return false
        }
        counts.events += 1
        if isCountWindow {
            // Routed now, counted when the aggregate is next read (`WindowAggregator.moveToHeld`).
            if window.isOverfull { at -= dropOverflow() }
            if options.metrics.segmentBy == nil {
                let stream = window.streamNumber(at: at)
                if !evaluationAggregate.arrived(stream: stream) {
                    window.withModelAndVersion(at: at) { model, version in
                        evaluationAggregate.arrived(model: model, version: version, stream: stream)
                    }
                }
            } else {
                window.withPredictionInPlace(at: at) { e in evaluationAggregate.arrived(e) }
            }
        } else {
            let inEvaluation = evaluationAggregate.covers(t)
            let inView = viewAggregate.covers(t)
            if inEvaluation || inView {
                window.withPredictionInPlace(at: at) { e in
                    if inEvaluation { evaluationAggregate.apply(e, sign: 1) }
                    if inView { viewAggregate.apply(e, sign: 1) }
                }
            }
        }
        if let id = waitingID {
            joiner.expect(id, at: t, sequence: sequence, hash: requestIDHash, group: Int32(truncatingIfNeeded: pair))
        }
        joiner.expire(now: t)
        return true
    }

    /// Joins a label to its prediction (and, with `compare`, to the other versions' predictions of the same
    /// request), if still held. `consuming`: a copy retained its strings.
    func receive(_ l: consuming LabelEvent, requestIDHash: UInt64?) {
        counts.labels += 1
        guard let match = joiner.receive(l, hash: requestIDHash) else { return }
        join(l, to: match)
        if match.sibling != nil { joinSiblings(l, of: match) }
    }

    /// Stores a label on the prediction it was matched to.
    private func join(_ l: LabelEvent, to match: LabelJoiner.Match) {
        // Aggregates that already count the prediction swap its label contribution (read the event only
        // then: copying one costs a retain per field).
        let inEvaluation = isCountWindow ? evaluationAggregate.covers(arrival: match.sequence)
            : evaluationAggregate.covers(match.time)
        let inView = viewAggregate.covers(match.time)
        guard let i = window.predictionIndex(match: match) else { return }
        let pair = arrivalSlots.slot(of: match.sequence)
        if let pair { predictionCounters.recordLabel(pair: pair) }
        if inEvaluation || inView || pair == nil {
            window.withPredictionInPlace(at: i) { before in
                guard before.inlineLabel == nil else { return }
                if pair == nil { predictionCounters.recordLabel(model: before.model, version: before.version) }
                if inEvaluation { evaluationAggregate.replaceLabel(of: before, with: l.label) }
                if inView { viewAggregate.replaceLabel(of: before, with: l.label) }
            }
        }
        window.setJoinedLabel(l.label, at: i)
        labelsJoined += 1
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

    func insert(_ s: consuming SystemEvent) {
        if window.insert(s) { counts.systemSamples += 1 } else { counts.late += 1 }
    }

    /// Drops the events at or before `cutoff` (no window or evaluation still to come can contain them).
    func evict(upTo cutoff: Double) {
        window.evict(upTo: cutoff) { e in removeFromAggregates(e) }
    }

    /// An event leaves a time window: it leaves the aggregates that counted it.
    private func removeFromAggregates(_ e: PredictionRef) {
        let t = e.timestamp
        if evaluationAggregate.covers(t) { evaluationAggregate.apply(e, sign: -1) }
        if viewAggregate.covers(t) { viewAggregate.apply(e, sign: -1) }
    }

    /// Drops the oldest events of an overfull count window (each leaves the aggregate's groups); returns
    /// how many.
    private func dropOverflow() -> Int {
        window.dropOverflow { e in evaluationAggregate.evicted(e) }
    }

    // MARK: Ranges

    /// The prediction and system index ranges of the window ending at `to` (after `from`, or everything
    /// held when nil). A count window is the last N events by arrival, not sorted by time: a binary search
    /// on timestamps would cut an arbitrary part of it, so it is always taken whole.
    private func ranges(from: Double?, to: Double) -> (predictions: Range<Int>, systems: Range<Int>) {
        if isCountWindow { return (window.predictions.indices, window.systems.indices) }
        return (window.predictionRange(from: from ?? -.infinity, to: to), window.systemRange(from: from ?? -.infinity, to: to))
    }

    /// `events_per_second`'s divisor for the window `(from, to]` holding `range`: the window's length, or the
    /// time since the first event ever while that is shorter; for `all` and count windows, the event-time
    /// span of the events held.
    private func duration(from: Double?, to: Double, range: Range<Int>) -> Double {
        if let from, let first = window.oldestEver {
            // A full window's length is its size, exactly: `to − from` would round differently from one
            // boundary to the next, and make every boundary's rate a new value.
            if from >= first, let size, from == to - size { return size }
            return to - max(from, first)
        }
        guard !range.isEmpty else { return 0 }
        if isCountWindow {
            // Arrival order is not time order here.
            var lo = window.predictionTime(at: range.lowerBound)
            var hi = lo
            for i in range {
                let t = window.predictionTime(at: i)
                lo = min(lo, t)
                hi = max(hi, t)
            }
            return hi - lo
        }
        return window.predictionTime(at: range.upperBound - 1) - window.predictionTime(at: range.lowerBound)
    }

    /// What an evaluation of the window `(from, to]` reads (see `WindowContent`).
    /// - Parameter rateDependsOnTime: include `events_per_second`'s divisor when it depends on `to` (a rule
    ///   reads it and the window is not yet full).
    func content(from: Double?, to: Double, rateDependsOnTime: Bool) -> WindowContent {
        let r = ranges(from: from, to: to)
        var c = WindowContent(
            predictions: (r.predictions.lowerBound + window.droppedPredictions)..<(r.predictions.upperBound + window.droppedPredictions),
            systems: (r.systems.lowerBound + window.droppedSystems)..<(r.systems.upperBound + window.droppedSystems))
        if rateDependsOnTime, !r.predictions.isEmpty, let from, let first = window.oldestEver, from < first {
            c.duration = to - max(from, first)
        }
        c.malformed = counts.malformedTotal
        c.late = counts.late
        c.joinExpired = joiner.expired
        c.joinUnmatched = joiner.unmatched
        c.joinPending = joiner.pendingCount
        c.labelsJoined = labelsJoined
        c.driftLearned = drift?.observesEvents == true ? counts.events : -1
        return c
    }

    /// The earliest event time after `to` at which the window of a later boundary, `(b − size, b]` (or
    /// everything up to `b` when `size` is nil), may hold other events than `(from, to]`: the next event to
    /// enter, or the first held one to leave. Slightly early rather than late (see `EvaluationDue.time`).
    /// Nil when nothing held would ever change it.
    func nextContentChange(from: Double?, to: Double, size: Double?) -> Double? {
        var next = Double.infinity
        if let t = window.firstPredictionTime(after: to) { next = min(next, t) }
        if let t = window.firstSystemTime(after: to) { next = min(next, t) }
        if let size, let from {
            let r = ranges(from: from, to: to)
            // The oldest event of the window leaves at the first boundary b with b − size ≥ its time.
            if !r.predictions.isEmpty { next = min(next, EvaluationDue.time(window.predictionTime(at: r.predictions.lowerBound) + size).time) }
            if !r.systems.isEmpty { next = min(next, EvaluationDue.time(window.systemTime(at: r.systems.lowerBound) + size).time) }
        }
        return next.isFinite ? next : nil
    }

    // MARK: Metrics

    /// Metrics of the window ending at `to` (starting after `from`, or everything held when nil).
    /// - Parameter forEvaluation: read the aggregates that rule evaluations move forward (else those of the
    ///   displayed window). Either works for any range; moving one back recomputes it from the window.
    /// - Parameter featureStatistics: compute the `feature_*` metrics and feature summaries.
    /// - Parameter metricNames: compute only these exactly (nil: all); see `MetricsCalculator.compute`.
    /// - Parameter comparisonScope: the columns compared with the `compare` baseline (nil: `driftScope`).
    func metrics(from: Double?, to: Double, driftScope: DriftScope = .all, forEvaluation: Bool = false,
                 featureStatistics: Bool = true, metricNames: Set<String>? = nil,
                 comparisonScope: DriftScope? = nil) -> WindowMetrics {
        let r = ranges(from: from, to: to)
        let duration = max(duration(from: from, to: to, range: r.predictions), 1)
        let systems = window.systems[r.systems]
        var m: WindowMetrics
        if isCountWindow || forEvaluation {
            var demand = FeatureDemand.needed(featureStatistics: featureStatistics, driftScope: driftScope)
            if options.metrics.compare != nil {
                demand = demand.union(FeatureDemand.needed(featureStatistics: false, driftScope: comparisonScope ?? driftScope))
            }
            evaluationAggregate.require(demand)
            if isCountWindow {
                evaluationAggregate.moveToHeld(window)
            } else {
                evaluationAggregate.move(from: from ?? -.infinity, to: to, window: window)
            }
            m = calculator.compute(&evaluationAggregate, systems: systems, duration: duration, driftScope: driftScope,
                                   featureStatistics: featureStatistics, metricNames: metricNames,
                                   comparisonScope: comparisonScope)
        } else {
            viewAggregate.move(from: from ?? -.infinity, to: to, window: window)
            m = calculator.compute(&viewAggregate, systems: systems, duration: duration, driftScope: driftScope,
                                   featureStatistics: featureStatistics, metricNames: metricNames,
                                   comparisonScope: comparisonScope)
        }
        if var scan = WindowEventScan(compare: options.metrics.compare, fairness: options.metrics.fairness,
                                      metricNames: metricNames, expected: r.predictions.count) {
            scan.scan(window, range: r.predictions)
            scan.finish(into: &m)
        }
        m.metrics.append(MetricSample(name: "malformed_lines_total", value: Double(counts.malformedTotal)))
        m.metrics.append(MetricSample(name: "late_events_total", value: Double(counts.late)))
        m.metrics.append(MetricSample(name: "label_join_expired_total", value: Double(joiner.expired)))
        m.metrics.append(MetricSample(name: "labels_unmatched_total", value: Double(joiner.unmatched)))
        m.metrics.append(MetricSample(name: "label_join_pending", value: Double(joiner.pendingCount)))
        return m
    }

    /// The current window: ending at the newest event.
    var currentWindow: (from: Double?, to: Double)? {
        guard let newest = window.newest else { return nil }
        switch options.window {
        case .time(let size, _): return (newest - size, newest)
        case .count, .all: return (nil, newest)
        }
    }
}
