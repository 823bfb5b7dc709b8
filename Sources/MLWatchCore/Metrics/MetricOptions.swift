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
    /// Most model/version groups a window keeps apart (and as many model/version/segment groups). A
    /// producer that writes a new model name on every line must not grow memory without bound: past this,
    /// the events of further groups are counted together in the `(other)` group, and the busiest keys win
    /// places (see `WindowAggregator`).
    public var maxGroups: Int
    /// Most features a group keeps; values of further feature names are counted, not kept.
    public var maxFeaturesPerGroup: Int
    /// A column with fewer non-missing window values is not tested for drift (`drift.min_samples`).
    public var driftMinSamples: Int

    public static let defaultMaxGroups = 2_000
    public static let defaultMaxFeaturesPerGroup = 1_000

    public init(segmentBy: String? = nil, lowConfidence: Double = 0.6, topCategories: Int = 5,
                maxCategories: Int = FeatureCardinality.defaultMaxCategories, compare: CompareOptions? = nil,
                fairness: FairnessOptions? = nil, maxGroups: Int = MetricOptions.defaultMaxGroups,
                maxFeaturesPerGroup: Int = MetricOptions.defaultMaxFeaturesPerGroup,
                driftMinSamples: Int = DriftSettings.defaultMinSamples) {
        self.segmentBy = segmentBy
        self.lowConfidence = lowConfidence
        self.topCategories = topCategories
        self.maxCategories = maxCategories
        self.compare = compare
        self.fairness = fairness
        self.maxGroups = max(1, maxGroups)
        self.maxFeaturesPerGroup = max(1, maxFeaturesPerGroup)
        self.driftMinSamples = max(1, driftMinSamples)
    }
}
