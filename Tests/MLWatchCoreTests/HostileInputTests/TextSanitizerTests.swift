import Foundation
import Testing
@testable import MLWatchCore

/// The one sanitizer every text surface uses (dashboard, `check` report, `journal`, errors, `--on-fire`).
@Suite("Hostile TextSanitizer")
struct TextSanitizerTests {
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

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0)
    }

    @Test("escape sequences survive parsing, but the sanitized line never holds ESC or C0/C1 controls")
    func escapesSurviveButSanitized() throws {
        let line = #"{"ts":1795428903,"model":"\u001b[31mred\u001b[0m","features":{"k":"\u009b2J\u0007\r\n"}}"#
        let p = try #require(PT.prediction(PT.parse(line)))
        #expect(p.model == "\u{1b}[31mred\u{1b}[0m")
        #expect(p.features[0].value == .string("\u{9b}2J\u{7}\r\n"))
        // What the dashboard shows of a raw (malformed) line.
        var raw = Array("{\"ts\":\"\u{1b}]0;pwned\u{7}\u{1b}[2J\",\u{9b}\u{85}".utf8)
        raw += [0xFF, 0xC2, 0x9B, 0x1B]
        let shown = raw.withUnsafeBufferPointer { TextSanitizer.sanitize($0) }
        #expect(!shown.unicodeScalars.contains(where: Self.isControl), "\(shown.debugDescription)")
        // The OSC title and the CSI are removed whole; the rest stays, stray bytes as U+FFFD.
        #expect(!shown.contains("pwned"))
        #expect(shown.hasPrefix("{\"ts\":\"\",") && shown.contains("\u{FFFD}"), "\(shown.debugDescription)")
    }

    @Test("random bytes: no controls, no bidi overrides, at most maxCharacters (+ ellipsis)")
    func randomBytes() {
        var rng = PTRandom(seed: 11)
        for _ in 0..<5000 {
            let n = Int(rng.next() % 400)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                // Bias towards interesting bytes: controls, C1 lead bytes, UTF-8 leads, bidi overrides.
                switch rng.next() % 6 {
                case 0: bytes.append(UInt8(rng.next() % 0x20))
                case 1: bytes += [0xC2, UInt8(0x80 + rng.next() % 0x20)]
                case 2: bytes += [0xE2, 0x80, UInt8(0xAA + rng.next() % 5)]
                default: bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                }
            }
            let limit = 1 + Int(rng.next() % 200)
            let shown = bytes.withUnsafeBufferPointer { TextSanitizer.sanitize($0, maxCharacters: limit) }
            #expect(!shown.unicodeScalars.contains(where: Self.isControl), "\(shown.debugDescription)")
            #expect(!shown.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) })
            #expect(shown.unicodeScalars.count <= limit + 1)
        }
    }

    @Test("the malformed lines a MonitorState remembers are sanitized")
    func monitorRemembersSanitized() {
        let state = MonitorState(options: CollectorOptions())
        state.ingestLine("\u{1b}[2J\u{1b}]0;title\u{7} not json")
        var bytes = Array(#"{"ts":1795428903,"model":""#.utf8)
        bytes += [0xFF, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x22, 0x7D]  // a stray byte, then ESC[31m
        bytes.withUnsafeBufferPointer { state.ingestLine($0) }
        let snap = state.snapshot(now: 0)
        #expect(snap.malformed.total == 2)
        #expect(snap.malformed.byReason == ["invalid_json": 1, "bad_utf8": 1])
        for line in snap.malformed.recent {
            #expect(!line.unicodeScalars.contains(where: Self.isControl), "\(line.debugDescription)")
        }
    }

    @Test("multiline keeps newlines and tabs and nothing else that moves the cursor")
    func multilineLayout() {
        #expect(TextSanitizer.sanitize("a\n\tb\r\n", layout: .multiline) == "a\n\tb \n")
        #expect(TextSanitizer.sanitize("ok\n", layout: .multiline) == "ok\n")
        #expect(TextSanitizer.isClean("a\nb\t", layout: .multiline))
        #expect(!TextSanitizer.isClean("a\nb"))
        let shown = TextSanitizer.sanitize("x\u{1B}]0;t\u{7}\n\u{9B}2Jy\u{85}", layout: .multiline)
        #expect(shown == "x\ny\u{FFFD}")
    }

    @Test("JSON: DEL and C1 are escaped, the JSON decodes to the same strings")
    func jsonEscapes() throws {
        var writer = JSONWriter()
        let nasty = "a\u{1B}[2J\u{7}\u{7F}\u{85}\u{9B}31m\u{9D}0;t\u{9C}ü"
        writer.string(nasty)
        let bytes = Array(writer.text.utf8)
        #expect(!bytes.contains { $0 < 0x20 || $0 == 0x7F })
        #expect(!zip(bytes, bytes.dropFirst()).contains { $0 == 0xC2 && (0x80...0x9F).contains($1) })
        let decoded = try JSONDecoder().decode(String.self, from: Data(writer.text.utf8))
        #expect(decoded == nasty)

        let encoded = String(decoding: try JSONEncoder().encode([nasty]), as: UTF8.self)
        let escaped = JSONText.escapingControls(encoded)
        #expect(!escaped.utf8.contains(0x7F) && !escaped.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
        #expect(try JSONDecoder().decode([String].self, from: Data(escaped.utf8)) == [nasty])
        #expect(JSONText.escapingControls("{\"a\":\"ü\"}") == "{\"a\":\"ü\"}")
    }
}
