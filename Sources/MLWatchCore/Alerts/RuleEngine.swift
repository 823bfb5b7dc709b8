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
    private typealias LearnerKey = RuleSeriesTable.LearnerKey

    /// A value a comparison read for one label set, and what its adaptive learner (trigger or recovery) is
    /// fed; for a trigger threshold learned at every evaluation, the comparison's operator and result too.
    private struct Observation {
        var key: LearnerKey
        var value: Double
        /// The comparison's operator and result at this step, when they depend on this learner's threshold
        /// (a trigger threshold, no manual override, the series inactive); nil otherwise.
        var comparison: (op: ComparisonOperator, holds: Bool)?
    }

    private struct Outcome {
        var labels: Labels
        var value: Double
        var threshold: Double?
        var condition: Bool
    }

    /// What the engine keeps per rule besides its series: when it was last stepped and what that step fed
    /// its learners (fed again for the boundaries skipped since), and when it next has something to do.
    private struct RuleProgress: Sendable {
        /// Boundary number of the rule's last step.
        var steppedAt = 0
        /// Learner values fed at the last step (series neither pending nor firing).
        var fed: [(LearnerKey, Double)] = []
        /// Label sets present at the last step.
        var present: [Labels] = []
        var due: EvaluationDue = .never
    }

    /// Identifies an engine and its copies (`MonitorState` tells a reload from a change to the same engine).
    final class Instance: Sendable {}
    let instance = Instance()

    /// The rules, in config order.
    public let rules: [AlertRule]
    private let journal: (any AlertJournal)?
    private let ruleIndex: [String: Int]
    /// Each rule's comparisons, left to right (computed once: `RuleExpression.comparisons` walks the tree).
    private let comparisons: [[RuleComparison]]
    /// Whether a rule has a `recover` threshold (then a series that turns active or inactive reads another
    /// threshold at the next evaluation, even with unchanged metrics).
    private let hasRecover: [Bool]
    private var tables: [RuleSeriesTable]
    private var progress: [RuleProgress]
    private var reference: AdaptiveReference?
    private var pendingOverrides: [(rule: String, override: ThresholdOverride?)] = []
    /// The samples of the latest evaluation, and the positions of those a rule reads, by the slot of their
    /// metric name in `readNames` (indexing only the names rules read, into arrays kept from one evaluation
    /// to the next: a dictionary of every sample's name, rebuilt per evaluation, was a tenth of a sparse
    /// log's `check`, which evaluates at nearly every event).
    private var samples: [MetricSample] = []
    private var samplesByName: [[Int]]
    /// The metric names the rules' selectors read, each with its slot in `samplesByName`.
    private let readNames: [String: Int]
    /// Scratch buffers of `step`, emptied (keeping their capacity) and refilled at each step: building them
    /// anew was an allocation and a free each per step, and a sparse log steps at nearly every event.
    private var stepScratch = StepScratch()

    private struct StepScratch: Sendable {
        /// Label sets of the outcomes stepped so far (only built when outcomes or live series could repeat).
        var seen = Set<Labels>()
        var steps: [(labels: Labels, condition: Bool, value: Double?, threshold: Double?)] = []
        var absent: [Labels] = []
    }
    /// Manual thresholds in force, by rule name (they replace the first comparison's threshold).
    public private(set) var thresholdOverrides: [String: ThresholdOverride] = [:]
    /// Every transition so far, oldest first.
    public private(set) var timeline: [AlertTransition] = []
    /// Journal writes that failed during evaluations (the engine keeps running; the UI should show them).
    /// Only the latest 100 are kept.
    public private(set) var journalErrors: [AlertJournalError] = []
    /// Event time of the latest evaluation (or skipped boundary).
    public private(set) var lastEvaluation: Double?
    /// Evaluation boundaries so far, skipped ones included.
    public private(set) var boundaries = 0
    /// When an evaluation with the latest samples next has something to do (see `evaluateUnchanged`).
    public private(set) var nextDue: EvaluationDue = .never
    /// Label sets kept per rule at most (see `RuleSeriesTable`).
    public let maxSeriesPerRule: Int

    /// The default bound on label sets per rule.
    public static let defaultMaxSeriesPerRule = 10_000

    /// - Parameters:
    ///   - rules: rules with unique names.
    ///   - journal: where transitions and actions are recorded; nil keeps everything in memory only.
    ///   - maxSeriesPerRule: label sets kept per rule (quiescent ones seen longest ago are forgotten beyond).
    public init(rules: [AlertRule], journal: (any AlertJournal)? = nil,
                maxSeriesPerRule: Int = RuleEngine.defaultMaxSeriesPerRule) {
        self.rules = rules
        self.journal = journal
        self.maxSeriesPerRule = max(1, maxSeriesPerRule)
        self.ruleIndex = Dictionary(rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.comparisons = rules.map(\.expression.comparisons)
        self.hasRecover = comparisons.map { $0.contains { $0.recover != nil } }
        var names: [String: Int] = [:]
        for c in comparisons.joined() where names[c.selector.name] == nil { names[c.selector.name] = names.count }
        self.readNames = names
        self.samplesByName = Array(repeating: [], count: names.count)
        self.tables = rules.map { _ in RuleSeriesTable(capacity: max(1, maxSeriesPerRule)) }
        self.progress = rules.map { _ in RuleProgress() }
    }

    // MARK: Learning

    /// Feeds samples of the reference period (e.g. metrics computed over reference windows), one value per
    /// boundary in time order. Adaptive thresholds of series with reference values are learned from them (a
    /// series without values of its own uses all reference values of its selector); call before the first
    /// evaluation, since feeding resets what adaptive thresholds had learned.
    public mutating func learnReference(_ samples: [MetricSample]) {
        var r = AdaptiveReference(rules: rules)
        for s in samples { r.add([s], times: 1) }
        learnReference(r)
    }

    /// Takes what a reference taught adaptive thresholds (`AdaptiveReference`, e.g. from `ReferenceLog.read`).
    /// Call before the first evaluation: it resets what adaptive thresholds had learned.
    public mutating func learnReference(_ reference: AdaptiveReference) {
        var r = reference
        r.finish()
        self.reference = r
        for i in tables.indices { tables[i].learners.removeAll() }
        markAllDue()
    }

    // MARK: Evaluation

    /// Evaluates every rule at event time `time` against `samples` and advances every alert.
    ///
    /// Manual threshold overrides set since the previous evaluation take effect now. An evaluation earlier
    /// than the previous one is ignored (returns nothing): event time only moves forward.
    /// - Returns: the transitions of this evaluation and those to notify for.
    @discardableResult
    public mutating func evaluate(_ samples: [MetricSample], at time: Double) -> RuleEvaluation {
        if let last = lastEvaluation, time < last { return RuleEvaluation() }
        self.samples = samples
        for slot in samplesByName.indices { samplesByName[slot].removeAll(keepingCapacity: true) }
        for (i, s) in samples.enumerated() {
            if let slot = readNames[s.name] { samplesByName[slot].append(i) }
        }
        return run(at: time, all: true)
    }

    /// Evaluates at event time `time` with the samples of the previous evaluation (the window did not
    /// change): only the rules with something due (`nextDue`) are stepped; the others count the boundary and
    /// step lazily. Gives exactly what `evaluate` with those samples gives.
    @discardableResult
    public mutating func evaluateUnchanged(at time: Double) -> RuleEvaluation {
        if let last = lastEvaluation, time < last { return RuleEvaluation() }
        return run(at: time, all: false)
    }

    /// Counts `count` boundaries, the last at event time `time`, at which the samples were those of the
    /// previous evaluation and nothing was due (`nextDue` after them): evaluating each would have changed
    /// nothing but the adaptive histories, which are fed the boundaries later, when their rule is next
    /// stepped.
    /// - Complexity: O(1).
    public mutating func skip(boundaries count: Int, through time: Double) {
        guard count > 0 else { return }
        if let last = lastEvaluation, time < last { return }
        boundaries += count
        lastEvaluation = time
    }

    /// Brings every rule up to the latest boundary: a rule not stepped at the boundaries since its last step
    /// (nothing was due) is stepped now, at the latest one. Nothing changes state by it; what moves is the
    /// displayed threshold of an adaptive threshold learned at every evaluation, whose history grew by the
    /// boundaries skipped. Call before reading `alerts` or thresholds (the snapshot does).
    public mutating func settle() {
        guard let time = lastEvaluation, !samples.isEmpty else { return }
        var result = RuleEvaluation()
        var entries: [AlertJournalEntry] = []
        var due = EvaluationDue.never
        for r in rules.indices {
            if progress[r].steppedAt < boundaries { step(r, at: time, into: &result, entries: &entries) }
            due = due.earliest(progress[r].due)
        }
        nextDue = due
        timeline += result.transitions
        writeToJournal(entries)
    }

    private mutating func run(at time: Double, all: Bool) -> RuleEvaluation {
        lastEvaluation = time
        boundaries += 1
        for (rule, override) in pendingOverrides { thresholdOverrides[rule] = override }
        pendingOverrides.removeAll()

        var result = RuleEvaluation()
        var entries: [AlertJournalEntry] = []
        var due = EvaluationDue.never
        for r in rules.indices {
            if all || progress[r].due.isDue(time: time, boundary: boundaries) {
                step(r, at: time, into: &result, entries: &entries)
            }
            due = due.earliest(progress[r].due)
        }
        nextDue = due
        timeline += result.transitions
        writeToJournal(entries)
        return result
    }

    /// Steps one rule at the current boundary: feeds its learners the boundaries skipped since its last
    /// step, evaluates its expression, steps its present and live series, feeds its learners.
    private mutating func step(_ r: Int, at time: Double, into result: inout RuleEvaluation, entries: inout [AlertJournalEntry]) {
        let rule = rules[r]
        // Moved out of the array and back (not copied): a copy would make the first change to its
        // dictionaries copy them whole, O(label sets) per step.
        var table = RuleSeriesTable(capacity: 1)
        swap(&table, &tables[r])
        defer { swap(&table, &tables[r]) }
        // Moved out too, so that its `fed` and `present` buffers are refilled in place.
        var p = RuleProgress()
        swap(&p, &progress[r])
        var scratch = StepScratch()
        swap(&scratch, &stepScratch)
        defer { swap(&scratch, &stepScratch) }
        let repeats = boundaries - p.steppedAt - 1
        if repeats > 0 {
            // The boundaries skipped since the rule's last step saw the same samples and changed nothing
            // else: their values, and their presence, are counted now.
            for (key, value) in p.fed { table.learners[key]?.observe(value, times: repeats) }
            for labels in p.present { table.saw(labels, at: boundaries - 1) }
        }
        p.steppedAt = boundaries

        var observations: [Observation] = []
        let outcomes = evaluate(rule.expression, rule: rule, table: &table, at: time, observations: &observations)
        // Outcomes in order, the first of each label set, then the live series absent from them. The set of
        // label sets is needed only when a label set could repeat (more than one outcome) or live series
        // must be told from present ones.
        scratch.steps.removeAll(keepingCapacity: true)
        scratch.steps.reserveCapacity(outcomes.count)
        let needsSeen = outcomes.count > 1 || !table.live.isEmpty
        if needsSeen {
            scratch.seen.removeAll(keepingCapacity: true)
            for o in outcomes where scratch.seen.insert(o.labels).inserted {
                scratch.steps.append((o.labels, o.condition, o.value, o.threshold))
            }
        } else {
            for o in outcomes { scratch.steps.append((o.labels, o.condition, o.value, o.threshold)) }
        }
        // Live series that disappeared from the samples count as false, so their alerts can resolve.
        // (Quiescent absent ones would not change.)
        if !table.live.isEmpty {
            scratch.absent.removeAll(keepingCapacity: true)
            for labels in table.live where !scratch.seen.contains(labels) { scratch.absent.append(labels) }
            scratch.absent.sort()
            for labels in scratch.absent { scratch.steps.append((labels, false, nil, nil)) }
        }
        var due = EvaluationDue.never
        p.present.removeAll(keepingCapacity: true)
        for (labels, condition, value, threshold) in scratch.steps {
            if value != nil {
                guard table.makeRoom(for: labels) else { continue }
                table.saw(labels, at: boundaries)
                p.present.append(labels)
            }
            // In place: one hash of the label set for the lookup and the store.
            table.update(labels, orNew: { AlertSeries(rule: rule.name, labels: labels) }) { s in
                let wasActive = s.isActive
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
                due = due.earliest(s.nextChange(afterBoundary: boundaries, forDuration: rule.forDuration,
                                                keepFiringFor: rule.keepFiringFor))
                if hasRecover[r], s.isActive != wasActive { due = due.earliest(.boundary(boundaries + 1)) }
            }
        }
        // Learn only from values of series that are not pending or firing (after this evaluation).
        p.fed.removeAll(keepingCapacity: true)
        for o in observations {
            let observing = !(table[o.key.labels]?.isActive ?? false)
            if observing {
                table.learners[o.key]?.observe(o.value)
                p.fed.append((o.key, o.value))
            }
            guard let learner = table.learners[o.key] else { continue }
            due = due.earliest(learner.nextChange(afterBoundary: boundaries, observing: observing))
            if observing, learner.learnsAtEveryEvaluation, let c = o.comparison,
               let j = learner.boundariesUntilConditionChanges(value: o.value, op: c.op, condition: c.holds)
            {
                // The threshold moves at every boundary; the comparison changes only here.
                due = due.earliest(.boundary(boundaries + j))
            }
        }
        table.boundLearners(to: maxSeriesPerRule * 2 * max(1, comparisons[r].count))
        p.due = due
        progress[r] = p
    }

    private func evaluate(
        _ expression: RuleExpression, rule: AlertRule, table: inout RuleSeriesTable, at time: Double,
        observations: inout [Observation]
    ) -> [Outcome] {
        switch expression {
        case .comparison(let c):
            return evaluate(c, rule: rule, table: &table, at: time, observations: &observations)
        case .and(let a, let b):
            let lhs = evaluate(a, rule: rule, table: &table, at: time, observations: &observations)
            let rhs = evaluate(b, rule: rule, table: &table, at: time, observations: &observations)
            return lhs.map { x in
                var x = x
                x.condition = x.condition && rhs.contains { Self.compatible(x.labels, $0.labels) && $0.condition }
                return x
            }
        case .or(let a, let b):
            let lhs = evaluate(a, rule: rule, table: &table, at: time, observations: &observations)
            let rhs = evaluate(b, rule: rule, table: &table, at: time, observations: &observations)
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

    private func evaluate(
        _ c: RuleComparison, rule: AlertRule, table: inout RuleSeriesTable, at time: Double,
        observations: inout [Observation]
    ) -> [Outcome] {
        // The latest value per label set, in label order. A single matching sample (the common case: one
        // series per selector) needs neither the dictionary nor the sort.
        var matched: [(labels: Labels, value: Double)] = []
        let positions = readNames[c.selector.name].map { samplesByName[$0] } ?? []
        for i in positions where c.selector.matches(samples[i]) {
            matched.append((samples[i].labels, samples[i].value))
        }
        if matched.count > 1 {
            var latest: [Labels: Double] = [:]
            for m in matched { latest[m.labels] = m.value }
            matched = latest.keys.sorted().map { ($0, latest[$0]!) }
        }
        var out: [Outcome] = []
        out.reserveCapacity(matched.count)
        for (labels, value) in matched {
            let active = table[labels]?.isActive ?? false
            let triggerKey = LearnerKey(comparison: c.index, labels: labels, recover: false)
            let learnedAt = observations.count
            var trigger = threshold(c.threshold, key: triggerKey, selector: c.selector, rule: rule, table: &table,
                                    at: time, value: value, observations: &observations)
            let overridden = c.index == 0 && thresholdOverrides[rule.name] != nil
            if overridden { trigger = thresholdOverrides[rule.name]!.value }
            var effective = trigger
            if let spec = c.recover {
                let recoverKey = LearnerKey(comparison: c.index, labels: labels, recover: true)
                let r = threshold(spec, key: recoverKey, selector: c.selector, rule: rule, table: &table, at: time,
                                  value: value, observations: &observations)
                if active, let r { effective = r }
            }
            let condition = effective.map { c.op.holds(value, $0) } ?? false
            if observations.count > learnedAt, observations[learnedAt].key == triggerKey, !overridden,
               c.recover == nil || !active {
                observations[learnedAt].comparison = (c.op, condition)
            }
            out.append(Outcome(labels: labels, value: value, threshold: effective, condition: condition))
        }
        return out
    }

    private func threshold(
        _ spec: ThresholdSpec, key: LearnerKey, selector: MetricSelector, rule: AlertRule,
        table: inout RuleSeriesTable, at time: Double, value: Double, observations: inout [Observation]
    ) -> Double? {
        switch spec {
        case .fixed(let v):
            return v
        case .adaptive(let a):
            var learner = table.learners[key] ?? AdaptiveLearner(
                spec: a, capacity: rule.historySize, minSamples: rule.minSamples, relearnInterval: rule.relearnInterval,
                referenceThreshold: reference?.threshold(spec: a, selector: selector, labels: key.labels))
            let t = learner.threshold(at: time)
            table.learners[key] = learner
            table.usedLearner(key, at: boundaries)
            observations.append(Observation(key: key, value: value))
            return t
        }
    }

    /// Every rule steps at the next evaluation (after an action, a reload, a restore).
    private mutating func markAllDue() {
        for i in progress.indices { progress[i].due = .boundary(0) }
        nextDue = .boundary(0)
    }

    private mutating func markDue(_ r: Int) {
        progress[r].due = .boundary(0)
        nextDue = .boundary(0)
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
        guard let ri = ruleIndex[rule] else { throw .unknownRule(rule) }
        let r = rules[ri]
        guard var s = tables[ri][labels] else { throw .unknownAlert(rule: rule, labels: labels) }
        do {
            try journal?.append(AlertJournalEntry(
                kind: .note, time: time, actor: actor, rule: rule, labels: labels.dictionary,
                severity: r.severity, incident: s.displayIncident, note: note))
        } catch {
            throw .journal(error)
        }
        s.note = note
        tables[ri].store(s)
    }

    /// Sets (or with `value: nil` clears) a manual threshold for a rule. It replaces the first comparison's
    /// threshold (fixed or learned) from the next evaluation on, is journaled, and is restored after a restart.
    public mutating func overrideThreshold(
        rule: String, value: Double?, actor: String, reason: String? = nil, at time: Double
    ) throws(AlertActionError) {
        guard let ri = ruleIndex[rule] else { throw .unknownRule(rule) }
        if let value, !value.isFinite { throw .invalidThreshold(value) }
        do {
            try journal?.append(AlertJournalEntry(
                kind: .thresholdOverride, time: time, actor: actor, rule: rule, threshold: value, note: reason))
        } catch {
            throw .journal(error)
        }
        pendingOverrides.append((rule, value.map { ThresholdOverride(rule: rule, value: $0, actor: actor, reason: reason, time: time) }))
        markDue(ri)
    }

    private mutating func act(
        rule ruleName: String, labels: Labels, actor: String, note: String?, at time: Double,
        kind: AlertJournalEntry.Kind,
        _ change: (inout AlertSeries) throws(AlertActionError) -> (until: Double?, undone: AlertJournalEntry.Kind?)
    ) throws(AlertActionError) -> RuleEvaluation {
        guard let ri = ruleIndex[ruleName] else { throw .unknownRule(ruleName) }
        let rule = rules[ri]
        settle()
        guard var s = tables[ri][labels] else { throw .unknownAlert(rule: ruleName, labels: labels) }
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
        tables[ri].store(s)
        markDue(ri)
        timeline.append(transition)
        return result
    }

    // MARK: Restart

    /// Restores alerts and overrides from a journal's state (call once, before the first evaluation): a firing
    /// alert stays firing with its incident number and acknowledgement, a snooze runs until its end, and an
    /// incident already notified is not notified again. Alerts of rules no longer configured are ignored.
    public mutating func restore(from state: AlertJournalState) {
        if let t = state.newestEventTime { lastEvaluation = max(lastEvaluation ?? t, t) }
        for a in state.alerts {
            guard let ri = ruleIndex[a.rule] else { continue }
            let labels = Labels(a.labels)
            var s = AlertSeries(rule: a.rule, labels: labels)
            s.restore(from: a)
            guard tables[ri].makeRoom(for: labels) else { continue }
            tables[ri].store(s)
        }
        for (rule, o) in state.thresholdOverrides where ruleIndex[rule] != nil {
            thresholdOverrides[rule] = o
        }
        markAllDue()
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
        var shown: [AlertInstance] = []
        for (r, table) in tables.enumerated() {
            let rule = rules[r]
            // Every alert that is not inactive is live.
            for labels in table.live {
                guard let s = table[labels], s.displayState != .inactive else { continue }
                let annotations = rule.annotations.mapValues {
                    AlertTemplate.render($0, value: s.value, threshold: s.threshold, labels: s.labels)
                }
                shown.append(AlertInstance(
                    rule: s.rule, labels: s.labels, state: s.displayState, severity: rule.severity, value: s.value,
                    threshold: s.threshold, activeSince: s.activeSince, firedAt: s.firedAt, incident: s.displayIncident,
                    summary: annotations["summary"] ?? "", acknowledgedBy: s.acknowledgement?.actor, note: s.note,
                    snoozedUntil: s.snooze?.until, annotations: annotations))
            }
        }
        return shown.sorted(by: AlertInstance.listedBefore)
    }

    /// The threshold in force at the latest evaluation for one alert (learned, fixed, recovery or override).
    public func threshold(rule: String, labels: Labels) -> Double? {
        ruleIndex[rule].flatMap { tables[$0][labels]?.threshold }
    }

    /// The displayed state of one alert (`inactive` when it never appeared).
    public func state(rule: String, labels: Labels) -> AlertState {
        ruleIndex[rule].flatMap { tables[$0][labels]?.displayState } ?? .inactive
    }

    /// Puts what the rules say into a snapshot of the window they watch: alerts, their timeline, the
    /// thresholds of the snapshot's metrics, and the series bound when a rule hit it.
    public func describe(into snapshot: inout Snapshot) {
        snapshot.alerts = alerts
        snapshot.timeline = timeline
        snapshot.thresholds = thresholds(for: snapshot.metrics)
        let limit = seriesLimit
        if limit.wasHit { snapshot.alertSeriesLimit = limit }
    }

    /// The thresholds each rule applies to the series among `metrics` it watches (learned, recovery or
    /// overridden ones included), for the dashboard's markers.
    /// - Complexity: O(m + Σ matching samples) for m metrics.
    public func thresholds(for metrics: [MetricSample]) -> [MetricThreshold] {
        var byName: [String: [Int]] = [:]
        for (i, m) in metrics.enumerated() { byName[m.name, default: []].append(i) }
        var out: [MetricThreshold] = []
        for (r, rule) in rules.enumerated() {
            for c in comparisons[r] {
                for i in byName[c.selector.name] ?? [] where c.selector.matches(metrics[i]) {
                    let m = metrics[i]
                    let value: Double?
                    if let learned = tables[r][m.labels]?.threshold {
                        value = learned
                    } else if case .fixed(let v) = c.threshold {
                        value = v
                    } else {
                        value = nil
                    }
                    if let value {
                        out.append(MetricThreshold(metric: m.name, labels: m.labels, value: value, rule: rule.name,
                                                   op: c.op.rawValue))
                    }
                }
            }
        }
        return out
    }

    /// Label sets each rule forgot or could not track to stay within `maxSeriesPerRule` (rules that did
    /// neither are left out).
    public var seriesLimit: AlertSeriesLimit {
        var limit = AlertSeriesLimit(cap: maxSeriesPerRule)
        for (r, table) in tables.enumerated() where table.forgotten > 0 || table.untracked > 0 {
            limit.forgotten[rules[r].name] = table.forgotten
            limit.untracked[rules[r].name] = table.untracked
        }
        return limit
    }

    /// Label sets kept per rule, in config order (for tests and the bound's checks).
    var seriesCounts: [Int] { tables.map(\.series.count) }

    /// Broken state-machine invariants (empty when sound); for tests.
    func invariantViolations() -> [String] {
        var out = tables.flatMap(\.series.values).compactMap { s in
            s.invariantViolation(now: lastEvaluation ?? .infinity).map { "\(s.rule)\(s.labels): \($0)" }
        }
        // `RuleSeriesTable.update` relies on it: `live` is exactly the kept series that are not quiescent.
        for (r, table) in tables.enumerated() {
            let notQuiescent = Set(table.series.values.filter { !$0.isQuiescent }.map(\.labels))
            if notQuiescent != table.live {
                out.append("\(rules[r].name): \(table.live.count) live series, \(notQuiescent.count) not quiescent")
            }
        }
        return out
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
