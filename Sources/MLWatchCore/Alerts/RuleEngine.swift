/// Evaluates alert rules against metric samples in event time and runs each alert's lifecycle
/// (pending, firing, acknowledged, snoozed, resolved), with adaptive thresholds, hysteresis, manual
/// threshold overrides, notification decisions and an optional durable journal.
///
/// A value type owned by one thread (the collector queue): every operation is a `mutating` method and time
/// is passed in (event time, seconds since the epoch); the engine never reads a clock.
///
/// One rule yields one alert per label set of its expression (the metric's labels; `and`/`or` combine label
/// sets as documented on `RuleExpression`). A series that stops appearing in the samples counts as false.
public struct RuleEngine: Sendable {
    private struct AlertKey: Hashable, Sendable {
        var rule: String
        var labels: Labels
    }

    private struct LearnerKey: Hashable, Sendable {
        var rule: String
        var comparison: Int
        var labels: Labels
        var recover: Bool
    }

    private struct Outcome {
        var labels: Labels
        var value: Double
        var threshold: Double?
        var condition: Bool
    }

    /// The rules, in config order.
    public let rules: [AlertRule]
    private let journal: (any AlertJournal)?
    private var series: [AlertKey: AlertSeries] = [:]
    private var learners: [LearnerKey: AdaptiveLearner] = [:]
    private var referenceValues: [String: [Labels: [Double]]] = [:]
    private var pendingOverrides: [(rule: String, override: ThresholdOverride?)] = []
    /// Manual thresholds in force, by rule name (they replace the first comparison's threshold).
    public private(set) var thresholdOverrides: [String: ThresholdOverride] = [:]
    /// Every transition so far, oldest first.
    public private(set) var timeline: [AlertTransition] = []
    /// Journal writes that failed during evaluations (the engine keeps running; the UI should show them).
    /// Only the latest 100 are kept.
    public private(set) var journalErrors: [AlertJournalError] = []
    /// Event time of the latest evaluation.
    public private(set) var lastEvaluation: Double?

    /// - Parameters:
    ///   - rules: rules with unique names.
    ///   - journal: where transitions and actions are recorded; nil keeps everything in memory only.
    public init(rules: [AlertRule], journal: (any AlertJournal)? = nil) {
        self.rules = rules
        self.journal = journal
    }

    // MARK: Learning

    /// Feeds samples of the reference period (e.g. metrics computed over reference windows). Adaptive
    /// thresholds of series with reference values are learned from them (a series without values of its own
    /// uses all reference values of its selector); call before the first evaluation, since feeding resets
    /// what adaptive thresholds had learned.
    public mutating func learnReference(_ samples: [MetricSample]) {
        for s in samples where s.value.isFinite {
            referenceValues[s.name, default: [:]][s.labels, default: []].append(s.value)
        }
        learners.removeAll()
    }

    // MARK: Evaluation

    /// Evaluates every rule at event time `time` and advances every alert.
    ///
    /// Manual threshold overrides set since the previous evaluation take effect now. An evaluation earlier
    /// than the previous one is ignored (returns nothing): event time only moves forward.
    /// - Returns: the transitions of this evaluation and those to notify for.
    @discardableResult
    public mutating func evaluate(_ samples: [MetricSample], at time: Double) -> RuleEvaluation {
        if let last = lastEvaluation, time < last { return RuleEvaluation() }
        lastEvaluation = time
        for (rule, override) in pendingOverrides { thresholdOverrides[rule] = override }
        pendingOverrides.removeAll()

        var result = RuleEvaluation()
        var entries: [AlertJournalEntry] = []
        for rule in rules {
            var observations: [(LearnerKey, Double)] = []
            let outcomes = evaluate(rule.expression, rule: rule, samples: samples, at: time, observations: &observations)
            var seen = Set<Labels>()
            var steps: [(Labels, Bool, Double?, Double?)] = outcomes.map { ($0.labels, $0.condition, $0.value, $0.threshold) }
            for o in outcomes { seen.insert(o.labels) }
            // Series that disappeared from the samples count as false, so their alerts can resolve.
            let missing = series.keys.filter { $0.rule == rule.name && !seen.contains($0.labels) }.map(\.labels).sorted()
            steps += missing.map { ($0, false, nil, nil) }
            for (labels, condition, value, threshold) in steps {
                let key = AlertKey(rule: rule.name, labels: labels)
                var s = series[key] ?? AlertSeries(rule: rule.name, labels: labels)
                if let value {
                    s.value = value
                    s.threshold = threshold
                }
                let before = s.displayState
                let note = s.step(condition: condition, at: time, forDuration: rule.forDuration, keepFiringFor: rule.keepFiringFor)
                var transition: AlertTransition?
                if s.displayState != before {
                    let t = makeTransition(s, rule: rule, from: before, time: time, actor: nil, note: note)
                    transition = t
                    result.transitions.append(t)
                    entries.append(AlertJournalEntry(t))
                }
                if s.shouldNotify {
                    s.markNotified()
                    let t = transition ?? makeTransition(s, rule: rule, from: before, time: time, actor: nil, note: "not yet notified")
                    result.notifications.append(t)
                    entries.append(notifiedEntry(s, rule: rule, time: time))
                }
                series[key] = s
            }
            // Learn only from values of series that are not pending or firing (after this evaluation).
            for (lkey, value) in observations where !(series[AlertKey(rule: rule.name, labels: lkey.labels)]?.isActive ?? false) {
                learners[lkey]?.observe(value)
            }
        }
        timeline += result.transitions
        writeToJournal(entries)
        return result
    }

