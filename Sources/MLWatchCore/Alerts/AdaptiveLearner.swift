/// Learns one adaptive threshold for one series (rule × comparison × label set).
///
/// Modes, after the rule's `relearn:` key and whether the reference taught it a threshold:
/// - reference, no `relearn`: learned once from the reference and frozen;
/// - reference and `relearn`: starts from the reference, re-learned from trailing history every interval;
/// - no reference, `relearn`: learned from trailing history every interval (first once `minSamples` exist);
/// - neither: learned from trailing history at every evaluation.
/// Trailing history holds one value per evaluation boundary (a bounded `ValueRuns`); the engine feeds it only
/// while the alert is not pending or firing, so an incident does not teach the threshold to accept itself.
/// Boundaries the schedule skipped because nothing changed are fed as a multiplicity (`observe(_:times:)`),
/// which leaves exactly the history that feeding each would. The threshold for an evaluation is always
/// learned from values before it.
struct AdaptiveLearner: Sendable {
    let spec: AdaptiveThreshold
    let capacity: Int
    let minSamples: Int
    let relearnInterval: Double?
    /// What the reference taught (nil: no reference, or nothing finite in it).
    let referenceThreshold: Double?
    private var history: ValueRuns
    private var learned: Double?
    private var learnedAt: Double?

    init(spec: AdaptiveThreshold, capacity: Int, minSamples: Int, relearnInterval: Double?, referenceThreshold: Double?) {
        self.spec = spec
        self.capacity = max(1, capacity)
        self.minSamples = max(1, minSamples)
        self.relearnInterval = relearnInterval
        self.referenceThreshold = referenceThreshold
        self.history = ValueRuns(capacity: self.capacity)
    }

    /// Learns the reference threshold from reference values (one per reference boundary, in time order).
    init(spec: AdaptiveThreshold, capacity: Int, minSamples: Int, relearnInterval: Double?, reference: [Double]) {
        self.init(spec: spec, capacity: capacity, minSamples: minSamples, relearnInterval: relearnInterval,
                  referenceThreshold: spec.learn(from: reference))
    }

    var historyCount: Int { history.count }

    /// The threshold in force at event time `time` (nil until there is something to learn from).
    /// - Complexity: O(r) (O(r log r) for quantiles) when it re-learns, r the runs in the history; O(1) otherwise.
    mutating func threshold(at time: Double) -> Double? {
        if let referenceThreshold {
            if learnedAt == nil {
                learned = referenceThreshold
                learnedAt = time
            } else if let interval = relearnInterval, let at = learnedAt, time - at >= interval,
                history.count >= minSamples
            {
                learned = spec.learn(runs: history.runs)
                learnedAt = time
            }
            return learned
        }
        if let interval = relearnInterval {
            if history.count >= minSamples, learnedAt.map({ time - $0 >= interval }) ?? true {
                learned = spec.learn(runs: history.runs)
                learnedAt = time
            }
            return learned
        }
        return history.count >= minSamples ? spec.learn(runs: history.runs) : nil
    }

    /// Adds a value to the trailing history `times` times (one per boundary it stood for), dropping the
    /// oldest beyond capacity.
    /// - Complexity: O(1) amortized.
    mutating func observe(_ value: Double, times: Int = 1) {
        guard value.isFinite, times > 0 else { return }
        history.append(value, times: times)
    }

    /// Learned from the trailing history at every evaluation (no reference, no `relearn:`): the threshold
    /// then moves at every boundary whose value the history takes.
    var learnsAtEveryEvaluation: Bool { referenceThreshold == nil && relearnInterval == nil }

    /// When an evaluation after boundary `index` (the rule engine's count), whose value the series keeps,
    /// could see another threshold than the one it would get now: each later boundary feeds the same value
    /// when `observing` (the series is neither pending nor firing), none otherwise. Never later than the
    /// truth; possibly earlier (an evaluation then finds nothing new). A learner that learns at every
    /// evaluation says never: its threshold moves at every boundary, which matters only where a comparison
    /// changes (`boundariesUntilConditionChanges`); the display catches up with `RuleEngine.settle`.
    func nextChange(afterBoundary index: Int, observing: Bool) -> EvaluationDue {
        if learnsAtEveryEvaluation { return .never }
        let held = history.count
        // Boundary `index + j` learns from `held + j − 1` values when each boundary adds one.
        let enough: EvaluationDue = observing ? .boundary(index + max(1, minSamples - held + 1)) : .never
        if referenceThreshold != nil {
            guard let interval = relearnInterval, let at = learnedAt else { return .never }
            return held >= minSamples ? .time(at + interval) : enough
        }
        guard let interval = relearnInterval, held >= minSamples else { return enough }
        return learnedAt.map { .time($0 + interval) } ?? .boundary(index + 1)
    }

    /// For a learner that learns at every evaluation and is fed `value` at every boundary from now on: how
    /// many boundaries after the current one `value op threshold` first holds other than `condition` (nil:
    /// never — the history fills up with `value` first, and the threshold stops moving). Each step learns
    /// from exactly the history that boundary would learn from, so the answer is exact.
    /// - Complexity: O(c · r) for capacity c and r runs in the history, at most.
    func boundariesUntilConditionChanges(value: Double, op: ComparisonOperator, condition: Bool) -> Int? {
        var h = history
        var j = 1
        while true {
            let t = h.count >= minSamples ? spec.learn(runs: h.runs) : nil
            if (t.map { op.holds(value, $0) } ?? false) != condition { return j }
            // Nothing more to add (a saturated history, or a value it does not take): the threshold stays.
            guard value.isFinite, h.append(value) else { return nil }
            j += 1
        }
    }
}
