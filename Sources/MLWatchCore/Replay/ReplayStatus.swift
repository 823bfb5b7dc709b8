import Foundation

/// Where a replay is, for the dashboard header: `REPLAY 60×` and `10:15:30 ▕████░░░░▏ 42%`.
public struct ReplayStatus: Sendable, Equatable {
    public var speed: ReplaySpeed
    public var paused: Bool
    public var finished: Bool
    public var virtualTime: Double
    public var startTime: Double
    public var endTime: Double
    /// 0…1 of the recording's time span.
    public var progress: Double
    public var position: Int
    public var count: Int
    /// Backward seeks so far (each one starts a fresh state).
    public var rebuilds: Int
    /// The quiet stretch of the recording the clock just jumped over (`ReplayEngine.maxIdle`), in event-time
    /// seconds; nil when none was skipped in the last few wall seconds.
    public var skippedGap: Double?

    public init(speed: ReplaySpeed = .factor(1), paused: Bool = false, finished: Bool = false, virtualTime: Double = 0,
                startTime: Double = 0, endTime: Double = 0, progress: Double = 0, position: Int = 0, count: Int = 0,
                rebuilds: Int = 0, skippedGap: Double? = nil) {
        self.speed = speed
        self.paused = paused
        self.finished = finished
        self.virtualTime = virtualTime
        self.startTime = startTime
        self.endTime = endTime
        self.progress = progress
        self.position = position
        self.count = count
        self.rebuilds = rebuilds
        self.skippedGap = skippedGap
    }

    /// `skipped 2d3h` while a gap the clock jumped over is shown (nil otherwise): the header puts it beside
    /// `line`, so that a leap of the clock is explained rather than mistaken for lost data.
    public var skipNote: String? {
        guard let gap = skippedGap, gap.isFinite, gap > 0 else { return nil }
        return "skipped \(DurationText.format(gap))"
    }

    /// The header's mode badge: `REPLAY 60×`, `REPLAY ‖ 60×` (paused), `REPLAY END`.
    public var modeLabel: String {
        if finished { return "REPLAY END" }
        return paused ? "REPLAY ‖ \(speed)" : "REPLAY \(speed)"
    }

    /// Virtual time (hh:mm:ss, UTC), a progress bar of `barWidth` cells and the percentage.
    public func line(barWidth: Int = 10) -> String {
        let filled = Int((progress * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: max(0, barWidth - filled))
        let percent = Int((progress * 100).rounded(.down))
        let clock = TimestampParser.format(virtualTime).dropFirst(11).prefix(8)
        return "\(finished ? "■" : paused ? "‖" : "▶") \(clock) ▕\(bar)▏ \(percent)%"
    }
}
