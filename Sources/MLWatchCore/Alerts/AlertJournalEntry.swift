/// One record of the alert journal: a lifecycle transition or something a person (or the engine) did.
/// Flat on purpose, so one table row (SQLite) or one JSON line holds it; fields a kind does not use are nil.
public struct AlertJournalEntry: Sendable, Equatable, Codable {
    /// What the record is about.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A lifecycle change computed by the engine (pending, firing, resolved, snooze ended, …).
        case transition
        /// A person acknowledged the incident `incident`.
        case acknowledge
        /// A person snoozed the alert until `until` (event time).
        case snooze
        /// A person undid their last acknowledgement or snooze (`undone`); for a snooze, `until` is the
        /// snooze end that is in force again (nil: none).
        case undo
        /// A free-text note on the alert.
        case note
        /// A manual threshold for the rule (`threshold`; nil clears the override), with the reason in `note`.
        case thresholdOverride = "threshold_override"
        /// The engine decided to notify (bell, `--on-fire`) for incident `incident`; never again after a restart.
        case notified
    }

    public var kind: Kind
    /// Event time (seconds since the epoch) of the evaluation or action.
    public var time: Double
    /// Wall-clock time the record was written; the journal stamps it when nil.
    public var wallTime: Double?
    /// Who did it; the journal stamps its own actor (`$USER`) when nil.
    public var actor: String?
    public var rule: String
    /// The alert's label set (empty for rule-wide records such as threshold overrides).
    public var labels: [String: String]
    public var from: AlertState?
    public var to: AlertState?
    public var value: Double?
    public var threshold: Double?
    public var severity: AlertSeverity?
    public var incident: Int?
    public var activeSince: Double?
    public var firedAt: Double?
    /// Snooze end (event time).
    public var until: Double?
    /// For `undo`: which kind of action was undone.
    public var undone: Kind?
    public var note: String?

    public init(
        kind: Kind, time: Double, wallTime: Double? = nil, actor: String? = nil, rule: String,
        labels: [String: String] = [:], from: AlertState? = nil, to: AlertState? = nil, value: Double? = nil,
        threshold: Double? = nil, severity: AlertSeverity? = nil, incident: Int? = nil, activeSince: Double? = nil,
        firedAt: Double? = nil, until: Double? = nil, undone: Kind? = nil, note: String? = nil
    ) {
        self.kind = kind
        self.time = time
        self.wallTime = wallTime
        self.actor = actor
        self.rule = rule
        self.labels = labels
        self.from = from
        self.to = to
        self.value = value
        self.threshold = threshold
        self.severity = severity
        self.incident = incident
        self.activeSince = activeSince
        self.firedAt = firedAt
        self.until = until
        self.undone = undone
        self.note = note
    }

    /// A journal record of a transition; `kind` is `.transition` unless the transition was caused by an action.
    public init(_ transition: AlertTransition, kind: Kind = .transition, until: Double? = nil, undone: Kind? = nil) {
        self.init(
            kind: kind, time: transition.time, actor: transition.actor, rule: transition.rule,
            labels: transition.labels, from: transition.from, to: transition.to, value: transition.value,
            threshold: transition.threshold, severity: transition.severity, incident: transition.incident,
            activeSince: transition.activeSince, firedAt: transition.firedAt, until: until, undone: undone,
            note: transition.note)
    }
}
