import DequeModule

/// Keeps events stamped too far ahead from moving event time: a producer with a wrong clock (a line a year
/// ahead, or `9999-12-31T23:59:59Z`) must not make every good event after it late, nor put the window in
/// the wrong year. Labels and malformed lines never move event time and are not judged (they only wait
/// in line while lines are held, see below, so that everything is counted in log order).
///
/// The tolerance is `maxFuture` seconds (`--max-future`, `max_future:`), and the rules are:
/// - **check and replay** (a recorded log: the wall clock says nothing about its times): an event more
///   than `maxFuture` ahead of the newest event placed — or the first event, which has nothing to be
///   compared with — starts a *run* of held lines. Every later line is held too while the run lasts
///   (labels included, so that a label still finds its prediction), and each later prediction or system
///   event *refutes* the held events more than `maxFuture` ahead of itself: those are counted as future
///   and dropped — unless it is itself behind the newest event placed: a straggler of the traffic before
///   the jump (out-of-order traffic, placed in its turn: late if the jump is confirmed) or a producer a
///   year *behind* says nothing about the jump; it waits in line like a label. The run's first event is
///   *confirmed* once `confirmations − 1` events after it have not refuted it: time really moved on (a
///   gap in the log); it is placed, then every held line after it that is now within the tolerance, in
///   log order. So a skewed line is dropped as soon as a good one follows it, however many skewed lines
///   come in a row (fewer than `confirmations`), and a gap of any length costs a few held lines, not a
///   slide per second of it.
/// - **live** (`watch`): an event more than `maxFuture` ahead of the wall clock is *future*. Anything else
///   is judged like a line of a recorded log, against the newest event placed — a line a year ahead of its
///   neighbours in a backlog (`--from-start` on an old log, a delayed stream) but still in the clock's past
///   is caught — except that a jump to near the wall clock (within `maxFuture` behind it) is confirmed by
///   the clock as soon as the tailer has read all there is (`endOfBatch`), even after a long pause in
///   traffic, with the lines held before it, unless a later line fell back from it. When the input pauses
///   (`paused`), lines held while nothing was placed yet are taken as they are; lines held after a jump
///   keep waiting for the lines that confirm or refute them. In the usual case (tailing the end of a log,
///   events near the clock) nothing is ever held.
/// - **replay** (`prejudged`): `ReplaySource` runs these rules over the whole recording when it loads it and
///   marks the future lines; the replayed state places everything else at once (no line is held, so the
///   replay shows each line when it is due) and counts the marked ones (`countFuture`).
/// - **end of a recorded log** (`finish`): the held lines are placed in order when the jump to them from
///   the newest event placed is not longer than `gapFactor` times the longest jump confirmed earlier (a log
///   with daily gaps ends after a gap; a dense log does not end a year on), else they are future. A log
///   that never placed an event (fewer than `confirmations` lines after its first) is taken as it is,
///   except for events more than `maxFuture` ahead of the wall clock. The wall clock is read only then:
///   a recorded log may well be stamped after the machine's clock (a test log, a container's clock).
///
/// Limits: a straggler that comes after a real gap is placed after the gap's first lines, so it is late
/// (as it would be live, or without the guard); a run whose later events all stay behind the newest placed
/// waits until one does not (a short time in real traffic). Live, a backlog that ends (input paused) right
/// after a jump keeps its last lines held (`held` in the snapshot) until more lines come; a line stamped
/// near the clock that is the last of what the tailer could read is believed (the lines after it were not
/// written yet); a producer skewed by less than `maxFuture` is believed everywhere.
///
/// Cost: an on-time event takes one comparison (`isOnTime`); only the rest take `admit`.
///
/// `Tag` travels with each line to `place`: `MonitorState` passes the request id's hash, `ReplaySource`
/// (which runs the same rules over a whole recording to know which lines do not move its clock) the line's
/// index.
struct FutureEventGuard<Tag> {
    /// A line waiting in the run: an event, or (nil) a line that is none, such as a malformed one, whose
    /// `tag` tells the caller what to do with it.
    struct Held {
        var event: Event?
        var tag: Tag
        var source: String
        /// An event behind the newest placed when it came (a straggler, or late): it says nothing about a
        /// jump (see `admit`), it only keeps its place.
        var behind = false
        /// A label, a line that is no event, or an event `behind`: it does not move event time (or is known
        /// not to), it only keeps its place.
        var waits: Bool {
            guard let event, !behind else { return true }
            if case .label = event { return true }
            return false
        }
        /// The time of an event that moves event time (only read when `!waits`).
        var time: Double { event?.timestamp ?? -.infinity }
    }

