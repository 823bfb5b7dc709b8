import Testing
@testable import MLWatchCore

/// A target whose window content changes at given event times, with settable due times; it records what the
/// schedule asks of it.
private struct FakeTarget: EvaluationTarget {
    var changes: [Double] = []
    var wantsEvaluations = true
    var due: EvaluationDue = .never
    var boundariesCounted = 0
    /// (time, contentChanged) of each evaluation, and (count, through) of each skip.
    var evaluations: [(Double, Bool)] = []
    var skips: [(Int, Double)] = []

    func content(at b: Double) -> WindowContent {
        let n = changes.filter { $0 <= b }.count
        return WindowContent(predictions: 0..<n, systems: 0..<0)
    }

    func nextContentChange(after b: Double) -> Double? {
        changes.first { $0 > b }
    }

    mutating func evaluate(at b: Double, contentChanged: Bool) {
        evaluations.append((b, contentChanged))
        boundariesCounted += 1
    }

    mutating func skip(_ count: Int, through b: Double) {
        skips.append((count, b))
        boundariesCounted += count
    }
}

@Suite("EvaluationSchedule: which boundaries are evaluated, which skipped")
struct EvaluationScheduleTests {
    @Test("boundaries are n × slide; the first event places the grid at the boundary at or before it")
    func grid() {
        var s = EvaluationSchedule(slide: 0.1)
        s.start(at: 0.3)
        #expect(s.lastBoundaryTime! <= 0.3)
        #expect(s.position == 3 || s.position == 2)
        #expect(s.time(of: 7) == 7 * 0.1)
        for t in [0.3, 0.7, 1.1, 123.456, 1_700_000_000.05] {
            let n = s.firstBoundary(atOrAfter: t)
            #expect(s.time(of: n) >= t && s.time(of: n - 1) < t, "\(t)")
            let m = s.lastBoundary(before: t, inclusive: false)
            #expect(s.time(of: m) < t && s.time(of: m + 1) >= t, "\(t)")
        }
        let m = s.lastBoundary(before: 0.5, inclusive: true)
        #expect(s.time(of: m) <= 0.5 && s.time(of: m + 1) > 0.5)
    }

    @Test("with nothing changing, a stretch of any length is one evaluation and one skip")
    func idleStretchIsOneSkip() {
        var s = EvaluationSchedule(slide: 30)
        var t = FakeTarget(changes: [0])
        s.start(at: 0)
        s.run(until: 86_400 * 365 * 5, inclusive: false, target: &t)
        #expect(t.evaluations.count == 1)
        #expect(t.skips.count == 1)
        #expect(t.boundariesCounted == 5_256_000 - 1)
        #expect(s.lastBoundaryTime.map { $0 - (86_400 * 365 * 5 - 30) } == 0, "\(String(describing: s.lastBoundaryTime)) \(String(describing: s.position))")
    }

    @Test("each content change is evaluated at the first boundary at or after it; the rest are skipped")
    func changesAreEvaluated() {
        var s = EvaluationSchedule(slide: 10)
        var t = FakeTarget(changes: [0, 35, 35.5, 100, 1000, 1000.5, 5000])
        s.start(at: 0)
        s.run(until: 6000, inclusive: true, target: &t)
        #expect(t.evaluations.map(\.0) == [10, 40, 100, 1000, 1010, 5000])
        #expect(t.evaluations.allSatisfy { $0.1 })
        #expect(t.boundariesCounted == 600)
        // Skips never overlap evaluations, and cover the rest in order.
        var covered: [Double] = t.evaluations.map(\.0)
        for (count, through) in t.skips { covered += (0..<count).map { through - Double($0) * 10 } }
        #expect(covered.sorted() == (1...600).map { Double($0) * 10 })
    }

    @Test("a due time is evaluated (content unchanged) at the first boundary at or after it")
    func dueTime() {
        var s = EvaluationSchedule(slide: 10)
        var t = FakeTarget(changes: [0], due: EvaluationDue(time: 123))
        s.start(at: 0)
        s.run(until: 125, inclusive: false, target: &t)
        #expect(t.evaluations.map(\.0) == [10, 130].filter { $0 < 125 })
        s.run(until: 200, inclusive: false, target: &t)
        // Still due (the fake does not clear it): every boundary from 130 on.
        #expect(t.evaluations.map(\.0) == [10, 130, 140, 150, 160, 170, 180, 190])
        #expect(t.evaluations.dropFirst().allSatisfy { !$0.1 })
    }

