import Foundation
import MLWatchTestSupport
import Testing

/// Hostile files and peers with the real binary: a FIFO no one writes to (or reads from), a checkpoint
/// with a negative offset, a corrupt profile, malformed arguments. Every command ends after SIGTERM
/// whatever it is blocked on (within `ExitDeadline`'s 1.8 s by construction; the tests allow more, as a
/// loaded machine delays any process), and every usage error exits 2.
@Suite(.serialized, .enabled(if: CLIBinary.path != nil, "the mlwatch binary was not built (.build/debug/mlwatch; or set MLWATCH_BIN)"))
struct HostileFilesE2ETests {
    private static func start(_ args: [String]) throws -> (Process, PipeCollector, PipeCollector) {
        let c = try CLIProcess.start(args)
        return (c.process, c.stdout, c.stderr)
    }

    /// Sends SIGTERM and returns the seconds until the process ended (nil when it outlived `limit`; it is
    /// then killed).
    private static func terminate(_ p: Process, limit: Double = 15) -> Double? {
        let sent = Date()
        p.terminate()
        let ended = CLIBinary.poll(timeout: limit) { !p.isRunning }
        if !ended {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            return nil
        }
        p.waitUntilExit()
        return Date().timeIntervalSince(sent)
    }

    private static func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let r = try CLIProcess.run(args)
        return (r.status, r.stderr)
    }

    @Test func sigtermEndsCommandsBlockedOnAFIFO() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)

        let (watch, watchOut, watchErr) = try Self.start(["watch", fifo, "--no-ui", "--from-start", "--emit-every", "0.2s"])
        // Running (a snapshot printed) with its signal handlers in place.
        #expect(CLIBinary.poll { watchOut.text.contains("\"events\"") }, "watch never started: \(watchErr.text)")
        Thread.sleep(forTimeInterval: 0.5)
        let watchTime = Self.terminate(watch)
        #expect(watchTime != nil, "watch on a FIFO outlived SIGTERM; stderr: \(watchErr.text)")
        #expect(watch.terminationStatus == 0, "not a clean stop: \(watchErr.text)")

        // Writing to a FIFO no one reads blocks in open(2): the stop is bounded all the same.
        let (simulate, _, simulateErr) = try Self.start(["simulate", "--out", fifo])
        // It says so once its signal handlers are in place.
        #expect(CLIBinary.poll { simulateErr.text.contains("Ctrl+C stops") }, "simulate never started: \(simulateErr.text)")
        let simulateTime = Self.terminate(simulate)
        #expect(simulateTime != nil, "simulate to a FIFO outlived SIGTERM")
        _ = CLIBinary.poll(timeout: 2) { simulateErr.isClosed }
        // Blocked in open(2), it cannot stop cleanly: the deadline ends it.
        #expect(simulateErr.text.contains("could not stop cleanly within 1.8 s"), "\(simulateErr.text)")
        #expect(simulate.terminationStatus == 128 + SIGTERM)

        let check = try Self.run(["check", fifo])
        #expect(check.status == 2 && check.stderr.contains("not a regular file"), "\(check)")
    }

    @Test func aNegativeCheckpointOffsetIsReportedAndTheFileReadAgain() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("p.jsonl").path
        let checkpoint = dir.appendingPathComponent("cp.json").path
        try FixtureLog.write(to: log, count: 200)
        let first = try Self.start(["watch", log, "--no-ui", "--from-start", "--checkpoint", checkpoint, "--emit-every", "0.2s"])
        #expect(CLIBinary.poll { first.1.text.contains("\"events\":200") })
        _ = Self.terminate(first.0)

        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint))) as? [String: Any])
        var files = try #require(json["files"] as? [[String: Any]])
        let saved = try #require(files.first?["offset"] as? Int)
        files[0]["offset"] = -5
        json["files"] = files
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: checkpoint))

        let (p, out, err) = try Self.start(["watch", log, "--no-ui", "--checkpoint", checkpoint, "--emit-every", "0.2s"])
        #expect(CLIBinary.poll { out.text.contains("\"events\":200") }, "nothing ingested; stderr: \(err.text)")
        _ = Self.terminate(p)
        #expect(err.text.contains("offset -5 is negative"), "\(err.text)")
        let after = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint))) as? [String: Any])
        #expect((after["files"] as? [[String: Any]])?.first?["offset"] as? Int == saved)
    }

    @Test func everyUsageErrorExitsTwo() throws {
        let cases: [[String]] = [
            ["check", "--bogus"], ["check", "x.jsonl", "--window"], ["check", "x.jsonl", "--format", "xml"],
            ["check", "x.jsonl", "--max-line-bytes", "many"], ["watch", "--emit-every"], ["rules", "check"],
            ["baseline", "x.jsonl"], ["journal", "--format", "yaml"], ["replay", "--speed"], ["no-such-command"],
            ["simulate", "--rate", "fast"],
            // Numbers too large for what they size: refused with the limit, never an overflow trap.
            ["check", "x.jsonl", "--max-line-bytes", "9223372036854775807"], ["simulate", "--rotate-every", "1e30MB"],
            ["check", "x.jsonl", "--window", "10m/1ms"], ["check", "x.jsonl", "--lateness", "99999999999999999999d"],
        ]
        for args in cases {
            let r = try Self.run(args)
            #expect(r.status == 2, "\(args): exit \(r.status), \(r.stderr)")
            #expect(!r.stderr.isEmpty, "\(args): no message")
        }
        let help = try Self.run(["check", "--help"])
        #expect(help.status == 0)
    }

    @Test func aCorruptProfileIsRefusedWithExitTwo() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("p.jsonl").path
        let profile = dir.appendingPathComponent("ref.json").path
        try FixtureLog.write(to: log, count: 50)
        let counts = #"{"format":"mlwatch-reference-profile","version":1,"sources":[],"events":2,"columns":{"country":{"categorical":{"_0":{"counts":{"DE":9223372036854775807,"FR":1},"count":2}}}}}"#
        try counts.write(toFile: profile, atomically: true, encoding: .utf8)
        let r = try Self.run(["check", log, "--reference", profile])
        #expect(r.status == 2 && r.stderr.contains("not a usable profile"), "\(r)")
    }
}
