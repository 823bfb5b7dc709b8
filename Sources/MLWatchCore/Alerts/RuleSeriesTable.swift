/// The alerts of one rule, one `AlertSeries` per label set, and the adaptive learners of its comparisons,
/// with a bound on how many label sets are kept.
///
/// Label sets come and go with the data (a model name per customer, a feature per column): a series that is
/// inactive, not snoozed and absent from the samples (`quiescent`) needs no evaluation, so only the present
/// ones and the `live` ones are stepped — an evaluation costs what the window holds, not every label set ever
/// seen. When more than `capacity` label sets would be kept, the quiescent ones seen longest ago are
/// forgotten (with their learners; one that comes back starts over, at incident 1). Live series are never
/// forgotten; a new label set that finds the table full of live ones is not tracked, and counted.
struct RuleSeriesTable: Sendable {
    /// An adaptive learner's key within the rule.
    struct LearnerKey: Hashable, Sendable {
        var comparison: Int
        var labels: Labels
        var recover: Bool
    }

    private(set) var series: [Labels: AlertSeries] = [:]
    /// Boundary number at which each label set was last present in the samples.
    private var lastSeen: [Labels: Int] = [:]
    /// Label sets whose series would change even while absent (pending, firing, resolved, or snoozed).
    private(set) var live: Set<Labels> = []
    var learners: [LearnerKey: AdaptiveLearner] = [:]
    /// Boundary number at which each learner was last asked for a threshold.
    private var learnerUsed: [LearnerKey: Int] = [:]
    let capacity: Int
    /// Label sets forgotten to stay within `capacity`.
    private(set) var forgotten = 0
    /// Label sets not tracked because every kept series was live.
    private(set) var untracked = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    subscript(labels: Labels) -> AlertSeries? {
        series[labels]
    }

    /// Stores a series after a step or an action; keeps `live` in step.
    mutating func store(_ s: AlertSeries) {
        series[s.labels] = s
        if s.isQuiescent { live.remove(s.labels) } else { live.insert(s.labels) }
    }

    /// Changes the series of `labels` in place (a new one from `make` when none is kept) and keeps `live` in
    /// step, as a lookup and `store` would, hashing the label set once for both (and `live` only when the
    /// series turns live or quiescent: `live` holds exactly the kept series that are not quiescent, since
    /// every change goes through here or `store`, and `makeRoom` forgets only quiescent ones).
    mutating func update(_ labels: Labels, orNew make: () -> AlertSeries, _ change: (inout AlertSeries) -> Void) {
        var inserted = false
        func fresh() -> AlertSeries {
            inserted = true
            return make()
        }
        func apply(_ s: inout AlertSeries) -> (wasQuiescent: Bool, isQuiescent: Bool) {
            let was = s.isQuiescent
            change(&s)
            return (was, s.isQuiescent)
        }
        let (wasQuiescent, isQuiescent) = apply(&series[labels, default: fresh()])
        let wasLive = !inserted && !wasQuiescent
        if wasLive == isQuiescent {
            if isQuiescent { live.remove(labels) } else { live.insert(labels) }
        }
    }

    /// Notes that `labels` were present in the samples of boundary `b`.
    mutating func saw(_ labels: Labels, at b: Int) {
        lastSeen[labels] = b
    }

    mutating func usedLearner(_ key: LearnerKey, at b: Int) {
        learnerUsed[key] = b
    }

    /// Whether a series for `labels` is kept or can be made room for (forgetting quiescent series seen
    /// longest ago, down to 90 % of capacity, so that the sort is paid once per tenth of the capacity).
    /// Counts the label set as untracked when not.
    /// - Complexity: O(1), or O(n log n) when it forgets.
    mutating func makeRoom(for labels: Labels) -> Bool {
        if series.count < capacity || series[labels] != nil { return true }
        let target = capacity - max(1, capacity / 10)
        let candidates = series.values.filter { $0.isQuiescent }
            .map { (seen: lastSeen[$0.labels] ?? 0, labels: $0.labels) }
            .sorted { $0.seen != $1.seen ? $0.seen < $1.seen : $0.labels < $1.labels }
        let gone = Set(candidates.prefix(max(0, series.count - target)).map(\.labels))
        if !gone.isEmpty {
            for labels in gone {
                series[labels] = nil
                lastSeen[labels] = nil
            }
            for key in learners.keys where gone.contains(key.labels) {
                learners[key] = nil
                learnerUsed[key] = nil
            }
            forgotten += gone.count
        }
        if series.count < capacity { return true }
        untracked += 1
        return false
    }

    /// Forgets learners (of label sets without a series: the right-hand side of an `and` over other labels)
    /// used longest ago, when there are more than `limit`.
    mutating func boundLearners(to limit: Int) {
        guard learners.count > limit else { return }
        let target = limit - max(1, limit / 10)
        let candidates = learners.keys.filter { series[$0.labels] == nil }
            .sorted { a, b in
                let (ua, ub) = (learnerUsed[a] ?? 0, learnerUsed[b] ?? 0)
                if ua != ub { return ua < ub }
                if a.labels != b.labels { return a.labels < b.labels }
                return a.comparison != b.comparison ? a.comparison < b.comparison : !a.recover && b.recover
            }
        for key in candidates.prefix(max(0, learners.count - target)) {
            learners[key] = nil
            learnerUsed[key] = nil
        }
    }
}
