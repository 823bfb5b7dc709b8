import Foundation
import Testing

/// Every command of the real binary, run over a log and configs full of escape sequences, BEL and C1
/// controls in model names, versions, feature names, categories, classes, rule annotations and config
/// keys: not one ESC, BEL, C1 or other control byte (newline and tab aside) may reach stdout or stderr,
/// the `--on-fire` command's environment or its stdin JSON.
@Suite(.serialized, .enabled(if: CLIBinary.path != nil, "the mlwatch binary was not built (.build/debug/mlwatch; or set MLWATCH_BIN)"))
struct HostileOutputE2ETests {
    /// What a hostile producer puts in strings (JSON-escaped C0 controls, raw C1 characters, which JSON allows).
    static let model = #"fr\u001b]0;pwned\u0007aud\u001b[2J\u009b31m"# + "\u{9B}2J\u{85}"
    static let version = #"v\u0007\u001b[?1049h"# + "\u{9D}0;x\u{9C}"
    static let feature = #"am\u001b[5mount\u0001"#
    static let category = #"DE\u001bP1$r\u001b\\\u0090q\u009c"#
    static let prediction = #"yes\u001b[1;31m\u007f"#

    /// Offsets and surroundings of the control bytes in `data`: C0 but newline and tab, DEL, and C1
    /// (UTF-8 `C2 80`–`C2 9F`). Empty when the bytes are safe for a terminal.
    static func controls(in data: Data) -> [String] {
        let bytes = [UInt8](data)
        var found: [String] = []
        for (i, b) in bytes.enumerated() {
            let c0 = b < 0x20 && b != 0x0A && b != 0x09
            let c1 = b == 0xC2 && i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1])
            if c0 || b == 0x7F || c1 {
                let around = bytes[max(0, i - 30)..<min(bytes.count, i + 10)]
                found.append("byte \(i): \(String(decoding: around, as: UTF8.self).debugDescription)")
            }
        }
        return found
    }

    private static func expectClean(_ output: CLIProcess.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(controls(in: output.stdoutData).isEmpty, "\(what) stdout: \(controls(in: output.stdoutData).prefix(3))", sourceLocation: sourceLocation)
        #expect(controls(in: output.stderrData).isEmpty, "\(what) stderr: \(controls(in: output.stderrData).prefix(3))", sourceLocation: sourceLocation)
    }

    /// 400 normal predictions with one hostile one every 20 lines, labels, and a malformed line of raw controls.
    private static func writeLog(_ path: String) throws {
        var lines: [String] = []
        let start = 1_767_600_000.0
        for i in 0..<400 {
            let t = start + Double(i) * 0.5
            let hostile = i % 20 == 7
            let model = hostile ? Self.model : "demo"
            let version = hostile ? Self.version : "v1"
            let feature = hostile ? Self.feature : "amount"
            let category = hostile ? Self.category : ["DE", "FR"][i % 2]
            let prediction = hostile ? "\"\(Self.prediction)\"" : "\"\(["yes", "no"][i % 2])\""
            lines.append("""
                {"ts": \(t), "model": "\(model)", "version": "\(version)", "request_id": "r\(i)", "latency_ms": \(10 + i % 7), "status": "\(i % 9 == 0 ? "error" : "ok")", "features": {"\(feature)": \(Double(i % 13)), "country": "\(category)"}, "prediction": \(prediction), "score": 0.\(i % 10)}
                """)
        }
        lines.insert("\u{1B}[2J\u{1B}]0;owned\u{7} not json \u{9B}31m", at: 100)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A valid config whose rule fires for every model, with escapes in an annotation and a matcher.
    private static let config = #"""
        window: {size: all, slide: 10s}
        rules:
          - alert: AnyErrors
            expr: "error_rate{model!=\"\e[2J\"} >= 0"
            for: 0s
            labels: {severity: warning, team: "ops\e]0;t\a"}
            annotations: {summary: "errors on {{ $labels.model }} \e[31m{{ $value }}\a"}
        """#

    /// A config with several errors that quote hostile text.
    private static let badConfig = #"""
        "\e]0;title\awindow": 1
        lateness: "\e[2J5x"
        rules:
          - alert: A
            expr: "latency_p99_ms \e[31m> 1"
          - alert: "B\e[5m"
            expr: x > 1
        """#

    @Test func noCommandPrintsAControlByteForHostileNames() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("hostile.jsonl").path
        let config = dir.appendingPathComponent("mlwatch.yaml").path
        let bad = dir.appendingPathComponent("bad.yaml").path
        let profile = dir.appendingPathComponent("profile.json").path
        try Self.writeLog(log)
        try Self.config.write(toFile: config, atomically: true, encoding: .utf8)
        try Self.badConfig.write(toFile: bad, atomically: true, encoding: .utf8)

        let text = try CLIProcess.run(["check", log, "--config", config, "--format", "text"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("aud"), "the hostile model is reported, sanitized")
        Self.expectClean(text, "check --format text")
        Self.expectClean(try CLIProcess.run(["check", log, "--config", config, "--format", "json"]), "check --format json")

        let rules = try CLIProcess.run(["rules", "check", config])
        #expect(rules.status == 0, "\(rules.stderr)")
        Self.expectClean(rules, "rules check (valid)")
        let invalid = try CLIProcess.run(["rules", "check", bad])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("errors in"), "\(invalid.stderr)")
        Self.expectClean(invalid, "rules check (invalid)")
        Self.expectClean(try CLIProcess.run(["check", log, "--config", bad]), "check --config bad")
        let export = try CLIProcess.run(["export", "prometheus-rules", "--config", config])
        #expect(export.status == 0, "\(export.stderr)")
        Self.expectClean(export, "export prometheus-rules")
        Self.expectClean(try CLIProcess.run(["export", "prometheus-rules", "--config", bad]), "export prometheus-rules (invalid)")

        let baseline = try CLIProcess.run(["baseline", log, "-o", profile])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        Self.expectClean(baseline, "baseline")
        Self.expectClean(try CLIProcess.run(["check", log, "--reference", profile, "--format", "text"]), "check --reference profile")
        Self.expectClean(try CLIProcess.run(["replay", log, "--config", config, "--no-ui", "--speed", "max"]), "replay --no-ui")

        // Flags that quote what was given: mlwatch's own checks and ArgumentParser's.
        let flag = try CLIProcess.run(["check", log, "--window", "\u{1B}[2J\u{7}10m"])
        #expect(flag.status == 2)
        Self.expectClean(flag, "check --window hostile")
        let parser = try CLIProcess.run(["check", log, "--format", "\u{1B}]0;x\u{7}\u{9B}1m"])
        #expect(parser.status == 2)
        Self.expectClean(parser, "check --format hostile")

        try headlessWatchJournalAndOnFire(dir: dir, log: log, config: config)
    }

    /// A value that leaves an escape sequence open (an OSC without BEL or ST, a C1 CSI whose "parameters" run
    /// into the report's own `"}`) loses the rest of that value, not the rest of the line: every metric line of
    /// the text report still names its labels and ends with its value, and the alert timeline keeps its states.
    @Test func checkTextReportKeepsEveryValueAfterAnUnterminatedEscape() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("open.jsonl").path
        let config = dir.appendingPathComponent("open.yaml").path
        try """
            {"ts": 1767600000, "model": "a\\u001b]0;x", "version": "v\\u009b1", "features": {"f": 1}, "prediction": 1}
            {"ts": 1767600001, "model": "b", "version": "v1", "features": {"f": 2}, "prediction": 1}

            """.write(toFile: log, atomically: true, encoding: .utf8)
        try "window: all\nrules:\n  - alert: AnyEvents\n    expr: events_total > 0\n    labels: {severity: warning}\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let text = try CLIProcess.run(["check", log, "--config", config, "--format", "text"])
        #expect(text.status == 0, "\(text.stderr)")
        Self.expectClean(text, "check --format text")
        #expect(text.stdout.contains(#"  events_total{model="a",version="v"} 1.0"#), "\(text.stdout)")
        #expect(text.stdout.contains(#"AnyEvents{model="a",version="v"} inactive -> firing value 1.0"#), "\(text.stdout)")
        let metricLines = text.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("{") }
        #expect(!metricLines.isEmpty)
        for line in metricLines where !line.hasPrefix("  drift{") {
            #expect(line.contains("} "), "a metric line lost its value: \(line)")
        }
    }

    private func headlessWatchJournalAndOnFire(dir: URL, log: String, config: String) throws {
        let journal = dir.appendingPathComponent("journal.sqlite").path
        let stdinFile = dir.appendingPathComponent("fired.jsonl").path
        let envFile = dir.appendingPathComponent("env.txt").path
        let watch = try CLIProcess.start(["watch", log, "--no-ui", "--from-start", "--config", config, "--journal", journal,
                                          "--emit-every", "0.2s", "--on-fire",
                                          "cat >> '\(stdinFile)'; env | grep '^MLWATCH_' >> '\(envFile)'"])
        let p = watch.process
        defer { if p.isRunning { p.terminate() } }
        let (stdout, stderr) = (watch.stdout, watch.stderr)
        let fired = CLIBinary.poll {
            ((try? String(contentsOfFile: envFile, encoding: .utf8)) ?? "").contains("aud") && stdout.text.contains("aud")
        }
        #expect(fired, "no --on-fire notification for the hostile model; stderr: \(stderr.text)")
        _ = CLIBinary.poll(timeout: 2) { false }
        p.terminate()
        p.waitUntilExit()
        _ = CLIBinary.poll(timeout: 2) { stdout.isClosed && stderr.isClosed }
        #expect(Self.controls(in: stdout.data).isEmpty, "watch --no-ui stdout: \(Self.controls(in: stdout.data).prefix(3))")
        #expect(Self.controls(in: stderr.data).isEmpty, "watch --no-ui stderr: \(Self.controls(in: stderr.data).prefix(3))")

        let env = try Data(contentsOf: URL(fileURLWithPath: envFile))
        #expect(Self.controls(in: env).isEmpty, "--on-fire environment: \(Self.controls(in: env).prefix(3))")
        #expect(String(decoding: env, as: UTF8.self).contains("MLWATCH_SUMMARY=errors on fr"))
        let json = try Data(contentsOf: URL(fileURLWithPath: stdinFile))
        #expect(Self.controls(in: json).isEmpty, "--on-fire stdin: \(Self.controls(in: json).prefix(3))")
        // The JSON keeps the exact names (escaped, not sanitized).
        let models = String(decoding: json, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["labels"] as? [String: String])?["model"]
        }
        #expect(models.contains("fr\u{1B}]0;pwned\u{7}aud\u{1B}[2J\u{9B}31m\u{9B}2J\u{85}"), "\(models)")

        let text = try CLIProcess.run(["journal", "--journal", journal])
        #expect(text.status == 0)
        #expect(text.stdout.contains("AnyErrors"))
        Self.expectClean(text, "journal")
        Self.expectClean(try CLIProcess.run(["journal", "--journal", journal, "--format", "json"]), "journal --format json")
    }
}
