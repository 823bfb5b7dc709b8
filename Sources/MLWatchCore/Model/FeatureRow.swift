/// A prediction's input features: a shared `FeatureSchema` for the names and one value per name, in the
/// order the log wrote them. Reads as a collection of `FeatureEntry`s (name and value).
public struct FeatureRow: Sendable, RandomAccessCollection, Equatable, ExpressibleByArrayLiteral {
    public let schema: FeatureSchema
    /// `values[i]` is the value of `schema.names[i]`.
    public let values: [FeatureValue]

    /// - Precondition: one value per name of `schema`.
    public init(schema: FeatureSchema, values: [FeatureValue]) {
        precondition(schema.names.count == values.count, "FeatureRow: \(values.count) values for \(schema.names.count) names")
        self.schema = schema
        self.values = values
    }

    /// A row of its own (not shared) schema. The parser shares schemas between events; other producers of
    /// events (tests, the simulator, mapped fields) need not.
    public init<S: Sequence<FeatureEntry>>(_ entries: S) {
        var names: [String] = []
        var values: [FeatureValue] = []
        for e in entries {
            names.append(e.name)
            values.append(e.value)
        }
        self.init(schema: names.isEmpty ? .empty : FeatureSchema(names: names), values: values)
    }

    public init(arrayLiteral elements: FeatureEntry...) {
        self.init(elements)
    }

    public init() {
        self.init(schema: .empty, values: [])
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    public subscript(i: Int) -> FeatureEntry {
        FeatureEntry(name: schema.names[i], value: values[i])
    }

    /// The value of the first feature called `name`, `.missing` when there is none.
    public func value(named name: String) -> FeatureValue {
        schema.position(of: name).map { values[$0] } ?? .missing
    }

    public static func == (a: FeatureRow, b: FeatureRow) -> Bool {
        a.values == b.values && (a.schema === b.schema || a.schema.names == b.schema.names)
    }
}
