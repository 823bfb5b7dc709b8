import DequeModule

/// The prediction and system events that the current window (and the rule evaluations still due) may
/// need, kept in event-time order. Out-of-order events within the lateness bound are inserted at their
/// place; older ones are rejected as late. Memory is bounded by the window, not by the log.
struct EventWindow {
    let spec: WindowSpec
    let lateness: Double
    /// Chunked rather than one `Deque`: a copy of the state (a replay checkpoint) then shares the chunks,
    /// and the mutations after it copy only the chunks they touch (see `ChunkedDeque`). Binary searches by
    /// event time read the records' `timestamp` (the time is not kept a second time).
    private(set) var predictions = ChunkedDeque<WindowedPrediction>()
    /// The feature values of `predictions` (each holds its address there).
    private(set) var features = FeatureSlab()
    /// The model, version and feature schema of `predictions` (each holds its number there).
    private(set) var streams = StreamTable()
    /// The class names of their outputs and labels, and their feedback.
    private(set) var strings = CategoryTable()
    /// Whether `requestIDs` is kept: only shadow pairing (`compare`) reads a windowed prediction's id.
    let keepsRequestIDs: Bool
    /// `predictions[i]`'s request id, when `keepsRequestIDs` (else empty): apart from the records, which
    /// it would widen by 16 bytes (and a heap block per id longer than 15 bytes) for a reader most
    /// configurations do not have. Labels find their prediction by arrival number instead.
    private var requestIDs = ChunkedDeque<String?>()
    private(set) var systems: Deque<SystemEvent> = []
    /// The newest event time accepted, −∞ before the first: not an optional, so that the future-event check
    /// on the ingest path (`FutureEventGuard.isOnTime`) and `admit` compare with it without unwrapping.
    private(set) var newestTime = -Double.infinity
    /// The newest event time accepted, nil before the first.
    var newest: Double? { newestTime == -.infinity ? nil : newestTime }
    private(set) var oldestEver: Double?
    /// Predictions ever accepted, and those dropped from the front: a count window's prediction with
    /// arrival number `s` is at index `s - droppedPredictions`.
    private(set) var acceptedPredictions = 0
    private(set) var droppedPredictions = 0
    /// System samples dropped from the front (positions counted from the first sample ever kept).
    private(set) var droppedSystems = 0

    init(spec: WindowSpec, lateness: Double, keepsRequestIDs: Bool = false) {
        self.spec = spec
        self.lateness = lateness
        self.keepsRequestIDs = keepsRequestIDs
    }

    /// Event time before which arrivals are late.
    var watermark: Double? { newest.map { $0 - lateness } }

    private mutating func admit(_ t: Double) -> Bool {
        if case .count = spec {
            // Count windows follow arrival order; event time only labels the window.
        } else if t < newestTime - lateness {
            // Before the first event, −∞ − lateness: nothing is late.
            return false
        }
        newestTime = max(newestTime, t)
        oldestEver = min(oldestEver ?? t, t)
        return true
    }

    /// Inserts a prediction in event-time order. Returns where it went, or nil (keeping nothing) when it
    /// is late. `consuming`, and the index returned, so that the caller can move the parsed event in and
    /// read it back in place: each copy of an event retains and releases every field (~4 % of
    /// parse + ingest per copy in `perf`). A count window may hold one event too many afterwards: the caller
    /// drops it with `dropOverflow` (no closure here: one that captured the collector made the optimizer
    /// retain and release the collector around every insert, ~3 % of parse + ingest).
    /// - Complexity: O(1) for in-order events, O(log n + k) for an event k places out of order.
    mutating func insert(_ e: consuming PredictionEvent) -> Int? {
        let t = e.timestamp
        guard admit(t) else { return nil }
        let record = WindowedPrediction(e, sequence: acceptedPredictions, slab: &features, streams: &streams,
                                        strings: &strings)
        acceptedPredictions += 1
        // A count window keeps arrival order; a time window, event-time order.
        var at = predictions.count
        if isOrderedByTime, at > 0, predictions[at - 1].timestamp > t { at = upperBound(t) }
        if at == predictions.count {
            predictions.append(record)
            if keepsRequestIDs { requestIDs.append(e.requestID) }
        } else {
            predictions.insert(record, at: at)
            if keepsRequestIDs { requestIDs.insert(e.requestID, at: at) }
        }
        return at
    }

