import Foundation

/// Makes the lines of a simulated prediction log, one prediction at a time, for a scenario: the
/// prediction (a pool row with the scenario's incidents applied), the labels that have come due, a
/// system sample every 5 s and, for a broken producer, malformed lines. Every prediction carries an
/// `applicant_group` (A 45 %, B 35 %, C 20 %: the fairness groups), and while the scenario runs a shadow,
/// the shadow version `v3` answers a share of `v1`'s requests under the same request id. Deterministic for
/// a seed and the same sequence of times; it never reads a clock (the caller passes the time of each
/// prediction).
public struct SimulatedLogGenerator: Sendable {
    public let scenario: SimulationScenario
    public let pool: SimulationPool
    /// Epoch seconds at which the scenario's time starts (elapsed 0).
    public let start: Double
    public private(set) var predictions = 0
    public private(set) var malformed = 0
    /// Answers of the shadow version `v3` (not counted in `predictions`, which counts requests).
    public private(set) var shadowAnswers = 0
    private var rng: SplitMix64
    /// Groups, the fairness incident and the shadow draw from a stream of their own, so that the other
    /// values of a scenario are the same with them as without.
    private var extra: SplitMix64
    private var next = 0
    /// Ground truth waiting for its time, in time order (delays only change between incidents).
    private var pendingLabels: [(time: Double, line: String)] = []
    private var labelHead = 0
    private var lastSystem = -Double.infinity
    private let runID: String

    public init(scenario: SimulationScenario, pool: SimulationPool, start: Double, seed: UInt64 = 1) {
        self.scenario = scenario
        self.pool = pool.rows.isEmpty ? SimulationPool.builtIn() : pool
        self.start = start
        self.rng = SplitMix64(seed: seed)
        self.extra = SplitMix64(seed: seed &+ 100)
        self.runID = String(seed, radix: 36)
    }

    /// Appends the lines for one prediction at epoch time `t` (non-decreasing between calls).
    public mutating func lines(at t: Double, into out: inout [String]) {
        let c = scenario.conditions(at: t - start)
        appendLabels(dueBy: t, into: &out)
        if t - lastSystem >= 5 {
            lastSystem = t
            out.append(systemLine(at: t, c))
        }
        let row = pool.rows[next % pool.rows.count]
        next += 1
        predictions += 1
        let id = "sim-\(runID)-\(predictions)"
        let (line, shadow) = predictionLine(row, id: id, at: t, c)
        out.append(line)
        if let shadow {
            shadowAnswers += 1
            out.append(shadow)
        }
        if c.malformedRate > 0, rng.uniform() < c.malformedRate {
            malformed += 1
            if rng.uniform() < 0.5 {
                out.append(String(line.prefix(20 + rng.int(100))))
            } else {
                out.append("ERROR worker-7: connection reset by peer (retrying)")
            }
        }
    }

    /// Appends the labels due at or before `t` (all of them with `t = .infinity`).
    public mutating func appendLabels(dueBy t: Double, into out: inout [String]) {
        while labelHead < pendingLabels.count, pendingLabels[labelHead].time <= t {
            out.append(pendingLabels[labelHead].line)
            labelHead += 1
        }
        if labelHead > 4096 {
            pendingLabels.removeFirst(labelHead)
            labelHead = 0
        }
    }

    // MARK: Lines

    /// The groups of the fairness metrics and their shares of the requests.
    public static let groups: [(name: String, share: Double)] = [("A", 0.45), ("B", 0.35), ("C", 0.20)]