    @Test("a due boundary count is evaluated at that boundary")
    func dueBoundary() {
        var s = EvaluationSchedule(slide: 1)
        var t = FakeTarget(changes: [0], due: EvaluationDue(boundary: 50))
        s.start(at: 0)
        s.run(until: 40, inclusive: true, target: &t)
        #expect(t.evaluations.map(\.0) == [1])
        #expect(t.boundariesCounted == 40)
        s.run(until: 55, inclusive: true, target: &t)
        #expect(t.evaluations.map(\.0) == [1, 50, 51, 52, 53, 54, 55])
    }

    @Test("without anything consuming evaluations the position moves and nothing is asked")
    func nothingWanted() {
        var s = EvaluationSchedule(slide: 5)
        var t = FakeTarget(changes: [0, 7, 9], wantsEvaluations: false)
        s.start(at: 0)
        s.run(until: 100, inclusive: false, target: &t)
        #expect(t.evaluations.isEmpty && t.skips.isEmpty)
        #expect(s.lastBoundaryTime == 95)
    }

    @Test("one evaluation off the grid at the end: computed when the content changed, else counted as a skip")
    func runOnce() {
        var s = EvaluationSchedule(slide: 10)
        var t = FakeTarget(changes: [0, 25])
        s.start(at: 0)
        s.run(until: 27, inclusive: true, target: &t)
        s.runOnce(at: 27, target: &t)
        #expect(t.evaluations.map(\.0) == [10, 27])
        var u = FakeTarget(changes: [0, 19])
        var s2 = EvaluationSchedule(slide: 10)
        s2.start(at: 0)
        s2.run(until: 27, inclusive: true, target: &u)
        s2.runOnce(at: 27, target: &u)
        #expect(u.evaluations.map(\.0) == [10, 20])
        #expect(u.skips.last.map { $0.1 } == 27)
        #expect(s2.lastBoundaryTime == 20)
    }

    @Test("a slide finer than the window allows is coarsened; boundary numbers stay exact")
    func fineSlides() {
        #expect(EvaluationSchedule(slide: 1e-9, size: 600).slide == 600 / EvaluationSchedule.maxStepsPerWindow)
        #expect(EvaluationSchedule(slide: 1e-9).slide == EvaluationSchedule.minimumSlide)
        #expect(EvaluationSchedule(slide: .nan).slide == 1)
        var s = EvaluationSchedule(slide: 1e-9, size: 600)
        var t = FakeTarget(changes: [0])
        s.start(at: 1_700_000_000)
        s.run(until: 1_700_000_000 + 86_400 * 365, inclusive: false, target: &t)
        #expect(t.evaluations.count == 1 && t.skips.count == 1)
    }

    @Test("eviction keeps what the current window and the next boundary's window need")
    func evictionCutoff() {
        var s = EvaluationSchedule(slide: 30)
        s.start(at: 1000)
        // Last boundary 990: the next window starts at 990 + 30 − 600.
        #expect(s.evictionCutoff(newest: 1000, size: 600, lateness: 5) == min(400, 420) - 5)
        #expect(s.evictionCutoff(newest: 2000, size: 600, lateness: 0) == 420)
    }

    @Test("random changes and dues: evaluated exactly where a step-by-step walk finds a change or a due",
          arguments: 1...20)
    func randomAgainstStepByStep(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let slide = [0.25, 1, 7, 30][Int(rng.next() % 4)]
        var changes: [Double] = [0]
        var x = 0.0
        for _ in 0..<40 {
            x += rng.chance(0.7) ? rng.uniform() * slide * 3 : rng.uniform() * slide * 500
            changes.append(x)
        }
        let dueAt = rng.chance(0.5) ? rng.uniform() * x : .infinity
        var s = EvaluationSchedule(slide: slide)
        var t = FakeTarget(changes: changes, due: EvaluationDue(time: dueAt))
        s.start(at: 0)
        // In pieces, as events arrive.
        var limit = 0.0
        while limit < x {
            limit += rng.uniform() * slide * 200
            s.run(until: limit, inclusive: false, target: &t)
        }
        // Step by step: a boundary is evaluated when its content differs from the previous evaluation's or
        // when it is at or after the due time.
        var want: [Double] = []
        var lastContent: Int?
        var n = 1.0
        let last = s.position!
        while n <= last {
            let b = n * slide
            let content = changes.filter { $0 <= b }.count
            if content != lastContent || b >= dueAt {
                want.append(b)
                lastContent = content
            }
            n += 1
        }
        #expect(t.evaluations.map(\.0) == want)
        #expect(t.boundariesCounted == Int(last))
    }
}
