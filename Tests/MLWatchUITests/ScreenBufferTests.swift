import Testing

@testable import MLWatchUI

@Suite("ScreenBuffer")
struct ScreenBufferTests {
    @Test func asciiTextIsWrittenAndReturnsColumns() {
        var buffer = ScreenBuffer(width: 10, height: 2)
        let advanced = buffer.put("hello", x: 1, y: 0)
        #expect(advanced == 5)
        #expect(buffer.text(row: 0) == " hello    ")
        #expect(buffer.text(row: 1) == "          ")
    }

    @Test func wideCharactersTakeTwoCells() {
        var buffer = ScreenBuffer(width: 8, height: 1)
        let advanced = buffer.put("a中b", x: 0, y: 0)
        #expect(advanced == 4)
        #expect(buffer[0, 0].grapheme == "a")
        #expect(buffer[1, 0].grapheme == "中")
        #expect(buffer[2, 0].isContinuation)
        #expect(buffer[3, 0].grapheme == "b")
        #expect(buffer.text(row: 0) == "a中b    ")
    }

    @Test func emojiAndCombiningMarks() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        #expect(buffer.put("🔥e\u{301}", x: 0, y: 0) == 3)
        #expect(buffer[0, 0].grapheme == "🔥")
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer[2, 0].grapheme == "e\u{301}")
    }

    @Test func wideCharacterAtTheRightEdgeBecomesASpace() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put("abc中", x: 0, y: 0)
        #expect(buffer.text(row: 0) == "abc ")
        #expect(!buffer.cells.contains { $0.isContinuation })
    }

    @Test func maxWidthClipsLikeAnEdge() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        let advanced = buffer.put("ab中cd", x: 0, y: 0, maxWidth: 3)
        #expect(advanced == 3)
        #expect(buffer.text(row: 0) == "ab        ")
        #expect(buffer.put("xyz", x: 5, y: 0, maxWidth: 2) == 2)
        #expect(buffer.text(row: 0) == "ab   xy   ")
    }

    @Test func clippingAtTheLeftEdge() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        let advanced = buffer.put("abcd", x: -2, y: 0)
        #expect(advanced == 4)
        #expect(buffer.text(row: 0) == "cd   ")
        // A wide character straddling column 0 leaves a space, not half a glyph.
        var wide = ScreenBuffer(width: 5, height: 1)
        wide.put("中x", x: -1, y: 0)
        #expect(wide.text(row: 0) == " x   ")
    }

    @Test func clippingAtTopAndBottom() {
        var buffer = ScreenBuffer(width: 3, height: 2)
        #expect(buffer.put("abc", x: 0, y: -1) == 0)
        #expect(buffer.put("abc", x: 0, y: 2) == 0)
        #expect(buffer.lines == ["   ", "   "])
    }

    @Test func clippingAtTheRightEdge() {
        var buffer = ScreenBuffer(width: 3, height: 1)
        #expect(buffer.put("abcdef", x: 1, y: 0) == 2)
        #expect(buffer.text(row: 0) == " ab")
        #expect(buffer.put("zz", x: 7, y: 0) == 0)
    }

    @Test func controlCharactersNeverReachTheBuffer() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        buffer.put("a\u{1B}[2Jb\u{7}\u{202E}c", x: 0, y: 0)
        #expect(buffer.text(row: 0) == "a[2Jbc    ")
        #expect(!buffer.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value < 0x20 } })
    }

    @Test func overwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.put("中文", x: 0, y: 0)
        buffer.put("x", x: 1, y: 0)  // right half of 中
        #expect(buffer.text(row: 0) == " x文  ")
        buffer.put("y", x: 2, y: 0)  // left half of 文
        #expect(buffer.text(row: 0) == " xy   ")
        #expect(!buffer.cells.contains { $0.isContinuation })
    }

    @Test func styleRunsGroupEqualStyles() {
        var buffer = ScreenBuffer(width: 8, height: 1)
        let red = Style(fg: .red, bold: true)
        buffer.put("ab", x: 0, y: 0)
        buffer.put("中d", x: 2, y: 0, style: red)
        let runs = buffer.styleRuns(row: 0)
        #expect(runs.count == 3)
        #expect(runs[0] == StyleRun(x: 0, text: "ab", width: 2, style: .plain))
        #expect(runs[1] == StyleRun(x: 2, text: "中d", width: 3, style: red))
        #expect(runs[2] == StyleRun(x: 5, text: "   ", width: 3, style: .plain))
    }

    @Test func diffReturnsOnlyChangedCells() {
        var previous = ScreenBuffer(width: 10, height: 3)
        previous.put("status: ok", x: 0, y: 0)
        var next = previous
        next.put("ko", x: 8, y: 0)
        let changes = next.diff(from: previous)
        #expect(changes.map(\.x) == [8, 9])
        #expect(changes.map(\.cell.grapheme) == ["k", "o"])
        #expect(next.diff(from: next).isEmpty)
    }

    @Test func diffSendsWideCharactersOnceAndStyleChanges() {
        let previous = ScreenBuffer(width: 4, height: 1)
        var next = previous
        next.put("中", x: 0, y: 0)
        next.applyStyle(Style(reverse: true), to: Rect(x: 3, y: 0, width: 1, height: 1))
        let changes = next.diff(from: previous)
        #expect(changes.count == 2)
        #expect(changes[0] == CellChange(x: 0, y: 0, cell: Cell("中")))
        #expect(changes[1].x == 3 && changes[1].cell.style.reverse)
    }

    @Test func diffOfDifferentSizesIsEverything() {
        let previous = ScreenBuffer(width: 2, height: 2)
        let next = ScreenBuffer(width: 3, height: 2)
        #expect(next.diff(from: previous).count == 6)
    }

    @Test func fillAndBox() {
        var buffer = ScreenBuffer(width: 12, height: 4)
        buffer.fill(Rect(x: 0, y: 0, width: 12, height: 4), style: Style(bg: .blue))
        #expect(buffer[11, 3].style.bg == .blue)
        let inner = buffer.drawBox(Rect(x: 0, y: 0, width: 12, height: 4), title: "Input")
        #expect(inner == Rect(x: 1, y: 1, width: 10, height: 2))
        #expect(buffer.lines == [
            "┌─ Input ──┐",
            "│          │",
            "│          │",
            "└──────────┘",
        ])
        var rounded = ScreenBuffer(width: 9, height: 3)
        rounded.drawBox(rounded.bounds, title: "Software", characters: .rounded)
        #expect(rounded.lines == ["╭─ So… ─╮", "│       │", "╰───────╯"])
    }

    @Test func resizeKeepsTopLeftAndCutsWideCharacters() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        buffer.put("ab中", x: 0, y: 0)
        buffer.put("xyz", x: 0, y: 1)
        buffer.resize(width: 3, height: 1)
        #expect(buffer.lines == ["ab "])
        buffer.resize(width: 4, height: 2)
        #expect(buffer.lines == ["ab  ", "    "])
    }
}
