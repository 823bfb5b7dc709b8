/// `fairness: {group_by, positive, min_samples}`: which feature splits the predictions into groups, which
/// prediction (and label) value is the favourable outcome, and how many predictions a rate needs before it
/// is shown.
public struct FairnessOptions: Sendable, Equatable {
    /// The feature whose values are the groups (e.g. `applicant_group`).
    public var groupBy: String
    /// The favourable outcome, as a class key (`1`, `approve`): a prediction or label is positive when its
    /// class key equals this (a number such as 1.0 is spelled `1`).
    public var positive: String
    /// A rate needs at least this many predictions behind it: predictions for the selection rate, labelled
    /// positives for the true positive rate, labelled negatives for the false positive rate (at least 1).
    /// Below that the rate is "n/a" (no metric), not a misleading 0, and it is left out of the gaps.
    public var minSamples: Int

    /// The default `min_samples`.
    public static let defaultMinSamples = 20

    public init(groupBy: String, positive: String = "1", minSamples: Int = FairnessOptions.defaultMinSamples) {
        self.groupBy = groupBy
        self.positive = positive
        self.minSamples = max(1, minSamples)
    }
}