    /// Lines after a jump that must not refute it before it is believed (the jump's own line included).
    static var confirmations: Int { 8 }
    /// At the end of a recorded log, a jump up to this many times the longest confirmed one is believed.
    static var gapFactor: Double { 10 }

    /// How lines are judged.
    enum Mode {
        /// Against the wall clock, and, for lines more than `maxFuture` behind it (a backlog), like `recorded`.
        case live
        /// Against the newest event placed, holding lines after a jump (check, reference logs).
        case recorded
        /// Not at all: the caller judged them already (replay: `ReplaySource.settleFutureEvents`).
        case prejudged
    }

    let maxFuture: Double
    let mode: Mode
    /// Live: the wall clock when last read, plus `maxFuture` (re-read when an event is beyond it: a stale
    /// value only sends an event to `admit`). Recorded logs: +∞.
    private(set) var horizon: Double
    /// While nothing is held: `maxFuture` (`.greatestFiniteMagnitude` when prejudged: everything is on
    /// time once an event is placed); while a run is held: −∞ (every event then goes to `admit`).
    private(set) var slack: Double
    /// The held lines, in log order; the first is a prediction or system event.
    private var run: Deque<Held> = []
    /// Predictions and system events in `run`.
    private var heldEvents = 0
    /// The longest jump of event time (beyond `maxFuture`) confirmed so far.
    private var longestJump = 0.0
    /// Future events so far, by source.
    private(set) var bySource: [String: Int] = [:]
    private(set) var total = 0

    init(maxFuture: Double, mode: Mode) {
        // A NaN or negative tolerance would hold (or drop) everything.
        self.maxFuture = maxFuture.isNaN || maxFuture < 0 ? 0 : maxFuture
        // An infinite tolerance turns the check off (nothing is ahead of +∞; −∞ + ∞ would be NaN).
        self.mode = self.maxFuture == .infinity ? .prejudged : mode
        switch self.mode {
        case .live: (horizon, slack) = (-.infinity, self.maxFuture)
        case .recorded: (horizon, slack) = (.infinity, self.maxFuture)
        case .prejudged: (horizon, slack) = (.infinity, .greatestFiniteMagnitude)
        }
    }

    /// Whether an event at `t` is placed at once: nothing is held, it is within the tolerance of `newest`
    /// (the newest event placed, −∞ before the first) and, live, not beyond the horizon.
    /// One comparison: `min` of two doubles is a single instruction; recorded, the horizon is +∞.
    @inline(__always)
    func isOnTime(_ t: Double, newest: Double) -> Bool {
        t <= Swift.min(horizon, newest + slack)
    }

    /// Whether lines are held (then labels and malformed lines wait in line too: `admit` them).
    @inline(__always)
    var isHolding: Bool { heldEvents > 0 }

    /// Predictions and system events held (see `FutureEvents.held`).
    var held: Int { heldEvents }

    /// Decides about a line that is not on time (see `isOnTime`), or a label while `isHolding`, placing
    /// what may be placed through `place`, in log order. The event's time must be in
    /// `TimestampParser.plausibleRange`.
    /// - Parameter newest: the newest event time placed (−∞ before the first), read again after each placing.
    mutating func admit(_ event: consuming Event?, tag: Tag, source: String, newest: () -> Double,
                        wallClock: () -> Double, place: (consuming Event?, Tag) -> Void) {
        var held = Held(event: event, tag: tag, source: source)
        // Behind the newest placed: a straggler of the traffic before a jump (out-of-order traffic, placed in
        // its turn) or an event already late. Neither says the jump was a wrong clock.
        if isHolding, !held.waits, held.time < newest() { held.behind = true }
        if held.waits {
            if isHolding { run.append(held) } else { place(held.event, held.tag) }
            return
        }
        let t = held.time
        switch mode {
        case .prejudged:
            place(held.event, held.tag)
            return
        case .live:
            horizon = wallClock() + maxFuture
            if t > horizon {
                count(held.source)
                return
            }
            // Else as in a recorded log; a jump to near the wall clock is confirmed once the tailer has read all
            // there is (`endOfBatch`), unless a later line refutes it first.
        case .recorded:
            break
        }
        if isHolding {
            refute(by: t)
            release(newest: newest, place: place)
        }
        if !isHolding, t <= newest() + maxFuture {
            place(held.event, held.tag)
        } else {
            run.append(held)
            heldEvents += 1
            release(newest: newest, place: place)
        }
        slack = isHolding ? -.infinity : maxFuture
    }

