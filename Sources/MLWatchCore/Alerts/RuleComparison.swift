/// One `selector op threshold [recover threshold]` term of a rule expression.
public struct RuleComparison: Sendable, Equatable, CustomStringConvertible {
    /// Position of this comparison in the expression, left to right from 0; adaptive state and manual
    /// overrides are keyed by it.
    public var index: Int
    public var selector: MetricSelector
    public var op: ComparisonOperator
    public var threshold: ThresholdSpec
    /// Hysteresis: once the alert is active, the condition stays true until the value crosses this
    /// threshold (with the same operator), e.g. `> 250 recover 200` clears only at 200 or below.
    public var recover: ThresholdSpec?

    public init(
        index: Int = 0, selector: MetricSelector, op: ComparisonOperator, threshold: ThresholdSpec,
        recover: ThresholdSpec? = nil
    ) {
        self.index = index
        self.selector = selector
        self.op = op
        self.threshold = threshold
        self.recover = recover
    }

    public var description: String {
        var s = "\(selector) \(op.rawValue) \(threshold)"
        if let recover { s += " recover \(recover)" }
        return s
    }
}
