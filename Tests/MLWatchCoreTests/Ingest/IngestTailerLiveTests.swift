import Foundation
import Testing
@testable import MLWatchCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Ingest LogTailer live following")
struct IngestTailerLiveTests {
    @Test func startsAtEndByDefaultThenFollowsAppends() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.jsonl")
        write("old-1\nold-2\n", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        append("new-1\nnew-2\n", to: log)
        #expect(await eventually { got.count == 2 })
        #expect(got.lines == ["new-1", "new-2"])
        #expect(got.sources == [log, log])
    }

    @Test func fromStartReadsHistoryFirst() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.jsonl")
        write("old-1\nold-2\n", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions(fromStart: true))
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { got.count == 2 })
        append("new-1\n", to: log)
        #expect(await eventually { got.count == 3 })
        #expect(got.lines == ["old-1", "old-2", "new-1"])
    }

    @Test func partialLineWaitsForItsNewline() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.jsonl")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        append("{\"half\":", to: log)
        // The tailer has read the bytes but must not deliver them yet.
        #expect(await eventually { tailer.status.first?.bytesRead == 8 })
        #expect(got.count == 0)
        append("1}\r\nnext", to: log)
        #expect(await eventually { got.count == 1 })
        #expect(got.lines == ["{\"half\":1}"])
        #expect(await eventually { tailer.status.first?.bytesRead == 16 })
        #expect(got.count == 1)
    }

    @Test func rotationByRenameAndCreateLosesNothing() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        append(joinedLines(numbered("a", 1...3)), to: log)
        #expect(await eventually { got.count == 3 })
        // The writer still holds the old file after the rename and writes its last lines there.
        let writer = FileHandle(forWritingAtPath: log)!
        writer.seekToEndOfFile()
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        writer.write(Data(joinedLines(numbered("a", 4...5)).utf8))
        try writer.close()
        write(joinedLines(numbered("b", 1...3)), to: log)
        #expect(await eventually { got.count == 8 })
        #expect(got.lines == numbered("a", 1...5) + numbered("b", 1...3))
        #expect(await eventually { tailer.status.first?.rotations == 1 })
        append("b-4\n", to: log)
        #expect(await eventually { got.count == 9 })
        #expect(got.lines.last == "b-4")
    }

    @Test func copyTruncateRestartsFromTheNewBeginning() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        append(joinedLines(numbered("before", 1...20)), to: log)
        #expect(await eventually { got.count == 20 })
        try FileManager.default.copyItem(atPath: log, toPath: log + ".1")
        let handle = FileHandle(forWritingAtPath: log)!
        try handle.truncate(atOffset: 0)
        try handle.close()
        append("after-1\nafter-2\n", to: log)
        #expect(await eventually { got.count == 22 })
        #expect(Array(got.lines.suffix(2)) == ["after-1", "after-2"])
        #expect(tailer.status.first?.rotations == 1)
    }

    @Test func deletionThenRecreation() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        append("x-1\n", to: log)
        #expect(await eventually { got.count == 1 })
        try FileManager.default.removeItem(atPath: log)
        #expect(await eventually { tailer.status.first?.state == .deleted })
        write("y-1\ny-2\n", to: log)
        #expect(await eventually { got.count == 3 })
        #expect(got.lines == ["x-1", "y-1", "y-2"])
        #expect(tailer.status.first?.state == .following)
    }

    @Test func fileThatAppearsLaterIsReadFromItsBeginning() async throws {
        let dir = TempDirectory()
        let log = dir.file("later.log")
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .waiting })
        write("z-1\nz-2\n", to: log)
        #expect(await eventually { got.count == 2 })
        #expect(got.lines == ["z-1", "z-2"])
    }

    @Test func longLinesAreSkippedCountedAndReadingGoesOn() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions(maxLineBytes: 100))
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        let huge = String(repeating: "x", count: 50_000) // over many 4 KiB reads
        append("short-1\n" + String(repeating: "y", count: 101) + "\n" + huge + "\nshort-2\n", to: log)
        #expect(await eventually { got.count == 2 && got.skipped == 2 })
        #expect(got.lines == ["short-1", "short-2"])
        #expect(tailer.status.first?.skippedTooLong == 2)
        // A long line still being written: discarded as it comes, then reading goes on.
        append(huge, to: log)
        append(huge + "\nshort-3\n", to: log)
        #expect(await eventually { got.count == 3 })
        #expect(got.lines.last == "short-3")
        #expect(got.skipped == 3)
    }

    @Test func invalidUTF8PassesThroughUntouched() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        let bad: [UInt8] = [0x7B, 0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x7D]
        appendBytes(bad + [0x0A], to: log)
        #expect(await eventually { got.count == 1 })
        #expect(got.rawLines == [bad])
    }

    @Test func globFollowsSeveralFilesIncludingNewOnes() async throws {
        let dir = TempDirectory()
        write("a-1\n", to: dir.file("a.jsonl"))
        write("ignored\n", to: dir.file("c.txt"))
        let tailer = try LogTailer(paths: [dir.path + "/*.jsonl"], options: testOptions(fromStart: true))
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { got.count == 1 })
        write("b-1\nb-2\n", to: dir.file("b.jsonl"))
        append("a-2\n", to: dir.file("a.jsonl"))
        #expect(await eventually { got.count == 4 })
        #expect(Set(got.lines) == ["a-1", "a-2", "b-1", "b-2"])
        let bLines = zip(got.lines, got.sources).filter { $0.1 == dir.file("b.jsonl") }.map(\.0)
        #expect(bLines == ["b-1", "b-2"])
        #expect(Set(tailer.status.map(\.path)) == [dir.file("a.jsonl"), dir.file("b.jsonl")])
    }

    @Test func stdinThroughAPipeDeliversTheFinalLineAtEOF() async throws {
        let fds = closeOnExecPipe()
        let tailer = try LogTailer(paths: ["-"], options: testOptions(), stdinFD: fds.read)
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer {
            tailer.stop()
            close(fds.read)
        }
        let first = Array("s-1\ns-2\npar".utf8)
        _ = first.withUnsafeBytes { Glibc.write(fds.write, $0.baseAddress, $0.count) }
        #expect(await eventually { got.count == 2 })
        let rest = Array("t\n end".utf8)
        _ = rest.withUnsafeBytes { Glibc.write(fds.write, $0.baseAddress, $0.count) }
        close(fds.write)
        #expect(await eventually { got.count == 4 })
        #expect(got.lines == ["s-1", "s-2", "part", " end"])
        #expect(await eventually { tailer.status.first?.state == .finished })
        #expect(got.sources.allSatisfy { $0 == "-" })
    }

    @Test func idleTailerBacksOffInsteadOfSpinning() async throws {
        let dir = TempDirectory()
        let log = dir.file("idle.log")
        write("x\n", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions())
        tailer.start(handler: { _ in })
        defer { tailer.stop() }
        #expect(await eventually { tailer.status.first?.state == .following })
        let before = tailer.wakeCount
        let started = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(1200))
        let elapsed = ContinuousClock.now - started
        // 10 ms doubling to 200 ms: about 5 wake-ups to reach the cap, then one per 200 ms of the time that
        // really passed (a loaded machine oversleeps); a busy loop would be thousands.
        let allowed = 10 + Int((elapsed / .milliseconds(200)).rounded(.up))
        #expect(tailer.wakeCount - before <= allowed, "\(tailer.wakeCount - before) wake-ups in \(elapsed)")
    }

    @Test func stopIsIdempotentAndSafeFromTheHandler() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write(joinedLines(numbered("l", 1...5)), to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions(fromStart: true))
        let got = LineCollector()
        tailer.start { batch in
            got.add(batch)
            tailer.stop()
        }
        #expect(await eventually { got.count == 5 })
        tailer.stop()
        tailer.stop()
    }
}

