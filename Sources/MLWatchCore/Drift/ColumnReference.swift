/// The reference side of one column, prepared once for every drift test.
public enum ColumnReference: Sendable, Codable, Equatable {
    case numeric(NumericReference)
    case categorical(CategoricalReference)
    /// A free-text feature (more distinct strings than `FeatureCardinality.maxCategories`): the lengths
    /// of its values, tested for drift as a numeric column.
    case text(NumericReference)
}
