/// The per-group aggregates of the predictions in one event-time range `(from, to]` of the window,
/// kept up to date as the range slides: each event is added once when it enters the range and removed
/// once when it leaves, instead of every evaluation re-reading the whole window.
///
/// `MonitorState` keeps one for rule evaluations (which move by `slide`) and one for the displayed
/// window (which moves with the newest event); a count window uses one that covers every held event.
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

    init(options: MetricOptions, coversEverything: Bool, featureDemand: FeatureDemand = .all) {
        segmentBy = options.segmentBy
        lowConfidence = options.lowConfidence
        maxCategories = options.maxCategories
        maxGroups = options.maxGroups
        maxFeaturesPerGroup = options.maxFeaturesPerGroup
        self.coversEverything = coversEverything
        self.featureDemand = featureDemand
    }

    /// How the groups and features fit their caps now.
    var cardinality: Cardinality {
        var c = Cardinality(maxGroups: maxGroups, maxFeaturesPerGroup: maxFeaturesPerGroup)
        let overflow = [overflowSlots.plain, overflowSlots.segment].compactMap { $0 }
        c.groups = groups.indices.filter { groups[$0].count > 0 && !overflow.contains($0) }.count
        c.overflowGroups = overflowed.count
        c.overflowEvents = overflowSlots.plain.map { groups[$0].count } ?? 0
        var names = Set<String>()
        for g in groups { names.formUnion(g.overflowFeatureNames) }
        c.overflowFeatures = names.count
        return c
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
        if slot == overflowSlots.plain || slot == overflowSlots.segment {
            // The event's own key: it leaves the overflow when its last event does.
            let key = slot == overflowSlots.plain
                ? GroupKey(model: e.model, version: e.version, segment: nil)
                : segmentKey(e)!
            let left = (overflowed[key] ?? 0) + sign
            if left > 0 {
                overflowed[key] = left
            } else {
                overflowed[key] = nil
                if slot == overflowSlots.plain { lastGroup = nil }
            }
        } else if sign < 0, groups[slot].count == 0 {
            if keys[slot].segment == nil { emptied.plain.append(slot) } else { emptied.segment.append(slot) }
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
        guard !coversEverything else { return }
        // Index loops over the events' addresses: iterating or subscripting hands out copies of them.
        if let r = range, from >= r.from, to >= r.to {
            for i in window.predictionRange(from: r.from, to: min(from, r.to)) {
                window.withPrediction(at: i) { apply($0, sign: -1) }
            }
            for i in window.predictionRange(from: max(r.to, from), to: to) { window.withPrediction(at: i) { apply($0, sign: 1) } }
        } else {
            reset()
            let events = window.predictionRange(from: from, to: to)
            expectFill(events, window: window)
            for i in events { window.withPrediction(at: i) { apply($0, sign: 1) } }
            for g in groups.indices { groups[g].expectFill(0) }
        }
        range = (from, to)
        promoteBusiestOverflowed(window: window)
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
            lastGroup = nil
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
        lastGroup = nil
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
        if let last = lastGroup, last.model == e.model, last.version == e.version { return last.slot }
        let model = e.model
        let version = e.version
        let s = slot(for: GroupKey(model: model, version: version, segment: nil))
        lastGroup = (model, version, s)
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
            guard groups[free].count == 0, free != overflowSlots.plain, free != overflowSlots.segment,
                index[keys[free]] == free
            else { continue }
            index[keys[free]] = nil
            groups[free] = GroupAccumulator(featureDemand: featureDemand, maxCategories: maxCategories, maxFeatures: maxFeaturesPerGroup)
            keys[free] = key
            index[key] = free
            lastGroup = nil
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
        keys.append(key)
        index[key] = groups.count - 1
        return groups.count - 1
    }
}
