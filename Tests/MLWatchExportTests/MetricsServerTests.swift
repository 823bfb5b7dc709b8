import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

#if canImport(FoundationNetworking)
import FoundationNetworking
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
        let url = try #require(URL(string: "http://127.0.0.1:\(server.boundAddress.port)/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(String(decoding: data, as: UTF8.self).contains(#"mlwatch_events_total{model="m",version="v1"} 1"#))
        let (_, missing) = try await URLSession.shared.data(from: try #require(URL(string: "http://127.0.0.1:\(server.boundAddress.port)/nope")))
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)
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
