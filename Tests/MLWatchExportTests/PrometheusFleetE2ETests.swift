import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// Two mlwatch instances on the two halves of one log, scraped by a real Prometheus that loads the rules
/// `mlwatch export prometheus-rules` wrote: the fleet's sums and `mlwatch:drift_psi:fleet` equal what the
/// merged log gives, and a translated alert fires.
@Suite(.serialized, .enabled(if: MLWatchProcess.binary != nil && ExportTestSupport.tool("prometheus") != nil,
                             "needs the mlwatch binary and prometheus (apt-get install prometheus)"))
struct PrometheusFleetE2ETests {
    static let config = """
        window: {size: 1h, slide: 30s}
        lateness: 1h
        rules:
          - alert: FleetErrorRate
            expr: error_rate > 0.1
            labels: {severity: critical}
            annotations: {summary: "error rate {{ $value }}"}
          - alert: FleetDriftX
            expr: drift_psi{feature="x"} > 0.05
            labels: {severity: warning}
        """

    /// Lines of the log: x drifts upwards, one request in five fails.
    static func lines(count: Int) -> [String] {
        let countries = ["DE", "FR", "IT", "ES"]
        var out: [String] = []
        for i in 0..<count {
            let t = 1_767_600_000 + Double(i)
            let latency = Double(5 + (i * 37) % 300)
            let x = Double((i * 13) % 100) * 1.3 + 5
            // Scores drift upwards too, and with them the predicted class.
            let score = min(Double((i * 17) % 100) / 100 + 0.2, 0.99)
            out.append(ExportTestSupport.line(t: t, model: "m", latency: latency, status: i % 5 == 0 ? "500" : "ok", x: x,
                                              country: countries[(i * 7) % 4], prediction: score > 0.5 ? 1 : 0, score: score))
        }
        return out
    }

    @Test func twoInstancesMatchTheMergedLog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The reference, and the log split line by line into two halves.
        var reference = ""
        let referenceCountries = ["DE", "FR", "DE", "IT"]
        for i in 0..<1000 {
            let score = Double((i * 37) % 100) / 100 + 0.005
            reference += ExportTestSupport.line(t: Double(i), x: Double(i % 100) + 0.5, country: referenceCountries[i % 4],
                                                prediction: score > 0.5 ? 1 : 0, score: score) + "\n"
        }
        try reference.write(to: dir.appendingPathComponent("ref.jsonl"), atomically: true, encoding: .utf8)
        let all = Self.lines(count: 600)
        let halves = [all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), all.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)]
        try Self.config.write(to: dir.appendingPathComponent("mlwatch.yaml"), atomically: true, encoding: .utf8)
        var instances: [MLWatchProcess] = []
        var ports: [Int] = []
        var logs: [URL] = []
        for (i, half) in halves.enumerated() {
            // The first 50 lines now, the rest while Prometheus scrapes (rates need increases).
            let log = dir.appendingPathComponent("half\(i).jsonl")
            logs.append(log)
            try (half.prefix(50).joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
            let port = try MLWatchProcess.freePort()
            ports.append(port)
            instances.append(try MLWatchProcess([
                "watch", log.path, "--from-start", "--no-ui", "--emit-every", "500ms", "--config", dir.appendingPathComponent("mlwatch.yaml").path,
                "--reference", dir.appendingPathComponent("ref.jsonl").path, "--metrics-listen", "127.0.0.1:\(port)",
            ]))
        }
        // The rule file as the CLI writes it.
        let export = try ExportTestSupport.run(MLWatchProcess.binary!, ["export", "prometheus-rules", "--config", dir.appendingPathComponent("mlwatch.yaml").path])
        #expect(export.0 == 0, "\(export.1)")
        try export.1.write(to: dir.appendingPathComponent("mlwatch-rules.yml"), atomically: true, encoding: .utf8)
        let prometheus = try ServerProcess.prometheus(config: """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [mlwatch-rules.yml]
            scrape_configs:
              - job_name: mlwatch
                static_configs:
                  - targets: ['127.0.0.1:\(ports[0])', '127.0.0.1:\(ports[1])']
            """, in: dir)
        #expect(prometheus.waitReady(), "prometheus did not start: \(prometheus.logText)")
        #expect(MLWatchProcess.poll(timeout: 20) { (prometheus.query("sum(mlwatch_events_total)")?.first?.value ?? 0) >= 100 })
        for chunk in 0..<5 {
            Thread.sleep(forTimeInterval: 1)
            for (i, half) in halves.enumerated() {
                let handle = try FileHandle(forWritingTo: logs[i])
                try handle.seekToEnd()
                let part = half.dropFirst(50 + chunk * 50).prefix(50)
                try handle.write(contentsOf: Data((part.joined(separator: "\n") + "\n").utf8))
                try handle.close()
            }
        }

        // The merged log in one engine: what the fleet must add up to.
        let merged = MonitorState(options: CollectorOptions(window: .time(size: 3600, slide: 30), lateness: 3600),
                                  drift: DriftMonitor(source: .profile(try Self.profile(reference))))
        for l in all { merged.ingestLine(l) }
        let snapshot = merged.snapshot(now: 0)

        var events: Double?
        #expect(MLWatchProcess.poll(timeout: 30) {
            events = prometheus.query("sum(mlwatch_events_total)")?.first?.value
            return events == 600
        }, "sum(mlwatch_events_total) = \(String(describing: events)); \(instances.map(\.stderr))")
        let errors = prometheus.query("sum(mlwatch_prediction_errors_total)")?.first?.value
        #expect(errors == Double(snapshot.counters.totals.map(\.errors).reduce(0, +)))

        // Inputs, and the outputs (their bins are labelled feature="prediction" and "score").
        let outputs = try #require(snapshot.outputs.first { $0.labels["segment"] == nil })
        #expect(outputs.fleetBins.keys.sorted() == ["prediction", "score"])
        for feature in ["x", "country", "prediction", "score"] {
            let bins = try #require(snapshot.features.first { $0.name == feature && $0.labels["segment"] == nil }?.drift?.fleetBins
                                    ?? outputs.fleetBins[feature])
            let expected = try #require(FleetBins.psi(referenceShares: bins.referenceShares, windowCounts: bins.windowCounts))
            var got: Double?
            #expect(MLWatchProcess.poll(timeout: 30) {
                got = prometheus.query(#"mlwatch:drift_psi:fleet{feature="\#(feature)"}"#)?.first?.value
                return got.map { abs($0 - expected) <= 1e-9 } ?? false
            }, "\(feature): fleet PSI \(String(describing: got)), merged data \(expected)")
        }
        // The translated alerts fire in Prometheus.
        var firing: [String] = []
        #expect(MLWatchProcess.poll(timeout: 30) {
            firing = (prometheus.query(#"ALERTS{alertstate="firing"}"#) ?? []).compactMap { $0.labels["alertname"] }
            return Set(firing).isSuperset(of: ["FleetErrorRate", "FleetDriftX"])
        }, "firing: \(firing); \(prometheus.logText)")
        for p in instances { _ = p.stop(within: 5) }
    }

    static func profile(_ text: String) throws -> ReferenceProfile {
        var builder = ReferenceProfileBuilder()
        let parser = EventParser(mapping: .standard)
        for var line in text.split(separator: "\n").map(String.init) {
            line.withUTF8 { buf in
                if case .event(.prediction(let p)) = parser.parse(UnsafeBufferPointer(rebasing: buf[...])) { builder.add(p) }
            }
        }
        return builder.build(sources: ["ref"])
    }
}
