import Testing
@testable import MLWatchCore

/// Random value sequences and random acknowledge/snooze/undo actions (seeded, so failures reproduce)
/// against an independent model of the Prometheus lifecycle.
@Suite struct AlertLifecyclePropertyTests {
    /// The base lifecycle without people: what `for`/`keep_firing_for` alone must produce.
    private enum Model: Equatable {
        case inactive
        case pending(since: Double)
        case firing(clearSince: Double?)
        case resolved

        mutating func step(_ condition: Bool, _ t: Double, forDuration: Double, keep: Double) {
            switch self {
            case .inactive, .resolved:
                self = condition ? (forDuration <= 0 ? .firing(clearSince: nil) : .pending(since: t)) : .inactive
            case .pending(let since):
                if !condition { self = .inactive } else if t - since >= forDuration { self = .firing(clearSince: nil) }
            case .firing(let clearSince):
                if condition {
                    self = .firing(clearSince: nil)
                } else {
                    let cs = clearSince ?? t
                    self = t - cs >= keep ? .resolved : .firing(clearSince: cs)
                }
            }
        }

        var state: AlertState {
            switch self {
            case .inactive: return .inactive
            case .pending: return .pending
            case .firing: return .firing
            case .resolved: return .resolved
            }
        }
    }

    private static func base(_ s: AlertState) -> AlertState {
        s == .acknowledged || s == .snoozed ? .firing : s
    }

    @Test(arguments: 1...60)
    func randomSequencesNeverReachAnInvalidState(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let forDuration = [0.0, 15, 30, 60, 120].randomElement(using: &rng)!
        let keep = [0.0, 20, 45, 90].randomElement(using: &rng)!
        let rule = try AlertRule(name: "P", expr: "x > 10", forDuration: forDuration, keepFiringFor: keep)
        var engine = RuleEngine(rules: [rule])
        let labels: Labels = ["model": "m"]
        var model = Model.inactive
        var time = 0.0
        var lastShown = AlertState.inactive
        var notifiedIncidents = Set<Int>()
        var snoozedUntil: Double?
        var ackedIncident: Int?

        for step in 0..<400 {
            time += Double(Int.random(in: 1...40, using: &rng)) + (Bool.random(using: &rng) ? 0.5 : 0)
            let value = Double.random(in: 0...20, using: &rng)
            let result = engine.evaluate([sample("x", value, ["model": "m"])], at: time)
            model.step(value > 10, time, forDuration: forDuration, keep: keep)
            if let s = snoozedUntil, time >= s { snoozedUntil = nil }
            let context = Comment(rawValue: "seed \(seed) step \(step) t=\(time) for=\(forDuration) keep=\(keep)")

            let shown = engine.state(rule: "P", labels: labels)
            #expect(Self.base(shown) == model.state, context)
            #expect(engine.invariantViolations().isEmpty, context)
            for t in result.transitions {
                #expect(t.from == lastShown, context)
                #expect(t.from != t.to, context)
                lastShown = t.to
                if t.from == .pending || t.from == .inactive || t.from == .resolved, Self.base(t.to) == .firing {
                    // A new incident: never acknowledged from the start, `for` fully elapsed.
                    #expect(t.to != .acknowledged, context)
                    #expect(t.time - (t.activeSince ?? .infinity) >= forDuration, context)
                    ackedIncident = nil
                }
            }
            for n in result.notifications {
                #expect(n.to == .firing, context)
                #expect(!notifiedIncidents.contains(n.incident), context)
                notifiedIncidents.insert(n.incident)
            }
            if snoozedUntil != nil { #expect(shown != .firing && shown != .acknowledged, context) }
            if shown == .firing, let alert = engine.alerts.first, snoozedUntil == nil, ackedIncident == nil {
                // Firing and not silenced: the incident has been notified by now.
                #expect(notifiedIncidents.contains(alert.incident), context)
            }

            // A person does something now and then.
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                if let r = try? engine.acknowledge(rule: "P", labels: labels, actor: "ann", at: time) {
                    #expect(shown == .firing || shown == .snoozed, context)
                    ackedIncident = engine.alerts.first?.incident
                    for t in r.transitions { lastShown = t.to }
                    #expect(r.notifications.isEmpty, context)
                }
            case 1:
                let until = time + Double(Int.random(in: 5...200, using: &rng))
                if let r = try? engine.snooze(rule: "P", labels: labels, until: until, actor: "bo", at: time) {
                    snoozedUntil = until
                    for t in r.transitions { lastShown = t.to }
                    #expect(r.notifications.isEmpty, context)
                }
            case 2:
                if let r = try? engine.undo(rule: "P", labels: labels, actor: "cy", at: time) {
                    for t in r.transitions { lastShown = t.to }
                    for n in r.notifications {
                        #expect(!notifiedIncidents.contains(n.incident), context)
                        notifiedIncidents.insert(n.incident)
                    }
                    let alert = engine.alerts.first
                    snoozedUntil = alert?.snoozedUntil
                    ackedIncident = alert?.acknowledgedBy == nil ? nil : alert?.incident
                }
            default:
                break
            }
            #expect(engine.invariantViolations().isEmpty, context)
            #expect(engine.state(rule: "P", labels: labels) == lastShown || engine.alerts.isEmpty, context)
        }
    }
}
