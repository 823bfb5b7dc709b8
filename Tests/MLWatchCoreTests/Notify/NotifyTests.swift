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
        let notifier = AlertNotifier(command: "sleep 30", webhook: nil, rules: [], timeout: 0.5)
        let started = Date()
        notifier.send([transition()])
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(notifier.waitUntilIdle(seconds: 10))
        #expect(notifier.drainErrors().first?.contains("terminated") == true)
    }

    @Test func webhookPostsAlertmanagerJSONToALoopbackServer() throws {
        let server = try LoopbackHTTPServer(status: 200)
        defer { server.close() }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/api/v2/alerts"))
        let notifier = AlertNotifier(command: nil, webhook: url, rules: [])
        notifier.send([transition()])
        #expect(notifier.waitUntilIdle(seconds: 10))
        let request = try #require(server.waitForRequest(seconds: 10))
        #expect(request.head.hasPrefix("POST /api/v2/alerts HTTP/1.1"))
        #expect(request.head.lowercased().contains("content-type: application/json"))
        let array = try #require(try JSONSerialization.jsonObject(with: request.body) as? [[String: Any]])
        #expect((array.first?["labels"] as? [String: String])?["alertname"] == "High")
        #expect(notifier.drainErrors().isEmpty)
    }

    @Test func webhookHTTPErrorIsReported() throws {
        let server = try LoopbackHTTPServer(status: 500)
        defer { server.close() }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/hook"))
        let notifier = AlertNotifier(command: nil, webhook: url, rules: [])
        notifier.send([transition()])
        #expect(notifier.waitUntilIdle(seconds: 10))
        #expect(notifier.drainErrors().first?.contains("HTTP 500") == true)
    }

    @Test func unreachableWebhookIsReported() throws {
        // A port nobody listens on: bind one, close it, then post there.
        let server = try LoopbackHTTPServer(status: 200)
        let port = server.port
        server.close()
        let notifier = AlertNotifier(command: nil, webhook: URL(string: "http://127.0.0.1:\(port)/hook"), rules: [], timeout: 3)
        notifier.send([transition()])
        #expect(notifier.waitUntilIdle(seconds: 10))
        #expect(notifier.drainErrors().count == 1)
    }
}

/// A one-request-at-a-time HTTP/1.1 server on 127.0.0.1 (an ephemeral port), recording requests.
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var head: String
        var body: Data
    }

    let port: Int
    private let fd: Int32
    private let status: Int
    private let requests = Mutex<[Request]>([])
    private let closed = Atomic<Bool>(false)

    init(status: Int) throws {
        self.status = status
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        self.fd = fd
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }

    func waitForRequest(seconds: Double) -> Request? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let r = requests.withLock({ $0.first }) { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    private func serve() {
        while !closed.load(ordering: .acquiring) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            var request: Request?
            while request == nil {
                let n = recv(client, &buffer, buffer.count, 0)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
                guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { continue }
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                let body = data[end.upperBound...]
                if body.count >= length { request = Request(head: head, body: Data(body.prefix(length))) }
            }
            if let request { requests.withLock { $0.append(request) } }
            let reason = status == 200 ? "OK" : "Error"
            let response = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = response.withCString { send(client, $0, strlen($0), 0) }
            _ = Glibc.close(client)
        }
    }
}