    private mutating func evaluate(
        _ expression: RuleExpression, rule: AlertRule, samples: [MetricSample], at time: Double,
        observations: inout [(LearnerKey, Double)]
    ) -> [Outcome] {
        switch expression {
        case .comparison(let c):
            return evaluate(c, rule: rule, samples: samples, at: time, observations: &observations)
        case .and(let a, let b):
            let lhs = evaluate(a, rule: rule, samples: samples, at: time, observations: &observations)
            let rhs = evaluate(b, rule: rule, samples: samples, at: time, observations: &observations)
            return lhs.map { x in
                var x = x
                x.condition = x.condition && rhs.contains { Self.compatible(x.labels, $0.labels) && $0.condition }
                return x
            }
        case .or(let a, let b):
            let lhs = evaluate(a, rule: rule, samples: samples, at: time, observations: &observations)
            let rhs = evaluate(b, rule: rule, samples: samples, at: time, observations: &observations)
            var out = lhs.map { x in
                var x = x
                x.condition = x.condition || rhs.contains { Self.compatible(x.labels, $0.labels) && $0.condition }
                return x
            }
            out += rhs.filter { y in !lhs.contains { Self.compatible($0.labels, y.labels) } }
            return out
        }
    }

    /// Two label sets match when they agree on every label they share.
    private static func compatible(_ a: Labels, _ b: Labels) -> Bool {
        a.pairs.allSatisfy { p in b[p.key].map { $0 == p.value } ?? true }
    }

    private mutating func evaluate(
        _ c: RuleComparison, rule: AlertRule, samples: [MetricSample], at time: Double,
        observations: inout [(LearnerKey, Double)]
    ) -> [Outcome] {
        var latest: [Labels: Double] = [:]
        for s in samples where c.selector.matches(s) { latest[s.labels] = s.value }
        var out: [Outcome] = []
        for labels in latest.keys.sorted() {
            let value = latest[labels]!
            let active = series[AlertKey(rule: rule.name, labels: labels)]?.isActive ?? false
            let triggerKey = LearnerKey(rule: rule.name, comparison: c.index, labels: labels, recover: false)
            var trigger = threshold(c.threshold, key: triggerKey, selector: c.selector, rule: rule, at: time,
                                    value: value, observations: &observations)
            if c.index == 0, let o = thresholdOverrides[rule.name] { trigger = o.value }
            var effective = trigger
            if let spec = c.recover {
                let recoverKey = LearnerKey(rule: rule.name, comparison: c.index, labels: labels, recover: true)
                let r = threshold(spec, key: recoverKey, selector: c.selector, rule: rule, at: time,
                                  value: value, observations: &observations)
                if active, let r { effective = r }
            }
            let condition = effective.map { c.op.holds(value, $0) } ?? false
            out.append(Outcome(labels: labels, value: value, threshold: effective, condition: condition))
        }
        return out
    }

    private mutating func threshold(
        _ spec: ThresholdSpec, key: LearnerKey, selector: MetricSelector, rule: AlertRule, at time: Double,
        value: Double, observations: inout [(LearnerKey, Double)]
    ) -> Double? {
        switch spec {
        case .fixed(let v):
            return v
        case .adaptive(let a):
            var learner = learners[key] ?? AdaptiveLearner(
                spec: a, capacity: rule.historySize, minSamples: rule.minSamples,
                relearnInterval: rule.relearnInterval, reference: referenceValues(for: selector, labels: key.labels))
            let t = learner.threshold(at: time)
            learners[key] = learner
            observations.append((key, value))
            return t
        }
    }

