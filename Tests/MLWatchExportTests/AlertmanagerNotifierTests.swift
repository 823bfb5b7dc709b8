import Foundation
import Synchronization
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

@Suite struct AlertmanagerNotifierTests {
    private func snapshot(_ states: [AlertState]) -> Snapshot {
        var s = Snapshot()
        s.alerts = states.enumerated().map { i, state in
            AlertInstance(rule: "R", labels: ["model": "m\(i)"], state: state, severity: .warning, value: 2, threshold: 1,
                          firedAt: 1000, annotations: ["summary": "x"])
        }
        return s
    }

    @Test func sendsActiveAlertsResendsThemAndEndsResolvedOnes() throws {
        let server = try LoopbackHTTPServer(.answer(200, ""))
        defer { server.close() }
        let current = Mutex(snapshot([.firing, .pending]))
        let now = Mutex(2000.0)
        let delivery = HTTPDeliveryQueue()
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], resendInterval: 60,
                                     latest: { current.withLock { $0 } }, clock: { now.withLock { $0 } })
        func posted(_ count: Int) throws -> [[String: Any]] {
            let requests = server.waitForRequests(count, seconds: 5)
            try #require(requests.count == count)
            return try #require(try JSONSerialization.jsonObject(with: requests[count - 1].body) as? [[String: Any]])
        }
        n.sync()
        var body = try posted(1)
        #expect(body.count == 1)  // pending is not sent
        #expect((body[0]["labels"] as? [String: String]) == ["alertname": "R", "model": "m0", "severity": "warning"])
        #expect(body[0]["endsAt"] as? String == TimestampParser.format(2240))
        #expect(body[0]["startsAt"] as? String == TimestampParser.format(1000))
        // Nothing changed and the resend interval has not passed: nothing sent.
        now.withLock { $0 = 2030 }
        n.sync()
        #expect(delivery.waitUntilIdle(seconds: 5))
        #expect(server.received.count == 1)
        // Past the interval: re-sent with a later end.
        now.withLock { $0 = 2061 }
        n.sync()
        body = try posted(2)
        #expect(body[0]["endsAt"] as? String == TimestampParser.format(2301))
        // Resolved: sent once more, ending now.
        current.withLock { $0 = snapshot([]) }
        now.withLock { $0 = 2070 }
        n.sync()
        body = try posted(3)
        #expect(body.count == 1 && body[0]["endsAt"] as? String == TimestampParser.format(2070))
        #expect(delivery.waitUntilIdle(seconds: 5))
        n.sync()
        #expect(delivery.waitUntilIdle(seconds: 5))
        #expect(server.received.count == 3)
    }

    @Test func aDeadAlertmanagerIsCountedNotWaitedFor() throws {
        let server = try LoopbackHTTPServer(.silent)
        defer { server.close() }
        // sync() only enqueues: it returns with the request still in flight, long before the client's timeout
        // (2 s, so that a loaded machine's pauses cannot pass for a wait; 0.2 s against 0.3 s was too tight).
        let delivery = HTTPDeliveryQueue(client: BoundedHTTPClient(totalTimeout: 2))
        let s = snapshot([.firing])
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], latest: { s })
        let start = Date()
        n.sync()
        let inFlight = delivery.pending
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(inFlight == 1)
        #expect(delivery.waitUntilIdle(seconds: 10))
        #expect(delivery.errorsByTarget["alertmanager"] == 1)
        #expect(delivery.errorCounters.first?.labels == ["target": "alertmanager"])
        #expect(delivery.drainErrors().first?.contains("timed out") == true)
    }

    @Test func aSnoozeBecomesASilenceUntilItsEndAndAResolveExpiresIt() throws {
        let server = try LoopbackHTTPServer(.answer(200, #"{"silenceID":"s-1"}"#))
        defer { server.close() }
        var snoozed = snapshot([.snoozed])
        snoozed.alerts[0].snoozedUntil = 5_000 + 900
        snoozed.newestEventTime = 5_000
        let current = Mutex(snoozed)
        let notes = Mutex<[String]>([])
        let delivery = HTTPDeliveryQueue()
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], actor: "carol",
                                     latest: { current.withLock { $0 } }, note: { _, _, text in notes.withLock { $0.append(text) } },
                                     clock: { 2000 })
        n.sync()
        #expect(delivery.waitUntilIdle(seconds: 5))
        let silence = try #require(server.received.first { $0.head.hasPrefix("POST /api/v2/silences ") })
        let body = try #require(try JSONSerialization.jsonObject(with: silence.body) as? [String: Any])
        #expect(body["createdBy"] as? String == "carol")
        #expect(body["endsAt"] as? String == TimestampParser.format(2900))
        let matchers = try #require(body["matchers"] as? [[String: Any]])
        #expect(Set(matchers.map { "\($0["name"]!)=\($0["value"]!)" }) == ["alertname=R", "model=m0"])
        #expect(notes.withLock { $0 } == ["Alertmanager silence s-1"])
        // Resolved: the silence is expired.
        current.withLock { $0 = snapshot([]) }
        n.sync()
        #expect(delivery.waitUntilIdle(seconds: 5))
        #expect(server.received.contains { $0.head.hasPrefix("DELETE /api/v2/silence/s-1 ") })
    }

    @Test func anAcknowledgementsSilenceIsExtendedWhileItLasts() throws {
        let server = try LoopbackHTTPServer(.answer(200, #"{"silenceID":"s-9"}"#))
        defer { server.close() }
        var acked = snapshot([.acknowledged])
        acked.alerts[0].acknowledgedBy = "dave"
        let current = Mutex(acked)
        let now = Mutex(10_000.0)
        let delivery = HTTPDeliveryQueue()
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], resendInterval: 60,
                                     latest: { current.withLock { $0 } }, clock: { now.withLock { $0 } })
        func silencePosts() -> [[String: Any]] {
            _ = delivery.waitUntilIdle(seconds: 5)
            return server.received.filter { $0.head.hasPrefix("POST /api/v2/silences ") }
                .compactMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
        }
        n.sync()
        #expect(silencePosts().count == 1)
        #expect(silencePosts().first?["createdBy"] as? String == "dave")
        // Half a day later: not yet extended; past that: the same silence (id s-9) a day further.
        now.withLock { $0 = 10_000 + 40_000 }
        n.sync()
        #expect(silencePosts().count == 1)
        now.withLock { $0 = 10_000 + 50_000 }
        n.sync()
        let posts = silencePosts()
        #expect(posts.count == 2)
        #expect(posts.last?["id"] as? String == "s-9")
        #expect(posts.last?["endsAt"] as? String == TimestampParser.format(10_000 + 50_000 + 86_400))
    }

    @Test func aFailedSilenceIsRetriedAfterTheResendIntervalNotEveryTick() throws {
        let server = try LoopbackHTTPServer(.answer(503, "unavailable"))
        defer { server.close() }
        let current = Mutex(snapshot([.acknowledged]))
        let now = Mutex(1000.0)
        let delivery = HTTPDeliveryQueue()
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], resendInterval: 60,
                                     latest: { current.withLock { $0 } }, clock: { now.withLock { $0 } })
        func attempts() -> Int {
            _ = delivery.waitUntilIdle(seconds: 5)
            return server.received.filter { $0.head.hasPrefix("POST /api/v2/silences ") }.count
        }
        n.sync()
        #expect(attempts() == 1)
        now.withLock { $0 = 1010 }
        n.sync()
        #expect(attempts() == 1)
        now.withLock { $0 = 1061 }
        n.sync()
        #expect(attempts() == 2)
        #expect(delivery.drainErrors().contains { $0.contains("HTTP 503") })
    }

    @Test func unreadableSilencesAreReportedNotApplied() throws {
        let server = try LoopbackHTTPServer(.answer(200, "<html>not the API</html>"))
        defer { server.close() }
        let delivery = HTTPDeliveryQueue()
        let acks = Mutex(0)
        let s = snapshot([.firing])
        let n = AlertmanagerNotifier(base: URL(string: server.url)!, delivery: delivery, rules: [], latest: { s },
                                     acknowledge: { _, _, _, _ in acks.withLock { $0 += 1 } })
        n.sync()
        #expect(delivery.waitUntilIdle(seconds: 5))
        #expect(server.received.contains { $0.head.hasPrefix("GET /api/v2/silences ") })
        #expect(delivery.drainErrors().contains { $0.contains("silences could not be read") })
        #expect(acks.withLock { $0 } == 0)
    }
}
