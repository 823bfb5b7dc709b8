import Foundation
import Synchronization
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// What only https has: certificates checked (the CA, the name), handshakes bounded by the connect
/// timeout and cancellable, plain and TLS peers mixed up reported as such, the CA file checked at
/// startup. The hostile receivers over TLS are in `BoundedHTTPClientTests` (both transports).
@Suite struct HTTPSClientTests {
    private let trusting = TLSSettings(caFile: LoopbackHTTPServer.testCA)

    @Test func aCertificateSignedByTheConfiguredCAIsAccepted() throws {
        let server = try LoopbackHTTPServer(.answer(200, "ok"), tls: .server)
        defer { server.close() }
        for host in ["127.0.0.1", "localhost"] {
            let url = URL(string: "https://\(host):\(server.port)/api/v2/alerts")!
            let response = try BoundedHTTPClient(tls: trusting).send(method: "POST", url: url, body: Array("[]".utf8)).get()
            #expect(response.status == 200)
            #expect(response.body == Array("ok".utf8))
        }
        #expect(server.received.count == 2)
    }

    @Test func aCertificateOfAnUntrustedCAIsRefused() throws {
        let server = try LoopbackHTTPServer(.answer(200, "ok"), tls: .server)
        defer { server.close() }
        let result = BoundedHTTPClient().send(method: "POST", url: URL(string: server.url + "/hook")!)
        guard case .failure(.tls(let message)) = result else {
            Issue.record("expected a TLS failure, got \(result)")
            return
        }
        #expect(message.contains("certificate of 127.0.0.1 not accepted"))
        #expect(message.contains("--ca-file"))
        #expect(server.received.isEmpty, "nothing may be sent to a server that is not trusted")
    }

    @Test func aCertificateForAnotherNameIsRefused() throws {
        let server = try LoopbackHTTPServer(.answer(200, "ok"), tls: .wrongname)
        defer { server.close() }
        for host in ["127.0.0.1", "localhost"] {
            let result = BoundedHTTPClient(tls: trusting).send(method: "GET", url: URL(string: "https://\(host):\(server.port)/")!)
            guard case .failure(.tls(let message)) = result else {
                Issue.record("\(host): expected a TLS failure, got \(result)")
                continue
            }
            #expect(message.contains("mismatch"), "\(message)")
        }
        #expect(server.received.isEmpty)
    }

    @Test func aHandshakeThatNeverEndsIsBoundedByTheConnectTimeout() throws {
        let server = try LoopbackHTTPServer(.mute, tls: .server)
        defer { server.close() }
        let start = Date()
        let result = BoundedHTTPClient(connectTimeout: 0.4, totalTimeout: 30, tls: trusting).send(method: "GET", url: URL(string: server.url)!)
        let elapsed = Date().timeIntervalSince(start)
        guard case .failure(.timeout(let message)) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(message.contains("TLS handshake"))
        #expect(elapsed >= 0.35 && elapsed < 3)
    }

