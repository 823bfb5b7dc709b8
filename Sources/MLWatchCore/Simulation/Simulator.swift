import Foundation
import Synchronization

/// Writes a simulated prediction log in real time: `rate` predictions per second (with jitter) through a
/// `SimulatedLogGenerator`, into a `RotatingLogWriter`, until `duration` has passed or `stop()`.
/// Timestamps are the wall clock at the time of writing. Thread-safe to stop from any thread.
public final class Simulator: Sendable {
    public struct Options: Sendable {
        public var path: String
        public var rate: Double
        public var scenario: SimulationScenario
        /// Rotate the log when it reaches this many bytes (nil: never).
        public var rotateEvery: Int?
        /// Stop after this many seconds (nil: run until stopped).
        public var duration: Double?
        public var seed: UInt64
        public var keepRotated: Int

        public init(path: String, rate: Double = 200, scenario: SimulationScenario = .demo, rotateEvery: Int? = nil,
                    duration: Double? = nil, seed: UInt64 = 1, keepRotated: Int = 5) {
            self.path = path
            self.rate = rate
            self.scenario = scenario
            self.rotateEvery = rotateEvery
            self.duration = duration
            self.seed = seed
            self.keepRotated = keepRotated
        }
    }

    public let options: Options
    private let pool: SimulationPool
    private let stopping = Atomic<Bool>(false)
    private let written = Atomic<Int>(0)

    public init(options: Options, pool: SimulationPool) {
        self.options = options
        self.pool = pool
    }

    /// Predictions written so far.
    public var predictionsWritten: Int { written.load(ordering: .relaxed) }

    /// Asks `run` to return after its current batch.
    public func stop() { stopping.store(true, ordering: .releasing) }
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Opens (creating) the log; run this before `run` when a reader must find the file at once.
    public func openWriter() throws(SimulationError) -> RotatingLogWriter {
        try RotatingLogWriter(path: options.path, rotateAt: options.rotateEvery, keep: options.keepRotated)
    }

    /// Writes until the duration is over or `stop()`; the remaining due labels are not written.
    /// - Parameters:
    ///   - pool: rows to draw from instead of the pool given at init (read late, on the writing thread).
    ///   - now: epoch seconds (injected for tests).
    public func run(pool: SimulationPool? = nil, writer: RotatingLogWriter? = nil,
                    now: () -> Double = { Date().timeIntervalSince1970 }) throws(SimulationError) {
        let writer = try { () throws(SimulationError) -> RotatingLogWriter in
            if let writer { return writer }
            return try openWriter()
        }()
        defer { writer.close() }
        let start = now()
        var generator = SimulatedLogGenerator(scenario: options.scenario, pool: pool ?? self.pool, start: start, seed: options.seed)
        var rng = SplitMix64(seed: options.seed &+ 0x5EED)
        let interval = 1 / max(options.rate, 0.001)
        var due = start
        var lines: [String] = []
        while !isStopping {
            let t = now()
            if let d = options.duration, t - start >= d { break }
            lines.removeAll(keepingCapacity: true)
            var n = 0
            while due <= t, n < 100_000 {
                // Poisson-like arrivals: exponential gaps with mean `interval`, stamped with their due time.
                generator.lines(at: due, into: &lines)
                due += interval * -Foundation.log(max(1 - rng.uniform(), 1e-12))
                n += 1
            }
            generator.appendLabels(dueBy: t, into: &lines)
            try writer.write(lines)
            written.add(n, ordering: .relaxed)
            let wait = min(max(due - now(), 0.002), 0.05)
            Thread.sleep(forTimeInterval: wait)
        }
    }

    /// Parses sizes such as `50MB`, `512k`, `1G`, `1000` (bytes).
    public static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("G", 1 << 30), ("MB", 1 << 20), ("M", 1 << 20),
                                      ("KB", 1 << 10), ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            // At most 1 PiB: a size from a flag must not overflow the conversion to Int.
            guard let v = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v > 0,
                v * Double(factor) <= Double(1 << 50)
            else { return nil }
            return Int(v * Double(factor))
        }
        guard let v = Int(t), v > 0 else { return nil }
        return v
    }
}
