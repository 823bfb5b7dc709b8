import Foundation
import MLWatchCore

/// A deterministic stream of log lines shaped like a production fraud model's log, for the end-to-end
/// figures (`mlwatch-bench gen`, `mlwatch-bench e2e`): predictions at `perSecond` of event time with
/// 8 features — 4 numeric (`amount`, `age`, `account_days`, `items`), 2 categorical (`country` out of 20,
/// `device` out of 4), 1 boolean (`is_new`) and 1 free-text `note` that holds a new value on most lines
/// (an order number, a customer id, a few words) — a score, a class, a latency and a status; a label
/// for every 4th prediction 2 minutes later, and a system line every 1000 predictions. About 330 bytes
/// a line. `withText: false` leaves out the note (7 features).
struct RealisticLineGenerator {
    private var rng: SplitMix64
    let start: Double
    let perSecond: Double
    let withText: Bool
    private var i = 0
    private var queued: [[UInt8]] = []
    private var queueHead = 0
    private var pendingLabels: [(id: Int, t: Double)] = []
    private var labelHead = 0
    private static let countries = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL", "SE", "BR",
                                    "IN", "JP", "CA", "AU", "MX", "AT", "BE", "CH", "DK", "NO"]
    private static let devices = ["ios", "android", "web", "pos"]
    private static let verbs = ["asked about", "complained about", "wants refund for", "changed address for",
                                "confirmed", "disputed", "cancelled", "tracked"]
    private static let nouns = ["order", "invoice", "card", "delivery", "subscription", "payment"]
    private static let common = ["", "ok", "n/a", "repeat customer"]

    init(seed: UInt64 = 7, start: Double = 1_795_000_000, perSecond: Double = 500, withText: Bool = true) {
        rng = SplitMix64(seed: seed)
        self.start = start
        self.perSecond = perSecond
        self.withText = withText
    }

    /// The next line (without its newline).
    mutating func next() -> [UInt8] {
        if queueHead == queued.count {
            queued.removeAll(keepingCapacity: true)
            queueHead = 0
            produce()
        }
        queueHead += 1
        return queued[queueHead - 1]
    }

    /// `v` with `decimals` digits after the point (non-negative values), without `String(format:)`.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let n = Int((v * Double(scale)).rounded())
        let whole = String(n / scale)
        guard decimals > 0 else { return whole }
        var frac = String(n % scale)
        while frac.count < decimals { frac = "0" + frac }
        return whole + "." + frac
    }

    private mutating func note() -> String {
        if rng.chance(0.1) { return rng.pick(Self.common) }
        let words = "customer \(100_000 + rng.int(900_000)) \(rng.pick(Self.verbs)) \(rng.pick(Self.nouns)) \(rng.int(10_000_000))"
        return rng.chance(0.3) ? words + ", urgent" : words
    }

    private mutating func produce() {
        let fixed = Self.fixed
        let t = start + Double(i) / perSecond
        let ts = TimestampParser.format(t)
        if i % 1000 == 0 {
            queued.append(Array(#"{"ts":"\#(ts)","type":"system","host":"fraud-a1","cpu_pct":\#(fixed(20 + 60 * rng.uniform(), 1)),"mem_mb":\#(fixed(900 + 20 * rng.uniform(), 1)),"load1":\#(fixed(3 * rng.uniform(), 2))}"#.utf8))
        }
        while labelHead < pendingLabels.count, pendingLabels[labelHead].t <= t {
            let l = pendingLabels[labelHead]
            labelHead += 1
            queued.append(Array(#"{"ts":"\#(ts)","type":"label","request_id":"r-\#(l.id)","label":\#(rng.chance(0.1) ? 1 : 0)}"#.utf8))
        }
        if labelHead > 4096 {
            pendingLabels.removeFirst(labelHead)
            labelHead = 0
        }
        let score = rng.uniform()
        var features = #""amount":\#(fixed(exp(3.5 + 1.2 * rng.normal()), 2)),"age":\#(18 + rng.int(70)),"country":"\#(rng.pick(Self.countries))","device":"\#(rng.pick(Self.devices))","account_days":\#(rng.int(4000)),"items":\#(1 + rng.int(12)),"is_new":\#(rng.chance(0.2))"#
        if withText { features += #","note":"\#(note())""# }
        let line = #"{"ts":"\#(ts)","model":"fraud","version":"v3","request_id":"r-\#(i)","latency_ms":\#(fixed(exp(2.5 + 0.4 * rng.normal()), 1)),"status":"\#(rng.chance(0.995) ? "ok" : "error")","features":{\#(features)},"prediction":\#(score > 0.8 ? 1 : 0),"score":\#(fixed(score, 3))}"#
        queued.append(Array(line.utf8))
        if i % 4 == 0 { pendingLabels.append((i, t + 120)) }
        i += 1
    }
}

/// Prediction lines with `features` numeric features (`f0`, `f1`, …) and nothing else but a timestamp, for
/// the drift figures: the same five shapes as `DriftBenchData` (normal, lognormal, uniform, rounded values
/// with ties, tiny-scale normal), NaN as `null` in 1 % of values, the current side shifted by 0.002·f.
struct DriftLineGenerator {
    private var rng: SplitMix64
    let features: Int
    let shifted: Bool
    let start: Double
    private var i = 0

    init(features: Int, current: Bool, start: Double = 1_795_000_000) {
        rng = SplitMix64(seed: current ? 2 : 1)
        self.features = features
        shifted = current
        self.start = start
    }

    mutating func next() -> [UInt8] {
        var line = #"{"ts":\#(start + Double(i) * 0.01),"features":{"#
        for f in 0..<features {
            if f > 0 { line += "," }
            line += "\"f\(f)\":"
            if rng.chance(0.01) {
                line += "null"
                continue
            }
            let shift = shifted ? 0.002 * Double(f) : 0
            let v: Double
            switch f % 5 {
            case 0: v = rng.normal(shift, 1)
            case 1: v = exp(rng.normal(shift, 0.5))
            case 2: v = rng.uniform() + shift
            case 3: v = (rng.normal(50 + 100 * shift, 10)).rounded()
            default: v = rng.normal(shift * 1e-6, 1e-6)
            }
            line += "\(v)"
        }
        line += "}}"
        i += 1
        return Array(line.utf8)
    }
}
