/// The incident a simulated log goes through. Times are seconds since the simulation started; the
/// one-incident scenarios start their incident after 30 s and repeat it every 10 minutes (3 minutes
/// on, 7 off); `drift` builds up and stays; `demo` tours all of them within 20 minutes, then repeats.
public enum SimulationScenario: String, CaseIterable, Sendable {
    case healthy
    case latencySpike = "latency-spike"
    case nullBurst = "null-burst"
    /// Gradual car_value drift (2 → 8 minutes) and a sudden driver_tenure shift (×1.8 from 4 minutes).
    case drift
    /// Malformed lines (truncated JSON, stack-trace noise) among the events.
    case brokenProducer = "broken-producer"
    /// A canary version v2 takes 15% of the traffic and predicts class 1 far more often.
    case canary
    /// 40% of predictions wrong; ground truth arrives 2 minutes late as label events.
    case accuracyDrop = "accuracy-drop"
    /// Group C's approvals (prediction 1) turn into rejections (90% of them) during the incidents.
    case fairness
    /// A shadow version v3 answers every other request of v1 under the same request id; it disagrees on
    /// 60% of them during the incidents (4% otherwise).
    case shadow
    /// A tour: a broken producer at 5 s (its alert fires within a minute), a latency spike from 30 s, a
    /// null burst at 4 min, drift from 5 min, group C's approvals turning into rejections from 8 min to
    /// 13 min, an accuracy drop at 11 min (the shadow v3, answering every other request throughout, then
    /// disagrees with v1); repeats every 20 minutes. (No canary: a small second version makes every
    /// snapshot compute exact KS p-values for it, too slow for a debug build; the shadow is as large as
    /// half of v1 and is tested with v1's window as its reference, which picks no exact KS.)
    case demo

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// What the generator does `elapsed` seconds into the simulation.
    public func conditions(at elapsed: Double) -> SimulationConditions {
        var c = SimulationConditions()
        /// Repeating incident: 3 minutes on from 30 s, every 10 minutes.
        let incident = elapsed >= 30 && (elapsed - 30).truncatingRemainder(dividingBy: 600) < 180
        switch self {
        case .healthy:
            break
        case .latencySpike:
            if incident { c.latencyFactor = 12 }
        case .nullBurst:
            if incident { c.nullRate = 0.35 }
        case .drift:
            c.carValueDrift = SimulationConditions.ramp(elapsed, from: 120, to: 480)
            if elapsed >= 240 { c.driverTenureFactor = 1.8 }
        case .brokenProducer:
            if incident { c.malformedRate = 0.3 }
        case .canary:
            if elapsed >= 30 { c.canaryShare = 0.15 }
        case .accuracyDrop:
            c.labelDelay = 120
            if incident { c.wrongRate = 0.4 }
        case .fairness:
            if incident { c.fairnessDrop = 0.9 }
        case .shadow:
            c.shadowShare = 0.5
            if incident { c.shadowDisagreement = 0.6 }
        case .demo:
            let t = elapsed.truncatingRemainder(dividingBy: 1200)
            if t >= 5 && t < 15 { c.malformedRate = 0.12 }
            if t >= 30 && t < 240 { c.latencyFactor = 12 }
            if t >= 240 && t < 360 { c.nullRate = 0.35 }
            c.carValueDrift = SimulationConditions.ramp(t, from: 300, to: 600)
            if t >= 420 { c.driverTenureFactor = 1.8 }
            if t >= 480 && t < 780 { c.fairnessDrop = 0.8 }
            if t >= 660 && t < 960 { c.wrongRate = 0.4 }
            c.shadowShare = 0.5
            c.labelDelay = 30
        }
        return c
    }
}

/// The generator's knobs at one moment of a scenario.
public struct SimulationConditions: Sendable, Equatable {
    /// Multiplies every latency.
    public var latencyFactor = 1.0
    /// Share of predictions that come out null.
    public var nullRate = 0.0
    /// 0…1: how far car_value has drifted (values scale up to ×1.6 and spread out).
    public var carValueDrift = 0.0
    /// Multiplies driver_tenure.
    public var driverTenureFactor = 1.0
    /// Chance, per prediction, of a malformed line next to it.
    public var malformedRate = 0.0
    /// Share of traffic served by canary version v2.
    public var canaryShare = 0.0
    /// Share of predictions that are wrong (their label disagrees).
    public var wrongRate = 0.0
    /// Seconds after a prediction its ground-truth label is written.
    public var labelDelay = 60.0
    /// Share of group C's approvals (prediction 1) of v1 turned into rejections (the fairness incident).
    public var fairnessDrop = 0.0
    /// Share of v1's requests that the shadow version v3 also answers, and the share of those it answers
    /// differently.
    public var shadowShare = 0.0
    public var shadowDisagreement = 0.04

    public init() {}

    static func ramp(_ t: Double, from a: Double, to b: Double) -> Double {
        t <= a ? 0 : t >= b ? 1 : (t - a) / (b - a)
    }
}