    /// The prediction's line, and the shadow's answer to the same request when there is one.
    private mutating func predictionLine(_ row: SimulationPool.Row, id: String, at t: Double,
                                         _ c: SimulationConditions) -> (String, String?) {
        let version = c.canaryShare > 0 && rng.uniform() < c.canaryShare ? "v2" : "v1"
        let baseLatency = row.latencyMs ?? Foundation.exp(Foundation.log(35) + 0.35 * rng.normal())
        let latency = baseLatency * c.latencyFactor * (c.latencyFactor > 1 ? 0.8 + 0.4 * rng.uniform() : 1)
        var prediction = row.prediction
        var score = row.score
        if version == "v2", rng.uniform() < 0.6 {
            prediction = .number(1)
            score = ((max(score ?? 0.5, 0.55 + 0.45 * rng.uniform())) * 100).rounded() / 100
        }
        if c.wrongRate > 0, rng.uniform() < c.wrongRate, case .number(let p) = prediction, p == 0 || p == 1 {
            prediction = .number(1 - p)
            score = score.map { ((1 - $0) * 100).rounded() / 100 }
        }
        let group = pickGroup()
        if c.fairnessDrop > 0, version == "v1", group == "C", prediction == .number(1), extra.uniform() < c.fairnessDrop {
            // A broken feature transform for one group: its approvals turn into rejections.
            prediction = .number(0)
            score = score.map { ($0 * 45).rounded() / 100 }
        }
        let status = rng.uniform() < 0.004 ? "error" : "ok"
        if c.nullRate > 0, rng.uniform() < c.nullRate {
            prediction = .null
            score = nil
        }
        var s = "{\"ts\":\"\(TimestampParser.format(t))\",\"model\":\"car_loan\",\"version\":\"\(version)\","
        s += "\"request_id\":\"\(id)\",\"latency_ms\":\(SimulatedLogGenerator.number((latency * 100).rounded() / 100)),"
        s += "\"status\":\"\(status)\","
        var features = "\"features\":{"
        for f in row.features where f.name != "applicant_group" {
            features += SimulatedLogGenerator.quoted(f.name) + ":"
            var value = f.value
            if case .number(let v) = value {
                if f.name == "car_value", c.carValueDrift > 0 {
                    value = .number((v * (1 + 0.6 * c.carValueDrift) + 8000 * c.carValueDrift * rng.uniform()).rounded())
                } else if f.name == "driver_tenure", c.driverTenureFactor != 1 {
                    value = .number(((v * c.driverTenureFactor) * 1e6).rounded() / 1e6)
                }
            }
            features += SimulatedLogGenerator.json(value) + ","
        }
        features += "\"applicant_group\":\"\(group)\"}"
        s += features
        s += ",\"prediction\":" + SimulatedLogGenerator.json(prediction)
        s += ",\"score\":" + (score.map(SimulatedLogGenerator.number) ?? "null")
        if rng.uniform() < 0.03 { s += ",\"feedback\":\"" + (rng.uniform() < 0.67 ? "accepted" : "complaint") + "\"" }
        s += "}"
        if prediction != .null, let label = row.label {
            let lt = t + c.labelDelay
            pendingLabels.append((lt, "{\"ts\":\"\(TimestampParser.format(lt))\",\"type\":\"label\",\"request_id\":\"\(id)\",\"label\":\(SimulatedLogGenerator.json(label))}"))
        }
        guard version == "v1", c.shadowShare > 0, extra.uniform() < c.shadowShare else { return (s, nil) }
        return (s, shadowLine(row, id: id, at: t, features: features, c))
    }

    /// The shadow `v3` (a retrained candidate) answers the same request with the pool row's prediction,
    /// different on `shadowDisagreement` of the requests; its inputs are `v1`'s, logged a few ms later.
    private mutating func shadowLine(_ row: SimulationPool.Row, id: String, at t: Double, features: String,
                                     _ c: SimulationConditions) -> String {
        var prediction = row.prediction
        var score = row.score
        if extra.uniform() < c.shadowDisagreement, case .number(let p) = prediction, p == 0 || p == 1 {
            prediction = .number(1 - p)
            score = score.map { ((1 - $0) * 100).rounded() / 100 }
        }
        let ts = t + 0.003 + 0.017 * extra.uniform()
        let latency = (Foundation.exp(Foundation.log(38) + 0.3 * extra.normal()) * 100).rounded() / 100
        var s = "{\"ts\":\"\(TimestampParser.format(ts))\",\"model\":\"car_loan\",\"version\":\"v3\",\"request_id\":\"\(id)\","
        s += "\"latency_ms\":\(SimulatedLogGenerator.number(latency)),\"status\":\"ok\"," + features
        s += ",\"prediction\":" + SimulatedLogGenerator.json(prediction)
        s += ",\"score\":" + (score.map(SimulatedLogGenerator.number) ?? "null") + "}"
        return s
    }

    private mutating func pickGroup() -> String {
        var u = extra.uniform()
        for g in Self.groups {
            if u < g.share { return g.name }
            u -= g.share
        }
        return Self.groups[Self.groups.count - 1].name
    }

    private mutating func systemLine(at t: Double, _ c: SimulationConditions) -> String {
        let busy = c.latencyFactor > 1
        let cpu = ((35 + 10 * rng.uniform() + (busy ? 40 : 0)) * 10).rounded() / 10
        let mem = ((900 + (t - start) / 60 * 0.8 + 20 * rng.uniform()) * 10).rounded() / 10
        let load = ((1.2 + rng.uniform() + (busy ? 3 : 0)) * 100).rounded() / 100
        return "{\"ts\":\"\(TimestampParser.format(t))\",\"type\":\"system\",\"host\":\"sim-a1\",\"cpu_pct\":\(SimulatedLogGenerator.number(cpu)),\"mem_mb\":\(SimulatedLogGenerator.number(mem)),\"load1\":\(SimulatedLogGenerator.number(load))}"
    }

    // MARK: JSON

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return String(v)
    }

    static func json(_ v: FeatureValue) -> String {
        switch v {
        case .number(let d): return number(d)
        case .string(let s): return quoted(s)
        case .bool(let b): return b ? "true" : "false"
        // Only the length of a free-text value is known: a string of that many characters keeps it.
        case .text(let length): return quoted(String(repeating: "x", count: length))
        case .missing: return "null"
        }
    }

    static func json(_ v: OutputValue) -> String {
        switch v {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : number(d)
        case .label(let s): return quoted(s)
        case .null: return "null"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
