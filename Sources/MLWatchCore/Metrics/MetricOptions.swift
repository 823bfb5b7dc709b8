/// Settings that shape the metrics of a window (from the config).
public struct MetricOptions: Sendable, Equatable {
    /// Feature whose category splits metrics into segments (`segment_by`).
    public var segmentBy: String?
    /// `low_confidence_rate` counts predictions whose confidence max(score, 1 − score) is below this.
    public var lowConfidence: Double
    /// How many categories `feature_category_share` lists before folding the rest into `other`.
    public var topCategories: Int
    /// Distinct strings a feature may take before it is treated as free text (`max_categories`; see
    /// `FeatureCardinality`).
    public var maxCategories: Int
    /// Versions compared against a baseline version (`compare`); nil: no comparison.
    public var compare: CompareOptions?
    /// Fairness across the groups of a feature (`fairness`); nil: none.
    public var fairness: FairnessOptions?

    public init(segmentBy: String? = nil, lowConfidence: Double = 0.6, topCategories: Int = 5,
                maxCategories: Int = FeatureCardinality.defaultMaxCategories, compare: CompareOptions? = nil,
                fairness: FairnessOptions? = nil) {
        self.segmentBy = segmentBy
        self.lowConfidence = lowConfidence
        self.topCategories = topCategories
        self.maxCategories = maxCategories
        self.compare = compare
        self.fairness = fairness
    }
}
