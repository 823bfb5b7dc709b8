/// Drives a `MonitorState` through a `ReplaySource` by a `VirtualClock`: every entry due at the virtual
/// time is fed, in file order, through the same `MonitorState` code path as `mlwatch check`; at the end
/// of the recording `finish()` is called. Seeking forward feeds on; seeking backward restores the latest
/// state checkpoint before the target (a copy of the state taken while feeding; a fresh `makeState()`
/// before the first) and feeds on from there, so whatever the speed, pauses and seeks, the state at a
/// position is the state `check` had there, and the final alert timeline is `check`'s.
///
/// At a factor speed, a quiet stretch of the recording (a weekend without predictions) would keep the
/// dashboard still for its length divided by the speed. With `maxIdle`, the wall time spent waiting for the
/// next line is capped, as asciinema's `--idle-time-limit` does: once the clock has run `maxIdle` wall seconds
/// past the last line fed, it jumps to the next line's time (`IdleSkip`, shown in the status). Only the
/// clock moves: lines are fed in the same order, one by one, so the states and the alert timeline are the
/// ones a replay without the cap (and `check`) has; the event-time `for:` durations are the recording's.
///
/// Wall time is passed in to every call (never read here): tests drive the engine with a manual clock.
/// Not thread-safe: an `EngineHost` confines one to its queue.
public final class ReplayEngine {
    public let source: ReplaySource
    private let makeState: () -> MonitorState
    /// The state fed so far.
    public private(set) var state: MonitorState
    /// Entries `0..<position` have been fed.
    public private(set) var position = 0
    /// Whether `finish()` was called on `state` (the whole recording was fed).
    public private(set) var finished = false
    public private(set) var clock: VirtualClock
    /// Increases with every backward seek (a fresh state): the UI drops history drawn from the old one.
    public private(set) var rebuilds = 0
    /// Positions after which the alert timeline had grown (a transition became visible), ascending.
    public private(set) var transitionPositions: [Int] = []
    /// Entries fed in total, rebuilds included (for benchmarks).
    public private(set) var fedTotal = 0
    /// The most wall seconds a factor-speed replay waits for its next line before its clock jumps to it
    /// (nil: no cap, every gap takes its length divided by the speed).
    public let maxIdle: Double?
    /// The latest gap the clock jumped over since the last seek (for the status; nil when none).
    public private(set) var lastSkip: IdleSkip?
    /// Gaps jumped over so far, and the virtual seconds jumped in all (seeks and jumps not counted).
    public private(set) var skipCount = 0
    public private(set) var skippedTotal = 0.0
    /// Wall seconds the status shows a skip for after the jump.
    public static let skipNoticeSeconds = 5.0
    /// Copies of the state after `position` entries, ascending, so that a backward seek re-feeds at most
    /// `checkpointInterval` entries. The interval is chosen from the recording's length so that fewer than
    /// `maxCheckpoints` are taken: each keeps one window's events and aggregates alive, so the feeding after
    /// it allocates fresh memory instead of reusing what evictions free (page faults: ~0.1 s per checkpoint
    /// in a 1M-prediction replay, see BENCHMARKS.md). None is taken at the very end (no seek needs it).
    private var checkpoints: [(position: Int, state: MonitorState)] = []
    public let checkpointInterval: Int
    public var checkpointCount: Int { checkpoints.count }
    public let maxCheckpoints: Int

    /// - Parameters:
    ///   - from: start paused-or-running at this event time (entries due before it are fed at once).
    ///   - makeState: a fresh state with the run's options, drift reference and rules; called again for
    ///     every backward seek, so it must build the same state each time (no journal restore).
    ///   - checkpointInterval: the least number of entries between two state checkpoints.
    ///   - maxIdle: see `maxIdle`; nil, zero, a negative or a non-finite value: no cap.
    public init(source: ReplaySource, speed: ReplaySpeed = .factor(1), from: Double? = nil, paused: Bool = false,
                wall: Double, checkpointInterval: Int = 50_000, maxCheckpoints: Int = 5, maxIdle: Double? = nil,
                makeState: @escaping () -> MonitorState) {
        self.source = source
        self.maxIdle = maxIdle.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        self.maxCheckpoints = max(2, maxCheckpoints)
        let spread = (source.count + self.maxCheckpoints - 1) / self.maxCheckpoints
        self.checkpointInterval = max(1, checkpointInterval, spread)
        self.makeState = makeState
        self.state = makeState()
        let start = source.startTime ?? 0
        self.clock = VirtualClock(start: start, wall: wall, speed: speed, paused: paused)
        if let from, from > start { seek(to: from, wall: wall) }
    }

