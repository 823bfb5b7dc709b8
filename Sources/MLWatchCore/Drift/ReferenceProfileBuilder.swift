/// Accumulates prediction events into a `ReferenceProfile`.
public struct ReferenceProfileBuilder {
    private var numeric: [String: [Double]] = [:]
    private var categorical: [String: [String: Int]] = [:]
    private var predictionsNumeric: [Double] = []
    private var predictionClasses: [String: Int] = [:]
    private var regression = false
    private var scores: [Double] = []
    public private(set) var events = 0
    private var from: Double?
    private var to: Double?

    public init() {}

    public mutating func add(_ e: PredictionEvent) {
        events += 1
        from = min(from ?? e.timestamp, e.timestamp)
        to = max(to ?? e.timestamp, e.timestamp)
        for f in e.features {
            switch f.value {
            case .number(let d): numeric[f.name, default: []].append(d)
            case .string, .bool: categorical[f.name, default: [:]][f.value.categoryKey!, default: 0] += 1
            case .missing: numeric[f.name, default: []].append(.nan)
            }
        }
        if case .number(let v) = e.prediction {
            predictionsNumeric.append(v)
            if v.isFinite, v != v.rounded() { regression = true }
        }
        if let k = e.prediction.classKey { predictionClasses[k, default: 0] += 1 }
        if let s = e.score { scores.append(s) }
    }

    /// Categorical columns with more categories than `ReferenceProfile.maxCategoriesPerColumn`, and their
    /// number of categories: `build` leaves them out (no drift for them), as a saved profile could not
    /// hold them.
    public var oversizedColumns: [(name: String, categories: Int)] {
        var out: [(name: String, categories: Int)] = []
        for (name, counts) in mergedCategorical() where counts.count > ReferenceProfile.maxCategoriesPerColumn {
            out.append((name, counts.count))
        }
        if !regression, predictionClasses.count > ReferenceProfile.maxCategoriesPerColumn {
            out.append(("prediction", predictionClasses.count))
        }
        return out.sorted { $0.name < $1.name }
    }

    /// The profile; a column with any string or boolean value is categorical (numbers are then
    /// counted by their spelling), otherwise numeric. `oversizedColumns` are left out.
    public func build(sources: [String]) -> ReferenceProfile {
        var columns: [String: ColumnReference] = [:]
        for (name, values) in numeric where categorical[name] == nil {
            columns[name] = .numeric(NumericReference(values: values))
        }
        for (name, merged) in mergedCategorical() where merged.count <= ReferenceProfile.maxCategoriesPerColumn {
            columns[name] = .categorical(CategoricalReference(counts: merged))
        }
        if regression {
            columns["prediction"] = .numeric(NumericReference(values: predictionsNumeric))
        } else if !predictionClasses.isEmpty, predictionClasses.count <= ReferenceProfile.maxCategoriesPerColumn {
            columns["prediction"] = .categorical(CategoricalReference(counts: predictionClasses))
        }
        if !scores.isEmpty { columns["score"] = .numeric(NumericReference(values: scores)) }
        return ReferenceProfile(sources: sources, events: events, from: from, to: to, columns: columns)
    }

    /// The counts of each categorical column, its numbers counted by their spelling.
    private func mergedCategorical() -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (name, counts) in categorical {
            var merged = counts
            for v in numeric[name] ?? [] where v.isFinite {
                merged[OutputValue.number(v).classKey!, default: 0] += 1
            }
            out[name] = merged
        }
        return out
    }
}
