/// The table of key bindings: the single source the help overlay lists and the dashboard matches keys
/// against, so the help text cannot drift from the behaviour.
///
/// The dashboard's table is `DashboardKeys.map`; more bindings can be appended with `adding(_:)`.
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

}
