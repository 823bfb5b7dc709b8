import DequeModule

/// The prediction and system events that the current window (and the rule evaluations still due) may
/// need, kept in event-time order. Out-of-order events within the lateness bound are inserted at their
/// place; older ones are rejected as late. Memory is bounded by the window, not by the log.
struct EventWindow {
    let spec: WindowSpec
    let lateness: Double
    /// Chunked rather than one `Deque`: a copy of the state (a replay checkpoint) then shares the chunks,
    /// and the mutations after it copy only the chunks they touch (see `ChunkedDeque`).
    private(set) var predictions = ChunkedDeque<WindowedPrediction>()
    /// The feature values of `predictions` (each holds its address there).
    private(set) var features = FeatureSlab()
    /// `predictions[i].timestamp`, kept alongside: binary searches read only these 8 bytes per probe
    /// instead of copying (retaining and releasing) a whole event.
    private var predictionTimes: Deque<Double> = []
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

    init(spec: WindowSpec, lateness: Double) {
        self.spec = spec
        self.lateness = lateness
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
        acceptedPredictions += 1
        if case .count = spec {
            predictionTimes.append(t)
            predictions.append(WindowedPrediction(e, slab: &features))
            return predictions.count - 1
        }
        if let last = predictionTimes.last, last > t {
            let at = upperBound(predictionTimes, t) { $0 }
            predictionTimes.insert(t, at: at)
            predictions.insert(WindowedPrediction(e, slab: &features), at: at)
            return at
        }
        predictionTimes.append(t)
        predictions.append(WindowedPrediction(e, slab: &features))
        return predictions.count - 1
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
            systems.insert(e, at: upperBound(systems, e.timestamp) { $0.timestamp })
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
        while let first = predictionTimes.first, first <= cutoff {
            removeFirstPrediction(onEvict)
            droppedPredictions += 1
        }
        while let first = systems.first, first.timestamp <= cutoff {
            systems.removeFirst()
            droppedSystems += 1
        }
    }

    /// Where the prediction a label was matched to is: found by arrival number (count windows) or by event
    /// time and request id; nil when it already left the window.
    func predictionIndex(requestID: String, match: LabelJoiner.Match) -> Int? {
        if case .count = spec {
            let i = match.sequence - droppedPredictions
            return predictions.indices.contains(i) && predictions[i].requestID == requestID ? i : nil
        }
        // In a time window arrival order is time order unless events came out of order, so the prediction
        // is usually at its arrival position: one probe instead of a binary search whose last steps miss
        // the cache (labels arrive minutes after their predictions). Verified by time and id, else searched.
        let guess = match.sequence - droppedPredictions
        if predictionTimes.indices.contains(guess), predictionTimes[guess] == match.time,
           predictions[guess].requestID == requestID,
           guess + 1 == predictionTimes.count || predictionTimes[guess + 1] != match.time {
            return guess
        }
        var i = lowerBound(predictionTimes, match.time) { $0 }
        var found: Int?
        while i < predictions.count, predictionTimes[i] == match.time {
            if predictions[i].requestID == requestID { found = i }
            i += 1
        }
        return found
    }

    /// Hands the oldest prediction to `onEvict`, then drops it and gives up its feature values.
    private mutating func removeFirstPrediction(_ onEvict: (PredictionRef) -> Void) {
        let (address, count) = withPrediction(at: 0) { e in
            onEvict(e)
            return (e.pointee.featureAddress, e.pointee.featureCount)
        }
        if count > 0 { features.release(address, count: count) }
        predictions.removeFirst()
        predictionTimes.removeFirst()
    }

    /// Calls `body` with the prediction at `index` by address, with its feature values (see
    /// `ChunkedDeque.withUnsafeElement`).
    @inline(__always)
    func withPrediction<R>(at index: Int, _ body: (PredictionRef) -> R) -> R {
        predictions.withUnsafeElement(at: index) { e in
            features.withValues(at: e.pointee.featureAddress, count: e.pointee.featureCount) { values in
                body(PredictionRef(record: e, features: values))
            }
        }
    }

    /// Stores a joined label on the prediction at `index`.
    mutating func setJoinedLabel(_ label: OutputValue, at index: Int) {
        predictions[index].joinedLabel = label
    }

    /// Event time of the first prediction after `t` (time-ordered windows).
    func firstPredictionTime(after t: Double) -> Double? {
        let i = upperBound(predictionTimes, t) { $0 }
        return i < predictionTimes.count ? predictionTimes[i] : nil
    }

    /// Event time of the first system sample after `t`.
    func firstSystemTime(after t: Double) -> Double? {
        let i = upperBound(systems, t) { $0.timestamp }
        return i < systems.count ? systems[i].timestamp : nil
    }

    /// Event time of the prediction at `index`.
    func predictionTime(at index: Int) -> Double { predictionTimes[index] }

    /// Event time of the system sample at `index`.
    func systemTime(at index: Int) -> Double { systems[index].timestamp }

    /// Index range of predictions with `from < t ≤ to`.
    func predictionRange(from: Double, to: Double) -> Range<Int> {
        upperBound(predictionTimes, from) { $0 }..<upperBound(predictionTimes, to) { $0 }
    }

    func systemRange(from: Double, to: Double) -> Range<Int> {
        upperBound(systems, from) { $0.timestamp }..<upperBound(systems, to) { $0.timestamp }
    }

    /// First index whose key is not less than `t`.
    private func lowerBound<T>(_ d: Deque<T>, _ t: Double, _ key: (T) -> Double) -> Int {
        var lo = 0
        var hi = d.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if key(d[mid]) < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First index whose key is greater than `t`.
    private func upperBound<T>(_ d: Deque<T>, _ t: Double, _ key: (T) -> Double) -> Int {
        var lo = 0
        var hi = d.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if key(d[mid]) <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
