/// The feature names of a prediction, in the order its line wrote them: one instance is shared by every
/// event the parser read with the same names in the same order.
///
/// Why shared rather than a name per value: a log writes the same names on every line, and a `String` per
/// feature per event meant a retain when the event was built and a release when it left the window, for
/// each name too long to be stored inline (over 15 bytes), and 16 bytes of name in every value. Consumers
/// that see the same schema again (`GroupAccumulator`) reuse what they worked out for it by identity.
public final class FeatureSchema: Sendable {
    public let names: [String]
    /// The parser's numbers for `names` (`FeatureSchemaCatalog`); empty for schemas made elsewhere.
    let ids: [Int32]

    public init(names: [String]) {
        self.names = names
        self.ids = []
    }

    init(names: [String], ids: [Int32]) {
        self.names = names
        self.ids = ids
    }

    /// No features.
    public static let empty = FeatureSchema(names: [])

    /// Position of the first feature called `name`.
    public func position(of name: String) -> Int? {
        names.firstIndex(of: name)
    }
}
