/// The one sanitizer for text that came from outside (log lines, configs, profiles, peers) on its way to
/// a terminal: the dashboard, the text report of `check`, `journal`, error messages, `--on-fire`'s
/// environment. Everything printed goes through it (the CLI's `Console` at the sink, panels when drawing).
///
/// A log line is attacker-controlled input: without this, a model name such as
/// `"\u{1B}]0;pwned\u{07}"` would retitle the operator's terminal, and `"\u{1B}[2J"` would wipe it.
/// The sanitizer
/// - removes whole escape sequences: CSI (`ESC [` … final byte), OSC (`ESC ]` … BEL or ST), DCS, SOS,
///   PM and APC strings (`ESC P/X/^/_` … ST), two-byte `ESC x` sequences, and their 8-bit C1 forms
///   (U+009B, U+009D, U+0090, …); an unterminated sequence swallows the rest of the text rather
///   than leaking;
/// - replaces other C0/C1 controls and DEL with `�`, so garbage stays visible;
/// - turns tab, newline and carriage return into a space (`.singleLine`, for a value inside a line), or
///   keeps newline and tab and turns carriage return into a space (`.multiline`, for whole outputs);
/// - removes bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069,
///   U+200E, U+200F, U+061C), which can make text display in a misleading order ("Trojan Source").
///
/// Clean text (printable ASCII only) is returned unchanged without allocating.
public enum TextSanitizer {
    /// The visible stand-in for a removed lone control character.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// What happens to line breaks and tabs.
    public enum Layout: Sendable {
        /// Tab, newline and carriage return become a space: a value shown inside one line cannot start
        /// a fake line of its own.
        case singleLine
        /// Newline and tab are kept (a whole report or message); carriage return becomes a space, so
        /// nothing can overwrite the start of a line.
        case multiline
    }

    /// `text` with escape sequences, controls and bidi overrides removed (see the type's doc comment).
    /// - Complexity: O(n).
    public static func sanitize(_ text: String, layout: Layout = .singleLine) -> String {
        if isClean(text, layout: layout) { return text }
        var output = String.UnicodeScalarView()
        var filter = Filter(layout: layout)
        for scalar in text.unicodeScalars {
            if let kept = filter.next(scalar) { output.append(kept) }
        }
        return String(output)
    }

    /// A raw line of bytes made safe to show (a malformed log line): invalid UTF-8 becomes U+FFFD, the
    /// text is sanitized on one line and cut to `maxCharacters` Unicode scalars (plus `…` when cut).
    /// - Complexity: O(min(n, 4 · maxCharacters)).
    public static func sanitize(_ bytes: UnsafeBufferPointer<UInt8>, maxCharacters: Int = 200) -> String {
        let limit = max(0, maxCharacters)
        let decoded = String(decoding: bytes.prefix(limit.multipliedReportingOverflow(by: 4).overflow ? Int.max : limit * 4), as: UTF8.self)
        var output = String.UnicodeScalarView()
        var filter = Filter(layout: .singleLine)
        var count = 0
        for scalar in decoded.unicodeScalars {
            guard let kept = filter.next(scalar) else { continue }
            if count == limit {
                output.append("…")
                break
            }
            output.append(kept)
            count += 1
        }
        return String(output)
    }

    /// True when `text` needs no change: printable ASCII only (plus newline and tab for `.multiline`).
    public static func isClean(_ text: String, layout: Layout = .singleLine) -> Bool {
        switch layout {
        case .singleLine: return text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        case .multiline: return text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }
        }
    }

    /// The scalar-by-scalar state machine: `next` returns what to output for one input scalar, if anything.
    private struct Filter {
        let layout: Layout
        var state = State.text

        init(layout: Layout) {
            self.layout = layout
        }

        mutating func next(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
            let value = scalar.value
            switch state {
            case .text:
                switch value {
                case 0x1B: state = .escape
                case 0x9B: state = .csi
                case 0x9D: state = .string(bellEnds: true)
                case 0x90, 0x98, 0x9E, 0x9F: state = .string(bellEnds: false)
                case 0x0A, 0x09: return layout == .multiline ? scalar : " "
                case 0x0D: return " "
                case 0x00 ..< 0x20, 0x7F ... 0x9F: return TextSanitizer.replacement
                case 0x202A ... 0x202E, 0x2066 ... 0x2069, 0x200E, 0x200F, 0x061C: return nil
                default: return scalar
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
            return nil
        }
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
