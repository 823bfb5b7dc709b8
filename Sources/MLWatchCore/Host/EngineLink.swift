/// What the dashboard needs of an engine host: its newest publication and a way to send it commands.
/// `EngineHost` is one; tests use a hand-driven fake.
public protocol EngineLink: Sendable {
    /// The newest publication (never waits).
    var published: EngineHost.Published { get }
    /// Queues a command (returns at once).
    func send(_ command: EngineCommand)
}

extension EngineHost: EngineLink {}
