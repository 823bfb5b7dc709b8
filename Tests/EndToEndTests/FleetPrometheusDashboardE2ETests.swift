import Foundation
import Testing

/// The real dashboard over a fleet in tmux: three `mlwatch watch --no-ui --metrics-listen` instances on
/// loopback, a real Prometheus scraping them, and `mlwatch watch --prometheus`: the header says FLEET and
/// how many instances are up, `i` lists them, Enter narrows the panels to one, Esc goes back to the fleet,
/// and when Prometheus stops the header says the data are stale and why.
@Suite(.serialized) struct FleetPrometheusDashboardE2ETests {
    static var missing: String? {
        if let m = TmuxSession.unavailableReason { return m }
        if FleetDashboardE2ETests.tool("prometheus") == nil { return "prometheus is not installed" }
        return nil
    }

    static func start(_ tool: String, _ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test(.enabled(if: FleetPrometheusDashboardE2ETests.missing == nil, "needs tmux, the binary and prometheus"))
    func instancesNarrowingAndStaleData() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        var processes: [Process] = []
        defer {
            for p in processes where p.isRunning {
                p.terminate()
                p.waitUntilExit()
            }
        }
        var ports: [Int] = []
        for i in 0..<3 {
            let log = dir.appendingPathComponent("i\(i).jsonl").path
            try FixtureLog.write(to: log, spike: i == 2)
            let port = LoopbackPort.free()
            ports.append(port)
            processes.append(try Self.start(TmuxSession.binary!, ["watch", log, "--from-start", "--no-ui", "--emit-every", "1s",
                                                                  "--metrics-listen", "127.0.0.1:\(port)"]))
        }
        let promPort = LoopbackPort.free()
        let targets = ports.map { "'127.0.0.1:\($0)'" }.joined(separator: ", ")
        let config = dir.appendingPathComponent("prometheus.yml")
        try """
            global: {scrape_interval: 1s}
            scrape_configs:
              - job_name: mlwatch
                static_configs: [{targets: [\(targets)]}]
            """.write(to: config, atomically: true, encoding: .utf8)
        let prometheus = try Self.start(FleetDashboardE2ETests.tool("prometheus")!, [
            "--config.file", config.path, "--storage.tsdb.path", dir.appendingPathComponent("data").path,
            "--web.listen-address", "127.0.0.1:\(promPort)", "--log.level", "error",
        ])
        processes.append(prometheus)

        let q = TmuxSession.shellQuote
        let tmux = try TmuxSession(
            "\(q(TmuxSession.binary!)) watch --prometheus http://127.0.0.1:\(promPort) --match \(q(#"{job="mlwatch"}"#)) --refresh 1s",
            width: 120, height: 32)
        defer { tmux.kill() }
        let up = tmux.waitFor("FLEET", "fleet 3/3 up", "throughput", timeout: 40)
        #expect(up.ok, "the fleet did not show:\n\(up.screen)")

        tmux.send("i")
        let view = tmux.waitFor("Instances · 3 up", "127.0.0.1:\(ports[0])", "127.0.0.1:\(ports[2])")
        #expect(view.ok, "no Instances view:\n\(view.screen)")
        // Enter on the first row narrows every panel to it.
        let first = view.screen.split(separator: "\n").first { $0.contains("  127.0.0.1:") }
            .flatMap { line in ports.map { "127.0.0.1:\($0)" }.first { line.contains($0) } }
        let chosen = try #require(first)
        tmux.send("Enter")
        let narrowed = tmux.waitFor("▸ \(chosen)", "throughput")
        #expect(narrowed.ok, "not narrowed to \(chosen):\n\(narrowed.screen)")
        tmux.send("Escape")
        let fleet = tmux.waitFor("fleet 3/3 up")
        #expect(fleet.ok, "not back to the fleet:\n\(fleet.screen)")

        prometheus.terminate()
        prometheus.waitUntilExit()
        let stale = tmux.waitFor("STALE", "cannot connect", timeout: 30)
        #expect(stale.ok, "stale data not marked:\n\(stale.screen)")
        // The last data stay on screen.
        #expect(stale.screen.contains("throughput") && stale.screen.contains("fleet 3/3 up"))
        tmux.send("q")
    }
}