    private var isOrderedByTime: Bool {
        if case .count = spec { return false }
        return true
    }

    /// Whether `insert` would take a prediction at `t` (not late).
    func accepts(_ t: Double) -> Bool {
        if case .count = spec { return true }
        return !(t < newestTime - lateness)
    }

    /// Whether a count window holds more events than its size (after an `insert`).
    var isOverfull: Bool {
        if case .count(let size, _) = spec { return predictions.count > size }
        return false
    }

    /// Drops the oldest events of an overfull count window, handing each to `onEvict` first (their joined
    /// labels can go). Returns how many went (indices returned by `insert` move down by as many).
    mutating func dropOverflow(_ onEvict: (PredictionRef) -> Void) -> Int {
        guard case .count(let size, _) = spec else { return 0 }
        var dropped = 0
        while predictions.count > size {
            removeFirstPrediction(onEvict)
            droppedPredictions += 1
            dropped += 1
        }
        return dropped
    }

    mutating func insert(_ e: SystemEvent) -> Bool {
        guard admit(e.timestamp) else { return false }
        if let last = systems.last, last.timestamp > e.timestamp {
            systems.insert(e, at: Self.upperBound(systems, e.timestamp) { $0.timestamp })
        } else {
            systems.append(e)
        }
        if case .count(let size, _) = spec, systems.count > size {
            droppedSystems += systems.count - size
            systems.removeFirst(systems.count - size)
        }
        return true
    }

    /// Drops events that no window still to be computed can contain: those at or before `cutoff`.
    mutating func evict(upTo cutoff: Double, onEvict: (PredictionRef) -> Void) {
        while let first = predictions.first, first.timestamp <= cutoff {
            removeFirstPrediction(onEvict)
            droppedPredictions += 1
        }
        while let first = systems.first, first.timestamp <= cutoff {
            systems.removeFirst()
            droppedSystems += 1
        }
    }

    /// Where the prediction a label was matched to is, found by its arrival number (a prediction's
    /// `sequence`): at its arrival position in a count window, and in a time window there too unless events
    /// came out of order (one probe instead of a binary search whose last steps miss the cache: labels
    /// arrive minutes after their predictions), else among the predictions at its event time. Nil when it
    /// already left the window.
    func predictionIndex(match: LabelJoiner.Match) -> Int? {
        let sequence = UInt32(truncatingIfNeeded: match.sequence)
        let guess = match.sequence - droppedPredictions
        if predictions.indices.contains(guess), predictions[guess].sequence == sequence { return guess }
        if case .count = spec { return nil }
        // Gone with the events before the oldest held (a label later than the window: the usual case with
        // windows shorter than the label delay), without a binary search.
        guard !predictions.isEmpty, match.time >= predictions[0].timestamp else { return nil }
        var i = lowerBound(match.time)
        while i < predictions.count, predictions[i].timestamp == match.time {
            if predictions[i].sequence == sequence { return i }
            i += 1
        }
        return nil
    }

    /// Hands the oldest prediction to `onEvict`, then drops it and gives up its feature values and its
    /// numbers in the tables.
    private mutating func removeFirstPrediction(_ onEvict: (PredictionRef) -> Void) {
        let (record, count) = withPrediction(at: 0) { e in
            onEvict(e)
            return (e.record.pointee, e.featureCount)
        }
        if count > 0 { features.release(record.featureAddress, count: count) }
        record.release(streams: &streams, strings: &strings)
        predictions.removeFirst()
        if keepsRequestIDs { requestIDs.removeFirst() }
    }

