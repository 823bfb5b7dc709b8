import Foundation
import Testing
@testable import MLWatchCore

/// The simulator's groups, fairness incident and shadow version, and the demo tour's rules that catch them.
@Suite struct SimulationVersionsTests {
    typealias S = SimulationScenarioTests

    static func selectionRate(_ ps: [PredictionEvent], group: String) -> Double {
        let g = ps.filter { $0.version == "v1" && $0.feature("applicant_group") == .string(group) && $0.prediction != .null }
        return Double(g.filter { $0.prediction == .number(1) }.count) / Double(max(1, g.count))
    }

    @Test func everyPredictionHasAGroupInTheDocumentedShares() {
        let (events, _) = S.generate(.healthy, seconds: 300, rate: 20)
        let ps = S.predictions(events, from: 0, to: 300)
        #expect(ps.allSatisfy { if case .string = $0.feature("applicant_group") { return true } else { return false } })
        let c = Double(ps.filter { $0.feature("applicant_group") == .string("C") }.count) / Double(ps.count)
        #expect(abs(c - 0.20) < 0.03)
        #expect(ps.allSatisfy { $0.version == "v1" }, "no shadow outside the shadow scenarios")
    }

    @Test func fairnessIncidentLowersGroupCsSelectionRate() {
        let (events, _) = S.generate(.fairness, seconds: 240, rate: 20)
        let before = S.predictions(events, from: 0, to: 30)
        let during = S.predictions(events, from: 40, to: 200)
        #expect(Self.selectionRate(during, group: "C") < 0.5 * Self.selectionRate(during, group: "A"))
        #expect(Self.selectionRate(before, group: "C") > 0.3)
    }

    @Test func shadowAnswersTheSameRequestsAndDisagreesDuringItsIncident() {
        let (events, _) = S.generate(.shadow, seconds: 240, rate: 20)
        func agreement(_ a: Double, _ b: Double) -> (pairs: Int, rate: Double) {
            let ps = S.predictions(events, from: a, to: b)
            let v1 = Dictionary(ps.filter { $0.version == "v1" }.map { ($0.requestID!, $0.prediction) }, uniquingKeysWith: { x, _ in x })
            let v3 = ps.filter { $0.version == "v3" }
            let paired = v3.filter { v1[$0.requestID!] != nil }
            let agree = paired.filter { v1[$0.requestID!]!.sameClass(as: $0.prediction) }.count
            return (paired.count, Double(agree) / Double(max(1, paired.count)))
        }
        let quiet = agreement(0, 30)
        let incident = agreement(40, 200)
        #expect(quiet.pairs > 200 && quiet.rate > 0.9)
        #expect(incident.rate < 0.6)
        let v3 = S.predictions(events, from: 0, to: 240).filter { $0.version == "v3" }
        #expect(v3.allSatisfy { $0.latencyMs != nil && $0.feature("applicant_group") != .missing })
    }

    /// The demo tour through the engine with the demo's config: the fairness incident (8–13 min) and the
    /// shadow's disagreement with v1's wrong answers (accuracy drop from 11 min) are caught by their rules.
    @Test func demoTourFiresTheVersionsAndFairnessRules() throws {
        let config = try MLWatchConfig.parse(yaml: DemoConfig.yaml)
        let state = MonitorState(options: config.collectorOptions, mode: .check, rules: RuleEngine(rules: config.rules))
        let start = 1_795_000_000.0
        var g = SimulatedLogGenerator(scenario: .demo, pool: .builtIn(count: 2000), start: start, seed: 3)
        var lines: [String] = []
        var t = start
        while t < start + 1200 {
            g.lines(at: t, into: &lines)
            for l in lines { state.ingestLine(l) }
            lines.removeAll(keepingCapacity: true)
            t += 0.2
        }
        state.finish()
        var firstFiring: [String: Double] = [:]
        for tr in state.rules?.timeline ?? [] where tr.to == .firing && firstFiring[tr.rule] == nil {
            firstFiring[tr.rule] = tr.time - start
        }
        let fairness = try #require(firstFiring["SelectionRateGap"], "fired: \(firstFiring)")
        #expect(fairness > 480 && fairness < 900)
        let shadow = try #require(firstFiring["ShadowDisagrees"], "fired: \(firstFiring)")
        #expect(shadow > 660 && shadow < 1140)
        #expect(state.snapshot(now: 0).warnings.isEmpty)
    }
}
