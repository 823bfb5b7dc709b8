import Foundation
import Testing
@testable import MLWatchCore

@Suite("Ingest LogTailer one-shot and checkpoints")
struct IngestTailerCheckpointTests {
    @Test func missingExplicitFileIsAnErrorInOneShotMode() throws {
        let dir = TempDirectory()
        let missing = dir.file("missing.jsonl")
        #expect(throws: TailerError.fileNotFound(missing)) {
            _ = try LogTailer(paths: [missing], options: testOptions(follow: false))
        }
        let tailer = try LogTailer(paths: [missing], options: testOptions())
        #expect(throws: TailerError.fileNotFound(missing)) { try tailer.readToEnd { _ in } }
        #expect(TailerError.fileNotFound(missing).description.contains(missing))
    }

    @Test func readToEndDeliversFinalUnterminatedLine() throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        write("a\nb\nc", to: log)
        let tailer = try LogTailer(paths: [log], options: testOptions(follow: false))
        let got = LineCollector()
        try tailer.readToEnd(handler: got.add)
        #expect(got.lines == ["a", "b", "c"])
        #expect(tailer.status.first?.lines == 3)
        #expect(throws: TailerError.alreadyStarted) { try tailer.readToEnd { _ in } }
    }

    @Test func gzipFilesAreReadFullyByMagicBytes() throws {
        let dir = TempDirectory()
        let plain = dir.file("old.log")
        let lines = numbered("gz", 1...5000)
        write(joinedLines(lines), to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        // Renamed without the extension: detection is by magic bytes, not by name.
        try FileManager.default.moveItem(atPath: plain + ".gz", toPath: dir.file("archive"))
        let tailer = try LogTailer(paths: [dir.file("archive"), plain], options: testOptions(follow: false))
        let got = LineCollector()
        try tailer.readToEnd(handler: got.add)
        #expect(got.lines == lines + lines)
        #expect(Array(got.sources.prefix(1)) == [dir.file("archive")])
        #expect(tailer.status.first?.state == .finished)
    }

    @Test func oneShotCheckpointResumesWithoutDuplicates() throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        let checkpoint = dir.file("state/checkpoint.json")
        try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        write(joinedLines(numbered("n", 1...10)), to: log)
        let first = LineCollector()
        try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd(handler: first.add)
        #expect(first.lines == numbered("n", 1...10))
        append(joinedLines(numbered("n", 11...15)), to: log)
        let second = LineCollector()
        try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd(handler: second.add)
        #expect(second.lines == numbered("n", 11...15))
        // Written atomically: valid JSON and no temporary file left behind.
        let saved = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: URL(fileURLWithPath: checkpoint)))
        #expect(saved.files.count == 1)
        #expect(saved.files.first?.offset == Int64(joinedLines(numbered("n", 1...15)).utf8.count))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("state")) == ["checkpoint.json"])
    }

    @Test func replacedFileWithNewContentIsNotMistakenForTheOld() throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        let checkpoint = dir.file("checkpoint.json")
        write(joinedLines(numbered("old", 1...10)), to: log)
        try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd { _ in }
        // Delete and re-create: the inode is often reused, the fingerprint tells the files apart.
        try FileManager.default.removeItem(atPath: log)
        write(joinedLines(numbered("new", 1...12)), to: log)
        let got = LineCollector()
        try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd(handler: got.add)
        #expect(got.lines == numbered("new", 1...12))
    }

    @Test func liveCheckpointResumesAcrossARotationExactlyOnce() async throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        let checkpoint = dir.file("checkpoint.json")
        write("", to: log)
        let n = 300, k = 7, m = 200

        // Run 1: N lines, delivered and processed, then stop (writes the checkpoint).
        let first = LineCollector()
        let tailer1 = try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint))
        tailer1.start(handler: first.handler)
        #expect(await eventually { tailer1.status.first?.state == .following })
        append(joinedLines(numbered("line", 1...n)) + "partial-", to: log)
        #expect(await eventually { first.count == n })
        tailer1.stop()

        // While mlwatch is down: the writer finishes its line and writes K more, then the log rotates
        // (rename + create) and M lines go to the new file.
        append("line\n" + joinedLines(numbered("line", (n + 1)...(n + k))), to: log)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        write(joinedLines(numbered("line", (n + k + 1)...(n + k + m))), to: log)

        // Run 2 from the checkpoint: the rotated file is found under its new name and finished first.
        let second = LineCollector()
        let tailer2 = try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint))
        tailer2.start(handler: second.handler)
        #expect(await eventually { second.count == k + m + 1 })
        let expectedSecond = ["partial-line"] + numbered("line", (n + 1)...(n + k + m))
        #expect(second.lines == expectedSecond)
        #expect(Array(second.sources.prefix(1)) == [log + ".1"])
        tailer2.stop()

        let all = first.lines + second.lines
        #expect(all.count == Set(all).count) // none twice
        #expect(all.count == n + 1 + k + m) // none lost

        // Run 3: nothing new, nothing delivered again.
        let third = LineCollector()
        let tailer3 = try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint))
        tailer3.start(handler: third.handler)
        #expect(await eventually { tailer3.status.first?.state == .following })
        append("after\n", to: log)
        #expect(await eventually { third.count == 1 })
        #expect(third.lines == ["after"])
        tailer3.stop()
    }

    @Test func globCheckpointRecognisesRotatedFileUnderItsNewName() async throws {
        let dir = TempDirectory()
        let checkpoint = dir.file("checkpoint.json")
        let log = dir.file("app.log")
        write(joinedLines(numbered("a", 1...50)), to: log)
        let pattern = dir.path + "/app.log*"
        let first = LineCollector()
        try LogTailer(paths: [pattern], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd(handler: first.add)
        #expect(first.count == 50)
        append(joinedLines(numbered("a", 51...55)), to: log)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        write(joinedLines(numbered("b", 1...5)), to: log)
        let second = LineCollector()
        try LogTailer(paths: [pattern], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd(handler: second.add)
        #expect(Set(second.lines) == Set(numbered("a", 51...55) + numbered("b", 1...5)))
        #expect(second.count == 10)
    }
}

@Suite("Ingest LogTailer one-shot errors")
struct IngestTailerOneShotErrorTests {
    @Test func globWithoutMatchIsAnErrorInOneShotMode() throws {
        let dir = TempDirectory()
        let pattern = dir.path + "/*.jsonl"
        let tailer = try LogTailer(paths: [pattern], options: testOptions(follow: false))
        #expect(throws: TailerError.noMatch(pattern)) { try tailer.readToEnd { _ in } }
    }

    @Test func directoryIsNotAFile() throws {
        let dir = TempDirectory()
        let tailer = try LogTailer(paths: [dir.path], options: testOptions(follow: false))
        #expect(throws: TailerError.notARegularFile(dir.path)) { try tailer.readToEnd { _ in } }
    }

    @Test func truncatedGzipDeliversWhatItCanThenThrows() throws {
        let dir = TempDirectory()
        let plain = dir.file("x.log")
        write(joinedLines(numbered("g", 1...20000)), to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [plain]
        try gzip.run()
        gzip.waitUntilExit()
        let data = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: plain + ".gz"))
        let tailer = try LogTailer(paths: [plain + ".gz"], options: testOptions(follow: false))
        let got = LineCollector()
        #expect(throws: TailerError.self) { try tailer.readToEnd(handler: got.add) }
        #expect(got.count > 0)
        #expect(got.lines.first == "g-1")
    }
}
