import Foundation
import Testing
@testable import MLWatchCore

/// Event-time sanity: absurd timestamps are malformed lines with their own reason (never a trap, never a
/// hang), and a producer with a wrong clock cannot make good events late or move the window: its events
/// are counted as `future` and kept out, in `check`, live (`watch`) and `replay` alike. Wall clocks are
/// injected; nothing here depends on the time of day or on how fast the machine is.
@Suite("Hostile input: event time")
struct EventTimeSanityTests {
    static let start = 1_767_600_000.0
    static let year = 365 * 86_400.0
    /// The wall clock of the live runs: just after the good lines.
    static let liveNow = start + 400

    static func prediction(_ i: Int, at t: Double, model: String = "good") -> String {
        #"{"ts":\#(t),"model":"\#(model)","version":"v1","request_id":"r\#(i)","latency_ms":\#(10 + i % 30),"status":"ok","features":{"amount":\#(i % 97),"country":"\#(["DE", "FR"][i % 2])"},"prediction":\#(i % 2),"score":0.\#(i % 10)}"#
    }

    static func label(_ i: Int, at t: Double) -> String {
        #"{"ts":\#(t),"type":"label","request_id":"r\#(i)","label":\#((i / 2) % 2)}"#
    }

    /// 300 good predictions one second apart, a label for every third, and `skewed` predictions stamped a
    /// year ahead inserted before the good line of each given index.
    static func log(skewedAt: [Int], ahead: Double = year) -> [String] {
        var lines: [String] = []
        for i in 0..<300 {
            for (k, at) in skewedAt.enumerated() where at == i {
                lines.append(prediction(10_000 + k, at: start + Double(i) + ahead, model: "skewed"))
            }
            lines.append(prediction(i, at: start + Double(i)))
            if i % 3 == 2 { lines.append(label(i - 1, at: start + Double(i))) }
        }
        if skewedAt.contains(300) { lines.append(prediction(10_300, at: start + 300 + ahead, model: "skewed")) }
        return lines
    }

    /// - Parameter tailing: every batch reaches the end of the log (the tailer is caught up: live at the end of
    ///   a log); else only the last does (a log read from its start).
    static func batches(_ lines: [String], size: Int = 7, source: String = "app.jsonl", tailing: Bool = false) -> [LineBatch] {
        stride(from: 0, to: lines.count, by: size).map { i in
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            for line in lines[i..<min(i + size, lines.count)] {
                let from = bytes.count
                bytes += Array(line.utf8)
                ranges.append(from..<bytes.count)
                bytes.append(0x0A)
            }
            return LineBatch(source: source, bytes: bytes, lines: ranges, skippedTooLong: 0, atEnd: tailing || i + size >= lines.count)
        }
    }

    static let options = CollectorOptions(window: .time(size: 600, slide: 30), lateness: 30)

    static func check(_ lines: [String], options: CollectorOptions = options, now: Double = liveNow) -> Snapshot {
        let s = MonitorState(options: options, sources: ["app.jsonl"], mode: .check, wallClock: { now })
        for b in batches(lines) { s.ingest(b) }
        s.finish()
        return s.snapshot(now: 0)
    }

    static func live(_ lines: [String], options: CollectorOptions = options, now: Double = liveNow) -> Snapshot {
        let s = MonitorState(options: options, sources: ["app.jsonl"], mode: .live, wallClock: { now })
        for b in batches(lines) { s.ingest(b) }
        return s.snapshot(now: 0)
    }

    /// `watch --from-start` on an old log: live, the wall clock ten years after the lines, and the input
    /// paused at the end (the tailer read everything there was). No line may be held along the way once
    /// its run is decided, and none is held in the usual case.
    static func backlog(_ lines: [String], options: CollectorOptions = options, now: Double = start + 10 * year) -> Snapshot {
        let s = MonitorState(options: options, sources: ["app.jsonl"], mode: .live, wallClock: { now })
        for b in batches(lines) { s.ingest(b) }
        s.inputPaused()
        return s.snapshot(now: 0)
    }

