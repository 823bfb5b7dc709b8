/// Post-processing of JSON text made by `JSONEncoder`, which escapes the C0 controls in strings but
/// writes DEL and the C1 controls (U+007F–U+009F: 8-bit CSI, OSC, NEL, …) as raw bytes. Those bytes can
/// only occur inside strings of valid JSON, where `\u00XX` means the same character: the result decodes
/// to the same values and no control byte reaches a terminal that shows it.
public enum JSONText {
    /// `json` with every DEL and C1 control written as a `\u00XX` escape.
    /// - Complexity: O(n); clean text is returned without copying.
    public static func escapingControls(_ json: String) -> String {
        guard json.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 }) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                out.append(contentsOf: ("\\u00" + String(scalar.value, radix: 16)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
