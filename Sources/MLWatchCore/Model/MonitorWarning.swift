/// A configuration that the data do not support, said out loud instead of silently computing nothing: a
/// `compare` baseline version that has no predictions in the window, a `fairness.group_by` feature that the
/// predictions do not carry, a positive value no prediction takes. Shown in the header and the JSON.
public struct MonitorWarning: Sendable, Equatable, Hashable {
    /// The config section it is about: `compare` or `fairness`.
    public var topic: String
    /// A few words for the one-line header (`baseline v9 not in window`).
    public var short: String
    /// The whole message, saying what to check.
    public var message: String

    public init(topic: String, short: String, message: String) {
        self.topic = topic
        self.short = short
        self.message = message
    }
}
