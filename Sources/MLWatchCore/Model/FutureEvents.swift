/// Events stamped too far ahead to move event time (see `FutureEventGuard`): counted by source, kept out of
/// the window.
public struct FutureEvents: Sendable, Equatable {
    public var total: Int
    public var bySource: [String: Int]
    /// The tolerance in seconds (`--max-future`, `max_future:`).
    public var maxFuture: Double
    /// Events held after a jump, waiting for the lines after them to tell whether time really moved on
    /// (check and replay; at most `FutureEventGuard.confirmations`).
    public var held: Int

    public init(total: Int = 0, bySource: [String: Int] = [:], maxFuture: Double = CollectorOptions.defaultMaxFuture, held: Int = 0) {
        self.total = total
        self.bySource = bySource
        self.maxFuture = maxFuture
        self.held = held
    }
}
