/// The per-group aggregates of the predictions in one event-time range `(from, to]` of the window,
/// kept up to date as the range slides: each event is added once when it enters the range and removed
/// once when it leaves, instead of every evaluation re-reading the whole window.
///
/// `MonitorState` keeps one for rule evaluations (which move by `slide`) and one for the displayed
/// window (which moves with the newest event); a count window uses one that covers a range of arrival
/// numbers instead (`Order.arrival`), moved to the events held whenever its metrics are read. That one
/// routes every event to its groups as it arrives and leaves (`arrived`, `evicted`), so that groups take,
/// empty and recycle their slots exactly as when every event was counted on arrival (the order of the
/// groups in the metrics is the same), but counts an event in its groups only when the aggregate is read.
///
/// Cardinality is bounded (`MetricOptions.maxGroups`): a producer that writes a new model name on every
/// line must not grow memory or evaluation time without bound. A group whose events all left the window
/// is recycled for the next new key. When every group still has events, the events of a new key are
/// counted in an overflow group labelled `(other)` (one for model/version groups, one for segments), and
/// the key stays routed there while any of its events is in the window, so each event leaves the group it
/// entered. Each move then promotes the busiest overflowed key into the place of the least busy group
/// when it has at least twice its events: the groups kept apart follow the recent traffic. Memory is
/// bounded by the cap and by the events the window holds.
struct WindowAggregator {
    struct GroupKey: Hashable {
        var model: String
        var version: String
        var segment: String?
    }

    let segmentBy: String?
    let lowConfidence: Double
    let maxCategories: Int
    /// How the events it covers are told apart: by event time, or by arrival number (a count window's
    /// events are in arrival order, not in time order).
    enum Order {
        case eventTime
        case arrival
    }

    let order: Order
    /// The covered event-time range `(from, to]` (`Order.eventTime`); nil when it covers nothing yet.
    private(set) var range: (from: Double, to: Double)?
    /// The covered arrival numbers (`Order.arrival`); nil when it covers nothing yet. Its lower bound
    /// follows the window's evictions (`evicted(_:)`), so that it never names an event gone.
    private(set) var arrivals: Range<Int>?
    /// `Order.arrival`: the events held (counted or not yet) routed to each slot, which decide when a group
    /// is empty; `groups[slot].count` is the events counted there.
    private var routed: [Int] = []
    /// The features whose values are kept (see `FeatureDemand`); `require(_:)` widens it.
    private(set) var featureDemand: FeatureDemand
    private(set) var groups: [GroupAccumulator] = []
    private(set) var keys: [GroupKey] = []
    private var index: [GroupKey: Int] = [:]
    /// The last prediction's group (and segment group): consecutive events usually share them.
    /// Three stored properties rather than an optional tuple: binding the tuple (`if let`) copied it, a
    /// retain and a release of both strings per event. `lastSlot` −1: none.
    private var lastModel = ""
    private var lastVersion = ""
    private var lastSlot = -1
    /// `Order.arrival` without `segment_by`: the window's stream number of the last arrival and of the last
    /// eviction, with the slot it was routed to (−1: none, or the overflow group, which needs the key).
    /// A stream number names one stream while any of its predictions is held, and the previous arrival
    /// (still held when the next one is routed, or its stream retained meanwhile) and the previous eviction
    /// (the next one was held with it) pin it: the same number is the same model and version, whose slot
    /// cannot change while it has events held. One comparison instead of two string comparisons.
    private var arrivalStream: (number: UInt32, slot: Int) = (0, -1)
    private var evictionStream: (number: UInt32, slot: Int) = (0, -1)
    let maxGroups: Int
    let maxFeaturesPerGroup: Int
    /// Slots whose group emptied (candidates for recycling; checked again when taken), by kind of group
    /// (model/version, segment): each kind has `maxGroups` of its own.
    private var emptied: (plain: [Int], segment: [Int]) = ([], [])
    /// Groups kept apart, by kind (the overflow groups not included).
    private var kept: (plain: Int, segment: Int) = (0, 0)
    /// Keys counted in an overflow group, with their events there (each is routed there until it has none).
    private var overflowed: [GroupKey: Int] = [:]
    /// The overflow groups' slots (model/version level, segment level), created when first needed.
    private var overflowSlots: (plain: Int?, segment: Int?) = (nil, nil)

    init(options: MetricOptions, order: Order = .eventTime, featureDemand: FeatureDemand = .all) {
        segmentBy = options.segmentBy
        lowConfidence = options.lowConfidence
        maxCategories = options.maxCategories
        maxGroups = options.maxGroups
        maxFeaturesPerGroup = options.maxFeaturesPerGroup
        self.order = order
        self.featureDemand = featureDemand
    }

