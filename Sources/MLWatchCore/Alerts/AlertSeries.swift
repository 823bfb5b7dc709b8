/// The lifecycle of one rule × label set: the state machine of ARCHITECTURE.md.
///
/// ```
/// inactive ─cond─► pending ─for elapsed─► firing ─cond false for keep_firing_for─► resolved ─► inactive
///    │                 └─cond false─► inactive        ▲ (for: 0 goes inactive ─► firing at once)
///    └──────────────── resolved ─cond─► pending/firing (a new incident)
/// ```
/// Acknowledgement belongs to the firing incident (so it cannot outlive it: a new incident starts
/// unacknowledged). A snooze is an overlay on the whole series with its own end in event time, because a
/// silence must also cover an incident that starts while it runs; it is cleared by the first evaluation at
/// or after its end. The displayed `AlertState` is derived: a firing incident shows `snoozed` while a snooze
/// runs, else `acknowledged` when acknowledged, else `firing`.
struct AlertSeries: Sendable {
    struct Acknowledgement: Sendable, Equatable {
        var actor: String
        var time: Double
        var note: String?
    }

    struct Snooze: Sendable, Equatable {
        var until: Double
        var actor: String
        var time: Double
    }

    private struct Incident: Sendable {
        var number: Int
        var activeSince: Double
        var firedAt: Double
        /// First evaluation at which the condition was false again (keep_firing_for runs from here).
        var clearSince: Double?
        var ack: Acknowledgement?
    }

    private enum State: Sendable {
        case inactive
        case pending(since: Double)
        case firing(Incident)
        case resolved(at: Double)
    }

    /// Undo pops these; a snooze remembers the one it replaced.
    private enum UndoableAction: Sendable {
        case acknowledge
        case snooze(previous: Snooze?)
    }

    let rule: String
    let labels: Labels
    private var state: State = .inactive
    private(set) var incidentCount = 0
    private(set) var notifiedIncident = 0
    private(set) var snooze: Snooze?
    private var undoStack: [UndoableAction] = []
    /// Latest value and threshold in force, for display.
    var value: Double = .nan
    var threshold: Double?
    var note: String?

    init(rule: String, labels: Labels) {
        self.rule = rule
        self.labels = labels
    }

    // MARK: Derived views

    var displayState: AlertState {
        switch state {
        case .inactive: return .inactive
        case .pending: return .pending
        case .firing(let incident):
            if snooze != nil { return .snoozed }
            return incident.ack != nil ? .acknowledged : .firing
        case .resolved: return .resolved
        }
    }

    /// Pending or firing: the condition is (or is kept) true; recover thresholds apply and adaptive
    /// learning skips the value.
    var isActive: Bool {
        switch state {
        case .pending, .firing: return true
        case .inactive, .resolved: return false
        }
    }

    var activeSince: Double? {
        switch state {
        case .pending(let since): return since
        case .firing(let incident): return incident.activeSince
        case .inactive, .resolved: return nil
        }
    }

    var firedAt: Double? {
        if case .firing(let incident) = state { return incident.firedAt }
        return nil
    }

    var acknowledgement: Acknowledgement? {
        if case .firing(let incident) = state { return incident.ack }
        return nil
    }

    /// The incident shown: the current one when firing or just resolved, the one a pending alert would start.
    var displayIncident: Int {
        switch state {
        case .pending: return incidentCount + 1
        case .firing(let incident): return incident.number
        case .inactive, .resolved: return incidentCount
        }
    }

    /// Inactive and not snoozed: a step with a false condition changes nothing (an absent series like this
    /// needs no evaluation).
    var isQuiescent: Bool {
        if case .inactive = state { return snooze == nil }
        return false
    }

    /// The earliest evaluation after boundary `index` that would change this series if its condition stayed
    /// what it was at the last step: `for:` or `keep_firing_for` elapsing, a resolved alert going inactive,
    /// a snooze ending.
    func nextChange(afterBoundary index: Int, forDuration: Double, keepFiringFor: Double) -> EvaluationDue {
        var due = snooze.map { EvaluationDue.time($0.until) } ?? .never
        switch state {
        case .inactive:
            break
        case .pending(let since):
            due = due.earliest(.time(since + forDuration))
        case .firing(let incident):
            if let clear = incident.clearSince { due = due.earliest(.time(clear + keepFiringFor)) }
        case .resolved:
            due = due.earliest(.boundary(index + 1))
        }
        return due
    }

    /// Firing, not snoozed, not acknowledged, and this incident not yet notified.
    var shouldNotify: Bool {
        guard case .firing(let incident) = state, snooze == nil, incident.ack == nil else { return false }
        return notifiedIncident < incident.number
    }

    mutating func markNotified() {
        if case .firing(let incident) = state { notifiedIncident = max(notifiedIncident, incident.number) }
    }

    // MARK: Evaluation

