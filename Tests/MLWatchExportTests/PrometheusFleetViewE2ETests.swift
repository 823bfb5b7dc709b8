import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// The fleet dashboard against a real Prometheus (and Alertmanager) scraping three real mlwatch instances
/// on loopback, one of them slow: the panels add up to the merged logs (events, the fleet PSI to 1e-9), the
/// Instances view lists the three with the slow one's alert, narrowing shows one instance, the sparklines
/// start from `query_range`, the inline PSI equals the recording rule, `watch --prometheus --no-ui` and
/// `replay --prometheus --no-ui` print the same fleet, acknowledgements and snoozes become Alertmanager
/// silences and `u` expires them, a stopped instance shows down, and a stopped Prometheus leaves the last
/// data on screen marked stale.
@Suite(.serialized, .enabled(if: MLWatchProcess.binary != nil && ExportTestSupport.tool("prometheus") != nil
                             && ExportTestSupport.tool("prometheus-alertmanager") != nil,
                             "needs the mlwatch binary, prometheus and prometheus-alertmanager"))
struct PrometheusFleetViewE2ETests {
    static let config = """
        window: {size: 1h, slide: 30s}
        lateness: 5s
        rules:
          - alert: SlowInstance
            expr: latency_p99_ms > 400
            labels: {severity: critical}
            annotations: {summary: "p99 {{ $value }} ms"}
        """

    /// Instance `i`'s `count` lines from `first` on, event times `start + n`: the third instance is slow.
    static func lines(instance i: Int, first: Int, count: Int, start: Double) -> [String] {
        (first..<first + count).map { n in
            let latency = i == 2 ? Double(600 + (n * 37) % 300) : Double(5 + (n * 37) % 95)
            let x = Double((n * 13 + i * 7) % 100) * 1.3 + 5
            return ExportTestSupport.line(t: start + Double(n), model: "m", latency: latency, status: n % 5 == 0 ? "500" : "ok", x: x,
                                          country: ["DE", "FR", "IT", "ES"][(n * 7 + i) % 4])
        }
    }

    final class Fleet {
        let dir: URL
        var instances: [MLWatchProcess] = []
        var ports: [Int] = []
        var logs: [URL] = []
        var prometheus: ServerProcess!
        var alertmanager: ServerProcess!
        var allLines: [String] = []
        let started = Date().timeIntervalSince1970

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-fleetview-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }

        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

