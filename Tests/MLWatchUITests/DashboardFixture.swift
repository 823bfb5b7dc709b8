import Foundation
@testable import MLWatchCore
@testable import MLWatchUI

/// A deterministic snapshot (and sparkline history) for golden screen tests: a reference, a current
/// stream with a latency spike and drift in one feature, delayed labels for a third of the requests (so
/// the Output panel shows accuracy), and alerts in every state the Alerts panel draws: two firing, one
/// pending, one acknowledged (with a note) and one snoozed.
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

    /// The ground truth for the prediction line of request `i`, when it has one: every third request
    /// with a non-null prediction is labelled, and every fifth of those labels disagrees with the
    /// prediction (so accuracy is neither 0 nor 1). The label arrives a second after the prediction.
    static func label(_ i: Int, for line: String) -> String? {
        guard i % 3 == 0, let r = line.range(of: "\"prediction\": "), let p = line[r.upperBound...].first,
            let predicted = Int(String(p))
        else { return nil }
        let truth = i % 5 == 0 ? 1 - predicted : predicted
        let t = 1_767_600_000.0 + Double(i) * 0.5 + 1
        return "{\"ts\": \(t), \"type\": \"label\", \"request_id\": \"r\(i)\", \"label\": \(truth)}"
    }

    /// The snapshot and a dashboard state whose history holds the snapshots published along the way.
    /// Built once per test run (the golden tests render it dozens of times).
    static func make() throws -> (Snapshot, DashboardState) {
        try built.get()
    }

    private static let built = Result { try build() }

    private static func build() throws -> (Snapshot, DashboardState) {
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
              - alert: ErrorRateHigh
                expr: error_rate > 0.01
                labels: {severity: warning}
              - alert: LowConfidence
                expr: low_confidence_rate > 0.1
                labels: {severity: info}
              - alert: NullOutputs
                expr: output_null_rate > 0.02
                for: 1h
                labels: {severity: warning}
            """)
        let state = MonitorState(
            options: CollectorOptions(window: .time(size: 120, slide: 10), lateness: 5), sources: ["logs/predictions.jsonl"],
            mode: .live, drift: drift, rules: RuleEngine(rules: config.rules))
        var ui = DashboardState()
        ui.rulesConfigured = true
        for i in 0..<900 {
            let line = event(i, drifted: i > 500, spike: i > 700)
            state.ingestLine(line)
            if let label = label(i, for: line) { state.ingestLine(label) }
            if i % 30 == 29 { ui.observe(state.snapshot(now: now)) }
            if i == 450 { state.ingestLine("{\"broken") }
        }
        state.ingestLine("{\"ts\": 1767600500, \"type\": \"system\", \"host\": \"a1\", \"cpu_pct\": 63.0, \"mem_mb\": 812, \"load1\": 1.4}")
        // A person acknowledged one alert and snoozed another (both keep being evaluated).
        let firing = state.snapshot(now: now).alerts
        let at = state.newestEventTime ?? now
        if let a = firing.first(where: { $0.rule == "LowConfidence" }) {
            try state.rules?.acknowledge(rule: a.rule, labels: a.labels, actor: "dana", note: "retrain scheduled", at: at)
        }
        if let a = firing.first(where: { $0.rule == "ErrorRateHigh" }) {
            try state.rules?.snooze(rule: a.rule, labels: a.labels, until: at + 3600, actor: "lee", at: at)
        }
        let snapshot = state.snapshot(now: now)
        ui.observe(snapshot)
        return (snapshot, ui)
    }
}
