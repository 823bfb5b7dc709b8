/// When an evaluation with unchanged metrics next has something to do: at the first boundary at or after an
/// event time (a `for:` elapsing, a snooze ending, an adaptive re-learn), or at a given boundary (counted by
/// the rule engine: an adaptive threshold whose history grows by one value per boundary), whichever comes
/// first. `RuleEngine` reports one, and `EvaluationSchedule` skips the boundaries before it whose window did
/// not change.
public struct EvaluationDue: Sendable, Equatable {
    /// Due at the first boundary whose event time is at or after this.
    public var time: Double
    /// Due at the boundary with this number (`RuleEngine.boundaries` after it).
    public var boundary: Int

    public init(time: Double = .infinity, boundary: Int = .max) {
        self.time = time
        self.boundary = boundary
    }

    /// Nothing due, however long the metrics stay as they are.
    public static let never = EvaluationDue()

    /// Due at the first boundary at or after event time `t`. A few ulps early, on purpose: the state machines
    /// compare differences (`time - since >= for`), which can round the other way than `time >= since + for`;
    /// an evaluation a boundary early finds nothing to do, one late would change the timeline.
    public static func time(_ t: Double) -> EvaluationDue {
        EvaluationDue(time: t.isFinite ? t - (Swift.max(abs(t), 1) * 16 * .ulpOfOne) : t)
    }

    /// Due at the boundary numbered `b`.
    public static func boundary(_ b: Int) -> EvaluationDue {
        EvaluationDue(boundary: b)
    }

    /// The earlier of both.
    public func earliest(_ other: EvaluationDue) -> EvaluationDue {
        EvaluationDue(time: Swift.min(time, other.time), boundary: Swift.min(boundary, other.boundary))
    }

    /// Whether a boundary at event time `t` numbered `b` is due.
    public func isDue(time t: Double, boundary b: Int) -> Bool {
        t >= time || b >= boundary
    }
}