    private func referenceValues(for selector: MetricSelector, labels: Labels) -> [Double] {
        guard let byLabels = referenceValues[selector.name] else { return [] }
        if let own = byLabels[labels] { return own }
        return byLabels.keys.sorted()
            .filter { l in selector.matchers.allSatisfy { $0.matches(l) } }
            .flatMap { byLabels[$0]! }
    }

    // MARK: Actions

    /// Acknowledges a firing alert's current incident (it keeps being evaluated and resolves normally; a new
    /// incident after that starts unacknowledged).
    @discardableResult
    public mutating func acknowledge(
        rule: String, labels: Labels, actor: String, note: String? = nil, at time: Double
    ) throws(AlertActionError) -> RuleEvaluation {
        try act(rule: rule, labels: labels, actor: actor, note: note, at: time, kind: .acknowledge) { s throws(AlertActionError) in
            try s.acknowledge(actor: actor, note: note, at: time)
            return (nil, nil)
        }
    }

    /// Snoozes an alert until event time `until`: it is still evaluated (and may change state) but does not
    /// notify; the snooze ends by itself at the first evaluation at or after `until`.
    @discardableResult
    public mutating func snooze(
        rule: String, labels: Labels, until: Double, actor: String, note: String? = nil, at time: Double
    ) throws(AlertActionError) -> RuleEvaluation {
        try act(rule: rule, labels: labels, actor: actor, note: note, at: time, kind: .snooze) { s throws(AlertActionError) in
            try s.snooze(until: until, actor: actor, note: note, at: time)
            return (until, nil)
        }
    }

    /// Undoes the latest acknowledgement or snooze of an alert. Undoing a snooze of an unacknowledged firing
    /// alert that was never notified notifies now.
    @discardableResult
    public mutating func undo(rule: String, labels: Labels, actor: String, at time: Double) throws(AlertActionError) -> RuleEvaluation {
        try act(rule: rule, labels: labels, actor: actor, note: nil, at: time, kind: .undo) { s throws(AlertActionError) in
            let (undone, restored) = try s.undo()
            return (restored?.until, undone)
        }
    }

    /// Attaches a note to an alert (shown with it and journaled, for the next shift).
    public mutating func addNote(rule: String, labels: Labels, note: String, actor: String, at time: Double) throws(AlertActionError) {
        guard let r = rules.first(where: { $0.name == rule }) else { throw .unknownRule(rule) }
        let key = AlertKey(rule: rule, labels: labels)
        guard var s = series[key] else { throw .unknownAlert(rule: rule, labels: labels) }
        do {
            try journal?.append(AlertJournalEntry(
                kind: .note, time: time, actor: actor, rule: rule, labels: labels.dictionary,
                severity: r.severity, incident: s.displayIncident, note: note))
        } catch {
            throw .journal(error)
        }
        s.note = note
        series[key] = s
    }

    /// Sets (or with `value: nil` clears) a manual threshold for a rule. It replaces the first comparison's
    /// threshold (fixed or learned) from the next evaluation on, is journaled, and is restored after a restart.
    public mutating func overrideThreshold(
        rule: String, value: Double?, actor: String, reason: String? = nil, at time: Double
    ) throws(AlertActionError) {
        guard rules.contains(where: { $0.name == rule }) else { throw .unknownRule(rule) }
        if let value, !value.isFinite { throw .invalidThreshold(value) }
        do {
            try journal?.append(AlertJournalEntry(
                kind: .thresholdOverride, time: time, actor: actor, rule: rule, threshold: value, note: reason))
        } catch {
            throw .journal(error)
        }
        pendingOverrides.append((rule, value.map { ThresholdOverride(rule: rule, value: $0, actor: actor, reason: reason, time: time) }))
    }

    private mutating func act(
        rule ruleName: String, labels: Labels, actor: String, note: String?, at time: Double,
        kind: AlertJournalEntry.Kind,
        _ change: (inout AlertSeries) throws(AlertActionError) -> (until: Double?, undone: AlertJournalEntry.Kind?)
    ) throws(AlertActionError) -> RuleEvaluation {
        guard let rule = rules.first(where: { $0.name == ruleName }) else { throw .unknownRule(ruleName) }
        let key = AlertKey(rule: ruleName, labels: labels)
        guard var s = series[key] else { throw .unknownAlert(rule: ruleName, labels: labels) }
        let before = s.displayState
        let (until, undone) = try change(&s)
        var shownNote = note
        if let undone { shownNote = "undo \(undone == .acknowledge ? "acknowledgement" : "snooze")" }
        let transition = makeTransition(s, rule: rule, from: before, time: time, actor: actor, note: shownNote)
        var entries = [AlertJournalEntry(transition, kind: kind, until: until, undone: undone)]
        entries[0].note = note ?? (undone == nil ? nil : shownNote)
        var result = RuleEvaluation(transitions: [transition])
        if s.shouldNotify {
            s.markNotified()
            result.notifications.append(transition)
            entries.append(notifiedEntry(s, rule: rule, time: time))
        }
        // Journal first: an action that would not survive a restart is refused rather than half-applied.
        do {
            try journal?.append(entries)
        } catch {
            throw .journal(error)
        }
        series[key] = s
        timeline.append(transition)
        return result
    }