    public var startTime: Double { source.startTime ?? 0 }
    public var endTime: Double { source.endTime ?? 0 }
    public var atEnd: Bool { position >= source.count }

    /// The virtual time now: the clock's, kept within the recording, and never behind what was fed.
    public func virtualTime(wall: Double) -> Double {
        if atEnd { return endTime }
        let fedTime = position > 0 ? source.dueTimes[position - 1] : startTime
        return min(max(clock.now(wall: wall), fedTime), endTime)
    }

    /// Share of the recording's time span replayed, 0…1.
    public func progress(wall: Double) -> Double {
        let span = endTime - startTime
        guard span > 0 else { return atEnd ? 1 : 0 }
        return min(1, max(0, (virtualTime(wall: wall) - startTime) / span))
    }

    // MARK: Feeding

    /// Feeds what is due at the clock's time (at `.max`: up to `limit` entries), finishing at the end. At a
    /// factor speed with `maxIdle`, the clock jumps over each gap it has waited in for `maxIdle` wall seconds
    /// by `wall` (several, when the call comes late), and what is due after the jump is fed too.
    /// - Returns: the number of entries fed.
    @discardableResult
    public func advance(wall: Double, limit: Int = .max) -> Int {
        if clock.paused { return 0 }
        let cap = position + min(max(limit, 0), source.count - position)
        let before = position
        switch clock.speed {
        case .max:
            feed(upTo: cap)
            clock.seek(to: virtualTime(wall: wall), wall: wall)
        case .factor:
            while true {
                feed(upTo: min(source.dueCount(at: clock.now(wall: wall)), cap))
                // Each jump makes at least the next line due, so this ends within `limit` entries.
                guard position < cap, skipIdleGap(wall: wall) else { break }
            }
        }
        return position - before
    }

    /// When every line due has been fed and the running clock has waited `maxIdle` wall seconds past the
    /// last one (counted from the last anchor when it is later: a resume, seek or speed change starts the
    /// wait afresh), moves the clock to the next line's time as of the moment the wait ended, so virtual
    /// time runs on from there at the same speed. Feeds nothing.
    /// - Returns: whether the clock jumped.
    private func skipIdleGap(wall: Double) -> Bool {
        guard let maxIdle, case .factor = clock.speed, !clock.paused, position < source.count else { return false }
        let next = source.dueTimes[position]
        guard clock.now(wall: wall) < next else { return false }  // the next line is due: not idle
        let last = position > 0 ? source.dueTimes[position - 1] : startTime
        guard let idleSince = clock.wall(reaching: last) else { return false }
        let jumpWall = idleSince + maxIdle
        guard jumpWall <= wall else { return false }
        let reached = clock.now(wall: jumpWall)
        guard reached < next else { return false }  // the gap took less than `maxIdle`
        clock.seek(to: next, wall: jumpWall)
        lastSkip = IdleSkip(from: last, to: next, jumped: next - reached, wall: jumpWall)
        skipCount += 1
        skippedTotal += next - reached
        return true
    }

    /// Feeds entries up to (excluding) `target`, calling `finish()` when the recording is exhausted.
    private func feed(upTo target: Int) {
        // The loop works on locals: each access to one of the engine's stored properties paid a run-time
        // exclusivity check (`swift_beginAccess`), several per entry.
        let state = self.state
        let rules = state.rules != nil
        var seen = state.timelineCount
        var next = position
        var lastCheckpoint = checkpoints.last?.position ?? 0
        while next < target {
            source.feed(next, to: state)
            next += 1
            if next % checkpointInterval == 0, next > lastCheckpoint, next < source.count {
                checkpoints.append((next, state.copy()))
                lastCheckpoint = next
            }
            if rules {
                let n = state.timelineCount
                if n != seen {
                    seen = n
                    noteTransition(at: next)
                }
            }
        }
        fedTotal += next - position
        position = next
        if atEnd && !finished {
            state.finish()
            finished = true
            if rules, state.timelineCount != seen { noteTransition(at: position) }
        }
    }

    private func noteTransition(at p: Int) {
        if transitionPositions.last.map({ p > $0 }) ?? true { transitionPositions.append(p) }
    }

