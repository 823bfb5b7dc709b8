import Foundation
import Testing
@testable import MLWatchCore

@Suite("Collector rule evaluation at event-time boundaries")
struct CollectorRuleBoundaryTests {
    static let t0 = 1_795_000_000.0  // a multiple of every slide used here

    /// One prediction per second from t0; latency 500 ms from `spikeFrom` to `spikeTo` (seconds after t0), else 10.
    static func lines(count: Int, spikeFrom: Int, spikeTo: Int, jitter: Double = 0, seed: UInt64 = 1) -> [String] {
        var rng = PTRandom(seed: seed)
        return (0..<count).map { i in
            let latency = (spikeFrom..<spikeTo).contains(i) ? 500.0 : 10.0
            // Jitter moves an event up to `jitter` seconds earlier than its slot (within lateness).
            let t = t0 + Double(i) - (jitter > 0 && i > 0 ? rng.uniform() * jitter : 0)
            return #"{"ts":\#(t),"request_id":"r\#(i)","latency_ms":\#(latency),"status":"ok","prediction":1}"#
        }
    }

    static func state(lateness: Double, window: WindowSpec = .time(size: 60, slide: 10), forDuration: Double = 30,
                      keepFiringFor: Double = 0) throws -> MonitorState
    {
        let rule = try AlertRule(name: "LatencyHigh", expr: "latency_p99_ms > 250", forDuration: forDuration,
                                 keepFiringFor: keepFiringFor, labels: ["severity": "critical"])
        return MonitorState(options: CollectorOptions(window: window, lateness: lateness), mode: .check,
                            rules: RuleEngine(rules: [rule]))
    }

    static func batch(_ lines: [String]) -> LineBatch {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for l in lines {
            let start = bytes.count
            bytes += Array(l.utf8)
            ranges.append(start..<bytes.count)
            bytes.append(0x0A)
        }
        return LineBatch(source: "test", bytes: bytes, lines: ranges, skippedTooLong: 0)
    }

    static func transitions(_ s: MonitorState) -> [(Double, AlertState, AlertState)] {
        (s.rules?.timeline ?? []).map { ($0.time - t0, $0.from, $0.to) }
    }

    @Test("pending at the first boundary whose window holds the spike, firing `for:` later", arguments: [0.0, 5.0, 30.0])
    func pendingThenFiring(lateness: Double) throws {
        let s = try Self.state(lateness: lateness)
        for line in Self.lines(count: 400, spikeFrom: 100, spikeTo: 200) { s.ingestLine(line) }
        s.finish()
        let ts = Self.transitions(s)
        // The window (b − 60, b] holds ≥ 2 spiked events (p99 = 500 > 250) for boundaries 110 … 250;
        // with one spiked event p99 interpolates to 10 + 0.41·490 ≈ 211 (boundary 100 would have it: not yet).
        #expect(ts.count >= 3, "\(ts)")
        guard ts.count >= 3 else { return }
        #expect(ts[0] == (110, .inactive, .pending))
        #expect(ts[1] == (140, .pending, .firing))
        // The last spiked event is at 199: window (b − 60, b] holds ≥ 2 of them while b − 60 < 198, i.e. b < 258.
        #expect(ts[2] == (260, .firing, .resolved))
        #expect(s.rules?.alerts.first?.value == 500 || s.rules?.alerts.isEmpty == true)
    }

    @Test("boundaries wait for the watermark: an evaluation at b happens once newest − lateness passes b")
    func waitsForWatermark() throws {
        let s = try Self.state(lateness: 15)
        let lines = Self.lines(count: 400, spikeFrom: 100, spikeTo: 200)
        for line in lines.prefix(125) { s.ingestLine(line) }  // newest 124, watermark 109
        #expect(Self.transitions(s).isEmpty)
        s.ingestLine(lines[125])  // newest 125, watermark 110: boundary 110 is not due yet (b < watermark)
        #expect(Self.transitions(s).isEmpty)
        s.ingestLine(lines[126])  // watermark 111
        #expect(Self.transitions(s).map(\.0) == [110])
    }

