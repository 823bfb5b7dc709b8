import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// Outgoing HTTP against well-behaved and hostile local receivers, over plain TCP and over TLS (the same
/// bounds for both): every call ends by its deadline, reads at most its limit, and is abandoned at once
/// on `cancel()`.
@Suite struct BoundedHTTPClientTests {
    private func url(_ server: LoopbackHTTPServer, _ path: String = "/x") -> URL { URL(string: server.url + path)! }

    /// A server for `behaviour`, over TLS when `secure` (its certificate signed by the test CA).
    private func server(_ behaviour: LoopbackHTTPServer.Behaviour, secure: Bool) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(behaviour, tls: secure ? .server : nil)
    }

    /// A client trusting the test CA.
    private func client(connectTimeout: Double = 2, totalTimeout: Double = 5, maxResponseBytes: Int = 64 * 1024) -> BoundedHTTPClient {
        BoundedHTTPClient(connectTimeout: connectTimeout, totalTimeout: totalTimeout, maxResponseBytes: maxResponseBytes,
                          tls: TLSSettings(caFile: LoopbackHTTPServer.testCA))
    }

    @Test(arguments: [false, true]) func postsAndReadsASmallAnswer(secure: Bool) throws {
        let server = try server(.answer(200, #"{"silenceID":"abc"}"#), secure: secure)
        defer { server.close() }
        let result = client().send(method: "POST", url: url(server, "/api/v2/silences"),
                                   headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
        let response = try result.get()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"silenceID":"abc"}"#)
        #expect(!response.truncated)
        let request = try #require(server.waitForRequests(1, seconds: 5).first)
        #expect(request.head.hasPrefix("POST /api/v2/silences HTTP/1.1"))
        #expect(request.body == Data("{}".utf8))
    }

    @Test(arguments: [false, true]) func aHugeBodyIsCutAtTheLimit(secure: Bool) throws {
        let server = try server(.hugeBody, secure: secure)
        defer { server.close() }
        let start = Date()
        let response = try client(maxResponseBytes: 1000).send(method: "GET", url: url(server)).get()
        #expect(response.status == 200)
        #expect(response.body.count == 1000)
        #expect(response.truncated)
        #expect(Date().timeIntervalSince(start) < 5)
        // What the server managed to send before the client closed: socket buffers, not the 10 GB.
        Thread.sleep(forTimeInterval: 0.2)
        #expect(server.bytesSent.load(ordering: .relaxed) < 16 << 20)
    }

    @Test(arguments: [false, true]) func anEndlessChunkedBodyIsCutAtTheLimit(secure: Bool) throws {
        let server = try server(.endlessChunks, secure: secure)
        defer { server.close() }
        let response = try client(maxResponseBytes: 100_000).send(method: "GET", url: url(server)).get()
        #expect(response.body.count == 100_000)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(response.truncated)
    }

    @Test(arguments: [false, true]) func aSilentPeerTimesOut(secure: Bool) throws {
        let server = try server(.silent, secure: secure)
        defer { server.close() }
        let start = Date()
        let result = client(totalTimeout: 0.5).send(method: "POST", url: url(server))
        let elapsed = Date().timeIntervalSince(start)
        guard case .failure(.timeout) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(elapsed >= 0.45 && elapsed < 3)
    }

    @Test(arguments: [false, true]) func aDrippingPeerIsBoundedByTheTotalDeadline(secure: Bool) throws {
        let server = try server(.drip, secure: secure)
        defer { server.close() }
        let start = Date()
        let response = try client(totalTimeout: 1.2).send(method: "GET", url: url(server)).get()
        #expect(response.truncated)
        #expect(Date().timeIntervalSince(start) < 4)
    }

    @Test(arguments: [false, true]) func cancelAbandonsACallInProgress(secure: Bool) throws {
        let server = try server(.silent, secure: secure)
        defer { server.close() }
        let client = client(totalTimeout: 60)
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { client.cancel() }
        let result = client.send(method: "GET", url: url(server))
        #expect(result == .failure(.cancelled))
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func refusedAndUnsupportedURLsFailAtOnce() throws {
        let server = try LoopbackHTTPServer(.answer(200, ""))
        let port = server.port
        server.close()
        let refused = BoundedHTTPClient().send(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/")!)
        guard case .failure(.connect) = refused else {
            Issue.record("expected a connection failure, got \(refused)")
            return
        }
        #expect(BoundedHTTPClient.check(URL(string: "https://example.invalid/")!) == nil)
        #expect(BoundedHTTPClient.check(URL(string: "ftp://example.invalid/")!) != nil)
        #expect(BoundedHTTPClient.check(URL(string: "file:///etc/passwd")!) != nil)
    }

    @Test func responsesParseIncrementally() {
        // Byte by byte, with a 1xx head first and a chunked body split mid-size.
        let raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
        var parser = ResponseParser(limit: 100)
        for b in raw.utf8 where !parser.isDone {
            #expect(parser.feed([b][...]) == nil)
        }
        #expect(parser.response(complete: true) == .init(status: 201, body: Array("abcde".utf8), truncated: false))
        var bad = ResponseParser(limit: 10)
        #expect(bad.feed(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)[...]) != nil)
        var tls = ResponseParser(limit: 10)
        #expect(tls.feed([0x15, 3, 3, 0, 2, 2, 70][...])?.contains("use https://") == true)
    }

    @Test func theDeliveryQueueIsBoundedAndCountsFailures() throws {
        let server = try LoopbackHTTPServer(.silent)
        defer { server.close() }
        let delivery = HTTPDeliveryQueue(client: BoundedHTTPClient(totalTimeout: 0.3), capacity: 2)
        var accepted = 0
        for _ in 0..<5 where delivery.enqueue(method: "POST", url: url(server), target: "alertmanager", what: "test") {
            accepted += 1
        }
        #expect(accepted == 2)
        #expect(delivery.waitUntilIdle(seconds: 5))
        #expect(delivery.errorsByTarget["alertmanager"] == 5)
        #expect(delivery.drainErrors().contains { $0.contains("dropped") })
    }

    @Test func webhookNotificationsGoThroughTheBoundedClient() throws {
        let server = try LoopbackHTTPServer(.answer(500, "boom"))
        defer { server.close() }
        let delivery = HTTPDeliveryQueue()
        let notifier = AlertNotifier(command: nil, webhook: url(server, "/hook"), poster: BoundedWebhookPoster(delivery: delivery), rules: [])
        notifier.send([AlertTransition(time: 1_767_600_100, rule: "High", labels: ["model": "m"], from: .pending, to: .firing,
                                       value: 3, threshold: 2, severity: .critical, incident: 1, firedAt: 1_767_600_100)])
        #expect(notifier.waitUntilIdle(seconds: 10))
        #expect(notifier.drainErrors().first?.contains("HTTP 500") == true)
        let request = try #require(server.waitForRequests(1, seconds: 5).first)
        let array = try #require(try JSONSerialization.jsonObject(with: request.body) as? [[String: Any]])
        #expect((array.first?["labels"] as? [String: String])?["alertname"] == "High")
    }
}
