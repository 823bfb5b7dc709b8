/// The per-group aggregates of the predictions in one event-time range `(from, to]` of the window,
/// kept up to date as the range slides: each event is added once when it enters the range and removed
/// once when it leaves, instead of every evaluation re-reading the whole window.
///
/// `MonitorState` keeps one for rule evaluations (which move by `slide`) and one for the displayed
/// window (which moves with the newest event); a count window uses one that covers every held event.
struct WindowAggregator {
    struct GroupKey: Hashable {
        var model: String
        var version: String
        var segment: String?
    }

    let segmentBy: String?
    let lowConfidence: Double
    let maxCategories: Int
    /// The covered range; nil for an aggregator that covers every event it is given (count windows) or
    /// one that covers nothing yet.
    private(set) var range: (from: Double, to: Double)?
    let coversEverything: Bool
    /// The features whose values are kept (see `FeatureDemand`); `require(_:)` widens it.
    private(set) var featureDemand: FeatureDemand
    private(set) var groups: [GroupAccumulator] = []
    private(set) var keys: [GroupKey] = []
    private var index: [GroupKey: Int] = [:]
    /// The last prediction's group (and segment group): consecutive events usually share them.
    private var lastGroup: (model: String, version: String, slot: Int)?

    init(options: MetricOptions, coversEverything: Bool, featureDemand: FeatureDemand = .all) {
        segmentBy = options.segmentBy
        lowConfidence = options.lowConfidence
        maxCategories = options.maxCategories
        self.coversEverything = coversEverything
        self.featureDemand = featureDemand
    }

    /// Makes sure the values of the features in `demand` are kept. When they were not, the aggregate is
    /// emptied, and the next `move` recomputes it from the window. (An aggregate that covers everything is
    /// filled by ingest, not by `move`: it must be created with `.all`, which covers any demand.)
    mutating func require(_ demand: FeatureDemand) {
        guard !featureDemand.covers(demand) else { return }
        precondition(!coversEverything, "an aggregate that covers every event must keep every feature")
        featureDemand = featureDemand.union(demand)
        reset()
    }

    /// Whether an event at `t` is counted here.
    func covers(_ t: Double) -> Bool {
        if coversEverything { return true }
        guard let r = range else { return false }
        return t > r.from && t <= r.to
    }

    mutating func reset() {
        groups.removeAll()
        keys.removeAll()
        index.removeAll()
        lastGroup = nil
        range = nil
    }

    /// Adds (+1) or removes (−1) a prediction in every group it belongs to. The event is passed by address
    /// (see `ChunkedDeque.withUnsafeElement`): only the fields read are loaded, nothing is copied.
    mutating func apply(_ e: UnsafePointer<PredictionEvent>, sign: Int) {
        let group = slot(of: e)
        groups[group].apply(e, sign: sign, lowConfidenceBelow: lowConfidence)
        if let seg = segmentSlot(e) { groups[seg].apply(e, sign: sign, lowConfidenceBelow: lowConfidence) }
    }

    /// Adds or removes a label's contribution for prediction `e` (already counted here).
    mutating func applyLabel(_ label: OutputValue, of e: UnsafePointer<PredictionEvent>, sign: Int) {
        let group = slot(of: e)
        groups[group].applyLabel(label, of: e, sign: sign)
        if let seg = segmentSlot(e) { groups[seg].applyLabel(label, of: e, sign: sign) }
    }

    /// A label was joined to prediction `e`, which is counted here: its old label (if any) stops counting.
    mutating func replaceLabel(of e: UnsafePointer<PredictionEvent>, with label: OutputValue) {
        if let old = e.pointee.joinedLabel { applyLabel(old, of: e, sign: -1) }
        applyLabel(label, of: e, sign: 1)
    }

    /// Slides the covered range to `(from, to]` over the events of `window`, both ends forward; any other
    /// move recomputes from scratch.
    mutating func move(from: Double, to: Double, window: EventWindow) {
        guard !coversEverything else { return }
        // Index loops over the events' addresses: iterating or subscripting hands out copies of them.
        if let r = range, from >= r.from, to >= r.to {
            for i in window.predictionRange(from: r.from, to: min(from, r.to)) {
                window.withPrediction(at: i) { apply($0, sign: -1) }
            }
            for i in window.predictionRange(from: max(r.to, from), to: to) { window.withPrediction(at: i) { apply($0, sign: 1) } }
        } else {
            reset()
            for i in window.predictionRange(from: from, to: to) { window.withPrediction(at: i) { apply($0, sign: 1) } }
        }
        range = (from, to)
    }

    /// Drops the sorted columns' merge buffers (a copy kept as a checkpoint does not need them).
    mutating func releaseScratch() {
        for i in groups.indices { groups[i].releaseScratch() }
    }

    /// Gives in-place access to one group (its sorted columns settle when read).
    mutating func withGroup<R>(_ i: Int, _ body: (inout GroupAccumulator) -> R) -> R {
        body(&groups[i])
    }

    private mutating func slot(of e: UnsafePointer<PredictionEvent>) -> Int {
        if let last = lastGroup, last.model == e.pointee.model, last.version == e.pointee.version { return last.slot }
        let model = e.pointee.model
        let version = e.pointee.version
        let s = slot(for: GroupKey(model: model, version: version, segment: nil))
        lastGroup = (model, version, s)
        return s
    }

    private mutating func segmentSlot(_ e: UnsafePointer<PredictionEvent>) -> Int? {
        guard let segmentBy else { return nil }
        let v = e.pointee.feature(segmentBy)
        let segment: String
        switch v {
        case .string(let s): segment = s
        case .bool(let b): segment = b ? "true" : "false"
        case .number: segment = "(numeric)"
        case .text: segment = "(text)"
        case .missing: segment = "(missing)"
        }
        return slot(for: GroupKey(model: e.pointee.model, version: e.pointee.version, segment: segment))
    }

    private mutating func slot(for key: GroupKey) -> Int {
        if let i = index[key] { return i }
        groups.append(GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories))
        keys.append(key)
        index[key] = groups.count - 1
        return groups.count - 1
    }
}
