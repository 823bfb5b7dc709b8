import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct MetricsServerTests {
    @Test func listenAddressesParse() {
        #expect(ListenAddress("127.0.0.1:9464") == ListenAddress(host: .ipv4("127.0.0.1"), port: 9464))
        #expect(ListenAddress(":9464") == ListenAddress(host: .ipv4("0.0.0.0"), port: 9464))
        #expect(ListenAddress("localhost:1") == ListenAddress(host: .ipv4("127.0.0.1"), port: 1))
        #expect(ListenAddress("[::1]:9464") == ListenAddress(host: .ipv6("::1"), port: 9464))
        for bad in ["9464", "host:9464", "1.2.3:80", "127.0.0.1:99999", "127.0.0.1:", "[::1]9464", "[]:1"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func servesTheNewestSnapshotOnMetrics() async throws {
        let state = ExportTestSupport.state(lines: [ExportTestSupport.line(t: 1, x: 1, country: "DE")])
        let snapshot = state.snapshot(now: 0)
        let server = try await MetricsServer.start(listen: ListenAddress(host: .ipv4("127.0.0.1"), port: 0), latest: { snapshot })
        defer { server.stop() }
        #expect(server.boundAddress.port != 0)
        let metrics = try #require(await Self.get("/metrics", port: server.boundAddress.port))
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true, "\(metrics.headers)")
        #expect(metrics.body.contains(#"mlwatch_events_total{model="m",version="v1"} 1"#))
        let missing = await Self.get("/nope", port: server.boundAddress.port)
        #expect(missing?.status == 404)
    }

    /// A GET over a plain blocking socket, on a thread of its own; nil when it fails.
    ///
    /// Not URLSession: on Linux it arms libdispatch read/write sources on libcurl's sockets, the epoll
    /// bookkeeping CI's test process crashed in (signal 11 in `_dispatch_event_loop_drain`; see
    /// `PipeCollector`). Not a blocking call on this task's thread either: the server answers on Swift
    /// concurrency's threads, two on a two-core machine, which the synchronous end-to-end tests running
    /// beside it hold for tens of seconds at a time (20 s was measured too short): hence the 120 s limit.
    static func get(_ path: String, port: UInt16) async -> (status: Int, headers: [String: String], body: String)? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: rawGet(path, port: port)) }.start()
        }
    }

    private static func rawGet(_ path: String, port: UInt16) -> (status: Int, headers: [String: String], body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var limit = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port.bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                response += buffer[0..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break  // the server closed (Connection: close), or the 120 s limit passed
            }
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = head.first?.split(separator: " "), statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, String(text[split.upperBound...]))
    }

    @Test func aPortInUseIsAClearError() async throws {
        let first = try await MetricsServer.start(listen: ListenAddress(host: .ipv4("127.0.0.1"), port: 0), latest: { nil })
        defer { first.stop() }
        do {
            let second = try await MetricsServer.start(
                listen: ListenAddress(host: .ipv4("127.0.0.1"), port: first.boundAddress.port), latest: { nil })
            second.stop()
            Issue.record("a second server listened on the same port")
        } catch {
            #expect(error.description.contains("address already in use"), "\(error)")
        }
    }
}
