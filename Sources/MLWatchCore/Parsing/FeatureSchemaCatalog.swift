/// The parser's feature names by number, and the `FeatureSchema` it hands out for each sequence of names,
/// so that every line with the same feature names in the same order shares one schema.
///
/// Why numbers: the parser recognises a line's feature keys by their raw bytes (`ExpectedKeys`); with a
/// number as what a key means, telling whether a line writes the same names as the last one is an integer
/// comparison per key, with no `String` retained or compared. Bounded like `StringInterner`: past
/// `maxNames` names or `maxSchemas` schemas, new ones are not catalogued (such a line gets a schema of
/// its own, which is correct, only not shared).
struct FeatureSchemaCatalog {
    static let maxNames = 4096
    static let maxSchemas = 1024
    /// Marks a name that has no number (the catalog is full).
    static let uncatalogued: Int32 = -1

    /// The schema of the last line that had features (its `ids` are those of its names).
    private(set) var current = FeatureSchema.empty
    private var names: [String] = []
    private var numbers: [String: Int32] = [:]
    private var schemas: [[Int32]: FeatureSchema] = [:]

    /// The number of `name`, assigned now if it is new; `uncatalogued` when the catalog is full.
    mutating func number(of name: String) -> Int32 {
        if let n = numbers[name] { return n }
        guard names.count < Self.maxNames else { return Self.uncatalogued }
        let n = Int32(names.count)
        names.append(name)
        numbers[name] = n
        return n
    }

    /// The schema of the names numbered `ids` (`uncatalogued` ones spelled out in `spelled`, by position),
    /// which becomes `current` if all are catalogued.
    mutating func schema(ids: [Int32], spelled: [(position: Int, name: String)] = []) -> FeatureSchema {
        guard spelled.isEmpty else {
            var lineNames = ids.map { $0 >= 0 ? names[Int($0)] : "" }
            for s in spelled { lineNames[s.position] = s.name }
            return FeatureSchema(names: lineNames)
        }
        if let known = schemas[ids] {
            current = known
            return known
        }
        let schema = FeatureSchema(names: ids.map { names[Int($0)] }, ids: ids)
        if schemas.count < Self.maxSchemas { schemas[ids] = schema }
        current = schema
        return schema
    }
}
