/// How the window's groups and features fit their caps (`MetricOptions.maxGroups`,
/// `maxFeaturesPerGroup`), reported in snapshots so that a capped window does not look complete.
public struct Cardinality: Sendable, Equatable {
    /// The caps in force.
    public var maxGroups: Int
    public var maxFeaturesPerGroup: Int
    /// Groups kept apart with events in the window (the overflow groups not included).
    public var groups: Int
    /// Distinct groups whose events are counted in the `(other)` groups, and how many events those are.
    public var overflowGroups: Int
    public var overflowEvents: Int
    /// Distinct feature names (over all groups) counted but not kept, beyond `maxFeaturesPerGroup`.
    public var overflowFeatures: Int

    public init(maxGroups: Int = MetricOptions.defaultMaxGroups, maxFeaturesPerGroup: Int = MetricOptions.defaultMaxFeaturesPerGroup,
                groups: Int = 0, overflowGroups: Int = 0, overflowEvents: Int = 0, overflowFeatures: Int = 0) {
        self.maxGroups = maxGroups
        self.maxFeaturesPerGroup = maxFeaturesPerGroup
        self.groups = groups
        self.overflowGroups = overflowGroups
        self.overflowEvents = overflowEvents
        self.overflowFeatures = overflowFeatures
    }

    /// Whether a cap is being hit (some events or features are not kept apart).
    public var isCapped: Bool { overflowGroups > 0 || overflowFeatures > 0 }

    /// The name of the overflow groups' model and version (and segment), as metrics label them.
    public static let overflowName = "(other)"
}
