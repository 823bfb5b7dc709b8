import Foundation
import Testing
@testable import MLWatchCore

@Suite(.serialized) struct ReplayEngineTests {
    @Test func sourceKeepsFileOrderWithNonDecreasingDueTimes() {
        let s = ReplaySource(lines: [
            "garbage before any time",
            #"{"ts":100,"model":"m","features":{"x":1},"prediction":1}"#,
            "",
            #"{"ts":105,"model":"m","features":{"x":2},"prediction":1}"#,
            #"{"ts":103,"model":"m","features":{"x":3},"prediction":1}"#,
            #"{"ts":104,"type":"label","request_id":"a","label":1}"#,
            "{not json",
            #"{"ts":110,"model":"m","features":{"x":4},"prediction":0}"#,
        ], now: 4e9)
        #expect(s.count == 7)  // the blank line is dropped
        #expect(s.dueTimes == [100, 100, 105, 105, 105, 105, 110])
        #expect(s.entries.first == .malformed(Array("garbage before any time".utf8)))
        #expect(s.dueCount(at: 104.9) == 2)
        #expect(s.dueCount(at: 105) == 6)
        var t = s
        t.truncate(after: 105)
        #expect(t.count == 6)
        #expect(t.endTime == 105)
    }

    @Test func advancesByTheVirtualClock() {
        let lines = (0..<100).map { #"{"ts":\#(1000 + $0),"model":"m","features":{"x":\#($0)},"prediction":1}"# }
        let e = ReplayEngine(source: ReplaySource(lines: lines, now: 4e9), speed: .factor(10), wall: 0, makeState: Self.plainState)
        e.advance(wall: 0)
        #expect(e.position == 1)
        e.advance(wall: 1)  // 10 virtual seconds
        #expect(e.position == 11)
        #expect(e.state.events == 11)
        e.togglePause(wall: 1)
        e.advance(wall: 50)
        #expect(e.position == 11)
        e.togglePause(wall: 50)
        e.setSpeed(.max, wall: 50)
        e.advance(wall: 50, limit: 30)
        #expect(e.position == 41)
        #expect(e.virtualTime(wall: 99) == 1040)
        e.advance(wall: 51)
        #expect(e.atEnd && e.finished)
        #expect(e.progress(wall: 52) == 1)
        #expect(e.status(wall: 52).modeLabel == "REPLAY END")
    }

    @Test func seekingBackRebuildsTheSameState() {
        let lines = (0..<300).map { #"{"ts":\#(1000 + $0),"model":"m","features":{"x":\#($0 % 7)},"prediction":1}"# }
        let e = ReplayEngine(source: ReplaySource(lines: lines, now: 4e9), speed: .factor(1), wall: 0, makeState: Self.plainState)
        e.seek(to: 1200, wall: 0)
        #expect(e.position == 201)
        e.seek(by: -60, wall: 0)
        #expect(e.rebuilds == 1)
        #expect(e.position == 141)
        #expect(e.state.events == 141)
        e.seekToEnd(wall: 0)
        #expect(e.finished)
        e.seekToStart(wall: 0)
        #expect(e.position == 1 && e.state.events == 1 && !e.finished)
        // --from: earlier lines are fed at once.
        let f = ReplayEngine(source: ReplaySource(lines: lines, now: 4e9), from: 1100.5, wall: 0, makeState: Self.plainState)
        #expect(f.position == 101)
        #expect(f.virtualTime(wall: 0) == 1100.5)
    }

    /// Replay with random pauses, speed changes, seeks and alert jumps ends with exactly the alert
    /// timeline of the `check` path (same log, same config).
    @Test func randomControlsGiveTheCheckTimeline() throws {
        let path = try ReplayFixture.file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try ReplayFixture.checkTimeline(path: path)
        #expect(expected.count >= 4)
        #expect(Set(expected.map(\.rule)).count >= 3)
        let source = try ReplaySource.load(paths: [path], now: 4e9)
        var rng = SplitMix64(seed: 9)
        var wall = 0.0
        let e = ReplayEngine(source: source, speed: .factor(60), wall: wall, makeState: ReplayFixture.makeState)
        var ops = 0
        var backSeeks = 0
        while ops < 40 {
            ops += 1
            wall += rng.uniform() * 2
            switch rng.int(10) {
            case 0: e.togglePause(wall: wall)
            case 1: e.faster(wall: wall)
            case 2: e.slower(wall: wall)
            case 3 where backSeeks < 3:
                backSeeks += 1
                e.seek(by: -Double(60 + rng.int(300)), wall: wall)
            case 4: e.seek(by: Double(rng.int(120)), wall: wall)
            case 5: e.jumpToNextTransition(wall: wall)
            case 6 where backSeeks < 3:
                backSeeks += 1
                e.jumpToPreviousTransition(wall: wall)
            default: e.advance(wall: wall, limit: 500)
            }
            // The UI takes snapshots all along; they must not change what the rules see.
            if ops % 5 == 0 { _ = e.state.snapshot() }
        }
        if e.clock.paused { e.togglePause(wall: wall) }
        e.setSpeed(.max, wall: wall)
        while !e.finished { e.advance(wall: wall, limit: 1000) }
        #expect(e.state.snapshot().timeline == expected)
        // And straight through at max speed.
        let straight = ReplayEngine(source: source, speed: .max, wall: 0, makeState: ReplayFixture.makeState)
        straight.advance(wall: 0)
        #expect(straight.state.snapshot().timeline == expected)
    }

    /// Backward seeks restore a state checkpoint (a few hundred entries apart here) and feed on from it: the state at any position is the one a straight feed has there, and the
    /// checkpoints themselves are not changed by what is fed after them.
    @Test func checkpointsRestoreTheStateOfAStraightFeed() throws {
        let source = ReplaySource(lines: ReplayFixture.lines, now: 4e9)
        let e = ReplayEngine(source: source, speed: .max, wall: 0, checkpointInterval: 97, maxCheckpoints: 4,
                             makeState: ReplayFixture.makeState)
        e.advance(wall: 0)
        #expect(e.finished)
        // One after every interval, but none at the very end.
        #expect(e.checkpointCount == (source.count - 1) / e.checkpointInterval && e.checkpointCount < 4)
        #expect(e.checkpointInterval == (source.count + 3) / 4)
        var rng = SplitMix64(seed: 5)
        for _ in 0..<8 {
            let target = e.startTime + rng.uniform() * (e.endTime - e.startTime)
            e.seekToEnd(wall: 0)
            e.seek(to: target, wall: 0)  // always backwards: restores a checkpoint (or starts afresh)
            let straight = ReplayEngine(source: source, speed: .max, wall: 0, makeState: ReplayFixture.makeState)
            straight.seek(to: target, wall: 0)
            #expect(e.position == straight.position)
            let a = e.state.snapshot(now: 0)
            let b = straight.state.snapshot(now: 0)
            #expect(a.events == b.events && a.late == b.late && a.malformed == b.malformed)
            #expect(a.timeline == b.timeline && a.alerts == b.alerts)
            #expect(a.metrics == b.metrics, "metrics differ after a seek to \(target)")
        }
        #expect(e.rebuilds == 8)
        e.seekToEnd(wall: 0)
        let path = try ReplayFixture.file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(e.state.snapshot().timeline == (try ReplayFixture.checkTimeline(path: path)))
    }

    @Test func jumpsBetweenAlertTransitions() throws {
        let source = ReplaySource(lines: ReplayFixture.lines, now: 4e9)
        let e = ReplayEngine(source: source, speed: .factor(1), wall: 0, makeState: ReplayFixture.makeState)
        #expect(e.jumpToNextTransition(wall: 0))
        let first = e.position
        let firstCount = e.state.rules!.timeline.count
        #expect(firstCount >= 1)
        #expect(e.jumpToNextTransition(wall: 0))
        #expect(e.position > first)
        #expect(e.state.rules!.timeline.count > firstCount)
        e.jumpToPreviousTransition(wall: 0)
        #expect(e.position == first)
        #expect(e.state.rules!.timeline.count == firstCount)
        #expect(e.virtualTime(wall: 0) == source.dueTimes[first - 1])
        e.jumpToPreviousTransition(wall: 0)
        #expect(e.position == 0)
    }

    static func plainState() -> MonitorState {
        MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10)), mode: .replay)
    }
}
