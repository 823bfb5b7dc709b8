/// What a journal knows at its end: the latest state of each alert and the threshold overrides in force.
/// Built by folding records in order (`apply(_:)`), the same way for every journal implementation.
public struct AlertJournalState: Sendable, Equatable {
    /// The last journaled state of one rule × label set.
    public struct Alert: Sendable, Equatable {
        public var rule: String
        public var labels: [String: String]
        /// Displayed state of the last transition (`firing`, `acknowledged`, `snoozed` all mean firing).
        public var state: AlertState
        public var value: Double?
        public var threshold: Double?
        public var incident: Int
        public var activeSince: Double?
        public var firedAt: Double?
        /// Highest incident already notified.
        public var notifiedIncident: Int
        public var acknowledgedBy: String?
        /// The incident the acknowledgement belongs to (an ack never carries over to a new incident).
        public var acknowledgedIncident: Int?
        public var acknowledgedAt: Double?
        public var snoozedUntil: Double?
        public var snoozedBy: String?
        public var snoozedAt: Double?
        public var note: String?

        public init(rule: String, labels: [String: String]) {
            self.rule = rule
            self.labels = labels
            state = .inactive
            incident = 0
            notifiedIncident = 0
        }
    }

    private var byKey: [String: Alert] = [:]
    /// Overrides in force, by rule name.
    public var thresholdOverrides: [String: ThresholdOverride] = [:]
    /// The newest event time of any entry: how far the journaled run had got. A restarted engine skips
    /// evaluations before it, so re-reading a log from its start neither resolves an acknowledged alert
    /// at an earlier event time nor notifies it again.
    public var newestEventTime: Double?

    public init() {}

    /// Builds the state from records in journal order.
    public init<S: Sequence>(entries: S) where S.Element == AlertJournalEntry {
        for e in entries { apply(e) }
    }

    /// Every alert the journal has heard of, sorted by rule then labels.
    public var alerts: [Alert] {
        byKey.values.sorted { ($0.rule, Labels($0.labels)) < ($1.rule, Labels($1.labels)) }
    }

    /// The alert of one rule × label set, if journaled.
    public func alert(rule: String, labels: [String: String]) -> Alert? {
        byKey[Self.key(rule, labels)]
    }

    private static func key(_ rule: String, _ labels: [String: String]) -> String {
        rule + Labels(labels).description
    }

    /// Folds one record into the state.
    public mutating func apply(_ e: AlertJournalEntry) {
        if e.time.isFinite { newestEventTime = max(newestEventTime ?? e.time, e.time) }
        if e.kind == .thresholdOverride {
            if let v = e.threshold {
                thresholdOverrides[e.rule] = ThresholdOverride(
                    rule: e.rule, value: v, actor: e.actor ?? "", reason: e.note, time: e.time)
            } else {
                thresholdOverrides[e.rule] = nil
            }
            return
        }
        let k = Self.key(e.rule, e.labels)
        var a = byKey[k] ?? Alert(rule: e.rule, labels: e.labels)
        // A snooze ends by itself: any later record at or after its end (the engine's "snooze ended"
        // transition, typically) means it is over.
        if let until = a.snoozedUntil, e.time >= until, e.kind != .snooze, e.kind != .undo {
            a.snoozedUntil = nil
            a.snoozedBy = nil
            a.snoozedAt = nil
        }
        if let to = e.to {
            a.state = to
            if let v = e.value { a.value = v }
            a.threshold = e.threshold ?? a.threshold
            a.activeSince = e.activeSince
            a.firedAt = e.firedAt
        }
        if let i = e.incident { a.incident = max(a.incident, i) }
        switch e.kind {
        case .transition, .thresholdOverride:
            break
        case .acknowledge:
            a.acknowledgedBy = e.actor
            a.acknowledgedIncident = e.incident ?? a.incident
            a.acknowledgedAt = e.time
            if let n = e.note { a.note = n }
        case .snooze:
            a.snoozedUntil = e.until
            a.snoozedBy = e.actor
            a.snoozedAt = e.time
            if let n = e.note { a.note = n }
        case .undo:
            switch e.undone {
            case .acknowledge:
                a.acknowledgedBy = nil
                a.acknowledgedIncident = nil
                a.acknowledgedAt = nil
            case .snooze:
                a.snoozedUntil = e.until
                if e.until == nil {
                    a.snoozedBy = nil
                    a.snoozedAt = nil
                }
            default:
                break
            }
        case .note:
            a.note = e.note
        case .notified:
            a.notifiedIncident = max(a.notifiedIncident, e.incident ?? a.incident)
        }
        byKey[k] = a
    }
}
