import MLWatchCore

/// The key maps of the dashboard, one per input mode: `DashboardState.reduce` dispatches keys from them
/// and the help overlay lists the normal mode's (the README's key table is checked against it by a test).
///
/// Help texts are kept short (about 22 columns) so that the overlay fits two columns at 80×24 without
/// wrapping much; the footer and messages say the rest (e.g. that `p` keeps collecting).
public enum DashboardKeys {
    /// The context of the replay controls: bound, and listed in the help, only during a replay.
    public static let replayContext = "Replay"

    /// The context of the fleet keys: bound, and listed in the help, only on a dashboard over a fleet
    /// (`mlwatch watch --prometheus`).
    public static let fleetContext = "Fleet"

    /// The context of the versions view's keys: bound, and listed in the help, while it is open.
    public static let versionsContext = "Versions"

    /// The context of the mouse entries.
    public static let mouseContext = "Mouse"

    /// What the mouse does, for the help of a dashboard whose terminal reports it (the backend was
    /// started with mouse reporting on). No keys: a click carries its position (`DashboardEvent.mouse`).
    public static let mouseBindings = [
        KeyBinding([KeyBinding.Entry](), keyDescription: "Click", help: "Focus a panel, select a row", context: mouseContext),
        KeyBinding([KeyBinding.Entry](), keyDescription: "Click again", help: "Open the selected row", context: mouseContext),
        KeyBinding([KeyBinding.Entry](), keyDescription: "Wheel", help: "Move the selection", context: mouseContext),
    ]

    /// `map` with the mouse entries.
    public static let mapWithMouse = map.adding(mouseBindings)

    /// The normal mode: the panels, the alert actions (context `Alerts`, bound while the Alerts panel has
    /// focus), the sort (`Input`) and the replay controls (`Replay`).
    public static let map = KeyMap([
        KeyBinding([.char("q"), .ctrl("c")], .quit, keyDescription: "q Ctrl+C", help: "Quit, restore terminal"),
        KeyBinding([.char("?"), .function(1)], .openHelp, keyDescription: "? F1", help: "Show or hide this help"),
        KeyBinding([.tab], .focusNext, help: "Focus the next panel"),
        KeyBinding([.backTab], .focusPrevious, help: "Focus previous panel"),
        KeyBinding(PanelID.allCases.map { .init(.char(Character("\($0.rawValue + 1)")), .focus($0)) }, keyDescription: "1 2 3 4",
                   help: "Focus Software … Alerts"),
        KeyBinding([.init(.up, .moveSelection(-1)), .init(.down, .moveSelection(1)), .init(.char("k"), .moveSelection(-1)),
                    .init(.char("j"), .moveSelection(1))], keyDescription: "↑ ↓ k j", help: "Move the selection"),
        KeyBinding([.init(.pageUp, .moveSelection(-10)), .init(.pageDown, .moveSelection(10))], keyDescription: "PgUp PgDn",
                   help: "Move by 10 rows"),
        KeyBinding([.init(.home, .selectFirst), .init(.end, .selectLast)], keyDescription: "Home End", help: "First / last row"),
        KeyBinding([.enter], .open, help: "Zoom or open detail"),
        KeyBinding([.escape], .back, keyDescription: "Esc", help: "Back, unzoom, unfilter"),
        KeyBinding([.char("/")], .startFilter, help: "Filter features by name"),
        KeyBinding([.char("p")], .togglePause, help: "Pause the display"),
        KeyBinding([.char("m")], .cycleModel, help: "Cycle model / segment"),
        KeyBinding([.char("T")], .cycleTheme, help: "Cycle colour themes"),
        KeyBinding([.char("r")], .reloadConfig, help: "Reload the config"),
        KeyBinding([.char("s")], .cycleSort, help: "Cycle sort: drift/name/missing", context: "Input"),
        KeyBinding([.char("v")], .openComparison(.versions), help: "Versions side by side", context: "Output"),
        KeyBinding([.char("f")], .openComparison(.fairness), help: "Fairness across groups", context: "Output"),
        KeyBinding([.init(.left, .scrollComparison(-1)), .init(.right, .scrollComparison(1))], keyDescription: "← →",
                   help: "Scroll the version columns", context: versionsContext),
        KeyBinding([.char("a")], .acknowledge, help: "Acknowledge the selected alert", context: "Alerts"),
        KeyBinding([.char("A")], .acknowledgeWithNote, help: "Acknowledge with a note", context: "Alerts"),
        KeyBinding([.char("s")], .openSnoozeMenu, help: "Snooze: 15m 1h 4h 24h or typed", context: "Alerts"),
        KeyBinding([.char("u")], .undo, help: "Undo the ack or snooze", context: "Alerts"),
        KeyBinding([.char("e")], .editThreshold, help: "Edit the threshold (journaled)", context: "Alerts"),
        KeyBinding([.char("i")], .toggleInstances, help: "Instances (Enter narrows)", context: fleetContext),
        KeyBinding([.char(" ")], .replay(.togglePause), keyDescription: "Space", help: "Pause / resume the replay",
                   context: replayContext),
        KeyBinding([.init(.char("+"), .replay(.faster)), .init(.char("="), .replay(.faster)), .init(.char("-"), .replay(.slower)),
                    .init(.char("_"), .replay(.slower))], keyDescription: "+ -", help: "Speed: 1× 2× 5× 10× 60× 600× max",
                   context: replayContext),
        KeyBinding([.init(.left, .replay(.seek(by: -60))), .init(.right, .replay(.seek(by: 60)))], keyDescription: "← →",
                   help: "Seek back / forward 1 min", context: replayContext),
        KeyBinding([.init(.shiftLeft, .replay(.seek(by: -600))), .init(.shiftRight, .replay(.seek(by: 600)))],
                   keyDescription: "Shift+← →", help: "Seek back / forward 10 min", context: replayContext),
        KeyBinding([.init(.char("n"), .replay(.nextTransition)), .init(.char("N"), .replay(.previousTransition))],
                   keyDescription: "n N", help: "Next / previous alert change", context: replayContext),
        KeyBinding([.init(.char("g"), .replay(.start)), .init(.char("G"), .replay(.end))], keyDescription: "g G",
                   help: "Jump to the start / end", context: replayContext),
    ])

