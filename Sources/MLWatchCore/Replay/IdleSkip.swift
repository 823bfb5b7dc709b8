/// A quiet stretch of a recording that a replay's clock jumped over because waiting for the next line
/// would have taken longer than `ReplayEngine.maxIdle` of wall time.
public struct IdleSkip: Sendable, Equatable {
    /// Due time of the last line before the gap.
    public var from: Double
    /// Due time of the first line after it (where the clock jumped to).
    public var to: Double
    /// Virtual seconds the clock jumped: the gap less the part played before the jump (`maxIdle` × speed).
    public var jumped: Double
    /// Wall time of the jump (the host's monotonic clock).
    public var wall: Double

    public init(from: Double, to: Double, jumped: Double, wall: Double) {
        self.from = from
        self.to = to
        self.jumped = jumped
        self.wall = wall
    }

    /// The quiet stretch between the two lines, as the status shows it.
    public var gap: Double { to - from }
}