    /// How the groups and features fit their caps now.
    var cardinality: Cardinality {
        var c = Cardinality(maxGroups: maxGroups, maxFeaturesPerGroup: maxFeaturesPerGroup)
        let overflow = [overflowSlots.plain, overflowSlots.segment].compactMap { $0 }
        c.groups = groups.indices.filter { occupancy($0) > 0 && !overflow.contains($0) }.count
        c.overflowGroups = overflowed.count
        c.overflowEvents = overflowSlots.plain.map { occupancy($0) } ?? 0
        var names = Set<String>()
        for g in groups { names.formUnion(g.overflowFeatureNames) }
        c.overflowFeatures = names.count
        return c
    }

    /// Makes sure the values of the features in `demand` are kept. When they were not, the aggregate is
    /// emptied, and the next `move` recomputes it from the window.
    mutating func require(_ demand: FeatureDemand) {
        guard !featureDemand.covers(demand) else { return }
        featureDemand = featureDemand.union(demand)
        reset()
    }

    /// Whether an event at `t` is counted here (never, for an aggregate by arrival: see `covers(arrival:)`).
    func covers(_ t: Double) -> Bool {
        guard let r = range else { return false }
        return t > r.from && t <= r.to
    }

    /// Whether the prediction with arrival number `arrival` is counted here (`Order.arrival`).
    func covers(arrival: Int) -> Bool {
        arrivals?.contains(arrival) ?? false
    }

