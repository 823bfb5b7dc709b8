/// The bound on label sets per rule and what it cost: label sets forgotten (quiescent series seen longest
/// ago, dropped to make room) and label sets not tracked (the rule's table was full of live series), by rule.
public struct AlertSeriesLimit: Sendable, Equatable {
    /// Label sets kept per rule at most.
    public var cap: Int
    public var forgotten: [String: Int]
    public var untracked: [String: Int]

    public init(cap: Int, forgotten: [String: Int] = [:], untracked: [String: Int] = [:]) {
        self.cap = cap
        self.forgotten = forgotten
        self.untracked = untracked
    }

    /// Whether the cap was hit at all.
    public var wasHit: Bool { !forgotten.isEmpty || !untracked.isEmpty }
}
