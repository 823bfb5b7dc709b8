import Testing

@testable import MLWatchUI

@Suite("Screen DisplayWidth")
struct ScreenDisplayWidthTests {
    @Test func ascii() {
        #expect(DisplayWidth.of("hello world") == 11)
        #expect(DisplayWidth.of("\t\n\u{7F}") == 0)
    }

    @Test func cjkHangulAndFullwidth() {
        #expect(DisplayWidth.of("中文") == 4)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ＡＢ") == 4)
        #expect(DisplayWidth.of("ｱｲ") == 2)  // halfwidth katakana
        // Hangul built from conjoining jamo (L+V+T) is one wide grapheme.
        #expect(DisplayWidth.of("\u{1100}\u{1161}\u{11A8}") == 2)
    }

    @Test func emoji() {
        #expect(DisplayWidth.of("🔥") == 2)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
        #expect(DisplayWidth.of("🇩🇪") == 2)
        #expect(DisplayWidth.of("❤️") == 2)  // VS16 asks for emoji presentation
        #expect(DisplayWidth.of("❤") == 1)
        #expect(DisplayWidth.of("👍🏽") == 2)
    }

    @Test func combiningAndFormatCharacters() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.scalarWidth("\u{301}") == 0)
        #expect(DisplayWidth.scalarWidth("\u{202E}") == 0)
    }

    @Test func boxDrawingBrailleAndBlocksAreNarrow() {
        #expect(DisplayWidth.of("┌─┐│⣿▁█▏…✓▲✖") == 12)
    }

    @Test func truncate() {
        #expect(DisplayWidth.truncate("latency_p99_ms", toWidth: 8) == "latency…")
        #expect(DisplayWidth.truncate("short", toWidth: 8) == "short")
        #expect(DisplayWidth.truncate("中文字符", toWidth: 6) == "中文…")
        #expect(DisplayWidth.truncate("中文字符", toWidth: 4) == "中…")
        #expect(DisplayWidth.truncate("abc", toWidth: 0) == "")
        #expect(DisplayWidth.pad("7", toWidth: 3, alignRight: true) == "  7")
    }
}
