/// The fairness of one model version in a window: per-group rates and the gaps between groups, for the
/// fairness view (the same numbers are in the snapshot's metrics).
public struct FairnessSummary: Sendable, Equatable {
    /// One value of the `group_by` feature and the counts behind its rates.
    public struct Group: Sendable, Equatable {
        public var name: String
        /// Non-null predictions of the group.
        public var predictions: Int
        /// Predictions equal to the positive value.
        public var selected: Int
        /// Predictions with a (non-null) label.
        public var labelled: Int
        /// Labelled predictions whose label is positive, and those of them predicted positive.
        public var labelPositives: Int
        public var truePositives: Int
        /// Labelled predictions whose label is not positive, and those of them predicted positive.
        public var labelNegatives: Int
        public var falsePositives: Int
        /// Nil ("n/a") when fewer than `min_samples` predictions are behind the rate.
        public var selectionRate: Double?
        public var truePositiveRate: Double?
        public var falsePositiveRate: Double?

        public init(name: String, predictions: Int = 0, selected: Int = 0, labelled: Int = 0, labelPositives: Int = 0,
                    truePositives: Int = 0, labelNegatives: Int = 0, falsePositives: Int = 0) {
            self.name = name
            self.predictions = predictions
            self.selected = selected
            self.labelled = labelled
            self.labelPositives = labelPositives
            self.truePositives = truePositives
            self.labelNegatives = labelNegatives
            self.falsePositives = falsePositives
        }
    }

    /// `model` and `version`.
    public var labels: Labels
    /// The `group_by` feature and the positive value.
    public var feature: String
    public var positive: String
    public var minSamples: Int
    /// By name (Unicode code point order).
    public var groups: [Group]
    /// Max − min selection rate over the groups that have one; nil with fewer than two such groups.
    public var demographicParityDifference: Double?
    /// Min / max selection rate (NaN when every rate is 0, as in Fairlearn); nil as above.
    public var demographicParityRatio: Double?
    /// Max − min true positive rate and false positive rate over the groups that have one.
    public var truePositiveRateGap: Double?
    public var falsePositiveRateGap: Double?
    /// The larger of the two gaps (Fairlearn's `equalized_odds_difference`, worst case); nil unless both exist.
    public var equalizedOddsDifference: Double?

    public init(labels: Labels, feature: String, positive: String, minSamples: Int, groups: [Group] = []) {
        self.labels = labels
        self.feature = feature
        self.positive = positive
        self.minSamples = minSamples
        self.groups = groups
    }

    public static func == (a: FairnessSummary, b: FairnessSummary) -> Bool {
        func same(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): return true
            case (let x?, let y?): return x == y || (x.isNaN && y.isNaN)
            default: return false
            }
        }
        return a.labels == b.labels && a.feature == b.feature && a.positive == b.positive && a.minSamples == b.minSamples
            && a.groups == b.groups && same(a.demographicParityDifference, b.demographicParityDifference)
            && same(a.demographicParityRatio, b.demographicParityRatio) && same(a.truePositiveRateGap, b.truePositiveRateGap)
            && same(a.falsePositiveRateGap, b.falsePositiveRateGap) && same(a.equalizedOddsDifference, b.equalizedOddsDifference)
    }
}
