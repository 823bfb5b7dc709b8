/// The reference side of one column, prepared once for every drift test.
public enum ColumnReference: Sendable, Codable, Equatable {
    case numeric(NumericReference)
    case categorical(CategoricalReference)
}
