import Foundation
import Testing

/// `mlwatch baseline`, `rules check`, `journal`, `--on-fire` and SIGHUP reload, run as the real binary.
@Suite(.serialized) struct CLICommandTests {
    private static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The drift metrics of `check --format json` output, keyed by name and labels.
    private static func driftMetrics(_ json: String) throws -> [String: String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        var out: [String: String] = [:]
        for m in metrics {
            guard let name = m["name"] as? String, name.hasPrefix("drift_") else { continue }
            let labels = (m["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            out["\(name){\(labels.joined(separator: ","))}"] = "\(m["value"] ?? "nil")\(m["special"] ?? "")\(m["text"] ?? "")"
        }
        return out
    }

    /// A reference log with a producer's skewed clock: `--reference` of the log leaves out the predictions it
    /// counts as future (`max_future`), and so must the profile `baseline` saves of it — the same events, the
    /// same time span, the same drift numbers — rather than keeping a line stamped a year ahead (and its
    /// extreme value) or in the year 9999.
    @Test(.needsBinary) func baselineOfASkewedLogLeavesOutItsFutureLinesAsTheLogDoes() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("skewed.jsonl").path
        let current = dir.appendingPathComponent("current.jsonl").path
        let profile = dir.appendingPathComponent("skewed.profile").path
        try FixtureLog.write(to: reference, count: 800)
        try FixtureLog.write(to: current, count: 600, spike: true)
        var lines = try String(contentsOfFile: reference, encoding: .utf8).split(separator: "\n").map(String.init)
        let aYearAhead = 1_767_600_000.0 + 365 * 86_400
        lines.insert(#"{"ts": \#(aYearAhead), "model": "demo", "version": "v1", "features": {"amount": 1e300, "country": "XX"}, "prediction": 1, "score": 0.5}"#, at: 200)
        lines.insert(#"{"ts": "9999-12-31T23:59:59Z", "model": "demo", "version": "v1", "features": {"amount": -1e300, "country": "YY"}, "prediction": 0, "score": 0.5}"#, at: 600)
        try (lines.joined(separator: "\n") + "\n").write(toFile: reference, atomically: true, encoding: .utf8)

        let baseline = try CLIProcess.run(["baseline", reference, "-o", profile])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(baseline.stdout.contains("800 events"), "\(baseline.stdout)")
        #expect(!baseline.stdout.contains("9999"), "\(baseline.stdout)")
        let raw = try CLIProcess.run(["check", current, "--reference", reference, "--window", "all", "--format", "json"])
        let saved = try CLIProcess.run(["check", current, "--reference", profile, "--window", "all", "--format", "json"])
        #expect(raw.status == 0 && saved.status == 0, "\(raw.stderr)\(saved.stderr)")
        let a = try Self.driftMetrics(raw.stdout)
        #expect(a.count > 5, "no drift metrics in \(raw.stdout.prefix(400))")
        #expect(try Self.driftMetrics(saved.stdout) == a)

        // A tighter bound, given to both as `check` takes it: a line 10 minutes ahead is future for both.
        lines.insert(#"{"ts": \#(1_767_600_000.0 + 50 * 0.25 + 600), "model": "demo", "version": "v1", "features": {"amount": 5000, "country": "ZZ"}, "prediction": 1, "score": 0.5}"#, at: 50)
        try (lines.joined(separator: "\n") + "\n").write(toFile: reference, atomically: true, encoding: .utf8)
        let tight = try CLIProcess.run(["baseline", reference, "-o", profile, "--max-future", "5m"])
        #expect(tight.status == 0, "\(tight.stderr)")
        #expect(tight.stdout.contains("800 events"), "\(tight.stdout)")
        let rawTight = try CLIProcess.run(["check", current, "--reference", reference, "--max-future", "5m", "--window", "all", "--format", "json"])
        let savedTight = try CLIProcess.run(["check", current, "--reference", profile, "--max-future", "5m", "--window", "all", "--format", "json"])
        #expect(try Self.driftMetrics(savedTight.stdout) == Self.driftMetrics(rawTight.stdout))
        let bad = try CLIProcess.run(["baseline", reference, "-o", profile, "--max-future", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--max-future"), "\(bad.stderr)")
    }

    @Test(.needsBinary) func baselineProfileGivesTheSameDriftAsTheRawLog() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference.jsonl").path
        let current = dir.appendingPathComponent("current.jsonl").path
        let profile = dir.appendingPathComponent("out/reference.profile").path
        try FixtureLog.write(to: reference, count: 800)
        try FixtureLog.write(to: current, count: 600, spike: true)

        let baseline = try CLIProcess.run(["baseline", reference, "-o", profile])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(baseline.stdout.contains("wrote \(profile): 800 events"), "\(baseline.stdout)")
        let head = try Data(contentsOf: URL(fileURLWithPath: profile)).prefix(8)
        #expect(Array(head) == [0x89, 0x4D, 0x4C, 0x57, 0x50, 0x0D, 0x0A, 0x1A], "not a binary profile")

        let raw = try CLIProcess.run(["check", current, "--reference", reference, "--window", "all", "--format", "json"])
        let saved = try CLIProcess.run(["check", current, "--reference", profile, "--window", "all", "--format", "json"])
        #expect(raw.status == 0 && saved.status == 0, "\(raw.stderr)\(saved.stderr)")
        let a = try Self.driftMetrics(raw.stdout)
        let b = try Self.driftMetrics(saved.stdout)
        #expect(a.count > 5, "no drift metrics in \(raw.stdout.prefix(400))")
        #expect(a == b)

        // The same profile named by the config (no .json suffix: recognised by its content).
        let config = dir.appendingPathComponent("mlwatch.yaml").path
        try "reference: {file: \(profile)}\nwindow: all\n".write(toFile: config, atomically: true, encoding: .utf8)
        let configured = try CLIProcess.run(["check", current, "--config", config, "--format", "json"])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(try Self.driftMetrics(configured.stdout) == a)

        // Five events: too few to test (`drift.min_samples`, default 30); the text report says so per column.
        let few = dir.appendingPathComponent("few.jsonl").path
        try FixtureLog.write(to: few, count: 5)
        let sparse = try CLIProcess.run(["check", few, "--reference", profile, "--window", "all", "--format", "text"])
        #expect(sparse.status == 0, "\(sparse.stderr)")
        #expect(sparse.stdout.contains("not tested: 5 values < min_samples 30"), "\(sparse.stdout)")
        #expect(!sparse.stdout.contains("drift_detected"), "\(sparse.stdout)")
        try "reference: {file: \(profile)}\nwindow: all\ndrift: {min_samples: 5}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let lowered = try CLIProcess.run(["check", few, "--config", config, "--format", "text"])
        #expect(lowered.stdout.contains("drift_detected") && !lowered.stdout.contains("not tested"), "\(lowered.stdout)")

        // A truncated profile is refused with a message and exit 2, whether named by flag or config.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: profile))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: profile))
        for args in [["--reference", profile], ["--config", config]] {
            let cut = try CLIProcess.run(["check", current] + args)
            #expect(cut.status == 2)
            #expect(cut.stderr.contains("truncated") && cut.stderr.contains("mlwatch baseline"), "\(cut.stderr)")
        }

        let empty = dir.appendingPathComponent("empty.jsonl").path
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let failed = try CLIProcess.run(["baseline", empty, "-o", dir.appendingPathComponent("p2.json").path])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("no prediction events"), "\(failed.stderr)")
        // `check` reads a reference log while it reads the current one: its failure is still exit 2.
        let emptyReference = try CLIProcess.run(["check", current, "--reference", empty])
        #expect(emptyReference.status == 2)
        #expect(emptyReference.stderr.contains("no prediction events"), "\(emptyReference.stderr)")
        let missing = try CLIProcess.run(["check", current, "--reference", dir.appendingPathComponent("nope.jsonl").path])
        #expect(missing.status == 2 && missing.stderr.contains("nope.jsonl"), "\(missing.stderr)")
    }

    @Test(.needsBinary) func rulesCheckPrintsASummaryOrEveryErrorWithItsPosition() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.yaml").path
        try """
            window: {size: 10m, slide: 30s}
            rules:
              - alert: LatencyHigh
                expr: latency_p99_ms > 250
                for: 2m
                labels: {severity: critical}
              - alert: AmountDrift
                expr: drift_psi{feature="amount"} > 0.2
                labels: {severity: warning}
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try CLIProcess.run(["rules", "check", good])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("OK, 2 rules"))
        #expect(ok.stdout.contains("LatencyHigh [critical] latency_p99_ms > 250 for 2m"), "\(ok.stdout)")
        #expect(ok.stdout.contains("AmountDrift [warning]"))

        let bad = dir.appendingPathComponent("bad.yaml").path
        try """
            window: {size: 10m, slide: 30s}
            rules:
              - alert: LatencyHigh
                expr: latency_p99_ms >> 250
              - alert: Fine
                expr: error_rate > 0.1
              - alert: Typo
                expr: error_rate > 0.1
                keep_firing: 1m
            theme: default
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        let errors = try CLIProcess.run(["rules", "check", bad])
        #expect(errors.status == 2)
        let lines = errors.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(bad):4:") }, "\(errors.stderr)")
        #expect(lines.contains { $0.hasPrefix("\(bad):9:5:") && $0.contains("keep_firing") && $0.contains("rules[2]") }, "\(errors.stderr)")
        #expect(errors.stderr.contains("2 errors"), "\(errors.stderr)")
    }

    @Test(.needsBinary) func headlessWatchNotifiesOnceJournalsAndReloadsOnSIGHUP() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("predictions.jsonl").path
        let config = dir.appendingPathComponent("mlwatch.yaml").path
        let journal = dir.appendingPathComponent("journal.sqlite").path
        let fired = dir.appendingPathComponent("fired.jsonl").path
        try FixtureLog.write(to: log, spike: true)
        let rules = """
            window: {size: all, slide: 5s}
            rules:
              - alert: LatencyHigh
                expr: latency_p99_ms > 200
                for: 0s
                labels: {severity: critical}
                annotations: {summary: "p99 {{ $value }} ms"}
            """
        try rules.write(toFile: config, atomically: true, encoding: .utf8)

        let watch = try CLIProcess.start(["watch", log, "--no-ui", "--from-start", "--config", config, "--journal", journal,
                                          "--emit-every", "0.2s", "--on-fire", "cat >> '\(fired)'"])
        let p = watch.process
        defer { if p.isRunning { p.terminate() } }
        let stderr = watch.stderr

        // The alert fires and the command gets its JSON once.
        let notified = CLIBinary.poll { ((try? String(contentsOfFile: fired, encoding: .utf8)) ?? "").contains("\"LatencyHigh\"") }
        #expect(notified, "no --on-fire notification; stderr: \(stderr.text)")

        // SIGHUP with a broken config keeps the old rules and says where the error is.
        try (rules + "\n  - alert: 1bad\n    expr: x > 1\n").write(toFile: config, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        #expect(CLIBinary.poll { stderr.text.contains("config not reloaded") }, "\(stderr.text)")
        #expect(stderr.text.contains("\(config):8:"), "\(stderr.text)")

        // A valid config is swapped in.
        try (rules + "\n  - alert: Errors\n    expr: error_rate > 0.5\n").write(toFile: config, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        #expect(CLIBinary.poll { stderr.text.contains("config reloaded: 2 rules") }, "\(stderr.text)")

        p.terminate()
        p.waitUntilExit()
        let lines = ((try? String(contentsOfFile: fired, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 1, "notified \(lines.count) times (the reload must not notify again): \(lines)")
        if let first = lines.first {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            #expect(json["to"] as? String == "firing")
            #expect((json["annotations"] as? [String: String])?["summary"]?.hasPrefix("p99 ") == true)
        }

        let text = try CLIProcess.run(["journal", "--journal", journal, "--since", "1h"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("LatencyHigh"))
        #expect(text.stdout.contains("→ firing"), "\(text.stdout)")
        #expect(text.stdout.contains("notified"))
        let json = try CLIProcess.run(["journal", "--journal", journal, "--format", "json"])
        let first = try #require(json.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["rule"] as? String == "LatencyHigh")

        let missing = try CLIProcess.run(["journal", "--journal", dir.appendingPathComponent("nope.sqlite").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no alert journal"))
    }
}

/// Finds the binary like the tmux tests do (`$MLWATCH_BIN`, else `.build/debug/mlwatch`).
