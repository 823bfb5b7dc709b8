/// Everything the metrics of one model/version(/segment) group need, for the events currently in a
/// window. Events are added when they enter the window's range and removed, with the same values, when
/// they leave it; every field is a count or a sorted multiset so that removal is exact.
struct GroupAccumulator {
    var count = 0
    var errors = 0
    var latencies = SortedColumn()
    var nullOutputs = 0
    var classCounts = CategoryCounts()
    var predictionValues = SortedColumn()
    /// Finite numeric predictions that are not whole numbers: the model is a regression.
    var fractionalPredictions = 0
    var scoreValues = SortedColumn()
    var lowConfidence = 0
    var feedback = CategoryCounts()
    var labelled = 0
    var correct = 0
    var absErrors = SortedColumn()
    var features: [FeatureAccumulator] = []
    /// Feature name → index in `features`, in order of first appearance.
    private var featureIndex: [String: Int] = [:]
    private(set) var featureNames: [String] = []
    /// Which features' values are kept; the others only count their events (`present`).
    let featureDemand: FeatureDemand
    /// `featureDemand.includes(featureNames[slot])`, per slot.
    private var featureKept: [Bool] = []
    /// The schema `schemaSlots` was worked out for (held, so that its identity is not reused), and the slot
    /// of each of its positions (`-1`: a feature beyond `maxFeatures`, counted in `overflowFeatures`).
    private var slotsSchema: FeatureSchema?
    private var schemaSlots: [Int] = []
    /// Most features kept; a feature whose values all left the window frees its slot for a new name.
    let maxFeatures: Int
    /// Slots whose feature emptied (candidates for recycling; checked again when taken).
    private var emptiedFeatures: [Int] = []
    /// Feature names beyond the cap, with the events carrying them: such a name stays unkept while any
    /// of its events is in the window, so each value leaves where it entered.
    private var overflowFeatures: [String: Int] = [:]

    /// Distinct strings a feature may have before it counts as free text (`FeatureAccumulator`).
    let maxCategories: Int
    /// At most how many events a fill from empty adds (see `expectFill`); 0 outside one.
    private var fillHint = 0

    init(featureDemand: FeatureDemand = .all, maxCategories: Int = FeatureCardinality.defaultMaxCategories,
         maxFeatures: Int = MetricOptions.defaultMaxFeaturesPerGroup) {
        self.featureDemand = featureDemand
        self.maxCategories = maxCategories
        self.maxFeatures = maxFeatures
    }

    /// Announces (`n` > 0) or ends (0) a fill from empty of at most `n` events: the sorted columns that
    /// fill take their final capacity at once (`SortedColumn.expectFill`); so do the feature columns
    /// created meanwhile. Label errors are left to grow (labels are usually a fraction of the events).
    mutating func expectFill(_ n: Int) {
        fillHint = n
        latencies.expectFill(n)
        predictionValues.expectFill(n)
        scoreValues.expectFill(n)
        for i in features.indices {
            features[i].numeric.expectFill(n)
            features[i].lengths.expectFill(n)
        }
    }

    /// The feature names counted but not kept (beyond `maxFeatures`) with events in the window.
    var overflowFeatureNames: Dictionary<String, Int>.Keys { overflowFeatures.keys }

    var regression: Bool { fractionalPredictions > 0 }

    /// Adds (`sign` +1) or removes (`sign` −1) one prediction and its label. By address: see
    /// `WindowAggregator.apply`.
    mutating func apply(_ p: PredictionRef, sign: Int, lowConfidenceBelow: Double) {
        count += sign
        if p.isError { errors += sign }
        if let l = p.latencyMs, l.isFinite { sign > 0 ? latencies.insert(l) : latencies.remove(l) }
        switch p.prediction {
        case .null:
            nullOutputs += sign
        case .number(let v):
            if v.isFinite {
                sign > 0 ? predictionValues.insert(v) : predictionValues.remove(v)
            }
            if v.isFinite && v != v.rounded() {
                // A regression output: class shares are not used while one is in the window, so its
                // (costly, unique) class key is not counted either.
                fractionalPredictions += sign
            } else if let k = p.prediction.classKey {
                classCounts.add(k, sign)
            }
        case .label(let k):
            classCounts.add(k, sign)
        }
        if let s = p.score, s.isFinite {
            sign > 0 ? scoreValues.insert(s) : scoreValues.remove(s)
            if max(s, 1 - s) < lowConfidenceBelow { lowConfidence += sign }
        }
        if let f = p.feedback, !f.isEmpty { feedback.add(f, sign) }
        if let label = p.inlineLabel ?? p.joinedLabel { applyLabel(label, of: p, sign: sign) }
        // The parser shares one schema between the events that name the same features in the same order:
        // their positions map to slots once per schema, not once per name per event.
        if p.schema !== slotsSchema { mapSlots(of: p.schema) }
        let values = p.features
        for position in 0..<values.count {
            let slot = schemaSlots[position]
            if slot < 0 {
                overflowFeature(p.schema.names[position], sign: sign)
            } else if featureKept[slot] {
                features[slot].apply(values[position], sign: sign)
            } else {
                features[slot].present += sign
            }
            if sign < 0, slot >= 0, features[slot].present == 0 { emptiedFeatures.append(slot) }
        }
    }

    private mutating func overflowFeature(_ name: String, sign: Int) {
        let left = (overflowFeatures[name] ?? 0) + sign
        if left > 0 {
            overflowFeatures[name] = left
        } else {
            overflowFeatures[name] = nil
            // The name may get a slot now: the mapping of schemas with it must be worked out again.
            slotsSchema = nil
        }
    }

