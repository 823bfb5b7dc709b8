import Dispatch
import Foundation
import MLWatchCore
import MLWatchExport

/// `mlwatch-bench fleet [--instances 50] [--features 20] [--points 40] [--reps 15] [--keep DIR]`: what one
/// refresh of the fleet dashboard costs against a real Prometheus holding a fleet's metrics.
///
/// The fleet is synthetic but its series are real: each instance is a `MonitorState` fed 2,000 shared
/// reference lines (`first: 2000`, so every instance has the same fleet bins) and 3,000 lines of its own
/// (its own drift and latency; every fifth instance slow enough to fire an alert), and its `/metrics` text
/// is what `PrometheusExporter` writes. Those expositions are written as OpenMetrics over `--points` scrapes
/// 15 s apart (gauges constant, counters and histogram buckets growing linearly to their value), backfilled
/// with `promtool tsdb create-blocks-from openmetrics`, and served by `prometheus` on a free port.
///
/// Measured, median of `--reps`:
/// - the fleet view's refresh as the dashboard does it (`PrometheusFleetHost.refreshNow`): queries sent,
///   wall time, and Prometheus' CPU time (from /proc) per refresh;
/// - the baseline: the same panels queried per instance (software, input and output narrowed to each
///   instance, plus the alerts and instances queries) — what a client that does not aggregate in PromQL
///   sends;
/// - building the snapshot from the answers (thread CPU), and the sparklines' history read (`query_range`
///   of three queries over the last 120 refreshes).
enum FleetBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args)
        let instances = option.int("--instances", 50)
        let features = option.int("--features", 20)
        let points = option.int("--points", 40)
        let reps = option.int("--reps", 15)
        guard let prometheus = tool("prometheus"), let promtool = tool("promtool") else {
            print("fleet: needs prometheus and promtool (apt-get install prometheus)")
            return 2
        }
        let dir = option.string("--keep").map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-fleet-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if option.string("--keep") == nil { try? FileManager.default.removeItem(at: dir) } }

        // 1. The fleet's expositions.
        let clock = ContinuousClock()
        let started = clock.now
        let end = (Date().timeIntervalSince1970 / 15).rounded(.down) * 15
        var families: [String: Family] = [:]
        var familyOrder: [String] = []
        var seriesCount = 0
        for i in 0..<instances {
            // What Prometheus records of each scrape besides the target's own series.
            let text = exposition(instance: i, features: features, end: end) + "up 1\nscrape_duration_seconds 0.012\n"
            for sample in samples(text) {
                let labels = "instance=\"10.0.\(i / 250).\(i % 250):9464\",job=\"mlwatch\"" + (sample.labels.isEmpty ? "" : "," + sample.labels)
                let (family, type) = familyOf(sample.name)
                if families[family] == nil {
                    families[family] = Family(type: type)
                    familyOrder.append(family)
                }
                families[family]!.series.append((sample.name, labels, sample.value))
                seriesCount += 1
            }
        }
        let file = dir.appendingPathComponent("fleet.om")
        guard let out = OutputStream(url: file, append: false) else { return 1 }
        out.open()
        var written = 0
        for name in familyOrder {
            let f = families[name]!
            write(out, "# TYPE \(name) \(f.type)\n")
            for (sample, labels, value) in f.series {
                let cumulative = f.type == "counter" || f.type == "histogram"
                var lines = ""
                for k in 0..<points {
                    let t = end - Double(points - 1 - k) * 15
                    var v = cumulative ? value * Double(k + 1) / Double(points) : value
                    if cumulative, !sample.hasSuffix("_sum") { v.round() }
                    lines += "\(sample){\(labels)} \(PromText.number(v)) \(Int(t))\n"
                }
                write(out, lines)
                written += points
            }
        }
        write(out, "# EOF\n")
        out.close()
        let generated = clock.now - started
        print("fleet: \(instances) instances × \(features) features: \(seriesCount) series, \(written) samples "
              + "(\(points) scrapes 15 s apart), OpenMetrics \(fileSize(file) / 1_048_576) MiB, generated in \(generated)")

        // 2. Backfill and serve.
        let data = dir.appendingPathComponent("data")
        let backfill = clock.measure {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: promtool)
            p.arguments = ["tsdb", "create-blocks-from", "openmetrics", file.path, data.path]
            p.standardOutput = FileHandle.nullDevice
            try? p.run()
            p.waitUntilExit()
        }
        print("fleet: promtool tsdb create-blocks-from openmetrics: \(backfill)")
        try? FileManager.default.removeItem(at: file)
        let config = dir.appendingPathComponent("prometheus.yml")
        try? "global: {scrape_interval: 15s}\n".write(to: config, atomically: true, encoding: .utf8)
        let port = freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: prometheus)
        server.arguments = ["--config.file", config.path, "--storage.tsdb.path", data.path, "--storage.tsdb.retention.time", "30d",
                            "--web.listen-address", "127.0.0.1:\(port)", "--log.level", "error"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        do { try server.run() } catch {
            print("fleet: cannot start prometheus: \(error)")
            return 1
        }
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let client = PrometheusQueryClient(base: base, timeout: 60, maxResponseBytes: 256 * 1_048_576, maxSeries: 1_000_000)
        var ready = false
        for _ in 0..<300 where !ready {
            if case .success(let r) = client.instant("count(mlwatch_events_total)", at: end), r.data.samples.first?.value == Double(instances) {
                ready = true
            } else {
                usleep(100_000)
            }
        }
        guard ready else {
            print("fleet: prometheus did not answer with \(instances) instances")
            return 1
        }

        // 3. The dashboard's refresh: five queries whatever the fleet's size.
        // A client of its own: stopping the host cancels it.
        let hostClient = PrometheusQueryClient(base: base, timeout: 60, maxResponseBytes: 256 * 1_048_576, maxSeries: 1_000_000)
        let host = PrometheusFleetHost(
            client: hostClient, alertmanager: nil,
            options: .init(refresh: 3600, matchers: [PromMatcher("job", .equal, "mlwatch")], historyPoints: 0, actor: "bench"),
            clock: HostClock(wall: { end }, monotonic: HostClock.system.monotonic))
        host.start()
        host.waitUntilIdle(timeout: 120)
        let snapshot = host.published.snapshot
        guard snapshot.fleet?.instances.count == instances, host.published.connection?.problem == nil else {
            print("fleet: the host's refresh failed: \(String(describing: host.published.connection?.problem)), "
                  + "\(snapshot.fleet?.instances.count ?? 0) instances")
            return 1
        }
        var refreshWall: [Double] = []
        var refreshServer: [Double] = []
        var refreshQueries: [Int] = []
        for _ in 0..<reps {
            let q0 = hostClient.queriesSent
            let cpu0 = processCPU(server.processIdentifier)
            let d = clock.measure {
                host.refreshNow()
                host.waitUntilIdle(timeout: 120)
            }
            refreshWall.append(ms(d))
            refreshServer.append(processCPU(server.processIdentifier) - cpu0)
            refreshQueries.append(hostClient.queriesSent - q0)
        }
        host.stop()
        let queriesPerRefresh = refreshQueries.max() ?? 0
        // (Prometheus' CPU is read in clock ticks of 10 ms: the mean over the repetitions.)
        print("  refresh as the dashboard does it: \(queriesPerRefresh) queries, wall \(BenchTimer.format(BenchTimer.median(refreshWall))), "
              + "Prometheus CPU \(BenchTimer.format(mean(refreshServer))) (mean)")
        print("    snapshot: \(snapshot.features.count) features, \(snapshot.metrics.count) metrics, \(snapshot.alerts.count) alerts, "
              + "\(snapshot.fleet?.instances.count ?? 0) instances, events \(snapshot.events)")

        // The answers' sizes, and the snapshot built from them.
        let queries = FleetQueries(matchers: [PromMatcher("job", .equal, "mlwatch")])
        var answers = FleetAnswers()
        var sizes: [String] = []
        for kind in FleetQueries.Kind.allCases {
            if case .success(let r) = client.instant(queries.query(kind), at: end) {
                answers.samples[kind] = r.data.samples
                sizes.append("\(kind.rawValue) \(r.data.count)")
            }
        }
        print("    series per answer: " + sizes.joined(separator: ", "))
        let builder = FleetSnapshotBuilder(source: "bench")
        let build = BenchTimer.measure(repetitions: reps) { blackHole(builder.build(answers, at: end, builtAt: end)) }
        print("    building the snapshot from them: \(BenchTimer.format(BenchTimer.median(build))) thread CPU")

        // 4. Baseline: the same panels per instance.
        let names = (snapshot.fleet?.instances ?? []).map(\.instance)
        var perWall: [Double] = []
        var perServer: [Double] = []
        var perQueries = 0
        for _ in 0..<max(3, reps / 3) {
            let q0 = client.queriesSent
            let cpu0 = processCPU(server.processIdentifier)
            let d = clock.measure {
                var jobs: [String] = []
                for name in names {
                    let scoped = FleetQueries(matchers: [PromMatcher("job", .equal, "mlwatch")], instance: name)
                    jobs += [FleetQueries.Kind.software, .input, .output].map { scoped.query($0) }
                }
                jobs += [queries.query(.alerts), queries.query(.instances)]
                let done = DispatchGroup()
                let io = DispatchQueue(label: "bench.io", attributes: .concurrent)
                let slots = DispatchSemaphore(value: 5)
                for q in jobs {
                    slots.wait()
                    done.enter()
                    io.async {
                        blackHole(client.instant(q, at: end))
                        slots.signal()
                        done.leave()
                    }
                }
                done.wait()
            }
            perWall.append(ms(d))
            perServer.append(processCPU(server.processIdentifier) - cpu0)
            perQueries = client.queriesSent - q0
        }
        let fw = BenchTimer.median(refreshWall), pw = BenchTimer.median(perWall)
        let fs = mean(refreshServer), ps = mean(perServer)
        print("  baseline, per instance (5 at a time): \(perQueries) queries, wall \(BenchTimer.format(pw)) (×\(String(format: "%.1f", pw / fw)) the refresh), "
              + "Prometheus CPU \(BenchTimer.format(ps)) (mean, ×\(String(format: "%.1f", ps / max(fs, 0.001))))")

        // 5. The sparklines' history: three range queries over the last 120 refreshes (5 s).
        var historyWall: [Double] = []
        for _ in 0..<max(3, reps / 3) {
            let d = clock.measure {
                DispatchQueue.concurrentPerform(iterations: 3) { i in
                    let kind = [FleetQueries.Kind.software, .input, .output][i]
                    blackHole(client.range(queries.query(kind), start: end - 595, end: end, step: 5))
                }
            }
            historyWall.append(ms(d))
        }
        print("  sparklines' history (query_range ×3, 120 steps): wall \(BenchTimer.format(BenchTimer.median(historyWall)))")
        return 0
    }

    // MARK: The fleet

    private struct Family {
        var type: String
        var series: [(name: String, labels: String, value: Double)] = []
    }

    /// One instance's `/metrics` after 2,000 shared reference lines and 3,000 of its own.
    static func exposition(instance i: Int, features: Int, end: Double) -> String {
        let rules = (try? AlertRule(name: "LatencyP99High", expr: "latency_p99_ms > 250", labels: ["severity": "critical"]))
            .map { RuleEngine(rules: [$0]) }
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 0),
                                 drift: DriftMonitor(source: .firstEvents(2000)), rules: rules)
        var shared = SplitMix64(seed: 1)
        let start = end - 5000
        for n in 0..<2000 { state.ingestLine(line(&shared, t: start + Double(n) * 0.5, features: features, shift: 0, latency: 20)) }
        var own = SplitMix64(seed: UInt64(100 + i))
        let slow = i % 5 == 4
        for n in 0..<3000 {
            state.ingestLine(line(&own, t: start + 1000 + Double(n), features: features, shift: Double(i % 7) * 0.05,
                                  latency: slow ? 400 : 20))
        }
        return PrometheusExporter().text(of: state.snapshot(now: end))
    }

    private static let countries = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"]

    /// A prediction with `features` features: the last two categorical, the others numeric.
    static func line(_ rng: inout SplitMix64, t: Double, features: Int, shift: Double, latency: Double) -> String {
        var parts: [String] = []
        for f in 0..<features {
            if f >= features - 2 {
                parts.append("\"c\(f)\":\"\(rng.pick(countries))\"")
            } else {
                parts.append("\"f\(f)\":\(PromText.number(((rng.uniform() + shift) * 100).rounded() / 100))")
            }
        }
        let score = rng.uniform()
        let status = rng.uniform() < 0.01 ? "500" : "ok"
        return #"{"ts":\#(t),"model":"fraud","version":"v3","latency_ms":\#(PromText.number((latency * (0.5 + rng.uniform())).rounded())),"status":"\#(status)","features":{\#(parts.joined(separator: ","))},"prediction":\#(score > 0.5 ? 1 : 0),"score":\#(PromText.number((score * 1000).rounded() / 1000))}"#
    }

    /// The samples of an exposition (comments skipped): name, the inside of the braces, value.
    static func samples(_ text: String) -> [(name: String, labels: String, value: Double)] {
        var out: [(String, String, Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = PromResponseParser.value(String(line[line.index(after: space)...])) else {
                continue
            }
            let head = line[..<space]
            if let brace = head.firstIndex(of: "{"), head.hasSuffix("}") {
                out.append((String(head[..<brace]), String(head[head.index(after: brace)..<head.index(before: head.endIndex)]), value))
            } else {
                out.append((String(head), "", value))
            }
        }
        return out
    }

    /// The OpenMetrics family of a sample name and its type: counters (`_total`) and the latency histogram
    /// grow over the scrapes, everything else is a gauge.
    static func familyOf(_ name: String) -> (String, String) {
        if name.hasSuffix("_total") { return (String(name.dropLast(6)), "counter") }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasPrefix("mlwatch_prediction_latency_seconds") && name.hasSuffix(suffix) {
            return ("mlwatch_prediction_latency_seconds", "histogram")
        }
        return (name, "gauge")
    }

    // MARK: Helpers

    private static func write(_ out: OutputStream, _ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBufferPointer { out.write($0.baseAddress!, maxLength: $0.count) }
            if n <= 0 { return }
            done += n
        }
    }

    private static func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    private static func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    private static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    /// A process's user + system CPU time in ms (from /proc/PID/stat).
    static func processCPU(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// Numbers as the text formats write them (integers without a fraction).
enum PromText {
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
        return "\(x)"
    }
}