    /// Advances the machine by one evaluation at event time `time`. Returns a note when the change needs
    /// explaining (a snooze that ended).
    mutating func step(condition: Bool, at time: Double, forDuration: Double, keepFiringFor: Double) -> String? {
        var note: String?
        if let s = snooze, time >= s.until {
            snooze = nil
            undoStack.removeAll { if case .snooze = $0 { return true } else { return false } }
            note = "snooze ended"
        }
        switch state {
        case .inactive, .resolved:
            if condition {
                if forDuration <= 0 {
                    fire(activeSince: time, at: time)
                } else {
                    state = .pending(since: time)
                }
            } else {
                state = .inactive
            }
        case .pending(let since):
            if !condition {
                state = .inactive
            } else if time - since >= forDuration {
                fire(activeSince: since, at: time)
            }
        case .firing(var incident):
            if condition {
                incident.clearSince = nil
                state = .firing(incident)
            } else {
                let clearSince = incident.clearSince ?? time
                if time - clearSince >= keepFiringFor {
                    state = .resolved(at: time)
                    undoStack.removeAll { if case .acknowledge = $0 { return true } else { return false } }
                } else {
                    incident.clearSince = clearSince
                    state = .firing(incident)
                }
            }
        }
        return note
    }

    private mutating func fire(activeSince: Double, at time: Double) {
        incidentCount += 1
        state = .firing(Incident(number: incidentCount, activeSince: activeSince, firedAt: time))
    }

    // MARK: Actions

    mutating func acknowledge(actor: String, note: String?, at time: Double) throws(AlertActionError) {
        switch state {
        case .firing(var incident):
            if let ack = incident.ack { throw .alreadyAcknowledged(rule: rule, labels: labels, by: ack.actor) }
            incident.ack = Acknowledgement(actor: actor, time: time, note: note)
            state = .firing(incident)
            undoStack.append(.acknowledge)
            if let note { self.note = note }
        case .inactive, .pending, .resolved:
            throw .notFiring(rule: rule, labels: labels, state: displayState)
        }
    }

    mutating func snooze(until: Double, actor: String, note: String?, at time: Double) throws(AlertActionError) {
        guard until > time else { throw .snoozeEndsInPast(until: until, now: time) }
        undoStack.append(.snooze(previous: snooze))
        snooze = Snooze(until: until, actor: actor, time: time)
        if let note { self.note = note }
    }

    /// Undoes the latest acknowledgement or snooze still in force; returns which, and for a snooze the
    /// snooze in force again.
    mutating func undo() throws(AlertActionError) -> (undone: AlertJournalEntry.Kind, restored: Snooze?) {
        guard let last = undoStack.popLast() else { throw .nothingToUndo(rule: rule, labels: labels) }
        switch last {
        case .acknowledge:
            if case .firing(var incident) = state {
                incident.ack = nil
                state = .firing(incident)
            }
            return (.acknowledge, nil)
        case .snooze(let previous):
            snooze = previous
            return (.snooze, previous)
        }
    }

    // MARK: Restart

    /// Rebuilds the machine from the journal's last word on this series: a firing incident stays firing with
    /// its number, its acknowledgement (if it was for this incident), the snooze and the notified mark.
    mutating func restore(from a: AlertJournalState.Alert) {
        incidentCount = a.incident
        notifiedIncident = a.notifiedIncident
        value = a.value ?? .nan
        threshold = a.threshold
        note = a.note
        switch a.state {
        case .inactive, .resolved:
            state = .inactive
        case .pending:
            state = .pending(since: a.activeSince ?? 0)
        case .firing, .acknowledged, .snoozed:
            var incident = Incident(
                number: max(1, a.incident), activeSince: a.activeSince ?? a.firedAt ?? 0,
                firedAt: a.firedAt ?? a.activeSince ?? 0)
            incidentCount = incident.number
            if let by = a.acknowledgedBy, a.acknowledgedIncident == incident.number {
                incident.ack = Acknowledgement(actor: by, time: a.acknowledgedAt ?? incident.firedAt, note: nil)
            }
            state = .firing(incident)
        }
        if let until = a.snoozedUntil {
            snooze = Snooze(until: until, actor: a.snoozedBy ?? "", time: a.snoozedAt ?? 0)
        }
        // Undo after a restart takes back the more recent of the restored acknowledgement and snooze.
        var actions: [(Double, UndoableAction)] = []
        if let ack = acknowledgement { actions.append((ack.time, .acknowledge)) }
        if let s = snooze { actions.append((s.time, .snooze(previous: nil))) }
        undoStack = actions.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: Checking

    /// A description of a broken invariant, or nil (used by the property tests).
    func invariantViolation(now: Double) -> String? {
        if notifiedIncident > incidentCount { return "notified \(notifiedIncident) > incidents \(incidentCount)" }
        switch state {
        case .inactive, .resolved:
            if undoStack.contains(where: { if case .acknowledge = $0 { return true } else { return false } }) {
                return "acknowledgement on the undo stack while not firing"
            }
        case .pending(let since):
            if since > now { return "pending since the future" }
        case .firing(let incident):
            if incident.number != incidentCount { return "firing incident \(incident.number) != count \(incidentCount)" }
            if incident.number < 1 { return "firing incident < 1" }
            if incident.activeSince > incident.firedAt { return "fired before becoming active" }
            if let cs = incident.clearSince, cs < incident.firedAt { return "cleared before firing" }
            let acks = undoStack.filter { if case .acknowledge = $0 { return true } else { return false } }.count
            if acks != (incident.ack == nil ? 0 : 1) { return "undo stack out of step with acknowledgement" }
        }
        if let s = snooze, s.until <= s.time { return "snooze ends before it starts" }
        return nil
    }
}
