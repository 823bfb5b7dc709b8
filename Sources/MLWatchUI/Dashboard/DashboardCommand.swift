import MLWatchCore

/// What a key press asks of the world outside the UI state (the collector, the alert book, the process).
public enum DashboardCommand: Equatable, Sendable {
    case quit
    case acknowledge(rule: String, labels: Labels, note: String?)
    case snooze(rule: String, labels: Labels, seconds: Double)
    case undo(rule: String, labels: Labels)
    case reloadConfig
    case cycleTheme
}
