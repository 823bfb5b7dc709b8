/// A threshold set by hand for a rule (replacing the written or learned threshold of its first comparison).
public struct ThresholdOverride: Sendable, Equatable, Codable {
    public var rule: String
    public var value: Double
    public var actor: String
    public var reason: String?
    /// Event time it was set.
    public var time: Double

    public init(rule: String, value: Double, actor: String, reason: String? = nil, time: Double) {
        self.rule = rule
        self.value = value
        self.actor = actor
        self.reason = reason
        self.time = time
    }
}
