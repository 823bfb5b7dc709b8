import Testing
@testable import MLWatchCore

@Suite struct ReplayClockTests {
    @Test func runsAtItsSpeedFromTheAnchor() {
        let c = VirtualClock(start: 1000, wall: 50, speed: .factor(10))
        #expect(c.now(wall: 50) == 1000)
        #expect(c.now(wall: 51.5) == 1015)
        // A wall time before the anchor does not run the clock backwards.
        #expect(c.now(wall: 40) == 1000)
    }

    @Test func pauseFreezesAndResumeContinuesFromThere() {
        var c = VirtualClock(start: 0, wall: 0, speed: .factor(2))
        c.pause(wall: 3)
        #expect(c.paused)
        #expect(c.now(wall: 100) == 6)
        c.resume(wall: 100)
        #expect(c.now(wall: 101) == 8)
        // Pausing twice keeps the first pause.
        c.pause(wall: 102)
        c.pause(wall: 200)
        #expect(c.now(wall: 300) == 10)
    }

    @Test func speedChangeReanchors() {
        var c = VirtualClock(start: 0, wall: 0, speed: .factor(1))
        c.setSpeed(.factor(60), wall: 10)
        #expect(c.now(wall: 10) == 10)
        #expect(c.now(wall: 11) == 70)
        c.setSpeed(.max, wall: 12)
        // At max the clock does not run by itself: the driver moves it.
        #expect(c.now(wall: 50) == 130)
        c.seek(to: 500, wall: 50)
        #expect(c.now(wall: 60) == 500)
        c.setSpeed(.factor(1), wall: 60)
        #expect(c.now(wall: 61) == 501)
    }

    @Test func seekKeepsPauseAndSpeed() {
        var c = VirtualClock(start: 0, wall: 0, speed: .factor(5), paused: true)
        c.seek(to: 42, wall: 7)
        #expect(c.now(wall: 9) == 42)
        c.resume(wall: 9)
        #expect(c.now(wall: 10) == 47)
    }

    @Test func wallTimeReachingAVirtualTime() {
        var c = VirtualClock(start: 1000, wall: 10, speed: .factor(60))
        #expect(c.wall(reaching: 1120) == 12)
        // A time the clock was past when anchored counts as the anchor.
        #expect(c.wall(reaching: 900) == 10)
        c.pause(wall: 11)
        #expect(c.wall(reaching: 2000) == nil)
        c.resume(wall: 20)
        #expect(c.wall(reaching: 1120) == 21)
        c.setSpeed(.max, wall: 20)
        #expect(c.wall(reaching: 5000) == nil)
    }

    @Test func speedSteps() {
        let order = ReplaySpeed.steps.map(\.description)
        #expect(order == ["1×", "2×", "5×", "10×", "60×", "600×", "max"])
        var s = ReplaySpeed.factor(1)
        var seen: [String] = []
        for _ in 0..<8 {
            s = s.faster
            seen.append(s.description)
        }
        #expect(seen == ["2×", "5×", "10×", "60×", "600×", "max", "max", "max"])
        #expect(ReplaySpeed.max.slower == .factor(600))
        #expect(ReplaySpeed.factor(1).slower == .factor(1))
        #expect(ReplaySpeed.factor(30).faster == .factor(60))
        #expect(ReplaySpeed.factor(30).slower == .factor(10))
        #expect(ReplaySpeed.parse("max") == .max)
        #expect(ReplaySpeed.parse("10") == .factor(10))
        #expect(ReplaySpeed.parse("60x") == .factor(60))
        #expect(ReplaySpeed.parse("0.5") == .factor(0.5))
        #expect(ReplaySpeed.parse("0") == nil)
        #expect(ReplaySpeed.parse("fast") == nil)
    }

    @Test func statusLine() {
        let s = ReplayStatus(speed: .factor(60), paused: false, virtualTime: 1_795_000_000 + 3661, startTime: 1_795_000_000,
                             endTime: 1_795_007_200, progress: 0.5)
        #expect(s.modeLabel == "REPLAY 60×")
        #expect(s.line(barWidth: 8) == "▶ 12:07:41 ▕████░░░░▏ 50%")
        var p = s
        p.paused = true
        #expect(p.modeLabel == "REPLAY ‖ 60×")
        // A gap the clock just jumped over, in the duration style of the rest of the tool.
        #expect(s.skipNote == nil)
        p.skippedGap = 2 * 86_400 + 3 * 3600 + 59
        #expect(p.skipNote == "skipped 2d3h")
        p.skippedGap = 130
        #expect(p.skipNote == "skipped 2m10s")
        p.skippedGap = .infinity
        #expect(p.skipNote == nil)
    }
}
