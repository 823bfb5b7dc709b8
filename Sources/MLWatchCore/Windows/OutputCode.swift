/// An optional `OutputValue` (a prediction or a label) in 8 bytes, as a `WindowedPrediction` keeps it:
/// 24 bytes as an `OutputValue?` (a 17-byte enum at an 8-byte stride).
///
/// NaN boxing, as `FeatureSlab` encodes feature values: a number is its `Double` bits; anything else is a
/// NaN whose top 16 bits are `FeatureSlab.tagPrefix`, with its kind in bits 40–47 and, for a class name,
/// its number in a `CategoryTable` of the window below. A number that happened to carry the tag prefix
/// (a NaN with that payload, which no JSON number is) is kept as the negative quiet NaN: every reader
/// treats NaNs alike (`OutputValue.sameClass`, non-finite values skipped).
///
/// Class names are compared as `String`s by the table, so two spellings that Swift deems equal
/// (canonically equivalent Unicode) read back as the first one held, as feature categories do in
/// `FeatureSlab`; the aggregates already counted them as one class (`CategoryCounts`).
enum OutputCode {
    private enum Kind: UInt64 {
        case label = 1, null, absent
    }
    private static let tagMask: UInt64 = 0xFFFF << 48

    /// The code of no value (`nil`).
    static let absent: UInt64 = tag(.absent, 0)

    /// The code of `value`, counting its class name in `strings`.
    @inline(__always)
    static func encode(_ value: OutputValue?, strings: inout CategoryTable) -> UInt64 {
        switch value {
        case .number(let d)?:
            let bits = d.bitPattern
            return bits & tagMask == FeatureSlab.tagPrefix ? 0xFFF8 << 48 : bits
        case .label(let s)?: return tag(.label, UInt64(strings.retain(s)))
        case .null?: return tag(.null, 0)
        case nil: return absent
        }
    }

    /// The value of `code`; `strings` is the table it was encoded with.
    @inline(__always)
    static func decode(_ code: UInt64, strings: UnsafeBufferPointer<String>) -> OutputValue? {
        guard code & tagMask == FeatureSlab.tagPrefix else { return .number(Double(bitPattern: code)) }
        switch Kind(rawValue: (code >> 40) & 0xFF) {
        case .label: return .label(strings[Int(UInt32(truncatingIfNeeded: code))])
        case .null: return .null
        case .absent, nil: return nil
        }
    }

    /// Gives up the class name `code` counted, if any.
    @inline(__always)
    static func release(_ code: UInt64, strings: inout CategoryTable) {
        if code & tagMask == FeatureSlab.tagPrefix, Kind(rawValue: (code >> 40) & 0xFF) == .label {
            strings.release(UInt32(truncatingIfNeeded: code))
        }
    }

    @inline(__always)
    private static func tag(_ kind: Kind, _ payload: UInt64) -> UInt64 {
        FeatureSlab.tagPrefix | kind.rawValue << 40 | payload
    }
}