    static func replay(_ lines: [String], options: CollectorOptions = options, now: Double = liveNow) -> Snapshot {
        let source = ReplaySource(lines: lines, maxFuture: options.maxFuture, now: now)
        let engine = ReplayEngine(source: source, speed: .max, wall: 0) {
            MonitorState(options: options, sources: ["app.jsonl"], mode: .replay, wallClock: { now })
        }
        while !engine.atEnd || !engine.finished { engine.advance(wall: 1, limit: 53) }
        return engine.state.snapshot(now: 0)
    }

    /// A snapshot as JSON without what legitimately differs between the paths and the hostile variants.
    static func comparable(_ s: Snapshot) -> String {
        var s = s
        s.builtAt = 0
        s.mode = .check
        s.sources = []
        s.future = FutureEvents()
        return SnapshotJSON.encode(s)
    }

    // MARK: Absurd timestamps

    static let outOfRange = [
        "1e30", #""99999999999999999999999999""#, "1.7976931348623157e308", "-1.7976931348623157e308", "-5",
        #""1969-12-31T23:59:59Z""#, "1e400", "-1e400",
        #""\#(String(repeating: "9", count: 400))""#, String(repeating: "9", count: 400),
        #""0000-01-01T00:00:00Z""#, #""9999-12-31T23:59:59-01:00""#, "NaN", "Infinity", "-Infinity",
    ]
    static let unparsable = [#""+10000-01-01T00:00:00Z""#, #""99999-01-01T00:00:00Z""#, "true", #""""#, #""1e30""#]

    @Test("absurd timestamps are malformed with their own reason, and every good line still counts")
    func absurdTimestamps() {
        let clean = Self.check(Self.log(skewedAt: []))
        for ts in Self.outOfRange + Self.unparsable {
            var lines = Self.log(skewedAt: [])
            lines.insert(#"{"ts":\#(ts),"model":"good","version":"v1","features":{"amount":1},"prediction":1}"#, at: 150)
            let s = Self.check(lines)
            #expect(s.malformed.total == 1, "\(ts)")
            let reason = Self.outOfRange.contains(ts) ? MalformedReason.timestampOutOfRange : .invalidTimestamp
            #expect(s.malformed.byReason[reason.rawValue] == 1, "\(ts): \(s.malformed.byReason)")
            #expect(s.events == 300 && s.late == 0 && s.future.total == 0, "\(ts)")
            var withoutMalformed = s
            withoutMalformed.malformed = clean.malformed
            withoutMalformed.metrics = s.metrics.map { $0.name == "malformed_lines_total" ? MetricSample(name: $0.name, value: 0) : $0 }
            #expect(Self.comparable(withoutMalformed) == Self.comparable(clean), "\(ts)")
        }
    }

    @Test("the timestamp parser's range: 1970 up to the last second of 9999, whatever the spelling")
    func timestampRange() {
        #expect(TimestampParser.parse("1970-01-01T00:00:00Z") == 0)
        #expect(TimestampParser.parse("9999-12-31T23:59:59Z") == 253_402_300_799)
        #expect(TimestampParser.parse("9999-12-31T23:59:59.999Z") == 253_402_300_799.999)
        #expect(TimestampParser.parse("9999-12-31T23:59:59-01:00") == nil)
        #expect(TimestampParser.parse("1970-01-01T00:30:00+01:00") == nil)
        #expect(TimestampParser.parse("99999999999999999999999999") == nil)
        #expect(TimestampParser.parse(String(repeating: "9", count: 10_000)) == nil)
        #expect(TimestampParser.parse("1767600000.5") == 1_767_600_000.5)
        for n in [1e30, .infinity, -.infinity, .nan, -1, 1.7976931348623157e308, -0.5] {
            #expect(TimestampParser.fromEpoch(n) == nil, "\(n)")
        }
        #expect(TimestampParser.fromEpoch(0) == 0)
        #expect(TimestampParser.fromEpoch(1_767_600_000_000) == 1_767_600_000)
    }

    @Test("\"9999-12-31T23:59:59Z\" is a valid time, and a future one: it moves nothing")
    func lastSecondOfYear9999() {
        var lines = Self.log(skewedAt: [])
        lines.insert(#"{"ts":"9999-12-31T23:59:59Z","model":"good","version":"v1","features":{"amount":1},"prediction":1}"#, at: 10)
        let clean = Self.check(Self.log(skewedAt: []))
        for (path, s) in [("check", Self.check(lines)), ("live", Self.live(lines)), ("replay", Self.replay(lines))] {
            #expect(s.future.total == 1 && s.malformed.total == 0, "\(path)")
            #expect(s.events == 300 && s.late == 0, "\(path)")
            #expect(s.newestEventTime == Self.start + 299, "\(path)")
        }
        #expect(Self.comparable(Self.check(lines)) == Self.comparable(clean))
    }

    @Test("an event handed over with a time no parser accepts is malformed, not placed")
    func directEventOutOfRange() {
        let s = MonitorState(options: Self.options, mode: .check, wallClock: { Self.liveNow })
        for t in [Double.nan, .infinity, -.infinity, -1, 1e30] {
            s.ingest(.system(SystemEvent(timestamp: t, cpuPct: 1)))
        }
        s.ingestLine(Self.prediction(0, at: Self.start))
        s.finish()
        let snap = s.snapshot(now: 0)
        #expect(snap.malformed.byReason[MalformedReason.timestampOutOfRange.rawValue] == 5)
        #expect(snap.events == 1 && snap.newestEventTime == Self.start && s.systemSamples == 0)
    }

    // MARK: A producer with a wrong clock

    @Test("a producer a year ahead among 300 good lines: every good line counted, the window in the right year", arguments: [
        [0], [1], [150], [299], [300], [150, 151], [0, 1, 2], Array(100..<107), [10, 50, 90, 130, 170, 210, 250, 290],
    ])
    func skewedProducer(at positions: [Int]) {
        let clean = Self.comparable(Self.check(Self.log(skewedAt: [])))
        let lines = Self.log(skewedAt: positions)
        for (path, s) in [("check", Self.check(lines)), ("live", Self.live(lines)), ("replay", Self.replay(lines)),
                          ("live backlog", Self.backlog(lines))] {
            #expect(s.events == 300, "\(path) \(positions)")
            #expect(s.late == 0, "\(path) \(positions)")
            // A backlog that ends with the skewed line keeps it held (nothing after it says what it is yet).
            let held = path == "live backlog" && positions.last == 300 ? 1 : 0
            #expect(s.future.total == positions.count - held, "\(path) \(positions)")
            #expect(s.future.bySource == (positions.count > held ? ["app.jsonl": positions.count - held] : [:]), "\(path) \(positions)")
            #expect(s.future.held == held, "\(path)")
            #expect(s.windowTo == Self.start + 299, "\(path) \(positions)")
            #expect(s.value("events_total", ["model": "skewed"]) == nil, "\(path)")
            #expect(Self.comparable(s) == clean, "\(path) \(positions)")
        }
    }

    @Test("a year-ahead last line that is not ahead of the wall clock is still future: a dense log does not end a year on")
    func skewedLastLineInThePast() {
        let lines = Self.log(skewedAt: [300])
        let s = Self.check(lines, now: Self.start + 10 * Self.year)
        #expect(s.future.total == 1 && s.events == 300 && s.windowTo == Self.start + 299)
        let r = Self.replay(lines, now: Self.start + 10 * Self.year)
        #expect(r.future.total == 1 && r.events == 300 && r.windowTo == Self.start + 299)
    }

    @Test("a skew within --max-future is accepted (and makes good lines late); a smaller --max-future catches it")
    func toleranceIsTheKnob() {
        let lines = Self.log(skewedAt: [100], ahead: 600)
        let lenient = Self.check(lines)
        // The good lines 100…299 (the skewed one comes before line 100) are more than `lateness` behind the skewed one.
        #expect(lenient.future.total == 0 && lenient.late == 200 && lenient.events == 101)
        var strict = Self.options
        strict.maxFuture = 300
        for (path, s) in [("check", Self.check(lines, options: strict)), ("live", Self.live(lines, options: strict, now: Self.start + 100)),
                          ("replay", Self.replay(lines, options: strict))] {
            #expect(s.future.total == 1 && s.events == 300 && s.late == 0, "\(path)")
            #expect(s.future.maxFuture == 300, "\(path)")
        }
    }

    @Test("live: the wall clock judges — a pause in traffic is no jump, an event beyond the clock is future")
    func liveJudgesByTheWallClock() {
        var lines = (0..<50).map { Self.prediction($0, at: Self.start + Double($0)) }
        // Two hours of silence, then traffic again (the wall clock is past it).
        lines += (50..<100).map { Self.prediction($0, at: Self.start + 7200 + Double($0)) }
        lines.append(Self.prediction(100, at: Self.start + 7300 + 3 * 3600))
        let s = Self.live(lines, now: Self.start + 7300)
        #expect(s.events == 100 && s.future.total == 1 && s.future.held == 0 && s.late == 0)
        #expect(s.newestEventTime == Self.start + 7299)
    }

    @Test("live at the end of a log: every line is placed as it comes, after a multi-day gap too, and nothing is held")
    func liveAtTheTail() {
        // Three days of silence end now: the first line after it is shown at once, not held for confirmation.
        let now = Self.start + 3 * 86_400 + 100
        let s = MonitorState(options: Self.options, sources: ["app.jsonl"], mode: .live, wallClock: { now })
        for i in 0..<50 { s.ingestLine(Self.prediction(i, at: now - 3 * 86_400 - 50 + Double(i))) }
        s.inputPaused()
        #expect(s.events == 50 && s.held == 0)
        for i in 50..<60 {
            s.ingestLine(Self.prediction(i, at: now - 60 + Double(i)))
            #expect(s.events == i + 1 && s.held == 0 && s.future == 0, "line \(i)")
        }
        #expect(s.newestEventTime == now - 1 && s.late == 0)
        // Tailing a log whose lines are near the clock: never a held line, whatever the batches.
        let t = MonitorState(options: Self.options, sources: ["app.jsonl"], mode: .live, wallClock: { Self.liveNow })
        for (k, b) in Self.batches(Self.log(skewedAt: [0, 150]), tailing: true).enumerated() {
            t.ingest(b)
            #expect(t.held == 0, "batch \(k)")
        }
        #expect(t.events == 300 && t.future == 2)
    }

    @Test("live backlog: a producer as far ahead as the log is old (time zone written as UTC) lands near the clock, and is still future",
          arguments: [[0], [150], [0, 150], [40, 41, 42]])
    func backlogSkewedToNearTheClock(at positions: [Int]) {
        // Read two hours after it was written, a log with lines two hours ahead: they are near the wall clock.
        let now = Self.start + 300 + 7200
        let lines = Self.log(skewedAt: positions, ahead: 7200)
        let clean = Self.comparable(Self.check(Self.log(skewedAt: [])))
        let s = Self.backlog(lines, now: now)
        #expect(s.events == 300 && s.late == 0 && s.future.total == positions.count && s.future.held == 0, "\(positions): \(s.future) late \(s.late)")
        #expect(Self.comparable(s) == clean, "\(positions)")
    }

    @Test("the tailer marks the batch that reaches the end of a file, and only that one")
    func batchesReachingTheEnd() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("eventtime-\(UUID().uuidString).jsonl").path
        let lines = Self.log(skewedAt: [40, 41, 42], ahead: 7200)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var batches: [LineBatch] = []
        try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false, readChunkBytes: 4096)).readToEnd { batches.append($0) }
        #expect(batches.count > 10)
        #expect(batches.dropLast().allSatisfy { !$0.atEnd } && batches.last?.atEnd == true, "\(batches.map(\.atEnd))")
        let now = Self.start + 300 + 7200
        let s = MonitorState(options: Self.options, sources: [path], mode: .live, wallClock: { now })
        for b in batches { s.ingest(b) }
        #expect(s.events == 300 && s.late == 0 && s.future == 3 && s.held == 0)
    }