    /// Makes `schemaSlots` the slot of each position of `schema` (adding slots for new names).
    private mutating func mapSlots(of schema: FeatureSchema) {
        schemaSlots.removeAll(keepingCapacity: true)
        for name in schema.names {
            if let i = featureIndex[name] {
                schemaSlots.append(i)
            } else if overflowFeatures[name] != nil {
                schemaSlots.append(-1)
            } else if let free = recycledFeatureSlot(excluding: schema) {
                featureIndex[featureNames[free]] = nil
                features[free] = FeatureAccumulator(maxCategories: maxCategories, fillHint: fillHint)
                featureNames[free] = name
                featureKept[free] = featureDemand.includes(name)
                featureIndex[name] = free
                schemaSlots.append(free)
            } else if features.count < maxFeatures {
                let slot = features.count
                features.append(FeatureAccumulator(maxCategories: maxCategories, fillHint: fillHint))
                featureNames.append(name)
                featureKept.append(featureDemand.includes(name))
                featureIndex[name] = slot
                schemaSlots.append(slot)
            } else {
                overflowFeatures[name] = 0
                schemaSlots.append(-1)
            }
        }
        slotsSchema = schema
    }

    /// A slot whose feature has no value in the window any more, once every slot is taken; not one of
    /// the schema being mapped (its names may be mapped to slots already).
    private mutating func recycledFeatureSlot(excluding schema: FeatureSchema) -> Int? {
        guard features.count >= maxFeatures else { return nil }
        while let free = emptiedFeatures.popLast() {
            guard features[free].present == 0, !schemaSlots.contains(free) else { continue }
            return free
        }
        return nil
    }

    mutating func releaseScratch() {
        latencies.releaseScratch()
        predictionValues.releaseScratch()
        scoreValues.releaseScratch()
        absErrors.releaseScratch()
        for i in features.indices {
            features[i].numeric.releaseScratch()
            features[i].lengths.releaseScratch()
        }
    }

    /// Adds or removes the contribution of a ground-truth label for prediction `e`.
    mutating func applyLabel(_ label: OutputValue, of e: PredictionRef, sign: Int) {
        guard label != .null else { return }
        labelled += sign
        if e.prediction.sameClass(as: label) { correct += sign }
        if let p = e.prediction.numericValue, let y = label.numericValue {
            let err = abs(p - y)
            if err.isFinite { sign > 0 ? absErrors.insert(err) : absErrors.remove(err) }
        }
    }
}

/// One feature's values within a group's window.
struct FeatureAccumulator {
    /// Events that carried the feature (any value, `null` included).
    var present = 0
    var missing = 0
    var numeric = SortedColumn()
    /// String values, while the feature is categorical (booleans are counted apart, in `trueCount` and
    /// `falseCount`, so that a feature turning into text converts exactly its strings).
    var categories = CategoryCounts()
    var trueCount = 0
    var falseCount = 0
    var lengthSum = 0
    var lengthCount = 0
    /// Values by JSON type, to tell numeric, categorical and mixed columns apart.
    var numbers = 0
    var categoricals = 0
    /// Set once the feature is free text (a `.text` value arrived, or more than `maxCategories` distinct
    /// strings are counted here): `lengths` then holds the length of every string and text value, and
    /// `categories` nothing. Sticky for this accumulator.
    private(set) var isText = false
    var lengths = SortedColumn()
    let maxCategories: Int

    /// - Parameter fillHint: see `GroupAccumulator.expectFill`.
    init(maxCategories: Int = FeatureCardinality.defaultMaxCategories, fillHint: Int = 0) {
        self.maxCategories = maxCategories
        if fillHint > 0 {
            numeric.expectFill(fillHint)
            lengths.expectFill(fillHint)
        }
    }

    mutating func apply(_ v: FeatureValue, sign: Int) {
        present += sign
        switch v {
        case .number(let d):
            numbers += sign
            if d.isFinite { sign > 0 ? numeric.insert(d) : numeric.remove(d) } else { missing += sign }
        case .string(let s):
            categoricals += sign
            let length: Int
            if isText {
                length = s.count
                sign > 0 ? lengths.insert(Double(length)) : lengths.remove(Double(length))
            } else {
                length = categories.add(s, sign)
                if categories.distinctCount > maxCategories { becomeText() }
            }
            lengthSum += sign * length
            lengthCount += sign
        case .text(let length):
            categoricals += sign
            if !isText { becomeText() }
            sign > 0 ? lengths.insert(Double(length)) : lengths.remove(Double(length))
            lengthSum += sign * length
            lengthCount += sign
        case .bool(let b):
            categoricals += sign
            if b { trueCount += sign } else { falseCount += sign }
        case .missing:
            missing += sign
        }
    }

    /// The counted strings become lengths; from now on only lengths are kept.
    private mutating func becomeText() {
        categories.forEachCounted { _, count, length in
            for _ in 0..<count { lengths.insert(Double(length)) }
        }
        categories = CategoryCounts()
        isText = true
    }

    /// Every category with a positive count, booleans as `"true"`/`"false"`.
    var categoryCounts: [String: Int] {
        var d = categories.dictionary
        if trueCount > 0 { d["true", default: 0] += trueCount }
        if falseCount > 0 { d["false", default: 0] += falseCount }
        return d
    }
}
