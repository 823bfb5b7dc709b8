/// Makes text from logs (feature names, categories, model names, alert summaries) safe to draw.
///
/// A log line is attacker-controlled input: without this, a feature value such as
/// `"\u{1B}]0;pwned\u{07}"` would retitle the operator's terminal, and `"\u{1B}[2J"` would wipe it.
/// The sanitizer
/// - removes whole escape sequences: CSI (`ESC [` … final byte), OSC (`ESC ]` … BEL or ST), DCS, SOS,
///   PM and APC strings (`ESC P/X/^/_` … ST), two-byte `ESC x` sequences, and their 8-bit C1 forms
///   (U+009B, U+009D, U+0090, …); an unterminated sequence swallows the rest of the text rather
///   than leaking;
/// - replaces other C0/C1 controls and DEL with `�`, so garbage stays visible;
/// - turns tab, newline and carriage return into a space (the UI shows single lines);
/// - removes bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069,
///   U+200E, U+200F, U+061C), which can make text display in a misleading order ("Trojan Source").
///
/// Clean text (printable ASCII only) is returned unchanged without allocating.
public enum TextSanitizer {
    /// The visible stand-in for a removed lone control character.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `text` with escape sequences, controls and bidi overrides removed (see the type's doc comment).
    /// - Complexity: O(n).
    public static func sanitize(_ text: String) -> String {
        if isClean(text) { return text }
        var output = String.UnicodeScalarView()
        var state = State.text
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch state {
            case .text:
                switch value {
                case 0x1B: state = .escape
                case 0x9B: state = .csi
                case 0x9D: state = .string(bellEnds: true)
                case 0x90, 0x98, 0x9E, 0x9F: state = .string(bellEnds: false)
                case 0x09, 0x0A, 0x0D: output.append(" ")
                case 0x00 ..< 0x20, 0x7F ... 0x9F: output.append(replacement)
                case 0x202A ... 0x202E, 0x2066 ... 0x2069, 0x200E, 0x200F, 0x061C: break
                default: output.append(scalar)
                }
            case .escape:
                switch value {
                case 0x5B: state = .csi  // [
                case 0x5D: state = .string(bellEnds: true)  // ]
                case 0x50, 0x58, 0x5E, 0x5F: state = .string(bellEnds: false)  // P X ^ _
                case 0x20 ... 0x2F: state = .escapeIntermediate
                default: state = .text  // ESC + final byte (or garbage): both dropped
                }
            case .escapeIntermediate:
                if !(0x20 ... 0x2F).contains(value) { state = .text }
            case .csi:
                // Parameter (0x30–0x3F) and intermediate (0x20–0x2F) bytes continue; anything else ends it.
                if !(0x20 ... 0x3F).contains(value) { state = .text }
            case .string(let bellEnds):
                if value == 0x9C || (bellEnds && value == 0x07) {
                    state = .text
                } else if value == 0x1B {
                    state = .stringEscape(bellEnds: bellEnds)
                }
            case .stringEscape(let bellEnds):
                // ESC \ is the string terminator; any other ESC x inside a string is swallowed with it.
                state = value == 0x5C ? .text : .string(bellEnds: bellEnds)
            }
        }
        return String(output)
    }

    /// True when `text` is printable ASCII only (nothing to sanitize).
    public static func isClean(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private enum State {
        case text
        case escape
        case escapeIntermediate
        case csi
        case string(bellEnds: Bool)
        case stringEscape(bellEnds: Bool)
    }
}