@Suite("Ingest LogTailer start/stop churn")
struct IngestTailerChurnTests {
    /// CI crashed in libdispatch's epoll backend (signal 11 in `_dispatch_event_loop_drain`) while tests
    /// started and stopped tailers in parallel, when those still used dispatch read sources (a known libdispatch
    /// race, not reproduced on demand here). This churns live tailers on several threads (inotify, a stdin pipe
    /// whose descriptors are closed right after `stop()`), and each must deliver what was written before it stops.
    @Test func manyTailersStartAndStopAtOnceOnSeveralThreads() async throws {
        let dir = TempDirectory()
        let log = dir.file("churn.log")
        write("seed\n", to: log)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<25 {
                        let fds = closeOnExecPipe()
                        let tailer = try LogTailer(paths: [log, "-"], options: testOptions(fromStart: true), stdinFD: fds.read)
                        let got = LineCollector()
                        tailer.start(handler: got.handler)
                        let line = Array("w\(worker)-\(round)\n".utf8)
                        _ = line.withUnsafeBytes { Glibc.write(fds.write, $0.baseAddress, $0.count) }
                        #expect(await eventually { got.count == 2 })
                        tailer.stop()
                        close(fds.read)
                        close(fds.write)
                        #expect(Set(got.lines) == ["seed", "w\(worker)-\(round)"])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func aTailerDroppedWithoutStopEndsItsThread() async throws {
        let dir = TempDirectory()
        let log = dir.file("dropped.log")
        write("x\n", to: log)
        weak var weakTailer: LogTailer?
        do {
            let tailer = try LogTailer(paths: [log], options: testOptions(fromStart: true))
            let got = LineCollector()
            tailer.start(handler: got.handler)
            #expect(await eventually { got.count == 1 })
            weakTailer = tailer
        }
        // The live thread holds the tailer only weakly, so the last reference going away frees it.
        #expect(await eventually { weakTailer == nil })
    }
}

@Suite("Ingest LogTailer live glob rotation")
struct IngestTailerGlobRotationTests {
    @Test func renamedFileMatchedByTheGlobIsNotReadTwice() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write(joinedLines(numbered("a", 1...3)), to: log)
        let tailer = try LogTailer(paths: [dir.path + "/app.log*"], options: testOptions(fromStart: true))
        let got = LineCollector()
        tailer.start(handler: got.handler)
        defer { tailer.stop() }
        #expect(await eventually { got.count == 3 })
        for round in 1...3 {
            // logrotate-style: shift the old generations, then rename+create the live file.
            for generation in stride(from: round - 1, through: 1, by: -1) {
                try FileManager.default.moveItem(atPath: "\(log).\(generation)", toPath: "\(log).\(generation + 1)")
            }
            try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
            append("r\(round)-tail\n", to: log + ".1")
            write("r\(round)-new\n", to: log)
            #expect(await eventually { got.count == 3 + 2 * round })
        }
        // Let a few rescans pass: the renamed generations must not be delivered again.
        try await Task.sleep(for: .milliseconds(500))
        #expect(got.count == 9)
        #expect(Set(got.lines).count == 9)
        #expect(Set(tailer.status.map(\.path)) == [log, log + ".1", log + ".2", log + ".3"])
    }
}
