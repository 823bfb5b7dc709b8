/// One row of the help overlay: which keys do what, where.
public struct KeyBinding: Hashable, Sendable {
    /// The keys, for matching (`matches(_:)`); may be empty when `keyDescription` describes a family
    /// such as `1–4`.
    public var keys: [Key]
    /// How the keys are shown, e.g. `q / Ctrl+C` (defaults to the keys' descriptions joined by ` / `).
    public var keyDescription: String
    /// What the keys do, e.g. `Acknowledge the selected alert`.
    public var action: String
    /// Where they apply, e.g. `Global`, `Alerts`, `Replay` (the help overlay groups by it).
    public var context: String

    public init(_ keys: [Key], keyDescription: String? = nil, action: String, context: String = KeyMap.globalContext) {
        self.keys = keys
        self.keyDescription = keyDescription ?? keys.map(\.description).joined(separator: " / ")
        self.action = action
        self.context = context
    }

    /// True when `key` is one of `keys`.
    public func matches(_ key: Key) -> Bool { keys.contains(key) }
}