    @Test("live backlog: lines held after a jump are confirmed by the lines after them, or by a line near the clock")
    func liveBacklogGapsAndTheTail() {
        // An old log with a three-day gap (confirmed by the lines after it), ending with a jump whose lines
        // are too few to confirm it: they wait, and the first line near the clock confirms them.
        var lines = (0..<100).map { Self.prediction($0, at: Self.start + Double($0)) }
        lines += (100..<200).map { Self.prediction($0, at: Self.start + 3 * 86_400 + Double($0)) }
        lines += (200..<203).map { Self.prediction($0, at: Self.start + 6 * 86_400 + Double($0)) }
        let now = Self.start + Self.year
        let s = MonitorState(options: Self.options, sources: ["app.jsonl"], mode: .live, wallClock: { now })
        for b in Self.batches(lines) { s.ingest(b) }
        s.inputPaused()
        #expect(s.events == 200 && s.held == 3 && s.future == 0 && s.late == 0)
        s.ingestLine(Self.prediction(203, at: now - 5))
        #expect(s.events == 204 && s.held == 0 && s.future == 0 && s.late == 0)
        // A backlog shorter than a confirmation, with nothing placed yet, is taken as it is when the input pauses.
        let short = MonitorState(options: Self.options, sources: ["app.jsonl"], mode: .live, wallClock: { now })
        for i in 0..<3 { short.ingestLine(Self.prediction(i, at: Self.start + Double(i) * 86_400)) }
        #expect(short.events == 0 && short.held == 3)
        short.inputPaused()
        #expect(short.events == 3 && short.held == 0 && short.future == 0)
    }

