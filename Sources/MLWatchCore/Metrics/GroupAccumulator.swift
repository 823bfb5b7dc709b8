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

    init(featureDemand: FeatureDemand = .all) {
        self.featureDemand = featureDemand
    }

    var regression: Bool { fractionalPredictions > 0 }

    /// Adds (`sign` +1) or removes (`sign` −1) one prediction and its label. By address: see
    /// `WindowAggregator.apply`.
    mutating func apply(_ p: UnsafePointer<PredictionEvent>, sign: Int, lowConfidenceBelow: Double) {
        count += sign
        if PredictionEvent.isError(status: p.pointee.status) { errors += sign }
        if let l = p.pointee.latencyMs, l.isFinite { sign > 0 ? latencies.insert(l) : latencies.remove(l) }
        switch p.pointee.prediction {
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
            } else if let k = p.pointee.prediction.classKey {
                classCounts.add(k, sign)
            }
        case .label(let k):
            classCounts.add(k, sign)
        }
        if let s = p.pointee.score, s.isFinite {
            sign > 0 ? scoreValues.insert(s) : scoreValues.remove(s)
            if max(s, 1 - s) < lowConfidenceBelow { lowConfidence += sign }
        }
        if let f = p.pointee.feedback, !f.isEmpty { feedback.add(f, sign) }
        if let label = p.pointee.inlineLabel ?? p.pointee.joinedLabel { applyLabel(label, of: p, sign: sign) }
        p.pointee.features.withUnsafeBufferPointer { entries in
            for position in entries.indices {
                let f = entries.baseAddress! + position
                // Producers write the same features in the same order: try the slot at the same position
                // before hashing the name (String == is a pointer compare for the parser's interned names).
                let slot: Int
                if position < featureNames.count, featureNames[position] == f.pointee.name {
                    slot = position
                } else if let i = featureIndex[f.pointee.name] {
                    slot = i
                } else {
                    let name = f.pointee.name
                    slot = features.count
                    features.append(FeatureAccumulator())
                    featureNames.append(name)
                    featureKept.append(featureDemand.includes(name))
                    featureIndex[name] = slot
                }
                if featureKept[slot] {
                    features[slot].apply(f.pointee.value, sign: sign)
                } else {
                    features[slot].present += sign
                }
            }
        }
    }

    mutating func releaseScratch() {
        latencies.releaseScratch()
        predictionValues.releaseScratch()
        scoreValues.releaseScratch()
        absErrors.releaseScratch()
        for i in features.indices { features[i].numeric.releaseScratch() }
    }

    /// Adds or removes the contribution of a ground-truth label for prediction `e`.
    mutating func applyLabel(_ label: OutputValue, of e: UnsafePointer<PredictionEvent>, sign: Int) {
        guard label != .null else { return }
        labelled += sign
        if e.pointee.prediction.sameClass(as: label) { correct += sign }
        if let p = e.pointee.prediction.numericValue, let y = label.numericValue {
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
    var categories = CategoryCounts()
    var lengthSum = 0
    var lengthCount = 0
    /// Values by JSON type, to tell numeric, categorical and mixed columns apart.
    var numbers = 0
    var categoricals = 0

    mutating func apply(_ v: FeatureValue, sign: Int) {
        present += sign
        switch v {
        case .number(let d):
            numbers += sign
            if d.isFinite { sign > 0 ? numeric.insert(d) : numeric.remove(d) } else { missing += sign }
        case .string(let s):
            categoricals += sign
            lengthSum += sign * categories.add(s, sign)
            lengthCount += sign
        case .bool(let b):
            categoricals += sign
            categories.add(b ? "true" : "false", sign)
        case .missing:
            missing += sign
        }
    }
}
