/// What the evaluation schedule drives: the engine that computes metrics at a boundary and steps the rules.
protocol EvaluationTarget {
    /// Whether anything consumes evaluations (rules, or a reference being learned); when nothing does, the
    /// schedule only keeps its position.
    var wantsEvaluations: Bool { get }
    /// What an evaluation at boundary time `b` would read.
    func content(at b: Double) -> WindowContent
    /// The earliest event time after `b` at which a later boundary may read other content than `b` (nil:
    /// never, while nothing is ingested). May be early, never late.
    func nextContentChange(after b: Double) -> Double?
    /// When an evaluation that reads the previous content next has something to do.
    var due: EvaluationDue { get }
    /// Boundaries counted so far by what `due.boundary` refers to.
    var boundariesCounted: Int { get }
    /// Evaluates at `b`; `contentChanged` is false when the content is the previous evaluation's.
    mutating func evaluate(at b: Double, contentChanged: Bool)
    /// `count` boundaries, the last at `b`, read the previous content and had nothing due.
    mutating func skip(_ count: Int, through b: Double)
}

/// The event-time boundaries at which rules are evaluated — boundary n at n × slide, for time and `all`
/// windows — and which of them need evaluating.
///
/// Every boundary the watermark passes is dealt with in order, but only some are computed: one whose window
/// content differs from the previous evaluation's (an event entered or left, a label joined, a counter
/// moved), or at which the rule engine has something due with unchanged metrics (`for:` elapsing,
/// `keep_firing_for` elapsing, a resolved alert going inactive, a snooze ending, an adaptive threshold
/// re-learning or growing its history). Between two such boundaries nothing an evaluation reads changes, so
/// the schedule jumps over the stretch in one step and tells the target how many boundaries it skipped
/// (adaptive histories count them). Crossing an idle gap of event time therefore costs O(1), not one
/// evaluation per slide, and a window that did not change is not recomputed; the result is exactly that of
/// evaluating every boundary (the engine's tests compare both).
///
/// Boundary times are computed as n × slide from the whole number n (not by adding `slide` repeatedly), so
/// a skipped stretch lands on exactly the boundaries a step-by-step walk would.
struct EvaluationSchedule: Sendable, Equatable {
    /// Seconds of event time between boundaries.
    let slide: Double
    /// Number of the last boundary dealt with (evaluated or skipped); nil before the first event.
    private(set) var position: Double?
    /// Time of the boundary after `position` (the ingest path's one comparison per event).
    private(set) var nextBoundaryTime = Double.infinity
    /// What the latest evaluation read (nil: none yet, or forgotten because the rules changed).
    private(set) var lastContent: WindowContent?
    /// Boundaries computed and boundaries skipped so far (for tests and benchmarks).
    private(set) var evaluatedCount = 0
    private(set) var skippedCount = 0

    /// The finest slide the engine honours: boundary numbers must stay exact in a `Double` up to year
    /// 10000 (2.5·10¹¹ s / 10⁻³ s < 2⁵³).
    static let minimumSlide = 0.001
    /// Boundaries per window length at most: a finer slide is coarsened to `size / maxStepsPerWindow`
    /// (configuration validation rejects such windows; this keeps the engine bounded if one gets through).
    static let maxStepsPerWindow = 100_000.0

    /// - Parameter slide: seconds between boundaries (coarsened to `minimumSlide` and to
    ///   `size / maxStepsPerWindow`).
    init(slide: Double, size: Double? = nil) {
        var s = slide.isFinite && slide > 0 ? slide : 1
        if let size, size.isFinite, size > 0 { s = max(s, size / Self.maxStepsPerWindow) }
        self.slide = max(s, Self.minimumSlide)
    }

    /// Event time of boundary `n`.
    func time(of n: Double) -> Double { n * slide }

    /// The boundary dealt with last, as an event time.
    var lastBoundaryTime: Double? { position.map(time(of:)) }