    /// Calls `body` with the prediction at `index` by address, with its feature values (see
    /// `ChunkedDeque.withUnsafeElement`).
    @inline(__always)
    func withPrediction<R>(at index: Int, _ body: (PredictionRef) -> R) -> R {
        predictions.withUnsafeElement(at: index) { e in
            streams.withStreams { streams in
                strings.withStrings { strings in
                    let count = streams[Int(e.pointee.stream)].featureCount
                    return features.withValues(at: e.pointee.featureAddress, count: count) { values in
                        guard keepsRequestIDs else {
                            return body(PredictionRef(record: e, features: values, streams: streams, strings: strings,
                                                      requestIDSlot: nil))
                        }
                        return requestIDs.withUnsafeElement(at: index) { id in
                            body(PredictionRef(record: e, features: values, streams: streams, strings: strings,
                                               requestIDSlot: id))
                        }
                    }
                }
            }
        }
    }

    /// `withPrediction` through a mutating access (nothing is changed). For the window held in a class's
    /// stored property (`WindowStore`) with a body that uses the class: a non-mutating call there made the
    /// optimizer copy the whole window for the call (`EventWindowVWOc`, a retain and a release of each of
    /// its buffers, ~650 instructions: 9 % of a count window's ingest in callgrind).
    @inline(__always)
    mutating func withPredictionInPlace<R>(at index: Int, _ body: (PredictionRef) -> R) -> R {
        withPrediction(at: index, body)
    }

    /// Calls `body` with the model and version of the prediction at `index`, by address. `mutating` for
    /// the reason `withPredictionInPlace` is.
    @inline(__always)
    mutating func withModelAndVersion<R>(at index: Int, _ body: (String, String) -> R) -> R {
        let number = Int(predictions[index].stream)
        return streams.withStreams { body($0[number].model, $0[number].version) }
    }

    /// Stores a joined label on the prediction at `index` (one without an inline label: those never wait
    /// for one, see `WindowStore.insert`).
    mutating func setJoinedLabel(_ label: OutputValue, at index: Int) {
        let record = predictions[index]
        guard !record.hasInlineLabel else { return }
        let code = OutputCode.encode(label, strings: &strings)
        OutputCode.release(record.labelCode, strings: &strings)
        predictions[index].labelCode = code
    }

    /// Event time of the first prediction after `t` (time-ordered windows).
    func firstPredictionTime(after t: Double) -> Double? {
        let i = upperBound(t)
        return i < predictions.count ? predictions[i].timestamp : nil
    }

    /// Event time of the first system sample after `t`.
    func firstSystemTime(after t: Double) -> Double? {
        let i = Self.upperBound(systems, t) { $0.timestamp }
        return i < systems.count ? systems[i].timestamp : nil
    }

    /// The model, version and schema of the prediction at `index`, as a number (equal numbers: the same
    /// stream), and the stream of a number.
    @inline(__always)
    func streamNumber(at index: Int) -> UInt32 { predictions[index].stream }
    func stream(_ number: UInt32) -> StreamTable.Stream { streams[number] }

    /// Event time of the prediction at `index`.
    func predictionTime(at index: Int) -> Double { predictions[index].timestamp }

    /// Event time of the system sample at `index`.
    func systemTime(at index: Int) -> Double { systems[index].timestamp }

    /// Index range of predictions with `from < t ≤ to`.
    func predictionRange(from: Double, to: Double) -> Range<Int> {
        upperBound(from)..<upperBound(to)
    }

    func systemRange(from: Double, to: Double) -> Range<Int> {
        Self.upperBound(systems, from) { $0.timestamp }..<Self.upperBound(systems, to) { $0.timestamp }
    }

    /// First prediction index whose event time is not less than `t`.
    private func lowerBound(_ t: Double) -> Int {
        var lo = 0
        var hi = predictions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predictions[mid].timestamp < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First prediction index whose event time is greater than `t`.
    private func upperBound(_ t: Double) -> Int {
        Self.upperBound(predictions, t) { $0.timestamp }
    }

    /// First index whose key is greater than `t`.
    private static func upperBound<C: RandomAccessCollection<T>, T>(_ d: C, _ t: Double, _ key: (T) -> Double) -> Int
    where C.Index == Int {
        var lo = d.startIndex
        var hi = d.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if key(d[mid]) <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
