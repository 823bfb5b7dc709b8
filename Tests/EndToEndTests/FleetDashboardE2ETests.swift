import Foundation
import Testing

/// A teammate's acknowledgement reaches the dashboard through a real Alertmanager: the dashboard runs with
/// `--alertmanager`, the alert fires, a teammate silences it there (`amtool silence add`, as on-call
/// engineers do), and the dashboard shows it acknowledged by that teammate.
@Suite(.serialized) struct FleetDashboardE2ETests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin"].map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var missing: String? {
        if let m = TmuxSession.unavailableReason { return m }
        if tool("prometheus-alertmanager") == nil || tool("amtool") == nil { return "prometheus-alertmanager is not installed" }
        return nil
    }

    @Test(.enabled(if: FleetDashboardE2ETests.missing == nil, "needs tmux, the binary and prometheus-alertmanager"))
    func aTeammatesSilenceShowsAsAnAcknowledgement() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Alertmanager on a free port.
        let port = LoopbackPort.free()
        let amConfig = dir.appendingPathComponent("alertmanager.yml")
        try "route: {receiver: \"null\"}\nreceivers: [{name: \"null\"}]\n".write(to: amConfig, atomically: true, encoding: .utf8)
        let am = Process()
        am.executableURL = URL(fileURLWithPath: Self.tool("prometheus-alertmanager")!)
        am.arguments = ["--config.file", amConfig.path, "--storage.path", dir.appendingPathComponent("am").path,
                        "--web.listen-address", "127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level", "error"]
        am.standardOutput = FileHandle.nullDevice
        am.standardError = FileHandle.nullDevice
        try am.run()
        defer {
            am.terminate()
            am.waitUntilExit()
        }
        let url = "http://127.0.0.1:\(port)"

        let log = dir.appendingPathComponent("p.jsonl").path
        try FixtureLog.write(to: log, spike: true)
        let config = dir.appendingPathComponent("mlwatch.yaml").path
        try """
            window: {size: all, slide: 5s}
            notify: {bell: false}
            rules:
              - alert: LatencyHigh
                expr: latency_p99_ms > 200
                labels: {severity: critical}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let q = TmuxSession.shellQuote
        let tmux = try TmuxSession(
            "\(q(TmuxSession.binary!)) watch \(q(log)) --from-start --config \(q(config)) --journal \(q(dir.appendingPathComponent("j.sqlite").path)) --alertmanager \(url)",
            environment: ["USER": "bob"])
        defer { tmux.kill() }
        let firing = tmux.waitFor(timeout: 30) { $0.contains("FIRING") && $0.contains("LatencyHigh") }
        #expect(firing.ok, "the alert did not fire:\n\(firing.screen)")

        // Alice silences it in Alertmanager.
        var added = false
        for _ in 0..<50 where !added {
            let amtool = Process()
            amtool.executableURL = URL(fileURLWithPath: Self.tool("amtool")!)
            amtool.arguments = ["silence", "add", "alertname=LatencyHigh", "model=demo", "version=v1", "--author", "alice",
                                "--comment", "looking at it", "--duration", "1h", "--alertmanager.url", url]
            amtool.standardOutput = FileHandle.nullDevice
            amtool.standardError = FileHandle.nullDevice
            try amtool.run()
            amtool.waitUntilExit()
            added = amtool.terminationStatus == 0
            if !added { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(added, "amtool could not add the silence")
        tmux.send("4")
        let acked = tmux.waitFor(timeout: 30) { $0.contains("ACKNOWLEDGED") && $0.contains("alice") }
        #expect(acked.ok, "the silence did not show as an acknowledgement:\n\(acked.screen)")
        tmux.send("q")
    }
}
