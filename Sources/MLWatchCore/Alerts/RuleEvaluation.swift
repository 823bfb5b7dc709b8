/// What one evaluation (or one action) changed: the new transitions, and the subset the UI should ring the
/// bell / run `--on-fire` for (each incident is notified at most once, never while snoozed or acknowledged,
/// and never again after a restart).
public struct RuleEvaluation: Sendable, Equatable {
    public var transitions: [AlertTransition]
    public var notifications: [AlertTransition]

    public init(transitions: [AlertTransition] = [], notifications: [AlertTransition] = []) {
        self.transitions = transitions
        self.notifications = notifications
    }
}
