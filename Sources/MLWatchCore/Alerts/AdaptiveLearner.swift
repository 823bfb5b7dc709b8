import DequeModule

/// Learns one adaptive threshold for one series (rule × comparison × label set).
///
/// Modes, after the rule's `relearn:` key and whether reference values exist:
/// - reference, no `relearn`: learned once from the reference and frozen;
/// - reference and `relearn`: starts from the reference, re-learned from trailing history every interval;
/// - no reference, `relearn`: learned from trailing history every interval (first once `minSamples` exist);
/// - neither: learned from trailing history at every evaluation.
/// Trailing history is a bounded ring buffer; the engine feeds it only while the alert is not pending or
/// firing, so an incident does not teach the threshold to accept itself. The threshold for an evaluation is
/// always learned from values before it.
struct AdaptiveLearner: Sendable {
    let spec: AdaptiveThreshold
    let capacity: Int
    let minSamples: Int
    let relearnInterval: Double?
    let reference: [Double]
    private var history: Deque<Double> = []
    private var learned: Double?
    private var learnedAt: Double?

    init(spec: AdaptiveThreshold, capacity: Int, minSamples: Int, relearnInterval: Double?, reference: [Double]) {
        self.spec = spec
        self.capacity = max(1, capacity)
        self.minSamples = max(1, minSamples)
        self.relearnInterval = relearnInterval
        self.reference = reference.filter(\.isFinite)
    }

    var historyCount: Int { history.count }

    /// The threshold in force at event time `time` (nil until there is something to learn from).
    /// - Complexity: O(n) (O(n log n) for quantiles) when it re-learns, n the history size; O(1) otherwise.
    mutating func threshold(at time: Double) -> Double? {
        if !reference.isEmpty {
            if learnedAt == nil {
                learned = spec.learn(from: reference)
                learnedAt = time
            } else if let interval = relearnInterval, let at = learnedAt, time - at >= interval,
                history.count >= minSamples
            {
                learned = spec.learn(from: history)
                learnedAt = time
            }
            return learned
        }
        if let interval = relearnInterval {
            if history.count >= minSamples, learnedAt.map({ time - $0 >= interval }) ?? true {
                learned = spec.learn(from: history)
                learnedAt = time
            }
            return learned
        }
        return history.count >= minSamples ? spec.learn(from: history) : nil
    }

    /// Adds a value to the trailing history, dropping the oldest beyond capacity.
    /// - Complexity: O(1) amortized.
    mutating func observe(_ value: Double) {
        guard value.isFinite else { return }
        history.append(value)
        if history.count > capacity { history.removeFirst() }
    }
}