    /// The end of a recorded log: see the type's documentation.
    mutating func finish(newest: () -> Double, wallClock: () -> Double, place: (consuming Event?, Tag) -> Void) {
        guard isHolding else { return }
        let takenAsItIs = newest() == -.infinity
        let wall = takenAsItIs ? wallClock() : .infinity
        while true {
            release(newest: newest, place: place)
            guard let head = run.popFirst() else { break }
            heldEvents -= 1
            let t = head.time
            if t <= wall + maxFuture, takenAsItIs || t - newest() <= Swift.max(maxFuture, Self.gapFactor * longestJump) {
                place(head.event, head.tag)
            } else {
                count(head.source)
            }
        }
        slack = maxFuture
    }

    /// Live, the end of what a source held (`LineBatch.atEnd`: the tailer caught up with it): held lines up to
    /// an event near the wall clock (within `maxFuture` behind it) are confirmed — a real pause in traffic
    /// that ends now, and what was held before it, which that event did not fall back from. Not earlier: a
    /// backlog line stamped near the clock among older ones (a producer as far ahead as the log is old: a
    /// time zone written as UTC, read a few hours later) is refuted by the older lines after it.
    /// - Complexity: O(held lines).
    mutating func endOfBatch(newest: () -> Double, wallClock: () -> Double, place: (consuming Event?, Tag) -> Void) {
        guard mode == .live, isHolding else { return }
        let nearNow = wallClock() - maxFuture
        guard run.contains(where: { !$0.waits && $0.time >= nearNow }) else { return }
        release(newest: newest, confirmed: true, place: place)
        slack = maxFuture
    }

    /// Live, the input paused (everything there was is read): lines held while no event has been placed yet
    /// (the start of a backlog shorter than a confirmation) have nothing to be judged against; they are
    /// taken as they are, as at the end of a recorded log. Held lines after a placed event keep waiting for
    /// the lines that will confirm them or refute them (or a line near the wall clock).
    mutating func paused(newest: () -> Double, wallClock: () -> Double, place: (consuming Event?, Tag) -> Void) {
        guard mode == .live, isHolding, newest() == -.infinity else { return }
        finish(newest: newest, wallClock: wallClock, place: place)
    }

    /// Drops the held events more than `maxFuture` ahead of a later one at `t`: they were stamped ahead.
    /// - Complexity: O(held lines), at most `confirmations` events and the labels between them.
    private mutating func refute(by t: Double) {
        let limit = t + maxFuture
        guard run.contains(where: { !$0.waits && $0.time > limit }) else { return }
        var kept: Deque<Held> = []
        while let h = run.popFirst() {
            if !h.waits, h.time > limit {
                count(h.source)
                heldEvents -= 1
            } else {
                kept.append(h)
            }
        }
        run = kept
    }

    /// Places the held lines that may go, from the front: lines that wait, events within the tolerance of the
    /// newest placed, and a first event that enough later ones have not refuted (or every event, `confirmed`).
    private mutating func release(newest: () -> Double, confirmed: Bool = false, place: (consuming Event?, Tag) -> Void) {
        while let head = run.first {
            if head.waits {
                let h = run.removeFirst()
                place(h.event, h.tag)
                continue
            }
            let n = newest()
            let t = head.time
            if t <= n + maxFuture {
                // Within the tolerance of what is placed: as `isOnTime` would have let it through.
            } else if confirmed || heldEvents >= Self.confirmations {
                if n > -.infinity { longestJump = Swift.max(longestJump, t - n) }
            } else {
                return
            }
            let h = run.removeFirst()
            heldEvents -= 1
            place(h.event, h.tag)
        }
    }

    /// Counts a line the caller judged future (`prejudged`).
    mutating func countFuture(source: String) { count(source) }

    private mutating func count(_ source: String) {
        total += 1
        bySource[source, default: 0] += 1
    }

    /// What the snapshot shows.
    var stats: FutureEvents {
        FutureEvents(total: total, bySource: bySource, maxFuture: maxFuture, held: heldEvents)
    }
}
