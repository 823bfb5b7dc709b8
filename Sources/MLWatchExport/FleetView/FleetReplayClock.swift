import MLWatchCore

/// Where a replay of a fleet's past is: a `VirtualClock` over `start…end`, the steps the range queries
/// answered at, and the times where the alerts changed (for `n`/`N`). Pure: the wall time is passed in,
/// so tests drive it by hand.
struct FleetReplayClock: Sendable, Equatable {
    let start: Double
    let end: Double
    let step: Double
    private(set) var clock: VirtualClock
    /// Backward seeks so far (the dashboard drops the sparkline history after the new position).
    private(set) var rebuilds = 0
    /// Times an alert changed state, ascending.
    var transitions: [Double] = []

    init(start: Double, end: Double, step: Double, speed: ReplaySpeed, wall: Double) {
        self.start = start
        self.end = max(start, end)
        self.step = max(step, 0.001)
        clock = VirtualClock(start: start, wall: wall, speed: speed)
    }

    /// The virtual time, within the range.
    func time(wall: Double) -> Double { min(max(clock.now(wall: wall), start), end) }

    /// The step shown at `wall`: the last one at or before the virtual time.
    func stepTime(wall: Double) -> Double {
        start + ((time(wall: wall) - start) / step).rounded(.down) * step
    }

    func finished(wall: Double) -> Bool { time(wall: wall) >= end }

    /// At `max` speed there is no rate: each tick moves one step on.
    mutating func tick(wall: Double) {
        guard case .max = clock.speed, !clock.paused, !finished(wall: wall) else { return }
        clock.seek(to: min(end, stepTime(wall: wall) + step), wall: wall)
    }

    mutating func seek(to t: Double, wall: Double) {
        let target = min(max(t, start), end)
        if target < time(wall: wall) { rebuilds += 1 }
        clock.seek(to: target, wall: wall)
    }

    /// Applies a replay key; returns a message for the footer, if any.
    mutating func apply(_ control: ReplayControl, wall: Double) -> String? {
        switch control {
        case .togglePause:
            if clock.paused { clock.resume(wall: wall) } else { clock.pause(wall: wall) }
        case .faster: clock.setSpeed(clock.speed.faster, wall: wall)
        case .slower: clock.setSpeed(clock.speed.slower, wall: wall)
        case .setSpeed(let s): clock.setSpeed(s, wall: wall)
        case .seek(let delta): seek(to: time(wall: wall) + delta, wall: wall)
        case .seekTo(let t): seek(to: t, wall: wall)
        case .start: seek(to: start, wall: wall)
        case .end: seek(to: end, wall: wall)
        case .nextTransition:
            let now = stepTime(wall: wall)
            guard let next = transitions.first(where: { $0 > now }) else {
                return "No further alert transition until the end of the range"
            }
            seek(to: next, wall: wall)
        case .previousTransition:
            let now = stepTime(wall: wall)
            seek(to: transitions.last(where: { $0 < now }) ?? start, wall: wall)
        }
        return nil
    }

    func status(wall: Double) -> ReplayStatus {
        let t = time(wall: wall)
        let span = end - start
        let steps = (span / step).rounded(.down)
        let count = steps.isFinite && steps < 1e9 ? Int(steps) + 1 : Int(1e9)
        return ReplayStatus(speed: clock.speed, paused: clock.paused, finished: t >= end, virtualTime: t, startTime: start,
                            endTime: end, progress: span > 0 ? (t - start) / span : 1,
                            position: min(count, Int(max(0, min(1e9, ((stepTime(wall: wall) - start) / step).rounded()))) + 1),
                            count: count, rebuilds: rebuilds)
    }

    /// The alert transitions of a range: at each step, the alerts the builder lists (scope applied), compared
    /// with the step before — a new alert enters from `inactive`, one that disappears goes to `resolved`.
    static func transitions(_ range: FleetRangeAnswers, scope: String?) -> [AlertTransition] {
        struct Key: Hashable {
            var rule: String
            var labels: Labels
        }
        var previous: [Key: AlertInstance] = [:]
        var out: [AlertTransition] = []
        for t in range.times {
            let alerts = FleetSnapshotBuilder.alerts(from: range.answers(at: t).samples[.alerts] ?? [], scope: scope)
            var now: [Key: AlertInstance] = [:]
            // One state per alert: the most urgent when the instances disagree (firing on one is firing).
            for a in alerts where now[Key(rule: a.rule, labels: a.labels)] == nil { now[Key(rule: a.rule, labels: a.labels)] = a }
            for (key, a) in now.sorted(by: { ($0.key.rule, $0.key.labels) < ($1.key.rule, $1.key.labels) }) {
                let before = previous[key]?.state ?? .inactive
                if before != a.state {
                    out.append(AlertTransition(time: t, rule: key.rule, labels: key.labels.dictionary, from: before, to: a.state,
                                               value: a.value, severity: a.severity, firedAt: a.firedAt))
                }
            }
            for (key, a) in previous.sorted(by: { ($0.key.rule, $0.key.labels) < ($1.key.rule, $1.key.labels) }) where now[key] == nil {
                out.append(AlertTransition(time: t, rule: key.rule, labels: key.labels.dictionary, from: a.state, to: .resolved,
                                           value: a.value, severity: a.severity))
            }
            previous = now
        }
        return out
    }
}
