import MLWatchCore

/// Who gets the keys: the dashboard itself, or one overlay, menu or prompt. One value at a time, so a
/// prompt can never be open "under" another one, and every key goes to exactly one place (the mode's key
/// map, `DashboardKeys.map(for:)`; a text prompt types the characters its map does not bind).
public enum InputMode: Equatable, Sendable {
    /// The panels: navigation, alert actions and (in a replay) the replay controls.
    case normal
    /// The help overlay, scrolled by `scroll` lines.
    case help(scroll: Int)
    /// Typing the feature filter (applied as it is typed).
    case filter
    /// Typing the note of an acknowledgement (`A`) of `alert`.
    case note(alert: DashboardState.AlertKey, draft: String)
    /// Typing a new threshold, then its reason (`e`).
    case threshold(DashboardState.ThresholdDraft)
    /// The snooze durations menu (`s` on an alert).
    case snoozeMenu(alert: DashboardState.AlertKey)
    /// Typing a snooze duration (`s`, then `5`).
    case snoozeDuration(alert: DashboardState.AlertKey, draft: String)

    /// Whether the mode types text (filter, note, threshold, snooze duration): characters its key map
    /// does not bind are typed.
    public var isTextPrompt: Bool {
        switch self {
        case .filter, .note, .threshold, .snoozeDuration: return true
        case .normal, .help, .snoozeMenu: return false
        }
    }
}
