import Foundation
import Testing
@testable import MLWatchCore

/// A checkpoint is a file someone may edit, truncate or corrupt: an entry that cannot be a position in a
/// file is ignored with a warning and the file read from its start, instead of silently reading nothing
/// (and saving the bad position again).
@Suite("Hostile checkpoints")
struct CheckpointValidationTests {
    static func entry(_ path: String, inode: UInt64, offset: Int64, length: Int = 10) -> String {
        #"{"path":"\#(path)","device":1,"inode":\#(inode),"fingerprint":{"length":\#(length),"hash":"ab"},"offset":\#(offset),"gzip":false}"#
    }

    static func decode(_ entries: [String]) throws -> (checkpoint: Checkpoint, warnings: [String]) {
        try CheckpointStore.decode(Data(#"{"version":1,"files":[\#(entries.joined(separator: ","))]}"#.utf8), path: "cp.json")
    }

    @Test("entries that cannot be resumed from are dropped, each with a warning naming it")
    func badEntries() throws {
        let (checkpoint, warnings) = try Self.decode([
            Self.entry("a.log", inode: 1, offset: 10),
            Self.entry("b.log", inode: 2, offset: -5),
            Self.entry("c.log", inode: 3, offset: 7, length: -1),
            Self.entry("d.log", inode: 4, offset: 7, length: Int.max),
            Self.entry("", inode: 5, offset: 7),
            Self.entry(#"e\u0000.log"#, inode: 6, offset: 7),
            Self.entry(#"\u001b]0;x\u0007f.log"#, inode: 7, offset: -1),
            Self.entry("a2.log", inode: 1, offset: 20),
        ])
        #expect(checkpoint.files.map(\.path) == ["a2.log"])
        #expect(checkpoint.files.first?.offset == 20)
        #expect(warnings.count == 6, "\(warnings)")
        #expect(warnings[0] == "checkpoint cp.json: the entry for b.log is ignored (offset -5 is negative); the file is read from its start")
        #expect(warnings[1].contains("fingerprint length -1 is not between 0 and 256"))
        #expect(warnings[2].contains("fingerprint length 9223372036854775807"))
        #expect(warnings[3].contains("the entry for a file is ignored (its path is empty"))
        #expect(warnings.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
    }

    @Test("JSON that is not a checkpoint, or another version, is an error that says to delete it")
    func unreadable() {
        for text in ["", "{", "[]", #"{"version":2,"files":[]}"#, #"{"version":1,"files":[{"path":1}]}"#] {
            #expect(throws: TailerError.self) { try CheckpointStore.decode(Data(text.utf8), path: "cp.json") }
        }
        #expect(TailerError.checkpointUnreadable(path: "cp.json", reason: "x").description.contains("delete it to start over"))
    }

    @Test("a negative offset in a real checkpoint: the tailer warns, reads the file from its start, saves a valid offset")
    func negativeOffsetRecovers() throws {
        let dir = TempDirectory()
        let log = dir.file("app.log")
        let checkpoint = dir.file("checkpoint.json")
        write(joinedLines(numbered("n", 1...10)), to: log)
        try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false)).readToEnd { _ in }
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint))) as? [String: Any])
        var files = try #require(json["files"] as? [[String: Any]])
        files[0]["offset"] = -5
        json["files"] = files
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: checkpoint))

        let tailer = try LogTailer(paths: [log], options: testOptions(checkpoint: checkpoint, follow: false))
        #expect(tailer.warnings.count == 1 && tailer.warnings[0].contains("offset -5 is negative"), "\(tailer.warnings)")
        let got = LineCollector()
        try tailer.readToEnd(handler: got.add)
        #expect(got.lines == numbered("n", 1...10))
        let saved = try CheckpointStore(path: checkpoint).load()
        #expect(saved?.warnings == [])
        #expect(saved?.checkpoint.files.first?.offset == Int64(joinedLines(numbered("n", 1...10)).utf8.count))
    }

    @Test("a FIFO nobody writes to is refused at once instead of blocking the tailer")
    func fifo() throws {
        let dir = TempDirectory()
        let fifo = dir.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = Date()
        let tailer = try LogTailer(paths: [fifo], options: testOptions(follow: false))
        #expect(throws: TailerError.notARegularFile(fifo)) { try tailer.readToEnd { _ in } }
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
