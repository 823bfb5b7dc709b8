/// Everything the metrics of one model/version(/segment) group need, gathered in one pass over a window.
struct GroupAccumulator {
    var count = 0
    var errors = 0
    var latencies: [Double] = []
    var nullOutputs = 0
    var classCounts: [String: Int] = [:]
    var predictionSum = 0.0
    var predictionCount = 0
    var predictionValues: [Double] = []
    var scoreSum = 0.0
    var scoreCount = 0
    var scoreValues: [Double] = []
    var lowConfidence = 0
    var feedback: [String: Int] = [:]
    var labelled = 0
    var correct = 0
    var absErrorSum = 0.0
    var numericLabelled = 0
    var regression = false
    var features: [String: FeatureAccumulator] = [:]
    var featureOrder: [String] = []

    mutating func add(_ e: PredictionEvent, label: OutputValue?, lowConfidenceBelow: Double) {
        count += 1
        if e.isError { errors += 1 }
        if let l = e.latencyMs, l.isFinite { latencies.append(l) }
        switch e.prediction {
        case .null:
            nullOutputs += 1
        case .number(let v):
            if v.isFinite {
                predictionSum += v
                predictionCount += 1
                predictionValues.append(v)
                if v != v.rounded() { regression = true }
            }
            if let k = e.prediction.classKey { classCounts[k, default: 0] += 1 }
        case .label(let k):
            classCounts[k, default: 0] += 1
        }
        if let s = e.score, s.isFinite {
            scoreSum += s
            scoreCount += 1
            scoreValues.append(s)
            if max(s, 1 - s) < lowConfidenceBelow { lowConfidence += 1 }
        }
        if let f = e.feedback, !f.isEmpty { feedback[f, default: 0] += 1 }
        if let label, label != .null {
            labelled += 1
            if let p = e.prediction.classKey, p == label.classKey { correct += 1 }
            if let p = e.prediction.numericValue, let y = label.numericValue {
                absErrorSum += abs(p - y)
                numericLabelled += 1
            }
        }
        for f in e.features {
            if features[f.name] == nil {
                features[f.name] = FeatureAccumulator()
                featureOrder.append(f.name)
            }
            features[f.name]!.add(f.value)
        }
    }
}

/// One feature's values within a group's window.
struct FeatureAccumulator {
    var present = 0
    var missing = 0
    var numeric: [Double] = []
    var categories: [String: Int] = [:]
    var lengthSum = 0
    var lengthCount = 0
    var sawNumber = false
    var sawCategory = false

    mutating func add(_ v: FeatureValue) {
        present += 1
        switch v {
        case .number(let d):
            sawNumber = true
            if d.isFinite { numeric.append(d) } else { missing += 1 }
        case .string(let s):
            sawCategory = true
            categories[s, default: 0] += 1
            lengthSum += s.count
            lengthCount += 1
        case .bool(let b):
            sawCategory = true
            categories[b ? "true" : "false", default: 0] += 1
        case .missing:
            missing += 1
        }
    }
}
