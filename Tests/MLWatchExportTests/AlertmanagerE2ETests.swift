import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// Alerts and acknowledgements through a real Alertmanager: instance A (an engine host in this process,
/// user "alice") and instance B (the real binary, headless) watch the same incident; A's acknowledgement
/// becomes a silence, and B shows the alert acknowledged, by whom, with the silence's id.
@Suite(.serialized, .enabled(if: MLWatchProcess.binary != nil && ExportTestSupport.tool("prometheus-alertmanager") != nil,
                             "needs the mlwatch binary and prometheus-alertmanager"))
struct AlertmanagerE2ETests {
    static let amConfig = """
        route: {receiver: "null", group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
        receivers: [{name: "null"}]
        """

    private func logLines() -> [String] {
        (0..<400).map { i in
            ExportTestSupport.line(t: 1_767_600_000 + Double(i), latency: 10, status: i % 4 == 0 ? "500" : "ok", x: 1, country: "DE")
        }
    }

    @Test func acknowledgementRoundTripThroughAlertmanager() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let am = try ServerProcess.alertmanager(config: Self.amConfig, in: dir)
        #expect(am.waitReady(), "alertmanager did not start: \(am.logText)")
        let log = dir.appendingPathComponent("p.jsonl")
        try (logLines().joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("c.yaml")
        try "rules:\n  - {alert: Errors, expr: error_rate > 0.1, labels: {severity: critical, team: ml}}\n"
            .write(to: config, atomically: true, encoding: .utf8)

        // Instance B: the real binary.
        let b = try MLWatchProcess(["watch", log.path, "--from-start", "--no-ui", "--emit-every", "300ms", "--config", config.path,
                                    "--alertmanager", am.base])
        // Instance A: an engine host with the notifier, acknowledging as alice.
        let rule = try AlertRule(name: "Errors", expr: "error_rate > 0.1", labels: ["severity": "critical", "team": "ml"])
        let state = MonitorState(options: CollectorOptions(), sources: [log.path], mode: .live, rules: RuleEngine(rules: [rule]))
        let box = HostBox()
        let host = EngineHost(live: state, options: .init(interval: 0.2, publishing: .everyTick, actor: "alice"), clock: .system)
        box.host = host
        let delivery = HTTPDeliveryQueue()
        let a = AlertmanagerNotifier(base: URL(string: am.base)!, delivery: delivery, rules: [rule], actor: "alice", silencePoll: 0.5,
                                     latest: { box.host?.published.snapshot },
                                     acknowledge: { r, l, who, n in box.host?.send(.acknowledgeForPeer(rule: r, labels: l, actor: who, note: n)) },
                                     note: { r, l, n in box.host?.send(.addNote(rule: r, labels: l, note: n)) })
        host.start()
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for l in logLines() {
            ranges.append(bytes.count..<bytes.count + l.utf8.count)
            bytes += Array(l.utf8) + [10]
        }
        host.ingest(LineBatch(source: log.path, bytes: bytes, lines: ranges, skippedTooLong: 0))
        a.start(tick: 0.2)
        defer {
            a.stop()
            host.stop()
            delivery.shutdown()
        }

        // Both instances' alert reaches Alertmanager, with the rule's labels.
        var alerts: [[String: Any]] = []
        #expect(MLWatchProcess.poll(timeout: 20) {
            alerts = Self.json(am.base + "/api/v2/alerts") as? [[String: Any]] ?? []
            return alerts.contains { ($0["labels"] as? [String: String])?["alertname"] == "Errors" }
        }, "alerts: \(alerts); B: \(b.stderr)")
        let labels = alerts.first?["labels"] as? [String: String]
        #expect(labels?["team"] == "ml" && labels?["model"] == "m" && labels?["severity"] == "critical")

        // Alice acknowledges on A: a silence by alice.
        let alert = try #require(host.published.snapshot.alerts.first { $0.rule == "Errors" && $0.state == .firing })
        host.send(.acknowledge(rule: "Errors", labels: alert.labels, note: "on it"))
        var silences: [[String: Any]] = []
        #expect(MLWatchProcess.poll(timeout: 20) {
            silences = Self.json(am.base + "/api/v2/silences") as? [[String: Any]] ?? []
            return silences.contains { $0["createdBy"] as? String == "alice" && ($0["status"] as? [String: String])?["state"] == "active" }
        }, "silences: \(silences)")
        let silence = try #require(silences.first { $0["createdBy"] as? String == "alice" })
        let id = try #require(silence["id"] as? String)
        #expect((silence["comment"] as? String)?.contains("on it") == true)
        // A keeps the silence's id with the alert (a journaled note).
        #expect(MLWatchProcess.poll(timeout: 10) {
            host.published.snapshot.alerts.first { $0.rule == "Errors" }?.note == "on it · Alertmanager silence \(id)"
        }, "A's note: \(String(describing: host.published.snapshot.alerts.first?.note))")

        // B reads it back: acknowledged, by alice, naming the silence (the journal keeps that note).
        #expect(MLWatchProcess.poll(timeout: 20) {
            b.stdout.contains(#""to":"acknowledged""#) && b.stdout.contains(#""actor":"alice""#)
                && b.stdout.contains("Alertmanager silence \(id) by alice")
        }, "B: \(b.stdout.suffix(2000)) \(b.stderr)")

        // Undo on A expires the silence.
        host.send(.undo(rule: "Errors", labels: alert.labels))
        #expect(MLWatchProcess.poll(timeout: 20) {
            let all = Self.json(am.base + "/api/v2/silences") as? [[String: Any]] ?? []
            return all.contains { $0["id"] as? String == id && ($0["status"] as? [String: String])?["state"] == "expired" }
        })
        let took = b.stop(within: 5)
        #expect(took != nil && took! < 2)
    }

    static func json(_ url: String) -> Any? {
        guard let (status, body) = MLWatchProcess.get(url), status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body.utf8))
    }
}

/// The host, for the notifier's closures (set once it exists).
final class HostBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: EngineHost?
    var host: EngineHost? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