    /// Feeds (or rebuilds and feeds) so that exactly entries `0..<target` have been fed.
    private func move(toPosition target: Int) {
        // A seek or a jump: the latest skip no longer explains where the clock is.
        lastSkip = nil
        let target = min(max(0, target), source.count)
        if target < position || (finished && target < source.count) {
            if let checkpoint = checkpoints.last(where: { $0.position <= target }) {
                // A copy: the checkpoint must stay as it is for later seeks.
                state = checkpoint.state.copy()
                position = checkpoint.position
            } else {
                state = makeState()
                position = 0
            }
            finished = false
            rebuilds += 1
        }
        feed(upTo: target)
    }

    // MARK: Controls

    /// Jumps to event time `time` (clamped to the recording): the state is then as `check` had it after
    /// the last line due at `time`.
    public func seek(to time: Double, wall: Double) {
        let t = min(max(time, startTime), endTime)
        move(toPosition: t >= endTime ? source.count : source.dueCount(at: t))
        clock.seek(to: t, wall: wall)
    }

    /// Seeks by `delta` seconds of event time from the current virtual time.
    public func seek(by delta: Double, wall: Double) {
        // From where the clock is: past a gap it has waited in long enough, though no tick moved it yet.
        _ = skipIdleGap(wall: wall)
        seek(to: virtualTime(wall: wall) + delta, wall: wall)
    }

    /// Jumps to the start (`g`) or the end (`G`).
    public func seekToStart(wall: Double) { seek(to: startTime, wall: wall) }
    public func seekToEnd(wall: Double) { seek(to: endTime, wall: wall) }

    /// Feeds on until the alert timeline grows (`n`), stopping right after the line that made it grow;
    /// stays at the end when nothing more happens.
    /// - Returns: whether a transition was found.
    @discardableResult
    public func jumpToNextTransition(wall: Double) -> Bool {
        var found = false
        if let next = transitionPositions.first(where: { $0 > position }) {
            move(toPosition: next)
            found = true
        } else {
            let known = transitionPositions.count
            while !atEnd && transitionPositions.count == known { feed(upTo: position + 1) }
            found = transitionPositions.count > known
        }
        clock.seek(to: position > 0 ? source.dueTimes[position - 1] : startTime, wall: wall)
        return found
    }

    /// Goes back to the moment the previous transition became visible (`N`), or to the start.
    public func jumpToPreviousTransition(wall: Double) {
        let target = transitionPositions.last(where: { $0 < position }) ?? 0
        move(toPosition: target)
        clock.seek(to: target > 0 ? source.dueTimes[target - 1] : startTime, wall: wall)
    }

    /// Moves the clock back to the last fed line when feeding fell behind it (the driver calls this when a
    /// tick ran out of time), so virtual time runs only as fast as the machine can feed.
    public func holdClockAtFed(wall: Double) {
        guard case .factor = clock.speed, !atEnd, position > 0 else { return }
        let fed = source.dueTimes[position - 1]
        if clock.now(wall: wall) > fed { clock.seek(to: fed, wall: wall) }
    }

    public func togglePause(wall: Double) {
        if clock.paused {
            clock.resume(wall: wall)
        } else {
            pause(wall: wall)
        }
    }

    /// Freezes the clock (past a gap it has waited in long enough, though no tick moved it yet).
    public func pause(wall: Double) {
        _ = skipIdleGap(wall: wall)
        clock.pause(wall: wall)
    }

    public func setSpeed(_ speed: ReplaySpeed, wall: Double) {
        _ = skipIdleGap(wall: wall)
        clock.seek(to: virtualTime(wall: wall), wall: wall)
        clock.setSpeed(speed, wall: wall)
    }

    public func faster(wall: Double) { setSpeed(clock.speed.faster, wall: wall) }
    public func slower(wall: Double) { setSpeed(clock.speed.slower, wall: wall) }

    /// What the header shows.
    public func status(wall: Double) -> ReplayStatus {
        let skip = lastSkip.flatMap { wall - $0.wall < Self.skipNoticeSeconds ? $0.gap : nil }
        return ReplayStatus(speed: clock.speed, paused: clock.paused, finished: finished,
                            virtualTime: virtualTime(wall: wall), startTime: startTime, endTime: endTime,
                            progress: progress(wall: wall), position: position, count: source.count, rebuilds: rebuilds,
                            skippedGap: skip)
    }
}
