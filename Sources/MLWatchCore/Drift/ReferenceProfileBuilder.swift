/// Accumulates prediction events into a `ReferenceProfile`.
///
/// Bounded per feature like the parser (`FeatureCardinality`): a feature with more than `maxCategories`
/// distinct strings, or whose values arrive as `.text`, keeps the lengths of its values (a text column)
/// instead of a count per distinct value.
public struct ReferenceProfileBuilder {
    public let maxCategories: Int
    private var numeric: [String: [Double]] = [:]
    /// String values by feature (booleans apart, so that a feature turning into text converts only these).
    private var categorical: [String: [String: Int]] = [:]
    private var booleans: [String: [String: Int]] = [:]
    /// Lengths of the values of free-text features.
    private var text: [String: [Double]] = [:]
    private var predictionsNumeric: [Double] = []
    private var predictionClasses: [String: Int] = [:]
    private var regression = false
    private var scores: [Double] = []
    public private(set) var events = 0
    private var from: Double?
    private var to: Double?

    public init(maxCategories: Int = FeatureCardinality.defaultMaxCategories) {
        self.maxCategories = maxCategories
    }

    public mutating func add(_ e: PredictionEvent) {
        events += 1
        from = min(from ?? e.timestamp, e.timestamp)
        to = max(to ?? e.timestamp, e.timestamp)
        for f in e.features {
            switch f.value {
            case .number(let d): numeric[f.name, default: []].append(d)
            case .string(let s):
                if text[f.name] != nil {
                    text[f.name]!.append(Double(s.count))
                } else {
                    categorical[f.name, default: [:]][s, default: 0] += 1
                    if categorical[f.name]!.count > maxCategories { becomeText(f.name) }
                }
            case .text(let length):
                if text[f.name] == nil { becomeText(f.name) }
                text[f.name]!.append(Double(length))
            case .bool(let b): booleans[f.name, default: [:]][b ? "true" : "false", default: 0] += 1
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

    /// Feature `name` is free text: its counted strings become lengths.
    private mutating func becomeText(_ name: String) {
        var lengths: [Double] = []
        for (value, n) in categorical.removeValue(forKey: name) ?? [:] {
            lengths.append(contentsOf: repeatElement(Double(value.count), count: n))
        }
        text[name] = lengths
    }

    /// Categorical columns with more categories than `ReferenceProfile.maxCategoriesPerColumn`, and their
    /// number of categories: `build` leaves them out (no drift for them), as a saved profile could not
    /// hold them. (Strings never get there: past `maxCategories` they are free text. Numbers counted by
    /// their spelling in a column that also has strings, and string predictions, can.)
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
    /// counted by their spelling), one with free text is a text column (other values count as dropped),
    /// otherwise numeric. `oversizedColumns` are left out.
    public func build(sources: [String]) -> ReferenceProfile {
        var columns: [String: ColumnReference] = [:]
        for (name, values) in numeric where categorical[name] == nil && booleans[name] == nil && text[name] == nil {
            columns[name] = .numeric(NumericReference(values: values))
        }
        for (name, merged) in mergedCategorical() where merged.count <= ReferenceProfile.maxCategoriesPerColumn {
            columns[name] = .categorical(CategoricalReference(counts: merged))
        }
        for (name, lengths) in text {
            let others = (numeric[name]?.count ?? 0) + (booleans[name]?.values.reduce(0, +) ?? 0)
            columns[name] = .text(NumericReference(values: lengths + repeatElement(.nan, count: others)))
        }
        if regression {
            columns["prediction"] = .numeric(NumericReference(values: predictionsNumeric))
        } else if !predictionClasses.isEmpty, predictionClasses.count <= ReferenceProfile.maxCategoriesPerColumn {
            columns["prediction"] = .categorical(CategoricalReference(counts: predictionClasses))
        }
        if !scores.isEmpty { columns["score"] = .numeric(NumericReference(values: scores)) }
        return ReferenceProfile(sources: sources, events: events, from: from, to: to, columns: columns)
    }

    /// The counts of each categorical (not free-text) column: strings, booleans, and its numbers counted by
    /// their spelling.
    private func mergedCategorical() -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for name in Set(categorical.keys).union(booleans.keys) where text[name] == nil {
            var merged = categorical[name] ?? [:]
            for (k, n) in booleans[name] ?? [:] { merged[k, default: 0] += n }
            for v in numeric[name] ?? [] where v.isFinite {
                merged[OutputValue.number(v).classKey!, default: 0] += 1
            }
            out[name] = merged
        }
        return out
    }
}
