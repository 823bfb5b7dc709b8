import Foundation
import Testing
@testable import MLWatchCore

@Suite struct SimulationScenarioTests {
    /// Generates `seconds` of a scenario at `rate` and parses it back.
    static func generate(_ scenario: SimulationScenario, seconds: Double, rate: Double = 10) -> (events: [Event], malformed: Int) {
        let start = 1_795_000_000.0
        var g = SimulatedLogGenerator(scenario: scenario, pool: .builtIn(count: 500), start: start, seed: 3)
        var lines: [String] = []
        var t = start
        while t < start + seconds {
            g.lines(at: t, into: &lines)
            t += 1 / rate
        }
        let parser = EventParser()
        var events: [Event] = []
        var malformed = 0
        for l in lines {
            switch parser.parse(l) {
            case .event(let e): events.append(e)
            case .malformed: malformed += 1
            case .blank: break
            }
        }
        return (events, malformed)
    }

    static func predictions(_ events: [Event], from a: Double, to b: Double) -> [PredictionEvent] {
        let start = 1_795_000_000.0
        return events.compactMap { e -> PredictionEvent? in
            if case .prediction(let p) = e, p.timestamp >= start + a, p.timestamp < start + b { return p }
            return nil
        }
    }

    static func p99(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s[Int(Double(s.count - 1) * 0.99)]
    }

    @Test func latencySpikeRaisesP99() {
        let (events, malformed) = Self.generate(.latencySpike, seconds: 240)
        #expect(malformed == 0)
        let before = Self.p99(Self.predictions(events, from: 0, to: 30).compactMap(\.latencyMs))
        let during = Self.p99(Self.predictions(events, from: 40, to: 200).compactMap(\.latencyMs))
        #expect(before < 150)
        #expect(during > 250)
        #expect(during > 5 * before)
    }

    @Test func nullBurstNullsPredictions() {
        let (events, _) = Self.generate(.nullBurst, seconds: 120)
        let before = Self.predictions(events, from: 0, to: 30)
        let during = Self.predictions(events, from: 30, to: 120)
        #expect(before.allSatisfy { $0.prediction != .null })
        let share = Double(during.filter { $0.prediction == .null }.count) / Double(during.count)
        #expect(share > 0.2 && share < 0.5)
    }

    @Test func brokenProducerWritesMalformedLines() {
        let (_, malformed) = Self.generate(.brokenProducer, seconds: 90)
        #expect(malformed > 50)
        #expect(Self.generate(.healthy, seconds: 90).malformed == 0)
    }

    @Test func driftMovesCarValueAndDriverTenure() {
        let (events, _) = Self.generate(.drift, seconds: 600, rate: 4)
        func mean(_ name: String, _ a: Double, _ b: Double) -> Double {
            let v = Self.predictions(events, from: a, to: b).compactMap { p -> Double? in
                if case .number(let x) = p.feature(name) { return x }
                return nil
            }
            return v.reduce(0, +) / Double(v.count)
        }
        #expect(mean("car_value", 500, 600) > 1.4 * mean("car_value", 0, 100))
        #expect(mean("driver_tenure", 300, 600) > 1.5 * mean("driver_tenure", 0, 200))
    }

    @Test func canaryAndDelayedLabels() {
        let (events, _) = Self.generate(.canary, seconds: 200)
        let v2 = Self.predictions(events, from: 30, to: 200).filter { $0.version == "v2" }
        #expect(v2.count > 100)
        #expect(Self.predictions(events, from: 0, to: 30).allSatisfy { $0.version == "v1" })
        let labels = events.compactMap { e -> LabelEvent? in
            if case .label(let l) = e { return l }
            return nil
        }
        // Labels are written 60 s after their prediction.
        #expect(labels.count > 1000)
        #expect(labels.first!.timestamp >= 1_795_000_060)
    }

    @Test func builtInPoolIsUsedWithoutReference() {
        let g = SimulatedLogGenerator(scenario: .healthy, pool: SimulationPool(rows: []), start: 0)
        #expect(g.pool.rows.count == 5000)
        #expect(g.pool.rows[0].features.count == 7)
    }

    @Test func referencePoolJoinsLabels() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-pool-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            {"ts":1,"model":"m","request_id":"a","features":{"x":1.5,"c":"DE"},"prediction":1,"score":0.9}
            {"ts":2,"model":"m","request_id":"b","features":{"x":2.5,"c":"FR"},"prediction":0,"score":0.2}
            {"ts":3,"type":"label","request_id":"a","label":0}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let pool = try SimulationPool.load(reference: path)
        #expect(pool.rows.count == 2)
        #expect(pool.rows[0].label == .number(0))
        #expect(pool.rows[1].label == nil)
    }
}

@Suite struct SimulationWriterTests {
    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-sim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func rotatesByRenameAtTheSize() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/predictions.jsonl"
        let w = try RotatingLogWriter(path: path, rotateAt: 1000, keep: 2)
        let line = String(repeating: "x", count: 99)  // 100 bytes with the newline
        for i in 0..<35 { try w.write([line + String(i % 10)].map { String($0.dropLast()) }) }
        w.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["predictions.jsonl", "predictions.jsonl.1", "predictions.jsonl.2"])
        #expect(w.rotations == 3)
        let size = { (p: String) in (try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? -1 }
        #expect(try size(path + ".1") == 1000)
        #expect(try size(path + ".2") == 1000)
        #expect(try size(path) == 500)
    }

    @Test func simulatorWritesForItsDuration() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/predictions.jsonl"
        let sim = Simulator(options: .init(path: path, rate: 100, scenario: .demo, rotateEvery: 200_000, duration: 30, seed: 5),
                            pool: .builtIn(count: 300))
        // A fake clock: every reading is 0.5 s later, so 30 s pass in 60 readings without waiting.
        var t = 1_795_000_000.0
        try sim.run(now: {
            t += 0.5
            return t
        })
        #expect(sim.predictionsWritten > 2500 && sim.predictionsWritten < 3500)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(names.isSuperset(of: ["predictions.jsonl", "predictions.jsonl.1", "predictions.jsonl.5"]))
        #expect(!names.contains("predictions.jsonl.6"))
        // Oldest first; everything parses, and the demo's broken producer (5–15 s) wrote malformed lines.
        let files = (1...5).reversed().map { "\(path).\($0)" } + [path]
        let source = try ReplaySource.load(paths: files, now: 4e9)
        let malformed = source.entries.filter { if case .malformed = $0 { return true } else { return false } }.count
        #expect(malformed > 20 && malformed < 300)
        #expect(source.count > 1500)
        #expect(source.dueTimes.last! - source.dueTimes.first! > 20)
    }

    @Test func parsesSizes() {
        #expect(Simulator.parseSize("50MB") == 50 << 20)
        #expect(Simulator.parseSize("512k") == 512 << 10)
        #expect(Simulator.parseSize("1G") == 1 << 30)
        #expect(Simulator.parseSize("1000") == 1000)
        #expect(Simulator.parseSize("lots") == nil)
        #expect(Simulator.parseSize("0") == nil)
    }
}
