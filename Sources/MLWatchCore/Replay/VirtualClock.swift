/// Replay time, derived from a wall clock that is passed in (never read here), so the clock is tested
/// by handing it wall times, like NIO's embedded event loop `advanceTime(by:)`.
///
/// The clock keeps an anchor: virtual time `anchorVirtual` at wall time `anchorWall`. Between anchors
/// virtual time runs at `speed` virtual seconds per wall second; pausing, changing the speed and
/// seeking re-anchor it. At `.max` speed there is no rate: the replay driver sets the virtual time to
/// wherever feeding got (`seek`).
public struct VirtualClock: Sendable, Equatable {
    public private(set) var speed: ReplaySpeed
    public private(set) var paused: Bool
    private var anchorVirtual: Double
    private var anchorWall: Double

    public init(start: Double, wall: Double, speed: ReplaySpeed = .factor(1), paused: Bool = false) {
        self.speed = speed
        self.paused = paused
        self.anchorVirtual = start
        self.anchorWall = wall
    }

    /// Virtual time at wall time `wall` (a wall time earlier than the last anchor counts as the anchor).
    public func now(wall: Double) -> Double {
        guard !paused, case .factor(let f) = speed else { return anchorVirtual }
        return anchorVirtual + Swift.max(0, wall - anchorWall) * f
    }

    /// The wall time at which the running clock reads `time`, never before the last anchor (a time the
    /// clock was already past when it was last anchored counts as the anchor); nil when paused or at
    /// `.max`, where virtual time does not run by itself.
    public func wall(reaching time: Double) -> Double? {
        guard !paused, case .factor(let f) = speed else { return nil }
        return anchorWall + Swift.max(0, time - anchorVirtual) / f
    }

    /// Freezes virtual time at its value at `wall`.
    public mutating func pause(wall: Double) {
        guard !paused else { return }
        anchorVirtual = now(wall: wall)
        anchorWall = wall
        paused = true
    }

    /// Lets virtual time run again from where it was paused.
    public mutating func resume(wall: Double) {
        guard paused else { return }
        anchorWall = wall
        paused = false
    }

    public mutating func setSpeed(_ speed: ReplaySpeed, wall: Double) {
        anchorVirtual = now(wall: wall)
        anchorWall = wall
        self.speed = speed
    }

    /// Jumps to virtual time `time` (paused or not, at the same speed).
    public mutating func seek(to time: Double, wall: Double) {
        anchorVirtual = time
        anchorWall = wall
    }
}
