/// Accumulates prediction events into a `ReferenceProfile`.
///
/// Bounded per feature like the parser (`FeatureCardinality`): a feature with more than `maxCategories`
/// distinct strings, or whose values arrive as `.text`, keeps the lengths of its values (a text column)
/// instead of a count per distinct value.
public struct ReferenceProfileBuilder {
    public let maxCategories: Int
    /// One per feature name, in order of first appearance.
    private var columns: [Column] = []
    private var slotOfName: [String: Int] = [:]
    /// The schema `schemaSlots` was worked out for (held, so that its identity is not reused), and the
    /// column of each of its positions. Why: a dictionary lookup of each feature's name per event was
    /// two thirds of building a profile (SipHash of the name, 20 features × 100,000 events).
    private var slotsSchema: FeatureSchema?
    private var schemaSlots: [Int] = []
    private var predictionsNumeric: [Double] = []
    private var predictionClasses: [String: Int] = [:]
    private var regression = false
    private var scores: [Double] = []
    public private(set) var events = 0
    private var from: Double?
    private var to: Double?

    /// What one feature's values add up to so far.
    private struct Column {
        let name: String
        /// Numbers, and NaN for each missing value (`sawNumeric`: any of either).
        var numbers: [Double] = []
        var sawNumeric = false
        /// Strings by value while the feature is categorical (`sawString`: any string, and not text).
        var strings: [String: Int] = [:]
        var sawString = false
        /// Booleans apart from strings, so that a feature turning into text converts only its strings.
        var booleans: [String: Int] = [:]
        /// Lengths of the values once the feature is free text.
        var lengths: [Double] = []
        var isText = false

        init(name: String) {
            self.name = name
        }

        /// The counted strings become lengths.
        mutating func becomeText() {
            for (value, n) in strings {
                lengths.append(contentsOf: repeatElement(Double(value.count), count: n))
            }
            strings = [:]
            sawString = false
            isText = true
        }
    }

    public init(maxCategories: Int = FeatureCardinality.defaultMaxCategories) {
        self.maxCategories = maxCategories
    }

    public mutating func add(_ e: PredictionEvent) {
        events += 1
        from = min(from ?? e.timestamp, e.timestamp)
        to = max(to ?? e.timestamp, e.timestamp)
        let schema = e.features.schema
        if schema !== slotsSchema { mapSlots(of: schema) }
        for (position, value) in e.features.values.enumerated() {
            let slot = schemaSlots[position]
            switch value {
            case .number(let d):
                columns[slot].numbers.append(d)
                columns[slot].sawNumeric = true
            case .string(let s):
                if columns[slot].isText {
                    columns[slot].lengths.append(Double(s.count))
                } else {
                    columns[slot].strings[s, default: 0] += 1
                    columns[slot].sawString = true
                    if columns[slot].strings.count > maxCategories { columns[slot].becomeText() }
                }
            case .text(let length):
                if !columns[slot].isText { columns[slot].becomeText() }
                columns[slot].lengths.append(Double(length))
            case .bool(let b):
                columns[slot].booleans[b ? "true" : "false", default: 0] += 1
            case .missing:
                columns[slot].numbers.append(.nan)
                columns[slot].sawNumeric = true
            }
        }
        if case .number(let v) = e.prediction {
            predictionsNumeric.append(v)
            if v.isFinite, v != v.rounded() { regression = true }
        }
        if let k = e.prediction.classKey { predictionClasses[k, default: 0] += 1 }
        if let s = e.score { scores.append(s) }
    }

    /// Makes `schemaSlots` the column of each position of `schema` (adding columns for new names).
    private mutating func mapSlots(of schema: FeatureSchema) {
        schemaSlots.removeAll(keepingCapacity: true)
        for name in schema.names {
            if let slot = slotOfName[name] {
                schemaSlots.append(slot)
            } else {
                columns.append(Column(name: name))
                slotOfName[name] = columns.count - 1
                schemaSlots.append(columns.count - 1)
            }
        }
        slotsSchema = schema
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
        var out: [String: ColumnReference] = [:]
        for c in columns where c.sawNumeric && !c.sawString && c.booleans.isEmpty && !c.isText {
            out[c.name] = .numeric(NumericReference(values: c.numbers))
        }
        for (name, merged) in mergedCategorical() where merged.count <= ReferenceProfile.maxCategoriesPerColumn {
            out[name] = .categorical(CategoricalReference(counts: merged))
        }
        for c in columns where c.isText {
            let others = c.numbers.count + c.booleans.values.reduce(0, +)
            out[c.name] = .text(NumericReference(values: c.lengths + repeatElement(.nan, count: others)))
        }
        if regression {
            out["prediction"] = .numeric(NumericReference(values: predictionsNumeric))
        } else if !predictionClasses.isEmpty, predictionClasses.count <= ReferenceProfile.maxCategoriesPerColumn {
            out["prediction"] = .categorical(CategoricalReference(counts: predictionClasses))
        }
        if !scores.isEmpty { out["score"] = .numeric(NumericReference(values: scores)) }
        return ReferenceProfile(sources: sources, events: events, from: from, to: to, columns: out)
    }

    /// The counts of each categorical (not free-text) column: strings, booleans, and its numbers counted by
    /// their spelling.
    private func mergedCategorical() -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for c in columns where (c.sawString || !c.booleans.isEmpty) && !c.isText {
            var merged = c.strings
            for (k, n) in c.booleans { merged[k, default: 0] += n }
            for v in c.numbers where v.isFinite {
                merged[OutputValue.number(v).classKey!, default: 0] += 1
            }
            out[c.name] = merged
        }
        return out
    }
}
