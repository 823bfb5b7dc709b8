import MLWatchCore

/// What a key press asks of the world outside the UI state (the collector, the alert book, the process).
public enum DashboardCommand: Equatable, Sendable {
    case quit
    case acknowledge(rule: String, labels: Labels, note: String?)
    case snooze(rule: String, labels: Labels, seconds: Double)
    case undo(rule: String, labels: Labels)
    /// Sets (`value`) or clears (`nil`) a manual threshold for a rule, with a reason for the journal.
    case overrideThreshold(rule: String, value: Double?, reason: String?)
    case reloadConfig
    case cycleTheme
}