    mutating func reset() {
        if order == .arrival {
            // The routing follows the events held, counted or not: only the counts start again.
            for g in groups.indices {
                groups[g] = GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories, maxFeatures: maxFeaturesPerGroup)
            }
            arrivals = nil
            return
        }
        groups.removeAll()
        routed.removeAll()
        keys.removeAll()
        index.removeAll()
        lastSlot = -1
        range = nil
        arrivals = nil
        emptied = ([], [])
        kept = (0, 0)
        overflowed.removeAll()
        overflowSlots = (nil, nil)
    }

    /// Adds (+1) or removes (−1) a prediction in every group it belongs to. The event is passed by address
    /// (see `ChunkedDeque.withUnsafeElement`): only the fields read are loaded, nothing is copied.
    mutating func apply(_ e: PredictionRef, sign: Int) {
        let group = slot(of: e)
        apply(e, sign: sign, to: group)
        if let seg = segmentSlot(e) { apply(e, sign: sign, to: seg) }
    }

    private mutating func apply(_ e: PredictionRef, sign: Int, to slot: Int) {
        groups[slot].apply(e, sign: sign, lowConfidenceBelow: lowConfidence)
        route(e, sign: sign, slot: slot)
    }

    /// The events in the group at `slot`, for routing: held (`Order.arrival`) or counted.
    @inline(__always)
    private func occupancy(_ slot: Int) -> Int {
        order == .arrival ? routed[slot] : groups[slot].count
    }

    /// The routing's side of event `e` entering (+1) or leaving (−1) the group at `slot`, after its
    /// occupancy changed: an overflowed key leaves the overflow with its last event there, a group left
    /// without events may be recycled.
    @inline(__always)
    private mutating func route(_ e: PredictionRef, sign: Int, slot: Int) {
        if slot == overflowSlots.plain || slot == overflowSlots.segment {
            routeOverflowed(e, sign: sign, slot: slot)
        } else if sign < 0, occupancy(slot) == 0 {
            if keys[slot].segment == nil { emptied.plain.append(slot) } else { emptied.segment.append(slot) }
        }
    }

    /// `route` into or out of an overflow group (out of line: rare).
    @inline(never)
    private mutating func routeOverflowed(_ e: PredictionRef, sign: Int, slot: Int) {
        // The event's own key: it leaves the overflow when its last event does.
        let key = slot == overflowSlots.plain
            ? GroupKey(model: e.model, version: e.version, segment: nil)
            : segmentKey(e)!
        let left = (overflowed[key] ?? 0) + sign
        if left > 0 {
            overflowed[key] = left
        } else {
            overflowed[key] = nil
            if slot == overflowSlots.plain { lastSlot = -1 }
        }
    }

    /// Adds or removes a label's contribution for prediction `e` (already counted here).
    mutating func applyLabel(_ label: OutputValue, of e: PredictionRef, sign: Int) {
        let group = slot(of: e)
        groups[group].applyLabel(label, of: e, sign: sign)
        if let seg = segmentSlot(e) { groups[seg].applyLabel(label, of: e, sign: sign) }
    }

    /// A label was joined to prediction `e`, which is counted here: its old label (if any) stops counting.
    mutating func replaceLabel(of e: PredictionRef, with label: OutputValue) {
        if let old = e.joinedLabel { applyLabel(old, of: e, sign: -1) }
        applyLabel(label, of: e, sign: 1)
    }

    /// Slides the covered range to `(from, to]` over the events of `window`, both ends forward; any other
    /// move recomputes from scratch.
    mutating func move(from: Double, to: Double, window: EventWindow) {
        precondition(order == .eventTime, "an aggregate by arrival moves by arrival numbers")
        // Index loops over the events' addresses: iterating or subscripting hands out copies of them.
        if let r = range, from >= r.from, to >= r.to {
            for i in window.predictionRange(from: r.from, to: min(from, r.to)) {
                window.withPrediction(at: i) { apply($0, sign: -1) }
            }
            for i in window.predictionRange(from: max(r.to, from), to: to) { window.withPrediction(at: i) { apply($0, sign: 1) } }
        } else {
            reset()
            fill(window.predictionRange(from: from, to: to), window: window)
        }
        range = (from, to)
        promoteBusiestOverflowed(window: window)
    }

    /// A prediction arrives in a count window (`Order.arrival`): it is routed to its groups now, and
    /// counted in them when the aggregate is next moved (`moveToHeld`). After the evictions it caused, as
    /// when events were counted on arrival: a group it emptied may take the new event's key.
    mutating func arrived(_ e: PredictionRef) {
        arrived(model: e.model, version: e.version, stream: e.record.pointee.stream)
        // Every arrival leaves its stream in `arrivalStream` (when it is not the overflow's).
        if let seg = segmentSlot(e) {
            routed[seg] += 1
            route(e, sign: 1, slot: seg)
        }
    }

    /// `arrived(_:)` without `segment_by`, by the prediction's stream number in the window, when it is the
    /// previous arrival's (see `arrivalStream`): returns false when it is not, and the caller then calls
    /// `arrived(model:version:stream:)`.
    @inline(__always)
    mutating func arrived(stream: UInt32) -> Bool {
        guard arrivalStream.slot >= 0, arrivalStream.number == stream else { return false }
        routed[arrivalStream.slot] += 1
        return true
    }

    /// `arrived(_:)` without `segment_by`, from the prediction's model and version alone: the caller then
    /// need not build a `PredictionRef` (three buffers retained and released, ~20 % of the routing).
    mutating func arrived(model: String, version: String, stream: UInt32) {
        let group = slot(model: model, version: version)
        routed[group] += 1
        if group == overflowSlots.plain {
            overflowed[GroupKey(model: model, version: version, segment: nil), default: 0] += 1
            arrivalStream = (stream, -1)
        } else {
            arrivalStream = (stream, group)
        }
    }

    /// The oldest prediction held leaves a count window (`Order.arrival`): it leaves the groups it was
    /// routed to, and is taken out of their counts if counted there.
    mutating func evicted(_ e: PredictionRef) {
        var counted = false
        // Counted when it is the first of `arrivals` (which starts at or after the oldest held, by less than
        // the window's size: the arrival number modulo 2^32 that the record keeps tells).
        if let r = arrivals, !r.isEmpty, UInt32(truncatingIfNeeded: r.lowerBound) == e.record.pointee.sequence {
            counted = true
            arrivals = (r.lowerBound + 1)..<r.upperBound
        }
        guard segmentBy == nil else {
            leave(e, counted: counted, slot: slot(of: e))
            if let seg = segmentSlot(e) { leave(e, counted: counted, slot: seg) }
            return
        }
        let stream = e.record.pointee.stream
        if evictionStream.slot >= 0, evictionStream.number == stream {
            leave(e, counted: counted, slot: evictionStream.slot)
            return
        }
        let group = slot(of: e)
        evictionStream = (stream, group == overflowSlots.plain ? -1 : group)
        leave(e, counted: counted, slot: group)
    }

    @inline(__always)
    private mutating func leave(_ e: PredictionRef, counted: Bool, slot: Int) {
        if counted { groups[slot].apply(e, sign: -1, lowConfidenceBelow: lowConfidence) }
        routed[slot] -= 1
        route(e, sign: -1, slot: slot)
    }

    /// Counts every prediction `window` holds (`Order.arrival`: a count window). The events that left
    /// since the last move were taken out as they left (`evicted(_:)`), so this only counts the
    /// ones that arrived since, or fills from empty after a `reset`.
    ///
    /// Why a count window's aggregate is moved when read rather than kept up to date by ingest: ingest
    /// counted every event as it arrived and took it out again as it left, twice the work of an aggregate
    /// nobody reads between two evaluations (`check` without rules reads it once, at the end): see "Count
    /// windows" in BENCHMARKS.md.
    /// - Complexity: O(events arrived since the last move), O(events held) after a reset.
    mutating func moveToHeld(_ window: EventWindow) {
        precondition(order == .arrival, "an aggregate by event time moves by event time")
        let first = window.droppedPredictions
        let target = first..<window.acceptedPredictions
        // (An empty range may lie wholly before `first`: the events after it left uncounted.)
        if let r = arrivals, r.isEmpty || r.lowerBound >= first {
            for s in max(r.upperBound, first)..<target.upperBound {
                window.withPrediction(at: s - first) { countRouted($0) }
            }
        } else {
            reset()
            fill(window.predictions.indices, window: window)
        }
        arrivals = target
    }

    /// Counts a held prediction in the groups it was routed to on arrival.
    private mutating func countRouted(_ e: PredictionRef) {
        groups[slot(of: e)].apply(e, sign: 1, lowConfidenceBelow: lowConfidence)
        if let seg = segmentSlot(e) { groups[seg].apply(e, sign: 1, lowConfidenceBelow: lowConfidence) }
    }

    /// Adds the predictions at `events` to an empty aggregate, each sorted column written once at its
    /// final size (see `expectFill`).
    private mutating func fill(_ events: Range<Int>, window: EventWindow) {
        expectFill(events, window: window)
        if order == .arrival {
            for i in events { window.withPrediction(at: i) { countRouted($0) } }
        } else {
            for i in events { window.withPrediction(at: i) { apply($0, sign: 1) } }
        }
        for g in groups.indices { groups[g].expectFill(0) }
    }

    /// Tells each group how many of `events` it will count (`GroupAccumulator.expectFill`), from a pass that
    /// only routes them: a fill from empty then writes each sorted column once, at its final size. The
    /// routing is the one `apply` then takes: groups are found (and created) in the order of the events,
    /// through `slot(for:)` as `slot(of:)` does; without `segment_by`, by the events' stream numbers alone
    /// (a load per event; the full route costs ~150 instructions per event).
    /// - Complexity: O(events).
    private mutating func expectFill(_ events: Range<Int>, window: EventWindow) {
        guard events.count > 4096 else { return }
        // Counts by slot, grown as slots appear (no closure: one capturing `counts` made every increment a
        // run-time exclusivity check).
        var counts: [Int] = []
        if segmentBy == nil {
            var slotOfStream: [UInt32: Int] = [:]
            var lastStream = UInt32.max
            var lastSlot = 0
            for i in events {
                let s = window.streamNumber(at: i)
                if s != lastStream {
                    if let known = slotOfStream[s] {
                        lastSlot = known
                    } else {
                        let stream = window.stream(s)
                        lastSlot = slot(for: GroupKey(model: stream.model, version: stream.version, segment: nil))
                        slotOfStream[s] = lastSlot
                    }
                    lastStream = s
                    if lastSlot >= counts.count { counts.append(contentsOf: repeatElement(0, count: lastSlot + 1 - counts.count)) }
                }
                counts[lastSlot] += 1
            }
            lastSlot = -1
        } else {
            for i in events {
                let (g, segment) = window.withPrediction(at: i) { e in (slot(of: e), segmentSlot(e)) }
                let top = max(g, segment ?? 0)
                if top >= counts.count { counts.append(contentsOf: repeatElement(0, count: top + 1 - counts.count)) }
                counts[g] += 1
                if let segment { counts[segment] += 1 }
            }
        }
        for (g, n) in counts.enumerated() where n > 0 { groups[g].expectFill(n) }
    }

    /// When a key counted in the overflow has at least twice the events of the least busy group kept
    /// apart (and more than one), the two swap places: the group's events move to the overflow and the
    /// key's events to a group of its own. At most one swap per move, so that the cost stays that of
    /// walking the window once.
    /// - Complexity: O(groups + overflowed keys + events in the range) when a swap happens, else
    ///   O(groups + overflowed keys).
    private mutating func promoteBusiestOverflowed(window: EventWindow) {
        guard let r = range, !overflowed.isEmpty,
            let (key, busy) = overflowed.max(by: { $0.value < $1.value }), busy > 1
        else { return }
        let overflow = [overflowSlots.plain, overflowSlots.segment]
        let isSegment = key.segment != nil
        guard let weakest = groups.indices.filter({
            !overflow.contains($0) && (keys[$0].segment != nil) == isSegment
        }).min(by: { groups[$0].count < groups[$1].count }), busy >= 2 * groups[weakest].count else { return }
        let demoted = keys[weakest]
        let overflowSlot = isSegment ? overflowSlots.segment! : overflowSlots.plain!
        // Take both keys' events out, swap the routing, put them back in.
        let segmentBy = self.segmentBy
        func matching(_ e: PredictionRef, _ k: GroupKey) -> Bool {
            guard e.model == k.model, e.version == k.version else { return false }
            guard let segment = k.segment, let segmentBy else { return true }
            return Self.segment(of: e.feature(named: segmentBy)) == segment
        }
        var moving: [Int] = []
        for i in window.predictionRange(from: r.from, to: r.to) {
            window.withPrediction(at: i) { e in
                if matching(e, key) || matching(e, demoted) { moving.append(i) }
            }
        }
        for i in moving {
            window.withPrediction(at: i) { e in
                apply(e, sign: -1, to: matching(e, key) ? overflowSlot : weakest)
            }
        }
        index[demoted] = nil
        groups[weakest] = GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories, maxFeatures: maxFeaturesPerGroup)
        keys[weakest] = key
        index[key] = weakest
        overflowed[key] = nil
        lastSlot = -1
        for i in moving {
            window.withPrediction(at: i) { e in
                let toSlot = matching(e, key) ? weakest : overflowSlot
                if toSlot == overflowSlot { overflowed[demoted, default: 0] += 1 }
                groups[toSlot].apply(e, sign: 1, lowConfidenceBelow: lowConfidence)
            }
        }
    }

    /// Drops the sorted columns' merge buffers (a copy kept as a checkpoint does not need them).
    mutating func releaseScratch() {
        for i in groups.indices { groups[i].releaseScratch() }
    }

    /// Gives in-place access to one group (its sorted columns settle when read).
    mutating func withGroup<R>(_ i: Int, _ body: (inout GroupAccumulator) -> R) -> R {
        body(&groups[i])
    }

    private mutating func slot(of e: PredictionRef) -> Int {
        slot(model: e.model, version: e.version)
    }

    private mutating func slot(model: String, version: String) -> Int {
        if lastSlot >= 0, lastModel == model, lastVersion == version { return lastSlot }
        let s = slot(for: GroupKey(model: model, version: version, segment: nil))
        (lastModel, lastVersion, lastSlot) = (model, version, s)
        return s
    }

    private func segmentKey(_ e: PredictionRef) -> GroupKey? {
        guard let segmentBy else { return nil }
        let v = e.feature(named: segmentBy)
        return GroupKey(model: e.model, version: e.version, segment: Self.segment(of: v))
    }

    /// The segment an event's `segment_by` value puts it in.
    static func segment(of v: FeatureValue) -> String {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number: return "(numeric)"
        case .text: return "(text)"
        case .missing: return "(missing)"
        }
    }

    private mutating func segmentSlot(_ e: PredictionRef) -> Int? {
        segmentKey(e).map { slot(for: $0) }
    }

    /// The slot of `key`'s group: its own, a recycled empty one, a new one below the cap, or the overflow.
    private mutating func slot(for key: GroupKey) -> Int {
        if let i = index[key] { return i }
        let isSegment = key.segment != nil
        if overflowed[key] != nil { return overflowSlot(segment: isSegment) }
        while let free = isSegment ? emptied.segment.popLast() : emptied.plain.popLast() {
            // Emptied since it was listed, and still empty (an event may have come back to it).
            guard occupancy(free) == 0, free != overflowSlots.plain, free != overflowSlots.segment,
                index[keys[free]] == free
            else { continue }
            index[keys[free]] = nil
            groups[free] = GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories, maxFeatures: maxFeaturesPerGroup)
            keys[free] = key
            index[key] = free
            lastSlot = -1
            return free
        }
        guard (isSegment ? kept.segment : kept.plain) < maxGroups else {
            overflowed[key] = 0
            return overflowSlot(segment: isSegment)
        }
        if isSegment { kept.segment += 1 } else { kept.plain += 1 }
        return append(key)
    }

    private mutating func overflowSlot(segment: Bool) -> Int {
        if let s = segment ? overflowSlots.segment : overflowSlots.plain { return s }
        let other = Cardinality.overflowName
        let s = append(GroupKey(model: other, version: other, segment: segment ? other : nil))
        if segment { overflowSlots.segment = s } else { overflowSlots.plain = s }
        return s
    }

    private mutating func append(_ key: GroupKey) -> Int {
        groups.append(GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories, maxFeatures: maxFeaturesPerGroup))
        routed.append(0)
        keys.append(key)
        index[key] = groups.count - 1
        return groups.count - 1
    }
}
