/// The key bindings of one input mode: the table the dashboard dispatches keys from *and* the help
/// overlay lists, so the help cannot drift from the behaviour (and a test checks the README's key table
/// against it).
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

    /// What `key` does: the first binding for it in the first of `contexts` that binds it (the most
    /// specific context first, e.g. `["Alerts", "Replay", "Global"]`).
    public func action(for key: Key, in contexts: [String]) -> DashboardAction? {
        for context in contexts {
            for binding in bindings where binding.context == context {
                if let action = binding.action(for: key) { return action }
            }
        }
        return nil
    }

    /// The first binding for `key` in `context`, falling back to the global ones.
    public func binding(for key: Key, in context: String) -> KeyBinding? {
        bindings.first { $0.context == context && $0.matches(key) }
            ?? bindings.first { $0.context == KeyMap.globalContext && $0.matches(key) }
    }
}
