/// What the UI and JSON output see of one alert at one moment (immutable; part of a `Snapshot`).
public struct AlertInstance: Sendable, Equatable {
    public var rule: String
    public var labels: Labels
    public var state: AlertState
    public var severity: AlertSeverity
    /// The expression's current value (left-hand side of the comparison).
    public var value: Double
    /// The threshold in force (after adaptive learning and manual overrides), if the rule has one.
    public var threshold: Double?
    /// Event time when the condition became true (pending start).
    public var activeSince: Double?
    /// Event time when it started firing.
    public var firedAt: Double?
    /// Incident number of this rule × label set (increments on each new firing after a resolve).
    public var incident: Int
    public var summary: String
    public var acknowledgedBy: String?
    public var note: String?
    /// End of a snooze, in event time.
    public var snoozedUntil: Double?
    /// Every annotation of the rule, templates rendered (`summary` is also in `summary`).
    public var annotations: [String: String]

    public init(
        rule: String, labels: Labels, state: AlertState, severity: AlertSeverity, value: Double,
        threshold: Double? = nil, activeSince: Double? = nil, firedAt: Double? = nil, incident: Int = 1,
        summary: String = "", acknowledgedBy: String? = nil, note: String? = nil, snoozedUntil: Double? = nil,
        annotations: [String: String] = [:]
    ) {
        self.rule = rule
        self.labels = labels
        self.state = state
        self.severity = severity
        self.value = value
        self.threshold = threshold
        self.activeSince = activeSince
        self.firedAt = firedAt
        self.incident = incident
        self.summary = summary
        self.acknowledgedBy = acknowledgedBy
        self.note = note
        self.snoozedUntil = snoozedUntil
        self.annotations = annotations
    }
}

/// One step of an alert's lifecycle, as printed in the alert timeline and written to the journal.
public struct AlertTransition: Sendable, Equatable, Codable {
    /// Event time of the evaluation that caused it.
    public var time: Double
    public var rule: String
    public var labels: [String: String]
    public var from: AlertState
    public var to: AlertState
    public var value: Double
    public var threshold: Double?
    public var severity: AlertSeverity
    public var actor: String?
    public var note: String?
    /// Incident number of the rule × label set this transition belongs to (0 before the first firing).
    public var incident: Int
    /// Event time the condition became true for the current pending/firing period, if any.
    public var activeSince: Double?
    /// Event time the current incident started firing, if it is firing.
    public var firedAt: Double?

    public init(
        time: Double, rule: String, labels: [String: String], from: AlertState, to: AlertState, value: Double,
        threshold: Double? = nil, severity: AlertSeverity, actor: String? = nil, note: String? = nil,
        incident: Int = 0, activeSince: Double? = nil, firedAt: Double? = nil
    ) {
        self.time = time
        self.rule = rule
        self.labels = labels
        self.from = from
        self.to = to
        self.value = value
        self.threshold = threshold
        self.severity = severity
        self.actor = actor
        self.note = note
        self.incident = incident
        self.activeSince = activeSince
        self.firedAt = firedAt
    }

    private enum CodingKeys: String, CodingKey {
        case time, rule, labels, from, to, value, threshold, severity, actor, note, incident, activeSince, firedAt
    }

    /// Decodes leniently: `incident`, `activeSince` and `firedAt` were added later and may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Double.self, forKey: .time)
        rule = try c.decode(String.self, forKey: .rule)
        labels = try c.decode([String: String].self, forKey: .labels)
        from = try c.decode(AlertState.self, forKey: .from)
        to = try c.decode(AlertState.self, forKey: .to)
        value = try c.decode(Double.self, forKey: .value)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        severity = try c.decode(AlertSeverity.self, forKey: .severity)
        actor = try c.decodeIfPresent(String.self, forKey: .actor)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        incident = try c.decodeIfPresent(Int.self, forKey: .incident) ?? 0
        activeSince = try c.decodeIfPresent(Double.self, forKey: .activeSince)
        firedAt = try c.decodeIfPresent(Double.self, forKey: .firedAt)
    }
}
