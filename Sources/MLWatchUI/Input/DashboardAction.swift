import MLWatchCore

/// What a key binding does. `DashboardState.reduce` carries actions out; key maps
/// (`DashboardKeys`) say which key does which, per input mode.
public enum DashboardAction: Hashable, Sendable {
    // The panels (normal mode).
    case quit
    case openHelp
    case focusNext
    case focusPrevious
    case focus(PanelID)
    case moveSelection(Int)
    case selectFirst
    case selectLast
    /// Zoom the panel, or open the selected feature's detail / alert's history.
    case open
    /// Close a detail view, unzoom, or clear the filter.
    case back
    case startFilter
    case togglePause
    case cycleModel
    case cycleTheme
    case reloadConfig
    case cycleSort
    /// Open (or, when it is open, close) the versions or fairness view.
    case openComparison(ComparisonView)
    /// Scroll the versions view's columns by this many versions (the first column stays).
    case scrollComparison(Int)
    case acknowledge
    case acknowledgeWithNote
    case openSnoozeMenu
    case undo
    case editThreshold
    case replay(ReplayControl)
    /// Open (or close) the Instances view of a fleet; Enter there narrows every panel to one instance.
    case toggleInstances
    // The help overlay.
    case closeHelp
    case scrollHelp(Int)
    case scrollHelpToStart
    case scrollHelpToEnd
    // The snooze menu.
    case snooze(seconds: Double)
    case typeSnoozeDuration
    // Menus and text prompts.
    case submit
    case cancel
    case erase
}
