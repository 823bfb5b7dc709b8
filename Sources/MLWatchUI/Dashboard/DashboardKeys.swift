/// Every key of the dashboard, for the help overlay (the behaviour lives in `DashboardState.handle`).
///
/// Actions are kept short (about 22 columns) so that the overlay fits two columns at 80×24 without
/// wrapping much; the footer and messages say the rest (e.g. that `p` keeps collecting).
public enum DashboardKeys {
    /// The context of the replay controls, which the help overlay lists only during a replay.
    public static let replayContext = "Replay"

    /// The context of the mouse entries.
    public static let mouseContext = "Mouse"

    /// What the mouse does, for the help of a dashboard whose terminal reports it (the backend was
    /// started with mouse reporting on). No `keys`: a click carries its position.
    public static let mouseBindings = [
        KeyBinding([], keyDescription: "Click", action: "Focus a panel, select a row", context: mouseContext),
        KeyBinding([], keyDescription: "Click again", action: "Open the selected row", context: mouseContext),
        KeyBinding([], keyDescription: "Wheel", action: "Move the selection", context: mouseContext),
    ]

    /// `map` with the mouse entries.
    public static let mapWithMouse = map.adding(mouseBindings)

    public static let map = KeyMap([
        KeyBinding([.char("q"), .ctrl("c")], keyDescription: "q Ctrl+C", action: "Quit, restore terminal"),
        KeyBinding([.char("?"), .function(1)], keyDescription: "? F1", action: "Show or hide this help"),
        KeyBinding([.tab], action: "Focus the next panel"),
        KeyBinding([.backTab], action: "Focus previous panel"),
        KeyBinding([.char("1"), .char("2"), .char("3"), .char("4")], keyDescription: "1 2 3 4",
                   action: "Focus Software … Alerts"),
        KeyBinding([.up, .down, .char("k"), .char("j")], keyDescription: "↑ ↓ k j", action: "Move the selection"),
        KeyBinding([.pageUp, .pageDown], keyDescription: "PgUp PgDn", action: "Move by 10 rows"),
        KeyBinding([.home, .end], keyDescription: "Home End", action: "First / last row"),
        KeyBinding([.enter], action: "Zoom or open detail"),
        KeyBinding([.escape], keyDescription: "Esc", action: "Back, unzoom, unfilter"),
        KeyBinding([.char("/")], action: "Filter features by name"),
        KeyBinding([.char("p")], action: "Pause the display"),
        KeyBinding([.char("m")], action: "Cycle model / segment"),
        KeyBinding([.char("T")], action: "Cycle colour themes"),
        KeyBinding([.char("r")], action: "Reload the config"),
        KeyBinding([.char("s")], action: "Cycle sort: drift/name/missing", context: "Input"),
        KeyBinding([.char("a")], action: "Acknowledge the selected alert", context: "Alerts"),
        KeyBinding([.char("A")], action: "Acknowledge with a note", context: "Alerts"),
        KeyBinding([.char("s")], action: "Snooze: 15m 1h 4h 24h or typed", context: "Alerts"),
        KeyBinding([.char("u")], action: "Undo the ack or snooze", context: "Alerts"),
        KeyBinding([.char("e")], action: "Edit the threshold (journaled)", context: "Alerts"),
        KeyBinding([.char(" ")], keyDescription: "Space", action: "Pause / resume the replay", context: replayContext),
        KeyBinding([.char("+"), .char("-")], keyDescription: "+ -", action: "Speed: 1× 2× 5× 10× 60× 600× max",
                   context: replayContext),
        KeyBinding([.left, .right], keyDescription: "← →", action: "Seek back / forward 1 min", context: replayContext),
        KeyBinding([.shiftLeft, .shiftRight], keyDescription: "Shift+← →", action: "Seek back / forward 10 min",
                   context: replayContext),
        KeyBinding([.char("n"), .char("N")], keyDescription: "n N", action: "Next / previous alert change", context: replayContext),
        KeyBinding([.char("g"), .char("G")], keyDescription: "g G", action: "Jump to the start / end", context: replayContext),
    ])
}