    // MARK: Restart

    /// Restores alerts and overrides from a journal's state (call once, before the first evaluation): a firing
    /// alert stays firing with its incident number and acknowledgement, a snooze runs until its end, and an
    /// incident already notified is not notified again. Alerts of rules no longer configured are ignored.
    public mutating func restore(from state: AlertJournalState) {
        if let t = state.newestEventTime { lastEvaluation = max(lastEvaluation ?? t, t) }
        let names = Set(rules.map(\.name))
        for a in state.alerts where names.contains(a.rule) {
            let labels = Labels(a.labels)
            var s = AlertSeries(rule: a.rule, labels: labels)
            s.restore(from: a)
            series[AlertKey(rule: a.rule, labels: labels)] = s
        }
        for (rule, o) in state.thresholdOverrides where names.contains(rule) {
            thresholdOverrides[rule] = o
        }
    }

    /// Restores from the engine's own journal (`journal.loadState()`); does nothing without a journal.
    public mutating func restoreFromJournal() throws(AlertJournalError) {
        guard let journal else { return }
        restore(from: try journal.loadState())
    }

    // MARK: Views

    /// Alerts that are not inactive, in the order of `AlertInstance.listedBefore` (firing first, then
    /// pending, acknowledged, snoozed, resolved; by severity within a state), with annotations rendered.
    public var alerts: [AlertInstance] {
        let ruleByName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return series.values.compactMap { s -> AlertInstance? in
            guard s.displayState != .inactive, let rule = ruleByName[s.rule] else { return nil }
            let annotations = rule.annotations.mapValues {
                AlertTemplate.render($0, value: s.value, threshold: s.threshold, labels: s.labels)
            }
            return AlertInstance(
                rule: s.rule, labels: s.labels, state: s.displayState, severity: rule.severity, value: s.value,
                threshold: s.threshold, activeSince: s.activeSince, firedAt: s.firedAt, incident: s.displayIncident,
                summary: annotations["summary"] ?? "", acknowledgedBy: s.acknowledgement?.actor, note: s.note,
                snoozedUntil: s.snooze?.until, annotations: annotations)
        }
        .sorted(by: AlertInstance.listedBefore)
    }

    /// The threshold in force at the latest evaluation for one alert (learned, fixed, recovery or override).
    public func threshold(rule: String, labels: Labels) -> Double? {
        series[AlertKey(rule: rule, labels: labels)]?.threshold
    }

    /// The displayed state of one alert (`inactive` when it never appeared).
    public func state(rule: String, labels: Labels) -> AlertState {
        series[AlertKey(rule: rule, labels: labels)]?.displayState ?? .inactive
    }

    /// Broken state-machine invariants (empty when sound); for tests.
    func invariantViolations() -> [String] {
        series.values.compactMap { s in
            s.invariantViolation(now: lastEvaluation ?? .infinity).map { "\(s.rule)\(s.labels): \($0)" }
        }
    }

    // MARK: Helpers

    private func makeTransition(
        _ s: AlertSeries, rule: AlertRule, from: AlertState, time: Double, actor: String?, note: String?
    ) -> AlertTransition {
        AlertTransition(
            time: time, rule: rule.name, labels: s.labels.dictionary, from: from, to: s.displayState, value: s.value,
            threshold: s.threshold, severity: rule.severity, actor: actor, note: note, incident: s.displayIncident,
            activeSince: s.activeSince, firedAt: s.firedAt)
    }

    private func notifiedEntry(_ s: AlertSeries, rule: AlertRule, time: Double) -> AlertJournalEntry {
        AlertJournalEntry(
            kind: .notified, time: time, rule: rule.name, labels: s.labels.dictionary, severity: rule.severity,
            incident: s.displayIncident)
    }

    private mutating func writeToJournal(_ entries: [AlertJournalEntry]) {
        guard let journal, !entries.isEmpty else { return }
        do {
            try journal.append(entries)
        } catch {
            journalErrors.append(error)
            if journalErrors.count > 100 { journalErrors.removeFirst(journalErrors.count - 100) }
        }
    }
}
