import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// The fleet host when Prometheus is not there, hangs, or is behind a failing proxy: the header gets the
/// reason, nothing waits for the queries (the publication is there at once, `stop` ends hanging ones), and
/// the commands that a fleet cannot carry out say where they are done instead.
@Suite(.serialized) struct PrometheusFleetHostTests {
    private func host(_ base: String, timeout: Double = 1) -> PrometheusFleetHost {
        let client = PrometheusQueryClient(base: URL(string: base)!, timeout: timeout)
        return PrometheusFleetHost(client: client, alertmanager: nil,
                                   options: .init(refresh: 0.5, historyPoints: 10, actor: "tester"), clock: .system)
    }

    /// Polls the host's publication until `condition` holds (or `seconds` pass); the last one.
    private func waitFor(_ host: PrometheusFleetHost, seconds: Double = 10,
                         _ condition: (EngineHost.Published) -> Bool) -> EngineHost.Published {
        let deadline = Date().addingTimeInterval(seconds)
        var p = host.published
        while !condition(p), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            p = host.published
        }
        return p
    }

    @Test func unreachablePrometheusIsSaidAndCommandsAnswer() throws {
        let port = try MLWatchProcess.freePort()
        let host = host("http://127.0.0.1:\(port)")
        // Before any answer: a fleet snapshot, and "connecting".
        #expect(host.published.snapshot.fleet?.source == "prometheus http://127.0.0.1:\(port)")
        #expect(host.published.activity == "connecting to Prometheus 127.0.0.1:\(port)")
        host.start()
        defer { host.stop() }
        let p = waitFor(host) { $0.connection?.problem != nil }
        let connection = try #require(p.connection)
        #expect(connection.problem?.hasPrefix("cannot connect") == true, "\(String(describing: connection.problem))")
        #expect(connection.lastSuccess == nil && connection.isStale(now: Date().timeIntervalSince1970))
        #expect(p.activity == nil)
        host.send(.acknowledge(rule: "R", labels: [:], note: nil))
        host.send(.overrideThreshold(rule: "R", value: 1, reason: nil))
        host.send(.replay(.togglePause))
        host.send(.scope(instance: "a:1"))
        let answered = waitFor(host) { $0.messages.contains { $0.text.hasPrefix("Showing instance") } }
        let texts = answered.messages.map(\.text)
        #expect(texts.contains { $0.contains("--alertmanager URL") })
        #expect(texts.contains { $0.contains("mlwatch export prometheus-rules") })
        #expect(texts.contains { $0.contains("replay --prometheus") })
        #expect(texts.contains("Showing instance a:1 (Esc: the whole fleet)"))
        #expect(waitFor(host) { $0.snapshot.fleet?.scope == "a:1" }.snapshot.fleet?.scope == "a:1")
    }

    @Test func aHangingPrometheusTimesOutWithoutHoldingAnythingUp() throws {
        let server = try LoopbackHTTPServer(.silent)
        let host = host(server.url, timeout: 1)
        host.start()
        // The publication is readable at once while every query hangs.
        #expect(host.published.connection?.problem == nil)
        let p = waitFor(host) { $0.connection?.problem != nil }
        #expect(p.connection?.problem?.hasPrefix("timed out waiting for the answer") == true, "\(String(describing: p.connection?.problem))")
        // Stopping abandons the queries in progress (the next refresh hangs again by now).
        let started = Date()
        host.stop()
        #expect(Date().timeIntervalSince(started) < 2)
        server.close()
    }

    @Test func aFailingProxyIsQuoted() throws {
        let server = try LoopbackHTTPServer(.answer(502, "<html><body>Bad Gateway</body></html>"))
        let host = host(server.url)
        host.start()
        defer {
            host.stop()
            server.close()
        }
        let p = waitFor(host) { $0.connection?.problem != nil }
        #expect(p.connection?.problem == "HTTP 502: <html><body>Bad Gateway</body></html>")
        // Every query went out as a form-encoded POST with Prometheus' own timeout.
        let request = try #require(server.received.first)
        #expect(request.head.hasPrefix("POST /api/v1/query"))
        #expect(request.head.contains("Content-Type: application/x-www-form-urlencoded"))
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.contains("timeout=1000ms"))
        #expect(body.hasPrefix("query="))
    }
}