        deinit { try? FileManager.default.removeItem(at: dir) }
    }

    /// Three instances, Prometheus with the exported rules and Alertmanager; 260 lines per instance read.
    func startFleet() throws -> Fleet {
        let f = try Fleet()
        var reference = ""
        for i in 0..<1000 {
            reference += ExportTestSupport.line(t: Double(i), x: Double(i % 100) + 0.5, country: ["DE", "FR", "DE", "IT"][i % 4]) + "\n"
        }
        try reference.write(toFile: f.path("ref.jsonl"), atomically: true, encoding: .utf8)
        try Self.config.write(toFile: f.path("mlwatch.yaml"), atomically: true, encoding: .utf8)
        let start = f.started - 900
        for i in 0..<3 {
            let log = f.dir.appendingPathComponent("i\(i).jsonl")
            f.logs.append(log)
            try (Self.lines(instance: i, first: 0, count: 60, start: start).joined(separator: "\n") + "\n")
                .write(to: log, atomically: true, encoding: .utf8)
            let port = try MLWatchProcess.freePort()
            f.ports.append(port)
            f.instances.append(try MLWatchProcess([
                "watch", log.path, "--from-start", "--no-ui", "--emit-every", "1s", "--config", f.path("mlwatch.yaml"),
                "--reference", f.path("ref.jsonl"), "--metrics-listen", "127.0.0.1:\(port)",
            ]))
        }
        let export = try ExportTestSupport.run(MLWatchProcess.binary!, ["export", "prometheus-rules", "--config", f.path("mlwatch.yaml")])
        #expect(export.0 == 0, "\(export.1)")
        try export.1.write(toFile: f.path("mlwatch-rules.yml"), atomically: true, encoding: .utf8)
        f.alertmanager = try ServerProcess.alertmanager(config: "route: {receiver: \"null\"}\nreceivers: [{name: \"null\"}]\n", in: f.dir)
        #expect(f.alertmanager.waitReady(), "alertmanager did not start: \(f.alertmanager.logText)")
        let targets = f.ports.map { "'127.0.0.1:\($0)'" }.joined(separator: ", ")
        f.prometheus = try ServerProcess.prometheus(config: """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [mlwatch-rules.yml]
            alerting:
              alertmanagers: [{static_configs: [{targets: ['127.0.0.1:\(f.alertmanager.port)']}]}]
            scrape_configs:
              - job_name: mlwatch
                static_configs: [{targets: [\(targets)]}]
            """, in: f.dir)
        #expect(f.prometheus.waitReady(), "prometheus did not start: \(f.prometheus.logText)")
        #expect(MLWatchProcess.poll(timeout: 20) { (f.prometheus.query("sum(mlwatch_events_total)")?.first?.value ?? 0) >= 180 })
        // More lines while Prometheus scrapes: rates need increases.
        for chunk in 0..<5 {
            Thread.sleep(forTimeInterval: 1)
            for i in 0..<3 {
                let handle = try FileHandle(forWritingTo: f.logs[i])
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((Self.lines(instance: i, first: 60 + chunk * 40, count: 40, start: start)
                    .joined(separator: "\n") + "\n").utf8))
                try handle.close()
            }
        }
        f.allLines = (0..<3).flatMap { Self.lines(instance: $0, first: 0, count: 260, start: start) }
        #expect(MLWatchProcess.poll(timeout: 30) { f.prometheus.query("sum(mlwatch_events_total)")?.first?.value == 780 },
                "\(f.instances.map(\.stderr))")
        return f
    }

    private func host(_ f: Fleet, alertmanager: Bool = false) -> PrometheusFleetHost {
        let client = PrometheusQueryClient(base: URL(string: f.prometheus.base)!, timeout: 5)
        let am = alertmanager ? FleetAlertmanager(base: URL(string: f.alertmanager.base)!) : nil
        return PrometheusFleetHost(
            client: client, alertmanager: am,
            options: .init(refresh: 1, matchers: [PromMatcher("job", .equal, "mlwatch")], historyPoints: 20, actor: "tester"),
            clock: .system)
    }

    /// Polls until the host's publication satisfies `condition`; the last publication.
    @discardableResult
    private func waitFor(_ host: PrometheusFleetHost, _ what: String, seconds: Double = 30,
                         _ condition: (EngineHost.Published) -> Bool) -> EngineHost.Published {
        var p = host.published
        let ok = MLWatchProcess.poll(timeout: seconds) {
            p = host.published
            return condition(p)
        }
        #expect(ok, "\(what): \(p.connection.map { "\($0)" } ?? "") \(p.messages.map(\.text))")
        return p
    }

    @Test func theFleetOnTheDashboard() throws {
        let f = try startFleet()
        let slow = "127.0.0.1:\(f.ports[2])"
        let host = host(f)
        host.start()
        defer { host.stop() }

        // The panels add up to the merged logs.
        var p = waitFor(host, "the whole fleet") { p in
            p.snapshot.events == 780 && p.snapshot.fleet?.instances.filter(\.up).count == 3
                && p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .firing }
                && p.snapshot.features.contains { $0.name == "x" && $0.drift?.test == "psi" }
        }
        var s = p.snapshot
        // Firing before the dashboard started: no bell.
        #expect(p.notificationCount == 0)
        let g = ["model": "m", "version": "v1"]
        #expect(s.value("events_total", g) == 780)
        #expect(s.value("traffic_share", g) == 1)
        let p99 = try #require(s.value("latency_p99_ms", g))
        #expect(p99 > 400 && p99 <= 1000, "fleet p99 \(p99)")
        #expect((s.value("events_per_second", g) ?? -1) >= 0)
        let merged = MonitorState(options: CollectorOptions(window: .time(size: 3600, slide: 30), lateness: 3600),
                                  drift: DriftMonitor(source: .profile(try PrometheusFleetE2ETests.profile(
                                      try String(contentsOfFile: f.path("ref.jsonl"), encoding: .utf8)))))
        for l in f.allLines { merged.ingestLine(l) }
        let mergedSnapshot = merged.snapshot(now: 0)
        for feature in ["x", "country"] {
            let bins = try #require(mergedSnapshot.features.first { $0.name == feature && $0.labels["segment"] == nil }?.drift?.fleetBins)
            let expected = try #require(FleetBins.psi(referenceShares: bins.referenceShares, windowCounts: bins.windowCounts))
            let d = try #require(s.features.first { $0.name == feature }?.drift)
            #expect(abs(d.score - expected) <= 1e-9, "\(feature): fleet PSI \(d.score), merged data \(expected)")
            #expect(abs(d.referenceShares.reduce(0, +) - 1) < 1e-9 && abs(d.currentShares.reduce(0, +) - 1) < 1e-9)
            #expect(d.values["instances tested"] == 3)
        }
        let alert = try #require(s.alerts.first { $0.rule == "SlowInstance" })
        #expect(alert.summary == "on \(slow)" && alert.value > 400 && alert.firedAt != nil)
        let instances = try #require(s.fleet?.instances)
        #expect(Set(instances.map(\.instance)) == Set(f.ports.map { "127.0.0.1:\($0)" }))
        #expect(instances.first?.instance == slow && instances.first?.firing == ["SlowInstance"])
        #expect(instances.dropFirst().allSatisfy { $0.firing.isEmpty && $0.job == "mlwatch" && ($0.lag ?? -1) >= 0 })
        #expect(instances.allSatisfy { ($0.scrapeAge ?? 99) < 10 && $0.eventsPerSecond != nil })
        // Sparklines start from query_range.
        let backfill = try #require(waitFor(host, "history") { $0.backfill != nil }.backfill)
        #expect(backfill.series.contains { $0.name == "events_per_second" && $0.labels == Labels(g) && !$0.values.isEmpty })

        // Narrowed to the slow instance, and back.
        host.send(.scope(instance: slow))
        p = waitFor(host, "one instance") { $0.snapshot.fleet?.scope == slow && $0.snapshot.events == 260 }
        s = p.snapshot
        #expect(s.alerts.map(\.rule) == ["SlowInstance"])
        #expect((s.value("latency_p99_ms", g) ?? 0) > 600)
        #expect(s.fleet?.instances.count == 3)
        let second = waitFor(host, "history of the instance") { ($0.backfill?.serial ?? 0) >= 2 }
        #expect(second.backfill?.series.isEmpty == false)
        host.send(.scope(instance: nil))
        waitFor(host, "the fleet again") { $0.snapshot.fleet?.scope == nil && $0.snapshot.events == 780 }

        // The recording rule and the inline expression give the same fleet PSI.
        let client = PrometheusQueryClient(base: URL(string: f.prometheus.base)!)
        func psi(_ q: FleetQueries) -> [String: Double] {
            guard case .success(let r) = client.instant(q.query(.input)) else { return [:] }
            var out: [String: Double] = [:]
            for s in r.data.samples where s.labels[FleetQueries.statLabel] == "drift_psi" { out[s.labels["feature"] ?? ""] = s.value }
            return out
        }
        // (The rule's value is its last evaluation: on a loaded machine it may lag a little behind the data.)
        var viaRule: [String: Double] = [:]
        var inline: [String: Double] = [:]
        #expect(MLWatchProcess.poll(timeout: 30) {
            viaRule = psi(FleetQueries(recordingRule: true))
            inline = psi(FleetQueries())
            // x and country, and the outputs' bins: prediction and score.
            return viaRule.count == 4 && viaRule.allSatisfy { abs($0.value - (inline[$0.key] ?? .nan)) <= 1e-12 }
        }, "rule \(viaRule), inline \(inline)")

        try headlessWatchAndReplay(f)
        try silences(f)

        // A stopped instance is down; a stopped Prometheus leaves the last data on screen, stale.
        _ = f.instances[0].stop(within: 5)
        let down = "127.0.0.1:\(f.ports[0])"
        waitFor(host, "an instance down") { $0.snapshot.fleet?.instances.first { $0.instance == down }?.up == false }
        let before = host.published.snapshot.events
        f.prometheus.process.terminate()
        f.prometheus.process.waitUntilExit()
        p = waitFor(host, "Prometheus gone") { $0.connection?.problem?.contains("cannot connect") == true }
        #expect(p.snapshot.events == before && before > 0)
        #expect(p.connection?.isStale(now: Date().timeIntervalSince1970) == true)
        for i in f.instances { _ = i.stop(within: 5) }
    }

    /// `watch --prometheus --no-ui` and `replay --prometheus --no-ui`: the same fleet as JSON lines.
    private func headlessWatchAndReplay(_ f: Fleet) throws {
        let watch = try MLWatchProcess(["watch", "--prometheus", f.prometheus.base, "--match", #"{job="mlwatch"}"#, "--no-ui",
                                        "--emit-every", "500ms", "--refresh", "1s"])
        var line: [String: Any] = [:]
        #expect(MLWatchProcess.poll(timeout: 20) {
            for text in watch.stdout.split(separator: "\n").reversed() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                line = object
                let fleet = object["fleet"] as? [String: Any]
                return object["events"] as? Int == 780 && (fleet?["instances"] as? [Any])?.count == 3
            }
            return false
        }, "\(line) \(watch.stderr)")
        #expect((line["connection"] as? [String: Any])?["problem"] is NSNull)
        #expect(watch.stop(within: 5) != nil)
        #expect(watch.process.terminationStatus == 0)

        let replay = try ExportTestSupport.run(MLWatchProcess.binary!, [
            "replay", "--prometheus", f.prometheus.base, "--from", String(Int(f.started) - 5), "--step", "1s", "--no-ui",
        ])
        #expect(replay.0 == 0, "\(replay.1.suffix(500))")
        let frames = replay.1.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(frames.count >= 10)
        let events = frames.compactMap { $0["events"] as? Int }
        // The fleet's past: events grow from nothing to everything, never down.
        #expect(events.first == 0 && events.last == 780 && zip(events, events.dropFirst()).allSatisfy { $0 <= $1 }, "\(events)")
        let transitions = (frames.last?["alerts"] as? [[String: Any]]) ?? []
        #expect(transitions.contains { $0["rule"] as? String == "SlowInstance" && $0["to"] as? String == "firing" })
    }

    /// Acknowledgements and snoozes from the fleet dashboard are Alertmanager silences.
    private func silences(_ f: Fleet) throws {
        let host = host(f, alertmanager: true)
        host.start()
        defer { host.stop() }
        // Prometheus' own SlowInstance (the translated rule) reaches Alertmanager.
        let p = waitFor(host, "SlowInstance from Alertmanager") { p in
            p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .firing && $0.labels["severity"] == "critical" }
        }
        #expect(p.snapshot.fleet?.alertSource == "Alertmanager \(f.alertmanager.base)")
        let alert = try #require(p.snapshot.alerts.first { $0.rule == "SlowInstance" })
        host.send(.acknowledge(rule: alert.rule, labels: alert.labels, note: "on it"))
        let acked = waitFor(host, "acknowledged") { p in
            p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .acknowledged && $0.acknowledgedBy == "tester" }
        }
        #expect(acked.snapshot.alerts.first { $0.rule == "SlowInstance" }?.note?.contains("on it") == true)
        #expect(acked.messages.contains { $0.text.hasPrefix("Acknowledged SlowInstance (Alertmanager silence ") })
        host.send(.undo(rule: alert.rule, labels: alert.labels))
        waitFor(host, "expired") { p in p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .firing } }
        host.send(.snooze(rule: alert.rule, labels: alert.labels, seconds: 600))
        let snoozed = waitFor(host, "snoozed") { p in p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .snoozed } }
        let until = try #require(snoozed.snapshot.alerts.first { $0.rule == "SlowInstance" }?.snoozedUntil)
        #expect(abs(until - (Date().timeIntervalSince1970 + 600)) < 60)
        host.send(.undo(rule: alert.rule, labels: alert.labels))
        waitFor(host, "snooze expired") { p in p.snapshot.alerts.contains { $0.rule == "SlowInstance" && $0.state == .firing } }

        // The bell: an alert that starts firing in Alertmanager becomes a notification, once; SlowInstance
        // firing again after its silences ended does not (someone has seen it).
        let body = #"[{"labels":{"alertname":"FleetBell","severity":"critical","model":"m"},"annotations":{"summary":"new"}}]"#
        let posted = BoundedHTTPClient().send(method: "POST", url: URL(string: f.alertmanager.base + "/api/v2/alerts")!,
                                              headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect((try? posted.get().status) == 200, "\(posted)")
        let rung = waitFor(host, "FleetBell rings") { p in p.notifications.contains { $0.rule == "FleetBell" } }
        Thread.sleep(forTimeInterval: 2.5)  // two more refreshes: it must not ring again
        let later = host.published
        #expect(later.notifications.filter { $0.rule == "FleetBell" }.count == 1)
        let bell = try #require(rung.notifications.first { $0.rule == "FleetBell" })
        #expect(bell.to == .firing && bell.from == .inactive && bell.severity == .critical && bell.labels == ["model": "m", "severity": "critical"])
        #expect(!later.notifications.contains { $0.from == .acknowledged || $0.from == .snoozed }, "\(later.notifications)")
    }
}
