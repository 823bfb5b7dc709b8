import Testing
@testable import MLWatchCore

@Suite("Ingest LineSplitter (Tailer)")
struct IngestTailerSplitterTests {
    private func split(_ splitter: inout LineSplitter, _ text: [UInt8], scanFrom: Int = 0) -> ([String], LineSplitter.Result) {
        var lines: [Range<Int>] = []
        let result = text.withUnsafeBufferPointer { splitter.split($0, scanFrom: scanFrom, into: &lines) }
        return (lines.map { String(decoding: text[$0], as: UTF8.self) }, result)
    }

    @Test func splitsLinesAndKeepsPartial() {
        var splitter = LineSplitter(maxLineBytes: 100)
        let (lines, result) = split(&splitter, Array("a\nbb\r\n\nccc".utf8))
        #expect(lines == ["a", "bb", "", ])
        #expect(result.consumed == 7)
        #expect(result.skipped == 0)
        #expect(!splitter.discarding)
    }

    @Test func skipsLongCompleteLineAndGoesOn() {
        var splitter = LineSplitter(maxLineBytes: 4)
        let (lines, result) = split(&splitter, Array("ok\ntoolong\nfine\n".utf8))
        #expect(lines == ["ok", "fine"])
        #expect(result.skipped == 1)
        #expect(result.consumed == 16)
    }

    @Test func discardsLongPartialUntilNewline() {
        var splitter = LineSplitter(maxLineBytes: 4)
        let (lines1, r1) = split(&splitter, Array("ok\nabcdefgh".utf8))
        #expect(lines1 == ["ok"])
        #expect(r1.skipped == 1)
        #expect(r1.consumed == 3)
        #expect(splitter.discarding)
        let (lines2, r2) = split(&splitter, Array("ijklmnop".utf8))
        #expect(lines2.isEmpty)
        #expect(r2.consumed == 0 && r2.skipped == 0)
        let (lines3, r3) = split(&splitter, Array("qr\nnext\n".utf8))
        #expect(lines3 == ["next"])
        #expect(r3.skipped == 0) // counted once, when found
        #expect(r3.consumed == 8)
        #expect(!splitter.discarding)
    }

    @Test func finalLineAtEndOfInput() {
        let splitter = LineSplitter(maxLineBytes: 10)
        let bytes = Array("tail\r".utf8)
        let range = bytes.withUnsafeBufferPointer { splitter.finalLine($0) }
        #expect(range == 0..<4)
    }
}
