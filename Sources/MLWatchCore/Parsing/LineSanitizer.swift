/// Makes a raw log line safe to show: invalid UTF-8 becomes U+FFFD, control characters (including ESC,
/// so no escape sequence can reach the terminal) become `·`, and the result is cut to `maxCharacters`.
public enum LineSanitizer {
    public static func sanitize(_ bytes: UnsafeBufferPointer<UInt8>, maxCharacters: Int = 200) -> String {
        let decoded = String(decoding: bytes.prefix(maxCharacters * 4), as: UTF8.self)
        var out = String.UnicodeScalarView()
        var n = 0
        for scalar in decoded.unicodeScalars {
            if n >= maxCharacters {
                out.append("…")
                break
            }
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) {
                out.append("·")
            } else {
                out.append(scalar)
            }
            n += 1
        }
        return String(out)
    }
}