    @Test func cancelAbandonsAHandshake() throws {
        let server = try LoopbackHTTPServer(.mute, tls: .server)
        defer { server.close() }
        let client = BoundedHTTPClient(connectTimeout: 60, totalTimeout: 60, tls: trusting)
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { client.cancel() }
        #expect(client.send(method: "GET", url: URL(string: server.url)!) == .failure(.cancelled))
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func httpsToAPlainServerAndHttpToATLSServerFailClearly() throws {
        let plain = try LoopbackHTTPServer(.blurt("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
        defer { plain.close() }
        let toPlain = BoundedHTTPClient(totalTimeout: 2, tls: trusting).send(method: "GET", url: URL(string: "https://127.0.0.1:\(plain.port)/")!)
        guard case .failure(.tls(let message)) = toPlain else {
            Issue.record("expected a TLS failure, got \(toPlain)")
            return
        }
        #expect(message.contains("http://") || message.contains("https server"), "\(message)")

        let secure = try LoopbackHTTPServer(.answer(200, "ok"), tls: .server)
        defer { secure.close() }
        let toTLS = BoundedHTTPClient(totalTimeout: 2).send(method: "GET", url: URL(string: "http://127.0.0.1:\(secure.port)/")!)
        switch toTLS {
        case .failure(.malformedResponse), .failure(.timeout), .failure(.connect): break
        default: Issue.record("expected a bad or no answer, got \(toTLS)")
        }
    }

    @Test func theCAFileIsCheckedAtStartup() throws {
        #expect(BoundedHTTPClient.check(TLSSettings()) == nil)
        #expect(BoundedHTTPClient.check(trusting) == nil)
        let missing = try #require(BoundedHTTPClient.check(TLSSettings(caFile: "/nonexistent/ca.pem")))
        #expect(missing.contains("/nonexistent/ca.pem"))
        let notPEM = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-not-a-ca-\(UUID().uuidString).pem")
        try "hello\n".write(to: notPEM, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: notPEM) }
        let invalid = try #require(BoundedHTTPClient.check(TLSSettings(caFile: notPEM.path)))
        #expect(invalid.contains("no PEM certificate"))
        // The same problem at the first call of a client that was not checked.
        let result = BoundedHTTPClient(tls: TLSSettings(caFile: notPEM.path)).send(method: "GET", url: URL(string: "https://127.0.0.1:1/")!)
        guard case .failure(.tls(let message)) = result else {
            Issue.record("expected a TLS failure, got \(result)")
            return
        }
        #expect(message.contains("no PEM certificate"))
    }

    @Test func prometheusAndAlertmanagerOverHTTPS() throws {
        let prometheus = try LoopbackHTTPServer(.answer(200, #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"mlwatch"},"value":[1767600000,"3"]}]}}"#), tls: .server)
        defer { prometheus.close() }
        let client = PrometheusQueryClient(base: try PrometheusQueryClient.baseURL(prometheus.url + "/").get(), timeout: 5, tls: trusting)
        let answer = try client.instant("up").get()
        #expect(answer.data.samples.first?.value == 3)
        #expect(prometheus.received.first?.head.hasPrefix("POST /api/v1/query HTTP/1.1") == true)
        // Without the CA, the reason is the certificate.
        guard case .failure(.transport(.tls)) = PrometheusQueryClient(base: URL(string: prometheus.url)!, timeout: 5).instant("up") else {
            Issue.record("expected a TLS failure")
            return
        }
    }

    @Test func aReceiverThatHangsUpMidAnswerDoesNotKillTheProcess() throws {
        // The receiver closes while the client still writes a large body: OpenSSL's write(2) raises
        // SIGPIPE, which must not reach the process (it would end it).
        let server = try LoopbackHTTPServer(.answer(413, "too large"), tls: .server)
        defer { server.close() }
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 8 << 20)
        for _ in 0..<3 {
            _ = BoundedHTTPClient(totalTimeout: 3, tls: trusting).send(method: "POST", url: URL(string: server.url + "/")!, body: body)
        }
    }
}

/// Name lookups with a deadline (`NameResolver`), with an injected lookup standing for a DNS server.
@Suite struct NameResolverTests {
    private static let address = NameResolver.Address(family: AF_INET, socketType: 1, proto: 6, bytes: [1, 2, 3])

    @Test func numericAddressesNeedNoLookup() {
        let resolver = NameResolver { _, _ in
            Issue.record("no lookup for a numeric address")
            return .failure(.init(message: "unexpected"))
        }
        for host in ["127.0.0.1", "::1"] {
            guard case .success(let a) = resolver.resolve(host, port: 80, deadline: BoundedHTTPClient.now() + 1, isCancelled: { false }) else {
                Issue.record("\(host) did not resolve")
                continue
            }
            #expect(!a.isEmpty)
        }
    }

    @Test func aLookupThatHangsEndsAtTheDeadline() {
        let release = DispatchSemaphore(value: 0)
        let resolver = NameResolver { _, _ in
            release.wait()
            return .success([NameResolverTests.address])
        }
        defer { release.signal() }
        let start = BoundedHTTPClient.now()
        let result = resolver.resolve("dns.example", port: 80, deadline: start + 0.3, isCancelled: { false })
        let elapsed = BoundedHTTPClient.now() - start
        guard case .failure(.timeout(let message)) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(message.contains("dns.example"))
        #expect(elapsed >= 0.29 && elapsed < 1.5)
    }

    @Test func aLookupIsAbandonedOnCancel() {
        let release = DispatchSemaphore(value: 0)
        let resolver = NameResolver { _, _ in
            release.wait()
            return .success([])
        }
        defer { release.signal() }
        let cancelled = Mutex(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { cancelled.withLock { $0 = true } }
        let start = BoundedHTTPClient.now()
        let result = resolver.resolve("dns.example", port: 80, deadline: start + 30, isCancelled: { cancelled.withLock { $0 } })
        #expect(result == .failure(.cancelled))
        #expect(BoundedHTTPClient.now() - start < 1.5)
    }

    @Test func lookupsAreSharedAndBounded() {
        let calls = Mutex(0)
        let release = DispatchSemaphore(value: 0)
        let resolver = NameResolver(maxInFlight: 2) { _, _ in
            calls.withLock { $0 += 1 }
            release.wait()
            return .success([NameResolverTests.address])
        }
        let deadline = BoundedHTTPClient.now() + 0.2
        // The same name twice: one lookup; a second name: a second lookup; a third name: refused at once.
        _ = resolver.resolve("a.example", port: 80, deadline: deadline, isCancelled: { false })
        _ = resolver.resolve("a.example", port: 80, deadline: deadline, isCancelled: { false })
        _ = resolver.resolve("b.example", port: 80, deadline: deadline, isCancelled: { false })
        let start = BoundedHTTPClient.now()
        let third = resolver.resolve("c.example", port: 80, deadline: start + 5, isCancelled: { false })
        #expect(BoundedHTTPClient.now() - start < 0.5)
        guard case .failure(.connect(let message)) = third else {
            Issue.record("expected a refusal, got \(third)")
            return
        }
        #expect(message.contains("2 name lookups still waiting"))
        let started = BoundedHTTPClient.now() + 5
        while calls.withLock({ $0 }) < 2, BoundedHTTPClient.now() < started { usleep(10_000) }
        #expect(calls.withLock { $0 } == 2)
        release.signal()
        release.signal()
        let deadline2 = BoundedHTTPClient.now() + 5
        while resolver.running > 0, BoundedHTTPClient.now() < deadline2 { usleep(10_000) }
        #expect(resolver.running == 0)
        // Once they ended, an answer comes back.
        let later = NameResolver { _, _ in .success([NameResolverTests.address]) }
        #expect(later.resolve("a.example", port: 80, deadline: BoundedHTTPClient.now() + 5, isCancelled: { false }) == .success([NameResolverTests.address]))
    }

    @Test func theSystemResolverFindsLocalhostAndReportsUnknownNames() {
        let resolver = NameResolver()
        guard case .success(let a) = resolver.resolve("localhost", port: 80, deadline: BoundedHTTPClient.now() + 5, isCancelled: { false }) else {
            Issue.record("localhost did not resolve")
            return
        }
        #expect(!a.isEmpty)
        // `.invalid` never resolves (RFC 6761); without a network the lookup fails either way.
        if case .success = resolver.resolve("mlwatch-test.invalid", port: 80, deadline: BoundedHTTPClient.now() + 10, isCancelled: { false }) {
            Issue.record("a .invalid name resolved")
        }
    }
}
