/// Why a person's action on an alert (acknowledge, snooze, undo, note, threshold override) was refused.
public enum AlertActionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rule has this name.
    case unknownRule(String)
    /// The rule has never produced an alert for these labels.
    case unknownAlert(rule: String, labels: Labels)
    /// Only a firing alert can be acknowledged.
    case notFiring(rule: String, labels: Labels, state: AlertState)
    /// The incident is already acknowledged.
    case alreadyAcknowledged(rule: String, labels: Labels, by: String)
    /// A snooze must end after the time it is set.
    case snoozeEndsInPast(until: Double, now: Double)
    /// There is no acknowledgement or snooze left to undo.
    case nothingToUndo(rule: String, labels: Labels)
    /// A threshold override must be a finite number.
    case invalidThreshold(Double)
    /// The action could not be journaled, so it was not applied (it would not survive a restart).
    case journal(AlertJournalError)

    public var description: String {
        switch self {
        case .unknownRule(let r):
            return "no rule named \(r) (see `mlwatch rules check` for the rules in the config)"
        case .unknownAlert(let r, let l):
            return "rule \(r) has no alert for \(l.isEmpty ? "{}" : l.description)"
        case .notFiring(let r, let l, let s):
            return "\(r)\(l) is \(s.rawValue), not firing; only a firing alert can be acknowledged (snooze it instead)"
        case .alreadyAcknowledged(let r, let l, let by):
            return "\(r)\(l) is already acknowledged by \(by) (undo first to acknowledge again)"
        case .snoozeEndsInPast(let until, let now):
            return "a snooze must end in the future (until \(until) is not after \(now))"
        case .nothingToUndo(let r, let l):
            return "nothing to undo on \(r)\(l): no acknowledgement or snooze in force"
        case .invalidThreshold(let v):
            return "a threshold override must be a finite number, got \(v)"
        case .journal(let e):
            return "not applied: \(e.description)"
        }
    }
}
