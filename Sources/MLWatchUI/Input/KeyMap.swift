/// The table of key bindings: the single source the help overlay lists and the dashboard matches keys
/// against, so the help text cannot drift from the behaviour.
///
/// The dashboard owns the actual contents; `standard` holds the bindings every view shares, and a
/// panel adds its own with `adding(_:)`.
public struct KeyMap: Hashable, Sendable {
    /// The context name for bindings that work everywhere.
    public static let globalContext = "Global"

    public private(set) var bindings: [KeyBinding]

    public init(_ bindings: [KeyBinding] = []) {
        self.bindings = bindings
    }

    /// This map with more bindings appended.
    public func adding(_ more: [KeyBinding]) -> KeyMap { KeyMap(bindings + more) }

    /// Contexts in first-appearance order (global first when present), for the overlay's sections.
    public var contexts: [String] {
        var seen: [String] = []
        for binding in bindings where !seen.contains(binding.context) { seen.append(binding.context) }
        return seen
    }

    /// The bindings of one context, in table order.
    public func bindings(in context: String) -> [KeyBinding] {
        bindings.filter { $0.context == context }
    }

    /// The first binding for `key` in `context`, falling back to the global ones.
    public func binding(for key: Key, in context: String) -> KeyBinding? {
        bindings.first { $0.context == context && $0.matches(key) }
            ?? bindings.first { $0.context == KeyMap.globalContext && $0.matches(key) }
    }

    /// Bindings shared by every screen of the dashboard.
    public static let standard = KeyMap([
        KeyBinding([.char("q"), .ctrl("c")], action: "Quit"),
        KeyBinding([.char("?"), .function(1)], action: "Show or hide this help"),
        KeyBinding([.tab], action: "Focus the next panel"),
        KeyBinding([.backTab], action: "Focus the previous panel"),
        KeyBinding([.char("1"), .char("2"), .char("3"), .char("4")], keyDescription: "1–4", action: "Focus a panel"),
        KeyBinding([.up, .down, .char("k"), .char("j")], keyDescription: "↑ ↓ / k j", action: "Move the selection"),
        KeyBinding([.pageUp, .pageDown], action: "Scroll a page"),
        KeyBinding([.escape], action: "Close the overlay or clear the filter"),
        KeyBinding([.ctrl("l")], action: "Redraw the screen"),
    ])
}
