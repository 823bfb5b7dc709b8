import Foundation
import Synchronization
import Testing
@testable import MLWatchCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct NotifyPayloadTests {
    private func transition(to: AlertState = .firing, time: Double = 1_767_600_100) -> AlertTransition {
        AlertTransition(
            time: time, rule: "LatencyP99High", labels: ["model": "fraud"], from: .pending, to: to, value: 312.5,
            threshold: 250, severity: .critical, incident: 2, activeSince: 1_767_600_000, firedAt: 1_767_600_060)
    }

    private func rule() throws -> AlertRule {
        try AlertRule(name: "LatencyP99High", expr: "latency_p99_ms > 250", labels: ["severity": "critical", "team": "ml"],
                      annotations: ["summary": "p99 latency {{ $value }} ms on {{ $labels.model }}"])
    }

    @Test func notificationRendersAnnotationsAndTimes() throws {
        let n = AlertNotification(transition(), rule: try rule())
        #expect(n.annotations["summary"] == "p99 latency 312.5 ms on fraud")
        #expect(n.time == "2026-01-05T08:01:40.000Z")
        #expect(n.firedAt == "2026-01-05T08:01:00.000Z")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(n.json().utf8)) as? [String: Any])
        #expect(json["rule"] as? String == "LatencyP99High")
        #expect(json["to"] as? String == "firing")
        #expect(json["severity"] as? String == "critical")
        #expect(json["value"] as? Double == 312.5)
        #expect(json["incident"] as? Int == 2)
    }

    @Test func alertmanagerPayloadHasTheAPIShape() throws {
        let body = AlertmanagerPayload.encode([AlertNotification(transition(), rule: try rule())])
        let array = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
        #expect(array.count == 1)
        let alert = array[0]
        #expect(Set(alert.keys) == ["labels", "annotations", "startsAt", "endsAt", "generatorURL"])
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels == ["alertname": "LatencyP99High", "severity": "critical", "team": "ml", "model": "fraud"])
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["summary"] == "p99 latency 312.5 ms on fraud")
        #expect(annotations["value"] == "312.5")
        #expect(annotations["threshold"] == "250")
        #expect(alert["startsAt"] as? String == "2026-01-05T08:01:00.000Z")
        #expect(alert["endsAt"] as? String == AlertmanagerPayload.noEnd)
        #expect(alert["generatorURL"] as? String == "")
    }

    @Test func resolvedAlertHasAnEnd() throws {
        let n = AlertNotification(transition(to: .resolved, time: 1_767_600_200), rule: nil)
        let a = AlertmanagerPayload.alerts([n])[0]
        #expect(a.endsAt == "2026-01-05T08:03:20.000Z")
        #expect(a.labels["severity"] == "critical")
        #expect(a.labels["alertname"] == "LatencyP99High")
    }

    @Test func alertLabelsWinOverRuleLabelsButNotOverAlertname() throws {
        var t = transition()
        t.labels = ["team": "own", "alertname": "spoof"]
        let a = AlertmanagerPayload.alerts([AlertNotification(t, rule: try rule())])[0]
        #expect(a.labels["team"] == "own")
        #expect(a.labels["alertname"] == "LatencyP99High")
    }
}

@Suite(.serialized) struct AlertNotifierTests {
    private func transition() -> AlertTransition {
        AlertTransition(time: 1_767_600_100, rule: "High", labels: ["model": "m"], from: .pending, to: .firing,
                        value: 20, threshold: 10, severity: .critical, incident: 1, firedAt: 1_767_600_100)
    }

    private func waitFor(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    @Test func commandGetsTheTransitionAsJSONOnStdin() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-onfire-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let notifier = AlertNotifier(command: "cat > '\(out)'", webhook: nil, rules: [])
        let started = Date()
        notifier.send([transition()])
        #expect(Date().timeIntervalSince(started) < 0.5, "send must not block")
        #expect(notifier.waitUntilIdle(seconds: 10))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["rule"] as? String == "High")
        #expect(json["to"] as? String == "firing")
        #expect(notifier.drainErrors().isEmpty)
    }

    @Test func failingCommandIsReported() {
        let notifier = AlertNotifier(command: "echo boom >&2; exit 3", webhook: nil, rules: [])
        notifier.send([transition()])
        #expect(notifier.waitUntilIdle(seconds: 10))
        let errors = notifier.drainErrors()
        #expect(errors.count == 1)
        #expect(errors.first?.contains("exit 3") == true)
        #expect(errors.first?.contains("boom") == true)
    }

    @Test func slowCommandDoesNotBlockAndIsTerminatedAfterTheTimeout() {
        // send() returns with the command still running (in flight), long before its 2 s timeout: had it
        // waited for the command, nothing would be in flight any more. (A 0.5 s bound against a 0.5 s
        // timeout left a loaded machine no margin.)
        let notifier = AlertNotifier(command: "sleep 30", webhook: nil, rules: [], timeout: 2)
        let started = Date()
        notifier.send([transition()])
        let inFlight = notifier.pending
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(inFlight == 1, "send must not wait for the command")
        // A stop's deadline counts from the signal: one already past returns at once, the command in flight.
        let past = ContinuousClock.now - .seconds(1)
        #expect(!notifier.waitUntilIdle(until: past))
        #expect(notifier.pending == 1)
        #expect(notifier.waitUntilIdle(seconds: 10))
        #expect(notifier.drainErrors().first?.contains("terminated") == true)
    }
}