    /// The help overlay: it takes every key; `q` still quits, the movement keys scroll it.
    public static let help = KeyMap([
        KeyBinding([.char("q"), .ctrl("c")], .quit, keyDescription: "q", help: "Quit"),
        KeyBinding([.char("?"), .function(1), .escape], .closeHelp, keyDescription: "? F1 Esc", help: "Close the help"),
        KeyBinding([.init(.up, .scrollHelp(-1)), .init(.down, .scrollHelp(1)), .init(.char("k"), .scrollHelp(-1)),
                    .init(.char("j"), .scrollHelp(1))], keyDescription: "↑ ↓ k j", help: "Scroll"),
        KeyBinding([.init(.pageUp, .scrollHelp(-10)), .init(.pageDown, .scrollHelp(10))], keyDescription: "PgUp PgDn",
                   help: "Scroll by 10 lines"),
        KeyBinding([.init(.home, .scrollHelpToStart), .init(.end, .scrollHelpToEnd)], keyDescription: "Home End",
                   help: "Top / bottom"),
    ])

    /// The snooze menu: a digit picks a duration (the menu line in the Alerts panel is drawn from these
    /// rows); any other key closes it.
    public static let snoozeMenu = KeyMap([
        KeyBinding([.char("1")], .snooze(seconds: 900), help: "15m"),
        KeyBinding([.char("2")], .snooze(seconds: 3600), help: "1h"),
        KeyBinding([.char("3")], .snooze(seconds: 14_400), help: "4h"),
        KeyBinding([.char("4")], .snooze(seconds: 86_400), help: "24h"),
        KeyBinding([.char("5")], .typeSnoozeDuration, help: "other…"),
        KeyBinding([.escape], .cancel, keyDescription: "Esc", help: "cancels"),
    ])

    /// Every text prompt (filter, note, threshold, snooze duration): characters it does not bind are typed,
    /// so `+`, `-` and Space reach the prompt even in a replay.
    public static let prompt = KeyMap([
        KeyBinding([.enter], .submit, help: "Accept"),
        KeyBinding([.escape], .cancel, keyDescription: "Esc", help: "Cancel"),
        KeyBinding([.backspace, .delete], .erase, keyDescription: "Backspace", help: "Erase the last character"),
    ])

    /// The key map of a mode.
    public static func map(for mode: InputMode) -> KeyMap {
        switch mode {
        case .normal: return map
        case .help: return help
        case .snoozeMenu: return snoozeMenu
        case .filter, .note, .threshold, .snoozeDuration: return prompt
        }
    }
}