    @Test("one batch, line by line, and random chunks give the same alerts", arguments: [UInt64(1), 2, 3])
    func determinism(seed: UInt64) throws {
        let lines = Self.lines(count: 600, spikeFrom: 150, spikeTo: 260, jitter: 8, seed: seed)
            + Self.lines(count: 0, spikeFrom: 0, spikeTo: 0)
        var rng = PTRandom(seed: seed)
        let a = try Self.state(lateness: 10, keepFiringFor: 20)
        a.ingest(Self.batch(lines))
        a.finish()
        let b = try Self.state(lateness: 10, keepFiringFor: 20)
        for line in lines { b.ingestLine(line) }
        b.finish()
        let c = try Self.state(lateness: 10, keepFiringFor: 20)
        var i = 0
        while i < lines.count {
            let n = 1 + Int(rng.next() % 40)
            c.ingest(Self.batch(Array(lines[i..<min(i + n, lines.count)])))
            i += n
        }
        c.finish()
        let ta = a.rules?.timeline ?? []
        #expect(!ta.isEmpty)
        #expect(ta == b.rules?.timeline)
        #expect(ta == c.rules?.timeline)
        #expect(a.late == b.late && b.late == c.late)
        let sa = SnapshotJSON.encode(a.snapshot(now: 0))
        #expect(sa == SnapshotJSON.encode(b.snapshot(now: 0)))
        #expect(sa == SnapshotJSON.encode(c.snapshot(now: 0)))
    }

    @Test("an evaluation never sees events after its boundary")
    func evaluationsSeeOnlyTheirWindow() throws {
        let s = MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10), lateness: 5), mode: .check)
        var seen: [(Double, Double)] = []
        s.evaluationObserver = EvaluationObserver(evaluated: { time, metrics in
            let n = metrics.first { $0.name == "events_total" }?.value ?? 0
            seen.append((time - Self.t0, n))
        }, repeated: { _ in })
        for line in Self.lines(count: 200, spikeFrom: 0, spikeTo: 0, jitter: 4, seed: 9) { s.ingestLine(line) }
        s.finish()
        #expect(!seen.isEmpty)
        // Slots are one per second; with jitter < lateness, the window (b − 60, b] of a boundary b ≥ 60 holds
        // the events of slots b − 59 … b, minus those jittered to before b − 60, plus those of slot b + 1…
        // jittered to ≤ b. Check the bounds instead of the exact count, and that boundaries are on the grid.
        for (b, n) in seen.dropLast() {
            #expect(b.truncatingRemainder(dividingBy: 10) == 0, "boundary \(b) off the 10 s grid")
            if b >= 64 { #expect(n >= 55 && n <= 65, "boundary \(b): \(n) events") }
        }
        // finish() evaluates once more at the newest event.
        #expect(seen.last.map { $0.0 } == (s.newestEventTime! - Self.t0))
    }

    @Test("after an idle gap, evaluations stay on the slide grid")
    func idleGapStaysOnGrid() throws {
        // A window smaller than the lateness, and a gap longer than the window.
        let s = MonitorState(options: CollectorOptions(window: .time(size: 10, slide: 10), lateness: 30), mode: .check)
        var boundaries: [Double] = []
        s.evaluationObserver = EvaluationObserver(evaluated: { time, _ in boundaries.append(time - Self.t0) }, repeated: { _ in })
        let times: [Double] = [0, 55, 75, 80, 120, 200, 260, 300]
        for t in times { s.ingestLine(#"{"ts":\#(Self.t0 + t),"latency_ms":1}"#) }
        s.finish()
        #expect(!boundaries.isEmpty)
        for b in boundaries.dropLast() {
            #expect(b.truncatingRemainder(dividingBy: 10) == 0, "boundary \(b) off the grid: \(boundaries)")
        }
        #expect(boundaries == boundaries.sorted())
    }

    @Test("count windows evaluate every slide events, at the newest event time")
    func countWindowEvaluations() throws {
        let rule = try AlertRule(name: "LatencyHigh", expr: "latency_p99_ms > 250")
        let s = MonitorState(options: CollectorOptions(window: .count(size: 20, slide: 5), lateness: 30), mode: .check,
                             rules: RuleEngine(rules: [rule]))
        var seen: [(Double, Double)] = []
        s.evaluationObserver = EvaluationObserver(evaluated: { time, metrics in
            seen.append((time - Self.t0, metrics.first { $0.name == "events_total" }?.value ?? 0))
        }, repeated: { _ in })
        // Out of order by up to 3 s.
        let order = [0, 1, 2, 5, 3, 4, 6, 9, 7, 8, 10, 11, 14, 12, 13, 15, 16, 19, 17, 18, 20, 21, 24, 22, 23]
        for i in order { s.ingestLine(#"{"ts":\#(Self.t0 + Double(i)),"latency_ms":\#(i >= 20 ? 500 : 10)}"#) }
        #expect(seen.map(\.1) == [5, 10, 15, 20, 20])
        // Every evaluation sees the whole count window, at the newest time so far (never going back).
        #expect(seen.map(\.0) == seen.map(\.0).sorted())
        #expect(s.rules?.timeline.map(\.to) == [.firing])
    }
}
