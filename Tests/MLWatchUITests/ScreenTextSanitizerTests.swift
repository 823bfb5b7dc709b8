import Testing

@testable import MLWatchUI

@Suite("Screen TextSanitizer")
struct ScreenTextSanitizerTests {
    @Test func cleanTextIsUnchanged() {
        #expect(TextSanitizer.sanitize("amount") == "amount")
        #expect(TextSanitizer.sanitize("Zürich 中文 🔥") == "Zürich 中文 🔥")
    }

    @Test func csiSequencesAreRemoved() {
        #expect(TextSanitizer.sanitize("\u{1B}[31mred\u{1B}[0m") == "red")
        #expect(TextSanitizer.sanitize("a\u{1B}[2J\u{1B}[H b") == "a b")
        #expect(TextSanitizer.sanitize("x\u{1B}[?1049h") == "x")
    }

    @Test func oscTitleSequencesAreRemoved() {
        #expect(TextSanitizer.sanitize("\u{1B}]0;pwned\u{07}model") == "model")
        #expect(TextSanitizer.sanitize("\u{1B}]2;title\u{1B}\\model") == "model")
        #expect(TextSanitizer.sanitize("\u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\") == "link")
        // Unterminated: swallowed to the end rather than leaked.
        #expect(TextSanitizer.sanitize("ok\u{1B}]0;never ends") == "ok")
    }

    @Test func dcsAndOtherStringsAreRemoved() {
        #expect(TextSanitizer.sanitize("a\u{1B}P1$r\u{1B}\\b") == "ab")
        #expect(TextSanitizer.sanitize("a\u{1B}_apc\u{1B}\\b") == "ab")
        #expect(TextSanitizer.sanitize("a\u{1B}(Bb") == "ab")
        #expect(TextSanitizer.sanitize("a\u{1B}") == "a")
    }

    @Test func c1ControlsAreHandled() {
        #expect(TextSanitizer.sanitize("a\u{9B}31mb") == "ab")  // 8-bit CSI
        #expect(TextSanitizer.sanitize("a\u{9D}0;t\u{9C}b") == "ab")  // 8-bit OSC … ST
        #expect(TextSanitizer.sanitize("a\u{85}b") == "a\u{FFFD}b")  // NEL
    }

    @Test func otherControlsAndWhitespace() {
        #expect(TextSanitizer.sanitize("a\u{0}b\u{7}c\u{7F}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        #expect(TextSanitizer.sanitize("line1\r\nline2\tend") == "line1  line2 end")
    }

    @Test func bidiControlsAreRemoved() {
        #expect(TextSanitizer.sanitize("user\u{202E}gnp.exe") == "usergnp.exe")
        #expect(TextSanitizer.sanitize("\u{2066}a\u{2069}\u{200F}b\u{61C}") == "ab")
    }

    @Test func resultNeverContainsEscapeOrControls() {
        let nasty = "\u{1B}[\u{1B}]\u{1B}P\u{9B}\u{9D}x\u{7}\u{1B}\\\u{1B}\u{1B}[1;2"
        let clean = TextSanitizer.sanitize(nasty + "tail")
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || (0x7F ... 0x9F).contains($0.value) })
    }
}
