import Foundation
@testable import MLWatchCore
@testable import MLWatchUI

/// A deterministic snapshot of one model with three versions for the versions and fairness views: v1 (the
/// `compare` baseline), v2 (a canary on 10 % of the traffic with a shifted `amount`, slower and predicting
/// 1 more often), v3 (a shadow answering every other v1 request under the same id, disagreeing on one pair
/// in six); `fairness` by `applicant_group`, where group C is selected far less often and group D is too
/// small for rates (n/a). Rules watch the fairness gaps and the shadow's agreement.
enum VersionsFixture {
    static let now = 1_767_603_000.0
    static let t0 = 1_767_600_000.0

    static func lines() -> [String] {
        var rng = SplitMix64(seed: 11)
        var out: [(Double, String)] = []
        for i in 0..<1500 {
            let t = t0 + Double(i) * 0.4
            let group = i % 50 == 0 ? "D" : ["A", "B", "C"][i % 3]
            let amount = 100 + 40 * rng.uniform()
            let country = ["DE", "FR", "US"][Int(rng.uniform() * 3) % 3]
            let selected = group == "C" ? rng.uniform() < 0.2 : rng.uniform() < 0.6
            let p = selected ? 1 : 0
            let score = String(format: "%.2f", selected ? 0.5 + 0.5 * rng.uniform() : 0.5 * rng.uniform())
            if i % 10 == 7 {
                let q = rng.uniform() < 0.8 ? 1 : p
                out.append((t, #"{"ts":\#(t),"model":"loan","version":"v2","request_id":"c\#(i)","latency_ms":\#(String(format: "%.1f", 45 + 20 * rng.uniform())),"status":"ok","features":{"amount":\#(String(format: "%.2f", amount * 1.6)),"country":"\#(country)","applicant_group":"\#(group)"},"prediction":\#(q),"score":\#(score)}"#))
                continue
            }
            let status = i % 97 == 0 ? "error" : "ok"
            out.append((t, #"{"ts":\#(t),"model":"loan","version":"v1","request_id":"r\#(i)","latency_ms":\#(String(format: "%.1f", 20 + 20 * rng.uniform())),"status":"\#(status)","features":{"amount":\#(String(format: "%.2f", amount)),"country":"\#(country)","applicant_group":"\#(group)"},"prediction":\#(p),"score":\#(score)}"#))
            if i % 2 == 0 {
                let q = (i / 2) % 6 == 0 ? 1 - p : p
                out.append((t + 0.01, #"{"ts":\#(t + 0.01),"model":"loan","version":"v3","request_id":"r\#(i)","latency_ms":\#(String(format: "%.1f", 20 + 20 * rng.uniform())),"status":"ok","features":{"amount":\#(String(format: "%.2f", amount)),"country":"\#(country)","applicant_group":"\#(group)"},"prediction":\#(q),"score":\#(score)}"#))
            }
            let truth = rng.uniform() < 0.85 ? p : 1 - p
            out.append((t + 20, #"{"ts":\#(t + 20),"type":"label","request_id":"r\#(i)","label":\#(truth)}"#))
        }
        return out.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static let config = """
        window: {size: 10m, slide: 30s}
        lateness: 5s
        compare: {baseline: v1}
        fairness: {group_by: applicant_group, positive: 1}
        rules:
          - alert: SelectionGap
            expr: demographic_parity_difference > 0.2
            labels: {severity: warning}
          - alert: FourFifths
            expr: demographic_parity_ratio < 0.8
            labels: {severity: warning}
          - alert: ShadowDisagrees
            expr: shadow_agreement_rate < 0.9
            labels: {severity: warning}
        """

    /// The snapshot and a dashboard state with v1 in view and the Output panel focused.
    static func make(config text: String = config) throws -> (Snapshot, DashboardState) {
        let config = try MLWatchConfig.parse(yaml: text)
        let state = MonitorState(options: config.collectorOptions, sources: ["logs/loan.jsonl"], mode: .live,
                                 rules: config.rules.isEmpty ? nil : RuleEngine(rules: config.rules))
        for line in lines() { state.ingestLine(line) }
        let snapshot = state.snapshot(now: now)
        var ui = DashboardState()
        ui.rulesConfigured = true
        ui.observe(snapshot)
        ui.focus = .output
        ui.groupIndex = DashboardState.groups(in: snapshot).firstIndex { $0["version"] == "v1" } ?? 0
        return (snapshot, ui)
    }

    static let built = Result { try make() }
}
