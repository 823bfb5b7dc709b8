/// Every key of the dashboard, for the help overlay (the behaviour lives in `DashboardState.handle`).
public enum DashboardKeys {
    public static let map = KeyMap([
        KeyBinding([.char("q")], action: "Quit (restores the terminal)"),
        KeyBinding([.char("?"), .function(1)], keyDescription: "?", action: "Show or hide this help"),
        KeyBinding([.tab, .backTab], keyDescription: "Tab / Shift+Tab", action: "Focus the next / previous panel"),
        KeyBinding([.char("1"), .char("2"), .char("3"), .char("4")], keyDescription: "1 2 3 4",
                   action: "Focus Software, Input, Output, Alerts"),
        KeyBinding([.up, .down, .char("k"), .char("j")], keyDescription: "↑ ↓ / k j", action: "Move the selection"),
        KeyBinding([.enter], action: "Zoom the panel, or open the selected feature / alert"),
        KeyBinding([.escape], keyDescription: "Esc", action: "Back (close detail, unzoom, clear filter)"),
        KeyBinding([.char("/")], action: "Filter features by name"),
        KeyBinding([.char("p")], action: "Pause the display (collection goes on)"),
        KeyBinding([.char("m")], action: "Cycle model / version / segment"),
        KeyBinding([.char("T")], action: "Cycle colour themes"),
        KeyBinding([.char("r")], action: "Reload the config (keeps old rules if invalid)"),
        KeyBinding([.char("s")], action: "Cycle sort: drift, name, missing", context: "Input"),
        KeyBinding([.char("a")], action: "Acknowledge the selected alert", context: "Alerts"),
        KeyBinding([.char("A")], action: "Acknowledge with a note", context: "Alerts"),
        KeyBinding([.char("s")], action: "Snooze (15m / 1h / 4h / 24h)", context: "Alerts"),
        KeyBinding([.char("u")], action: "Undo the acknowledgement or snooze", context: "Alerts"),
    ])
}
