import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// `mlwatch watch --no-ui --metrics-listen …` as the real binary: /metrics answers from the published
/// snapshots, and a hostile webhook receiver neither stops the snapshots nor delays SIGTERM.
@Suite(.serialized, .enabled(if: MLWatchProcess.binary != nil, "the mlwatch binary was not built"))
struct FleetCLITests {
    private func writeLog(_ dir: URL, count: Int) throws -> URL {
        let log = dir.appendingPathComponent("p.jsonl")
        var text = ""
        for i in 0..<count {
            text += ExportTestSupport.line(t: 1_767_600_000 + Double(i), latency: 10, status: i % 4 == 0 ? "500" : "ok",
                                           x: Double(i % 50), country: "DE") + "\n"
        }
        try text.write(to: log, atomically: true, encoding: .utf8)
        return log
    }

    @Test(arguments: [LoopbackHTTPServer.Behaviour.hugeBody, .endlessChunks, .silent], [false, true])
    func metricsServeAndHostileReceiversNeverHoldUpShutdown(receiver: LoopbackHTTPServer.Behaviour, secure: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = try writeLog(dir, count: 400)
        let config = dir.appendingPathComponent("c.yaml")
        try "rules:\n  - {alert: Errors, expr: error_rate > 0.1}\n".write(to: config, atomically: true, encoding: .utf8)
        let hostile = try LoopbackHTTPServer(receiver, tls: secure ? .server : nil)
        defer { hostile.close() }
        let port = try MLWatchProcess.freePort()
        let p = try MLWatchProcess([
            "watch", log.path, "--from-start", "--no-ui", "--emit-every", "200ms", "--config", config.path,
            "--metrics-listen", "127.0.0.1:\(port)", "--webhook", hostile.url + "/hook",
        ] + (secure ? ["--ca-file", LoopbackHTTPServer.testCA] : []))
        #expect(MLWatchProcess.poll { hostile.received.count >= 1 }, "no webhook request: \(p.stderr)")
        var metrics = ""
        #expect(MLWatchProcess.poll {
            metrics = MLWatchProcess.get("http://127.0.0.1:\(port)/metrics")?.1 ?? ""
            return metrics.contains(#"mlwatch_events_total{model="m",version="v1"} 400"#)
        }, "metrics: \(metrics.prefix(500)) stderr: \(p.stderr)")
        #expect(metrics.contains(#"mlwatch_alert{alertname="Errors""#))
        // Snapshots keep coming while the receiver misbehaves.
        let lines = p.stdout.split(separator: "\n").count
        #expect(MLWatchProcess.poll(timeout: 5) { p.stdout.split(separator: "\n").count > lines + 2 })
        let took = p.stop(SIGTERM, within: 5)
        #expect(took != nil && took! < 2, "SIGTERM took \(String(describing: took)) s")
        // A clean stop (the final snapshot printed, exit 0), not ExitDeadline's cut (exit 1): the receiver's
        // delivery in flight is abandoned a second after the signal.
        #expect(took == nil || p.process.terminationStatus == 0, "not a clean stop: \(p.stderr)")
    }

    @Test func httpsWebhooksWithTheCAFileOfTheConfigOrTheFlag() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-https-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = try writeLog(dir, count: 400)
        let receiver = try LoopbackHTTPServer(.answer(200, ""), tls: .server)
        defer { receiver.close() }
        let rules = "rules:\n  - {alert: Errors, expr: error_rate > 0.1}\n"
        let trusting = dir.appendingPathComponent("trusting.yaml")
        try (rules + "tls: {ca_file: \(LoopbackHTTPServer.testCA)}\n").write(to: trusting, atomically: true, encoding: .utf8)
        let plain = dir.appendingPathComponent("plain.yaml")
        try rules.write(to: plain, atomically: true, encoding: .utf8)

        // tls.ca_file of the config: the alert arrives over https.
        let p = try MLWatchProcess(["watch", log.path, "--from-start", "--no-ui", "--config", trusting.path, "--webhook", receiver.url + "/hook"])
        #expect(MLWatchProcess.poll { receiver.received.count >= 1 }, "no webhook request: \(p.stderr)")
        let request = try #require(receiver.received.first)
        #expect(request.head.hasPrefix("POST /hook HTTP/1.1"))
        #expect(String(decoding: request.body, as: UTF8.self).contains(#""alertname":"Errors""#))
        _ = p.stop(SIGTERM, within: 5)

        // Without the CA: nothing sent, the reason on stderr and in the error counter.
        let port = try MLWatchProcess.freePort()
        let untrusted = try MLWatchProcess(["watch", log.path, "--from-start", "--no-ui", "--config", plain.path,
                                            "--webhook", receiver.url + "/hook", "--metrics-listen", "127.0.0.1:\(port)"])
        #expect(MLWatchProcess.poll { untrusted.stderr.contains("not accepted") }, "stderr: \(untrusted.stderr)")
        #expect(MLWatchProcess.poll {
            (MLWatchProcess.get("http://127.0.0.1:\(port)/metrics")?.1 ?? "").contains(#"mlwatch_notification_errors_total{target="webhook"}"#)
        })
        _ = untrusted.stop(SIGTERM, within: 5)
        #expect(receiver.received.count == 1)

        // --ca-file overrides the config; an unreadable one is a usage error at startup.
        let bad = try ExportTestSupport.run(MLWatchProcess.binary!, ["watch", log.path, "--no-ui", "--config", trusting.path,
                                                                     "--ca-file", dir.appendingPathComponent("missing.pem").path])
        #expect(bad.0 == 2)
        #expect(bad.1.contains("--ca-file") && bad.1.contains("cannot be read"), "\(bad.1)")
    }
}
