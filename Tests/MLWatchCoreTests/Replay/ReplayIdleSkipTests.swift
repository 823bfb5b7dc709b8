import Foundation
import Testing
@testable import MLWatchCore

/// `ReplayEngine.maxIdle`: at a factor speed the wall time spent waiting for the next line is capped and the
/// clock jumps over the rest of the gap; nothing else changes (what is fed, in which order, seeks, pause,
/// speeds, `max`, and the alert timeline of `check`). Driven by a manual wall clock.
@Suite struct ReplayIdleSkipTests {
    static let day = 86_400.0

    /// Groups of ten lines 10 s apart starting at `starts` (ten, so that the jump to a group is confirmed as
    /// a gap in the log rather than taken for a skewed clock: `FutureEventGuard.confirmations`).
    static func groups(_ starts: [Double]) -> [String] {
        starts.flatMap { start in
            (0..<10).map { #"{"ts":\#(start + Double($0) * 10),"model":"m","features":{"x":1},"prediction":1}"# }
        }
    }

    /// 1000…1090, three days of nothing, then ten more lines.
    static let lastBefore = 1090.0
    static let firstAfter = 1090 + 3 * day
    static let gapLines = groups([1000, firstAfter])

    static func engine(_ lines: [String] = gapLines, speed: ReplaySpeed = .factor(60), maxIdle: Double? = 2,
                       makeState: @escaping () -> MonitorState = ReplayEngineTests.plainState) -> ReplayEngine {
        ReplayEngine(source: ReplaySource(lines: lines, now: 4e9), speed: speed, wall: 0, maxIdle: maxIdle, makeState: makeState)
    }

    @Test func aLongGapIsCappedAndTheClockJumpsToTheNextLine() throws {
        let e = Self.engine()
        #expect(e.source.dueTimes[10] == Self.firstAfter)
        e.advance(wall: 0)
        #expect(e.position == 1)
        // 10 s apart at 60×: a sixth of a second each, far under the cap.
        e.advance(wall: 1.51)
        #expect(e.position == 10 && e.skipCount == 0)
        // The clock passed the last line at wall 1.5 and waits for the cap: nothing yet at 3.4 s.
        e.advance(wall: 3.4)
        #expect(e.position == 10 && e.skipCount == 0)
        #expect(abs(e.virtualTime(wall: 3.4) - 1204) < 1e-6)
        #expect(e.status(wall: 3.4).skippedGap == nil)
        // At 3.5 s the clock jumps to the first line after the gap and runs on from there at 60×.
        e.advance(wall: 3.6)
        #expect(e.position == 11 && e.skipCount == 1)
        #expect(abs(e.virtualTime(wall: 3.6) - (Self.firstAfter + 6)) < 1e-6)
        let skip = try #require(e.lastSkip)
        #expect(skip.from == Self.lastBefore && skip.to == Self.firstAfter)
        #expect(abs(skip.wall - 3.5) < 1e-9)
        #expect(abs(skip.jumped - (3 * Self.day - 120)) < 1e-6)  // two wall seconds at 60× were played
        #expect(abs(e.skippedTotal - skip.jumped) < 1e-9)
        let status = e.status(wall: 3.6)
        #expect(status.skippedGap == 3 * Self.day)
        #expect(status.skipNote == "skipped 3d")
        // The note is shown for a few wall seconds after the jump.
        #expect(e.status(wall: 3.5 + ReplayEngine.skipNoticeSeconds - 0.01).skippedGap == 3 * Self.day)
        #expect(e.status(wall: 3.5 + ReplayEngine.skipNoticeSeconds + 0.01).skippedGap == nil)
        // The lines after the gap come at the speed's pace again.
        e.advance(wall: 3.66)
        #expect(e.position == 11)
        e.advance(wall: 3.67)
        #expect(e.position == 12 && e.state.events == 12)
    }

    @Test func aLateCallCrossesSeveralGapsAndFeedsWhatIsDueAfterThem() {
        // Three groups a day apart: each gap would be 24 min of wall time at 60×. Group 0 plays over walls
        // 0…1.5, group 1 from 3.5 to 5, group 2 from 7: one call at 7.5 s finds 24 lines due.
        let lines = Self.groups([1000, 1000 + Self.day, 1000 + 2 * Self.day])
        let e = Self.engine(lines)
        e.advance(wall: 0)
        #expect(e.position == 1)
        e.advance(wall: 7.5)
        #expect(e.position == 24 && e.skipCount == 2)
        #expect(abs(e.virtualTime(wall: 7.5) - (1000 + 2 * Self.day + 30)) < 1e-6)
        // The limit still bounds what one call feeds.
        let f = Self.engine(lines)
        #expect(f.advance(wall: 100, limit: 15) == 15)
        #expect(f.advance(wall: 100, limit: 15) == 15)
        #expect(f.finished && f.skipCount == 2)
    }

    @Test func aGapShorterThanTheCapIsUntouched() {
        // 100 s apart: 1 2/3 s of wall time at 60×, under the 2 s cap. The capped and the uncapped replays agree.
        let lines = (0..<12).map { #"{"ts":\#(1000 + Double($0) * 100),"model":"m","features":{"x":1},"prediction":1}"# }
        let capped = Self.engine(lines)
        let plain = Self.engine(lines, maxIdle: nil)
        var wall = 0.0
        while wall < 20 {
            capped.advance(wall: wall)
            plain.advance(wall: wall)
            #expect(capped.position == plain.position, "at wall \(wall)")
            #expect(capped.virtualTime(wall: wall) == plain.virtualTime(wall: wall), "at wall \(wall)")
            wall += 0.05
        }
        #expect(capped.skipCount == 0 && capped.lastSkip == nil && capped.status(wall: wall).skippedGap == nil)
        #expect(capped.finished)
        // Without a cap (nil, 0, negative or infinite) a long gap is waited out in full.
        for off in [nil, 0, -1, Double.infinity] as [Double?] {
            let e = Self.engine(maxIdle: off)
            #expect(e.maxIdle == nil)
            e.advance(wall: 0)
            e.advance(wall: 1000)
            #expect(e.position == 10 && e.skipCount == 0)
        }
    }

    @Test func pausingInAGapStopsTheWaitAndResumingStartsItAfresh() {
        let e = Self.engine()
        e.advance(wall: 0)
        e.advance(wall: 2)  // in the gap since wall 1.5
        e.togglePause(wall: 2)
        e.advance(wall: 100)
        #expect(e.position == 10 && e.skipCount == 0)
        #expect(abs(e.virtualTime(wall: 100) - 1120) < 1e-6)
        e.togglePause(wall: 100)
        e.advance(wall: 101.9)
        #expect(e.position == 10 && e.skipCount == 0)
        e.advance(wall: 102.01)
        #expect(e.position == 11 && e.skipCount == 1)

        // A pause that comes after the wait ended, before a tick moved the clock: the clock is past the gap.
        let f = Self.engine()
        f.advance(wall: 0)
        f.advance(wall: 2)
        f.togglePause(wall: 5)
        #expect(f.skipCount == 1)
        let frozen = f.virtualTime(wall: 5)
        #expect(abs(frozen - (Self.firstAfter + 90)) < 1e-6)
        #expect(f.virtualTime(wall: 50) == frozen)
        // Paused, nothing is fed; resumed, what is due is.
        #expect(f.advance(wall: 50) == 0)
        f.togglePause(wall: 50)
        f.advance(wall: 50)
        #expect(f.position == 20 && f.finished)
    }

    @Test func seeksAcrossAGapGiveTheStateOfAStraightFeed() {
        let e = Self.engine()
        e.advance(wall: 0)
        // Forward over the gap: no skip, the position is the due count at the target.
        e.seek(to: Self.firstAfter + 15, wall: 1)
        #expect(e.position == 12 && e.skipCount == 0 && e.lastSkip == nil)
        // Back over it (a rebuild), then a minute forward into the gap: the wait starts at the seek.
        e.seek(to: 1085, wall: 2)
        #expect(e.position == 9 && e.rebuilds == 1 && e.state.events == 9)
        e.seek(by: 60, wall: 2)
        #expect(e.position == 10 && abs(e.virtualTime(wall: 2) - 1145) < 1e-6)
        e.advance(wall: 3.9)
        #expect(e.position == 10)
        e.advance(wall: 4.01)
        #expect(e.position == 11 && e.skipCount == 1 && e.state.events == 11)
        // A seek clears the note (it no longer explains where the clock is); the count stays.
        e.seek(by: -2, wall: 4.02)
        #expect(e.lastSkip == nil && e.status(wall: 4.02).skippedGap == nil && e.skipCount == 1)
        #expect(e.position == 10 && e.state.events == 10)
        // g / G are unaffected.
        e.seekToEnd(wall: 5)
        #expect(e.finished && e.position == 20)
        e.seekToStart(wall: 5)
        #expect(e.position == 1 && e.state.events == 1)
    }

    @Test func speedChangesAndMaxAreUnaffected() {
        // `max` feeds as fast as it can, with or without a cap.
        let capped = Self.engine(speed: .max)
        let plain = Self.engine(speed: .max, maxIdle: nil)
        for _ in 0..<10 {
            #expect(capped.advance(wall: 0, limit: 2) == plain.advance(wall: 0, limit: 2))
            #expect(capped.position == plain.position && capped.virtualTime(wall: 0) == plain.virtualTime(wall: 0))
        }
        #expect(capped.finished && capped.skipCount == 0)

        // `+` in a gap: the clock goes on from where it was, at the new speed, and the wait starts afresh.
        let e = Self.engine()
        e.advance(wall: 0)
        e.advance(wall: 2)
        e.faster(wall: 2)  // 60× → 600×
        #expect(e.clock.speed == .factor(600))
        #expect(abs(e.virtualTime(wall: 3) - (1120 + 600)) < 1e-6)
        e.advance(wall: 3.9)
        #expect(e.skipCount == 0)
        e.advance(wall: 4.005)
        #expect(e.skipCount == 1 && e.position == 11)
        // Down to 1×: lines 10 s apart take 10 s each, more than the cap, so each gap is cut to 2 s.
        e.setSpeed(.factor(1), wall: 4.005)
        e.advance(wall: 6.01)
        #expect(e.position == 12 && e.skipCount == 2)
        #expect(e.lastSkip?.gap == 10)
        #expect(e.status(wall: 6.01).skipNote == "skipped 10s")
    }

    /// A sparse recording (the fixture's 15 minutes cut in five parts two days apart): a replay with the cap,
    /// random pauses, speed changes, seeks and alert jumps, ticking as the host does, ends with `check`'s
    /// timeline, reaches the end in seconds of wall time instead of the hours the gaps would take, and has at
    /// every tick the state a straight feed has at the same position.
    @Test func aSparseReplayWithTheCapGivesTheCheckTimeline() throws {
        let lines = Self.sparseFixtureLines()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-idle-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try ReplayFixture.checkTimeline(path: path)
        #expect(expected.count >= 4)
        let source = try ReplaySource.load(paths: [path], now: 4e9)
        #expect((source.endTime ?? 0) - (source.startTime ?? 0) > 8 * Self.day)

        // Played straight through at 600× with the cap: the gaps cost 2 s each, not 8 hours of wall time.
        let e = ReplayEngine(source: source, speed: .factor(600), wall: 0, maxIdle: 2, makeState: ReplayFixture.makeState)
        var wall = 0.0
        while !e.finished && wall < 60 {
            e.advance(wall: wall, limit: 4096)
            wall += 0.1
        }
        #expect(e.finished, "not at the end after \(wall) s of wall time")
        #expect(wall < 20 && e.skipCount >= 4, "\(wall) s, \(e.skipCount) gaps skipped")
        #expect(e.state.snapshot().timeline == expected)

        // With random controls, ticking by the host's 0.1 s.
        var rng = SplitMix64(seed: 11)
        wall = 0
        let r = ReplayEngine(source: source, speed: .factor(60), wall: wall, maxIdle: 2, makeState: ReplayFixture.makeState)
        var backSeeks = 0
        for op in 0..<300 {
            wall += 0.1
            switch rng.int(80) {
            case 0: r.togglePause(wall: wall)
            case 1 where r.clock.speed.faster != .max: r.faster(wall: wall)  // `max` is tested above
            case 2: r.slower(wall: wall)
            case 3 where backSeeks < 3:
                backSeeks += 1
                r.seek(by: -Double(60 + rng.int(300)), wall: wall)
            case 4: r.seek(by: Double(rng.int(120)), wall: wall)
            case 5: r.jumpToNextTransition(wall: wall)
            default: r.advance(wall: wall, limit: 4096)
            }
            if op % 60 == 0 {
                let straight = ReplayEngine(source: source, speed: .max, wall: 0, makeState: ReplayFixture.makeState)
                straight.advance(wall: 0, limit: r.position)
                #expect(straight.position == r.position)
                let a = r.state.snapshot(now: 0)
                let b = straight.state.snapshot(now: 0)
                #expect(a.events == b.events && a.timeline == b.timeline && a.metrics == b.metrics, "at position \(r.position)")
            }
        }
        #expect(r.skipCount > 0, "speed \(r.clock.speed), position \(r.position) of \(source.count), rebuilds \(r.rebuilds)")
        if r.clock.paused { r.togglePause(wall: wall) }
        r.setSpeed(.max, wall: wall)
        while !r.finished { r.advance(wall: wall, limit: 1000) }
        #expect(r.state.snapshot().timeline == expected)
    }

    /// The replay fixture with its time cut every 3 minutes and the parts moved two days apart.
    static func sparseFixtureLines() -> [String] {
        ReplayFixture.lines.map { line in
            guard let open = line.range(of: #""ts":""#),
                  let close = line[open.upperBound...].firstIndex(of: "\""),
                  let t = TimestampParser.parse(String(line[open.upperBound..<close])) else { return line }
            let part = ((t - ReplayFixture.start) / 180).rounded(.down)
            let moved = TimestampParser.format(t + max(0, part) * 2 * day)
            return line.replacingCharacters(in: open.upperBound..<close, with: moved)
        }
    }
}
