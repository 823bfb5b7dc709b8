/// One row of a key map: which keys do what, shown as one line of the help overlay.
public struct KeyBinding: Hashable, Sendable {
    /// A key and the action it triggers.
    public struct Entry: Hashable, Sendable {
        public var key: Key
        public var action: DashboardAction

        public init(_ key: Key, _ action: DashboardAction) {
            self.key = key
            self.action = action
        }
    }

    /// The keys and their actions (empty for the mouse rows, whose events carry a position).
    public var entries: [Entry]
    /// How the keys are shown, e.g. `q Ctrl+C` (defaults to the keys' descriptions joined by ` / `).
    public var keyDescription: String
    /// What the keys do, for the help overlay, e.g. `Acknowledge the selected alert`.
    public var help: String
    /// Where they apply, e.g. `Global`, `Alerts`, `Replay` (the help overlay groups by it).
    public var context: String

    /// Keys that all do the same action.
    public init(_ keys: [Key], _ action: DashboardAction, keyDescription: String? = nil, help: String,
                context: String = KeyMap.globalContext) {
        self.init(keys.map { Entry($0, action) }, keyDescription: keyDescription, help: help, context: context)
    }

    /// Keys that do related actions (`↑ ↓ k j`: up and down), shown as one row.
    public init(_ entries: [Entry], keyDescription: String? = nil, help: String, context: String = KeyMap.globalContext) {
        self.entries = entries
        self.keyDescription = keyDescription ?? entries.map(\.key.description).joined(separator: " / ")
        self.help = help
        self.context = context
    }

    /// The keys, in table order.
    public var keys: [Key] { entries.map(\.key) }

    /// What `key` does in this row, if it is one of its keys.
    public func action(for key: Key) -> DashboardAction? {
        entries.first { $0.key == key }?.action
    }

    /// True when `key` is one of `keys`.
    public func matches(_ key: Key) -> Bool { action(for: key) != nil }
}
