import Foundation
import Testing

/// A producer with a clock a year ahead among 300 good lines, and absurd timestamps, through the real
/// binary: `check` (text and JSON), `watch --no-ui` (live: judged by the wall clock) and `replay --no-ui`.
/// Every good line is counted, the window stays in the right year, the future line is reported with its
/// source. No timing is asserted: only that each command ends and what it reports.
@Suite(.serialized) struct EventTimeE2ETests {
    /// 300 predictions a second apart ending a minute ago, one of them preceded by a line a year ahead, and
    /// lines whose timestamps cannot be.
    static func writeLog(to path: String) throws -> (first: Double, last: Double) {
        let last = (Date().timeIntervalSince1970 - 60).rounded(.down)
        let first = last - 299
        var lines: [String] = []
        for i in 0..<300 {
            if i == 120 {
                lines.append(#"{"ts":\#(first + Double(i) + 365 * 86_400),"model":"skewed","latency_ms":5,"features":{"x":1},"prediction":1}"#)
            }
            lines.append(#"{"ts":\#(first + Double(i)),"model":"good","request_id":"r\#(i)","latency_ms":\#(10 + i % 20),"features":{"x":\#(i % 7)},"prediction":\#(i % 2),"score":0.5}"#)
        }
        lines.insert(#"{"ts":"99999999999999999999999999","model":"good","features":{"x":1}}"#, at: 50)
        lines.insert(#"{"ts":1e30,"model":"good","features":{"x":1}}"#, at: 60)
        lines.insert(#"{"ts":1.7976931348623157e308,"model":"good","features":{"x":1}}"#, at: 70)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (first, last)
    }

    static func expectSanity(_ json: [String: Any], last: Double, path: String, _ command: String) {
        #expect(json["events"] as? Int == 300, "\(command)")
        #expect(json["late"] as? Int == 0, "\(command)")
        let future = json["future"] as? [String: Any]
        #expect(future?["total"] as? Int == 1, "\(command): \(String(describing: future))")
        #expect((future?["by_source"] as? [String: Int])?[path] == 1, "\(command): \(String(describing: future))")
        #expect(future?["max_future_seconds"] as? Double == 3600, "\(command)")
        let malformed = json["malformed"] as? [String: Any]
        #expect((malformed?["by_reason"] as? [String: Int])?["timestamp_out_of_range"] == 3, "\(command): \(String(describing: malformed))")
        let newest = json["newest_event"] as? String
        #expect(newest?.hasPrefix(Self.isoSecond(last)) == true, "\(command): newest \(String(describing: newest))")
    }

    static func isoSecond(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return String(f.string(from: Date(timeIntervalSince1970: t)).prefix(19))
    }

    @Test(.needsBinary) func checkAndReplayCountEveryGoodLine() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("app.jsonl").path
        let (_, last) = try Self.writeLog(to: log)

        let json = try CLIProcess.run(["check", log, "--window", "10m", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        Self.expectSanity(object, last: last, path: log, "check")

        let text = try CLIProcess.run(["check", log, "--window", "10m"])
        #expect(text.stdout.contains("events 300, late 0, malformed 3 (timestamp_out_of_range 3), future 1 (more than 1h ahead: \(log) 1)"), "\(text.stdout)")

        // A tighter tolerance does not change this log; a flag that is no duration is refused (exit 2).
        let tight = try CLIProcess.run(["check", log, "--window", "10m", "--max-future", "5m", "--format", "json"])
        let tightObject = try #require(try JSONSerialization.jsonObject(with: Data(tight.stdout.utf8)) as? [String: Any])
        #expect((tightObject["future"] as? [String: Any])?["max_future_seconds"] as? Double == 300)
        let bad = try CLIProcess.run(["check", log, "--max-future", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--max-future"), "\(bad.status) \(bad.stderr)")
        let zero = try CLIProcess.run(["check", log, "--max-future", "0s"])
        #expect(zero.status == 2 && zero.stderr.contains("--max-future 0s: must be at least 1s"), "\(zero.status) \(zero.stderr)")

        let replay = try CLIProcess.run(["replay", log, "--window", "10m", "--no-ui"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("events 300, late 0, malformed 3 (timestamp_out_of_range 3), future 1"), "\(replay.stdout)")
    }

    /// An old log (two years back) with lines a year ahead of their neighbours — the first line, one in the
    /// middle — still in the wall clock's past: `watch --from-start` judges that backlog like `check`.
    @Test(.needsBinary) func watchFromStartOnAnOldLogCountsEveryGoodLine() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("old.jsonl").path
        let first = (Date().timeIntervalSince1970 - 2 * 365 * 86_400).rounded(.down)
        var lines: [String] = []
        for i in 0..<300 {
            if i == 0 || i == 150 {
                lines.append(#"{"ts":\#(first + Double(i) + 365 * 86_400),"model":"skewed","features":{"x":1},"prediction":1}"#)
            }
            lines.append(#"{"ts":\#(first + Double(i)),"model":"good","request_id":"r\#(i)","latency_ms":12,"features":{"x":\#(i % 7)},"prediction":\#(i % 2)}"#)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let watch = try CLIProcess.start(["watch", log, "--no-ui", "--from-start", "--window", "10m", "--emit-every", "0.2s"])
        let p = watch.process
        defer { if p.isRunning { p.terminate() } }
        #expect(CLIBinary.poll {
            let json = watch.stdout.lastJSONObject
            return json?["events"] as? Int == 300 && (json?["future"] as? [String: Any])?["total"] as? Int == 2
        }, "stdout: \(watch.stdout.text.suffix(600)) stderr: \(watch.stderr.text)")
        p.terminate()
        p.waitUntilExit()
        let json = try #require(watch.stdout.lastJSONObject)
        #expect(json["late"] as? Int == 0)
        #expect((json["future"] as? [String: Any])?["held"] as? Int == 0)
        #expect((json["newest_event"] as? String)?.hasPrefix(Self.isoSecond(first + 299)) == true, "\(String(describing: json["newest_event"]))")
    }

    /// A replay of two files counts each future line for its own file, as `check` does.
    @Test(.needsBinary) func replayOfTwoFilesNamesTheFile() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("app.jsonl").path
        let (first, _) = try Self.writeLog(to: log)
        let other = dir.appendingPathComponent("other.jsonl").path
        let more = (0..<20).map { i in #"{"ts":\#(first + 300 + Double(i)),"model":"good","features":{"x":1},"prediction":1}"# }
        try ((more.prefix(10) + [#"{"ts":\#(first + 400 + 365 * 86_400),"model":"skewed","features":{"x":1},"prediction":1}"#] + more.suffix(10))
            .joined(separator: "\n") + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        for command in [["check"], ["replay", "--no-ui"]] {
            let run = try CLIProcess.run(command + [log, other, "--window", "10m"])
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(run.stdout.contains("future 2 (more than 1h ahead: \(log) 1, \(other) 1)"), "\(command): \(run.stdout)")
        }
    }

    @Test(.needsBinary) func watchNoUICountsEveryGoodLine() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("app.jsonl").path
        let (_, last) = try Self.writeLog(to: log)
        let watch = try CLIProcess.start(["watch", log, "--no-ui", "--from-start", "--window", "10m", "--emit-every", "0.2s"])
        let p = watch.process
        defer { if p.isRunning { p.terminate() } }
        #expect(CLIBinary.poll {
            let json = watch.stdout.lastJSONObject
            return json?["events"] as? Int == 300 && (json?["future"] as? [String: Any])?["total"] as? Int == 1
        }, "stdout: \(watch.stdout.text.suffix(600)) stderr: \(watch.stderr.text)")
        p.terminate()
        p.waitUntilExit()
        if let json = watch.stdout.lastJSONObject { Self.expectSanity(json, last: last, path: log, "watch --no-ui") }
    }
}