    /// The first boundary number whose time is at or after `t`.
    func firstBoundary(atOrAfter t: Double) -> Double {
        var n = (t / slide).rounded(.up)
        // Beyond 2⁵² consecutive numbers are no longer exact; nothing on the grid is that far.
        guard abs(n) < 0x1p52 else { return n }
        while time(of: n - 1) >= t { n -= 1 }
        while time(of: n) < t { n += 1 }
        return n
    }

    /// The last boundary number whose time is before `limit` (or at it when `inclusive`).
    func lastBoundary(before limit: Double, inclusive: Bool) -> Double {
        let n = firstBoundary(atOrAfter: limit)
        return inclusive && time(of: n) == limit ? n : n - 1
    }

    /// Places the grid at the first event: the boundary at or before it counts as dealt with.
    mutating func start(at t: Double) {
        var n = (t / slide).rounded(.down)
        if abs(n) < 0x1p52 {
            while time(of: n) > t { n -= 1 }
        }
        position = n
        nextBoundaryTime = time(of: n + 1)
    }

    /// Forgets the latest content: the next boundary is evaluated in full (after the rules changed).
    mutating func forgetContent() {
        lastContent = nil
    }

    /// Deals with every boundary before `limit` (or at it when `inclusive`): evaluates those whose content
    /// changed or with something due, skips the others in stretches.
    /// - Complexity: O(c + d) evaluations for c content changes and d due times among the boundaries, plus
    ///   O(log n) per stretch skipped; independent of how many boundaries the stretches hold.
    mutating func run<T: EvaluationTarget>(until limit: Double, inclusive: Bool, target: inout T) {
        guard var n = position, nextBoundaryTime < limit || (inclusive && nextBoundaryTime == limit) else { return }
        let last = lastBoundary(before: limit, inclusive: inclusive)
        defer {
            position = n
            nextBoundaryTime = time(of: n + 1)
        }
        guard target.wantsEvaluations else {
            n = max(n, last)
            return
        }
        while n < last {
            let next = n + 1
            let b = time(of: next)
            let content = target.content(at: b)
            let due = target.due
            let counted = target.boundariesCounted
            if content != lastContent || due.isDue(time: b, boundary: counted + 1) {
                target.evaluate(at: b, contentChanged: content != lastContent)
                lastContent = content
                evaluatedCount += 1
                n = next
                continue
            }
            // Nothing changes at `next`, nor at any boundary before the next possible change: skip them.
            var through = last
            if let change = target.nextContentChange(after: b) {
                through = min(through, firstBoundary(atOrAfter: change) - 1)
            }
            if due.time.isFinite { through = min(through, firstBoundary(atOrAfter: due.time) - 1) }
            if due.boundary != .max {
                // Boundary `next + j` is counted as `counted + 1 + j`.
                let j = due.boundary - counted - 1
                if j >= 1 { through = min(through, next + Double(j) - 1) }
            }
            through = max(through, next)
            let count = Int(through - next) + 1
            target.skip(count, through: time(of: through))
            skippedCount += count
            n = through
        }
    }

    /// One more evaluation at event time `t` off the grid, when `t` is not the last boundary (the end of the
    /// input: `finish` evaluates at the newest event). Leaves the position on the grid.
    mutating func runOnce<T: EvaluationTarget>(at t: Double, target: inout T) {
        guard target.wantsEvaluations, lastBoundaryTime != t else { return }
        let content = target.content(at: t)
        if content != lastContent || target.due.isDue(time: t, boundary: target.boundariesCounted + 1) {
            target.evaluate(at: t, contentChanged: content != lastContent)
            lastContent = content
            evaluatedCount += 1
        } else {
            target.skip(1, through: t)
            skippedCount += 1
        }
    }

    /// Events at or before this time are needed by no later window or evaluation of a window of `size`
    /// seconds: older than the current window, and than the window of the next boundary, by more than the
    /// lateness (an event that late is rejected anyway).
    func evictionCutoff(newest: Double, size: Double, lateness: Double) -> Double {
        let nextWindowStart = (lastBoundaryTime ?? newest) + slide - size
        return min(newest - size, nextWindowStart) - lateness
    }
}