    @Test("a gap in a recorded log is no skew: the lines after it are placed, in order, with the same results")
    func gapsAreConfirmed() {
        // Dense, a three-day gap, dense again; then sparse: one event a day, with labels.
        var lines: [String] = []
        var t = Self.start
        for i in 0..<400 {
            t += i == 200 ? 3 * 86_400 : (i >= 300 ? 86_400 : 1)
            lines.append(Self.prediction(i, at: t))
            if i % 4 == 1 { lines.append(Self.label(i, at: t)) }
        }
        var lenient = Self.options
        lenient.maxFuture = 1000 * Self.year
        let now = t + 60
        let expected = Self.comparable(Self.check(lines, options: lenient, now: now))
        for (path, s) in [("check", Self.check(lines, now: now)), ("replay", Self.replay(lines, now: now)),
                          ("live", Self.live(lines, now: now))] {
            #expect(s.future.total == 0 && s.future.held == 0 && s.events == 400, "\(path)")
            if path != "live" { #expect(Self.comparable(s) == expected, "\(path)") }
        }
        // A check held the lines after each jump until enough followed; the labels waited with them.
        #expect(Self.check(lines, now: now).value("labels_unmatched_total") == 0)
    }

    @Test("a line a year behind, right after a real gap, is late and does not turn the lines after the gap into future ones")
    func staleLineAfterAGap() {
        var lines = (0..<100).map { Self.prediction($0, at: Self.start + Double($0)) }
        let after = Self.start + 3 * 86_400
        lines += (100..<200).map { Self.prediction($0, at: after + Double($0)) }
        lines.insert(Self.prediction(1000, at: Self.start - Self.year, model: "stale"), at: 102)
        let clean = Self.comparable(Self.check(lines.filter { !$0.contains("stale") }))
        for (path, s) in [("check", Self.check(lines)), ("replay", Self.replay(lines))] {
            #expect(s.future.total == 0 && s.late == 1 && s.events == 200, "\(path): \(s.future) late \(s.late)")
            var withoutLate = s
            withoutLate.late = 0
            withoutLate.metrics = s.metrics.map { $0.name == "late_events_total" ? MetricSample(name: $0.name, value: 0) : $0 }
            #expect(Self.comparable(withoutLate) == clean, "\(path)")
        }
    }

    /// 100 lines a second apart, a three-day gap, 100 more; `extra` inserted right after the first line
    /// after the gap.
    static func gapLog(straggler extra: String) -> [String] {
        var lines = (0..<100).map { Self.prediction($0, at: Self.start + Double($0)) }
        lines += (100..<200).map { Self.prediction($0, at: Self.start + 3 * 86_400 + Double($0)) }
        lines.insert(extra, at: 101)
        return lines
    }

    @Test("a straggler of the traffic before a real gap does not make the lines after the gap future")
    func stragglerAfterAGap() {
        var lenient = Self.options
        lenient.maxFuture = 1000 * Self.year
        // Within `lateness` behind the newest line before the gap (4 s), and beyond it (39 s): either way it
        // comes after the gap's first line, so it is late, as it would be without the guard; the lines after
        // the gap are placed.
        for behind in [4.0, 39.0] {
            let lines = Self.gapLog(straggler: Self.prediction(1000, at: Self.start + 99 - behind, model: "straggler"))
            let expected = Self.comparable(Self.check(lines, options: lenient, now: Self.start + 4 * 86_400))
            for (path, s) in [("check", Self.check(lines)), ("replay", Self.replay(lines)), ("live backlog", Self.backlog(lines))] {
                #expect(s.future.total == 0 && s.future.held == 0, "\(path) \(behind): \(s.future)")
                #expect(s.events == 200 && s.late == 1, "\(path) \(behind): events \(s.events) late \(s.late)")
                #expect(Self.comparable(s) == expected, "\(path) \(behind)")
            }
        }
    }

    @Test("a skewed line is still future when stragglers follow it, and the stragglers are placed")
    func skewedLineThenStragglers() {
        var lines = (0..<200).map { Self.prediction($0, at: Self.start + Double($0)) }
        // After line 99: a line a year ahead, two stragglers behind line 99 (within lateness), then the rest.
        lines.insert(contentsOf: [Self.prediction(1000, at: Self.start + Self.year, model: "skewed"),
                                  Self.prediction(1001, at: Self.start + 97), Self.prediction(1002, at: Self.start + 98.5)], at: 100)
        for (path, s) in [("check", Self.check(lines)), ("replay", Self.replay(lines)), ("live backlog", Self.backlog(lines))] {
            #expect(s.future.total == 1 && s.future.held == 0, "\(path): \(s.future)")
            #expect(s.events == 202 && s.late == 0 && s.windowTo == Self.start + 199, "\(path): events \(s.events) late \(s.late)")
        }
    }

    @Test("a label right after a skewed line waits for it and is counted once the next line refutes it")
    func labelAfterASkewedLine() {
        let clean = Self.log(skewedAt: [])
        var lines = clean
        // Before the label's own prediction's neighbours: a skewed line, then the label for request r4.
        let at = lines.firstIndex(of: Self.prediction(10, at: Self.start + 10))!
        lines.insert(contentsOf: [Self.prediction(5000, at: Self.start + Self.year, model: "skewed"), Self.label(4, at: Self.start + 10)], at: at)
        var withLabel = clean
        withLabel.insert(Self.label(4, at: Self.start + 10), at: at)
        let expected = Self.comparable(Self.check(withLabel))
        for (path, s) in [("check", Self.check(lines)), ("live backlog", Self.backlog(lines)), ("replay", Self.replay(lines))] {
            #expect(s.future.total == 1 && s.future.held == 0 && s.late == 0, "\(path)")
            #expect(Self.comparable(s) == expected, "\(path)")
        }
    }

    @Test("a replay of several files counts each future event for the file it came from")
    func replayOfSeveralFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-eventtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = Self.log(skewedAt: [50, 250, 251])
        let a = dir.appendingPathComponent("a.jsonl").path, b = dir.appendingPathComponent("b.jsonl").path
        let split = all.firstIndex(of: Self.prediction(150, at: Self.start + 150))!
        try (all[..<split].joined(separator: "\n") + "\n").write(toFile: a, atomically: true, encoding: .utf8)
        try (all[split...].joined(separator: "\n") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
        let source = try ReplaySource.load(paths: [a, b], maxFuture: Self.options.maxFuture, now: Self.liveNow)
        let engine = ReplayEngine(source: source, speed: .max, wall: 0) {
            MonitorState(options: Self.options, sources: [a, b], mode: .replay, wallClock: { Self.liveNow })
        }
        while !engine.atEnd || !engine.finished { engine.advance(wall: 1, limit: 53) }
        let s = engine.state.snapshot(now: 0)
        #expect(s.future.total == 3 && s.future.bySource == [a: 1, b: 2], "\(s.future)")
        #expect(s.events == 300 && s.late == 0)
        #expect(SnapshotJSON.encode(s).contains(#""by_source":{"\#(a)":1,"\#(b)":2}"#))
        // What check reports for the same files.
        let c = MonitorState(options: Self.options, sources: [a, b], mode: .check, wallClock: { Self.liveNow })
        try LogTailer(paths: [a, b], options: TailerOptions(fromStart: true, follow: false)).readToEnd { c.ingest($0) }
        c.finish()
        #expect(c.snapshot(now: 0).future.bySource == s.future.bySource)
    }

    @Test("a short sparse log (fewer lines than a jump needs to be confirmed) is taken as it is")
    func shortSparseLog() {
        let lines = (0..<4).map { Self.prediction($0, at: Self.start + Double($0) * 86_400) }
        let s = Self.check(lines, now: Self.start + 10 * 86_400)
        #expect(s.events == 4 && s.future.total == 0 && s.newestEventTime == Self.start + 3 * 86_400)
        let r = Self.replay(lines, now: Self.start + 10 * 86_400)
        #expect(r.events == 4 && r.future.total == 0)
    }

    @Test("labels never move event time, and a label for a held prediction still joins it")
    func labels() {
        var lines = Self.log(skewedAt: [])
        lines.insert(Self.label(5, at: Self.start + Self.year), at: 20)
        let s = Self.check(lines)
        #expect(s.future.total == 0 && s.newestEventTime == Self.start + 299 && s.late == 0)
        // The first prediction of a check is held until later lines confirm it; its label comes meanwhile.
        let early = [Self.prediction(0, at: Self.start), Self.label(0, at: Self.start + 1)]
            + (1..<20).map { Self.prediction($0, at: Self.start + Double($0)) }
        let c = Self.check(early)
        #expect(c.value("labels_unmatched_total") == 0)
    }

    @Test("check on two cores (ParallelIngest) goes through the same guard: the same snapshot, byte for byte")
    func parallelCheck() throws {
        // Skewed lines alone, in a row and at the start; a three-hour gap; malformed lines after a jump.
        var lines = Self.log(skewedAt: [0, 40, 41, 42, 120, 299])
        lines.insert("{not json", at: 44)
        lines += (300..<330).map { Self.prediction($0, at: Self.start + 3 * 3600 + Double($0)) }
        lines.insert("[1, 2]", at: lines.count - 27)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("eventtime-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let tailerOptions = TailerOptions(fromStart: true, follow: false, readChunkBytes: 4096)
        let rules = [try AlertRule(name: "Broken", expr: "malformed_lines_total > 1"),
                     try AlertRule(name: "Slow", expr: "latency_p99_ms > 30")]
        func state() -> MonitorState {
            MonitorState(options: Self.options, sources: [path], mode: .check, rules: RuleEngine(rules: rules), wallClock: { Self.liveNow })
        }
        let serial = state()
        try LogTailer(paths: [path], options: tailerOptions).readToEnd { serial.ingest($0) }
        serial.finish()
        let parallel = state()
        try ParallelIngest.readToEnd(try LogTailer(paths: [path], options: tailerOptions), maxCategories: Self.options.metrics.maxCategories,
                                     depth: 2) { parallel.ingest($0) }
        parallel.finish()
        let a = serial.snapshot(now: 0), b = parallel.snapshot(now: 0)
        #expect(a.future.total == 6 && a.future.bySource == [path: 6] && a.events == 330 && a.late == 0 && a.malformed.total == 2)
        #expect(SnapshotJSON.encode(a) == SnapshotJSON.encode(b))
        #expect(a.timeline == b.timeline && !a.timeline.isEmpty)
    }

    @Test("a skewed line in a reference log does not spoil the reference")
    func referenceLog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-eventtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ref.jsonl").path
        try Self.log(skewedAt: [0, 150]).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let log = try ReferenceLog.read(path: path, options: Self.options, rules: [])
        let cleanPath = dir.appendingPathComponent("clean.jsonl").path
        try Self.log(skewedAt: []).joined(separator: "\n").write(toFile: cleanPath, atomically: true, encoding: .utf8)
        let clean = try ReferenceLog.read(path: cleanPath, options: Self.options, rules: [])
        #expect(log.profile.events == clean.profile.events)
        #expect(log.profile.columns.keys.sorted() == clean.profile.columns.keys.sorted())
        #expect(log.profile.to == clean.profile.to)
    }
}
