import Foundation
@testable import MLWatchCore
@testable import MLWatchUI

/// A deterministic snapshot (and sparkline history) for golden screen tests: a reference, a current
/// stream with a latency spike and drift in one feature, one firing rule.
enum DashboardFixture {
    /// Wall-clock "now" used for the lag in the header.
    static let now = 1_767_603_000.0

    static func event(_ i: Int, drifted: Bool, spike: Bool) -> String {
        var seed = UInt64(i &* 2_654_435_761 &+ (drifted ? 7 : 3))
        func next() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
        let t = 1_767_600_000.0 + Double(i) * 0.5
        let latency = (20 + 20 * next()) * (spike ? 12 : 1)
        let amount = (drifted ? 180 : 100) + 40 * next()
        let country = ["DE", "FR", "US", "日本"][Int(next() * 4) % 4]
        let note = next() < 0.1 ? "null" : "\"hello\""
        let prediction = next() < 0.05 ? "null" : String(Int(next() * 2))
        return """
            {"ts": \(t), "model": "fraud", "version": "v3", "request_id": "r\(i)", "latency_ms": \(String(format: "%.1f", latency)), "status": "\(i % 40 == 0 ? "error" : "ok")", "features": {"amount": \(String(format: "%.2f", amount)), "country": "\(country)", "note": \(note)}, "prediction": \(prediction), "score": \(String(format: "%.2f", next())), "feedback": \(i % 9 == 0 ? "\"click\"" : "null")}
            """
    }

    /// The snapshot and a dashboard state whose history holds the snapshots published along the way.
    static func make() throws -> (Snapshot, DashboardState) {
        var builder = ReferenceProfileBuilder()
        let parser = EventParser()
        for i in 0..<600 {
            if case .event(.prediction(let p)) = parser.parse(event(i, drifted: false, spike: false)) { builder.add(p) }
        }
        let drift = DriftMonitor(source: .profile(builder.build(sources: ["reference.jsonl"])))
        let config = try MLWatchConfig.parse(yaml: """
            rules:
              - alert: LatencyP99High
                expr: latency_p99_ms > 250
                for: 30s
                labels: {severity: critical}
                annotations: {summary: "p99 latency {{ $value }} ms"}
              - alert: AmountDrift
                expr: drift_psi{feature="amount"} > 0.2
                labels: {severity: warning}
            """)
        let state = MonitorState(
            options: CollectorOptions(window: .time(size: 120, slide: 10), lateness: 5), sources: ["logs/predictions.jsonl"],
            mode: .live, drift: drift, rules: RuleEngine(rules: config.rules))
        var ui = DashboardState()
        ui.rulesConfigured = true
        for i in 0..<900 {
            state.ingestLine(event(i, drifted: i > 500, spike: i > 700))
            if i % 30 == 29 { ui.observe(state.snapshot(now: now)) }
            if i == 450 { state.ingestLine("{\"broken") }
        }
        state.ingestLine("{\"ts\": 1767600500, \"type\": \"system\", \"host\": \"a1\", \"cpu_pct\": 63.0, \"mem_mb\": 812, \"load1\": 1.4}")
        let snapshot = state.snapshot(now: now)
        ui.observe(snapshot)
        return (snapshot, ui)
    }
}
