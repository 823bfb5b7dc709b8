/// Writes compact JSON text with keys in the order given, so output is stable line to line
/// (scripts diff it) — something `JSONEncoder` does not promise.
public struct JSONWriter {
    public private(set) var text = ""

    public init() {}

    public mutating func raw(_ s: String) {
        text += s
    }

    public mutating func string(_ s: String) {
        text += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                // C0, DEL and C1 are escaped: JSON only requires the C0 ones, but raw DEL or C1 bytes
                // (8-bit CSI, OSC, …) would reach a terminal that shows the output.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    /// An object of counts with its keys in sorted order (stable output): `{"a":1,"b":2}`.
    public mutating func counts(_ counts: [String: Int]) {
        text += "{"
        for (i, (key, n)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { text += "," }
            string(key)
            text += ":"
            number(n)
        }
        text += "}"
    }

    /// A number; NaN and ±Inf, which JSON cannot hold, are written as null.
    public mutating func number(_ v: Double) {
        guard v.isFinite else {
            text += "null"
            return
        }
        if v == v.rounded(), abs(v) < 1e15 {
            text += String(Int64(v))
        } else {
            text += String(v)
        }
    }

    public mutating func number(_ v: Int) {
        text += String(v)
    }

    public mutating func optionalNumber(_ v: Double?) {
        if let v { number(v) } else { text += "null" }
    }

    public mutating func timestamp(_ t: Double?) {
        if let t { string(TimestampParser.format(t)) } else { text += "null" }
    }

    public mutating func object(_ pairs: [(String, String)]) {
        text += "{"
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { text += "," }
            string(k)
            text += ":"
            string(v)
        }
        text += "}"
    }
}
