import Foundation

/// A forward-only cursor over the bytes of one JSON line.
///
/// Why hand-written: Foundation's `JSONSerialization` builds a boxed object tree per line and is an
/// order of magnitude too slow for following busy logs (see BENCHMARKS.md, `mlwatch-bench parse`). This
/// scanner validates as it goes (structure, string escapes, UTF-8) and hands out byte ranges, so the
/// event parser allocates only for values it keeps.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i: Int = 0
    /// Decoded bytes of the last string that contained escapes.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { i >= bytes.count }

    @inline(__always) mutating func skipWhitespace() {
        // Most calls stand at a structural byte or a value: every whitespace byte is ≤ 0x20, so one compare
        // settles those (the loop below was ~10 % of the parser's own time, called ~3 times per field).
        guard i < bytes.count, bytes[i] <= 0x20 else { return }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 } else { return }
        }
    }

    @inline(__always) func peek() -> UInt8? {
        i < bytes.count ? bytes[i] : nil
    }

    @inline(__always) mutating func expect(_ b: UInt8) throws(MalformedReason) {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == b else { throw .invalidJSON }
        i += 1
    }

    /// A parsed string: either a range of the line (no escapes) or the scanner's scratch buffer.
    enum StringToken {
        case raw(Range<Int>)
        case decoded
    }

    /// Parses a string starting at `"`, validating escapes and UTF-8.
    mutating func parseString() throws(MalformedReason) -> StringToken {
        guard i < bytes.count, bytes[i] == 0x22 else { throw .invalidJSON }
        i += 1
        let start = i
        var hasEscape = false
        while i < bytes.count {
            if !hasEscape { skipPlainASCII() }
            guard i < bytes.count else { break }
            let b = bytes[i]
            if b == 0x22 {
                if !hasEscape {
                    i += 1
                    return .raw(start..<(i - 1))
                }
                break
            } else if b == 0x5C {
                if !hasEscape {
                    hasEscape = true
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: bytes[start..<i])
                }
                i += 1
                guard i < bytes.count else { throw .invalidJSON }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: scratch.append(e)
                case 0x62: scratch.append(0x08)
                case 0x66: scratch.append(0x0C)
                case 0x6E: scratch.append(0x0A)
                case 0x72: scratch.append(0x0D)
                case 0x74: scratch.append(0x09)
                case 0x75:
                    var scalar = try parseHex4()
                    if scalar >= 0xD800, scalar <= 0xDBFF {
                        // A high surrogate must be followed by a low one.
                        guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { throw .invalidJSON }
                        i += 2
                        let low = try parseHex4()
                        guard low >= 0xDC00, low <= 0xDFFF else { throw .invalidJSON }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                        throw .invalidJSON
                    }
                    appendUTF8(scalar)
                default:
                    throw .invalidJSON
                }
            } else if b < 0x20 {
                throw .invalidJSON
            } else if b < 0x80 {
                if hasEscape { scratch.append(b) }
                i += 1
            } else {
                let len = try utf8SequenceLength(at: i)
                if hasEscape { scratch.append(contentsOf: bytes[i..<(i + len)]) }
                i += len
            }
        }
        guard i < bytes.count, bytes[i] == 0x22 else { throw .invalidJSON }
        i += 1
        return .decoded
    }

    /// Advances `i` over string bytes that need no attention (printable ASCII other than `"` and `\`),
    /// eight at a time, stopping at the first byte that does (or fewer than eight bytes before the end).
    ///
    /// Why (SWAR, "SIMD within a register"): the byte-at-a-time loop in `parseString` was its hottest
    /// part, ~9 % of parse + ingest in `perf`; a line is mostly string bytes. Per 64-bit word: a byte is
    /// `"` or `\` when `w ^ 0x22…`/`w ^ 0x5C…` has a zero byte (`(v - 0x01…) & ~v & 0x80…`), is a control
    /// character when `(w - 0x20…) & ~w & 0x80…` flags it, and is non-ASCII when its top bit is set. The
    /// borrows of these subtractions can only flag bytes *above* a real hit, so the lowest flagged byte
    /// is the first special one; the byte loop then handles it exactly as before.
    @inline(__always)
    private mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        let p = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= bytes.count {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ (0x22 &* ones)
            let bs = w ^ (0x5C &* ones)
            let special = (((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((w &- 0x20 &* ones) & ~w) | w) & high
            if special != 0 {
                // Little-endian: the first byte in memory is the lowest in the word.
                i += special.littleEndian.trailingZeroBitCount >> 3
                return
            }
            i += 8
        }
    }

    private mutating func parseHex4() throws(MalformedReason) -> UInt32 {
        guard i + 4 <= bytes.count else { throw .invalidJSON }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw .invalidJSON
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func appendUTF8(_ v: UInt32) {
        if v < 0x80 {
            scratch.append(UInt8(v))
        } else if v < 0x800 {
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Validates one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    private func utf8SequenceLength(at p: Int) throws(MalformedReason) -> Int {
        let b0 = bytes[p]
        func cont(_ k: Int) -> UInt8? {
            p + k < bytes.count && bytes[p + k] & 0xC0 == 0x80 ? bytes[p + k] : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard cont(1) != nil else { throw .badUTF8 }
            return 2
        case 0xE0...0xEF:
            guard let b1 = cont(1), cont(2) != nil else { throw .badUTF8 }
            if b0 == 0xE0 && b1 < 0xA0 { throw .badUTF8 }
            if b0 == 0xED && b1 > 0x9F { throw .badUTF8 }
            return 3
        case 0xF0...0xF4:
            guard let b1 = cont(1), cont(2) != nil, cont(3) != nil else { throw .badUTF8 }
            if b0 == 0xF0 && b1 < 0x90 { throw .badUTF8 }
            if b0 == 0xF4 && b1 > 0x8F { throw .badUTF8 }
            return 4
        default:
            throw .badUTF8
        }
    }

    /// Bytes of a string token (valid until the next `parseString`).
    func withBytes<R>(_ token: StringToken, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch token {
        case .raw(let r): return body(UnsafeBufferPointer(rebasing: bytes[r]))
        case .decoded: return scratch.withUnsafeBufferPointer { body($0) }
        }
    }

    func string(_ token: StringToken) -> String {
        withBytes(token) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value of the eight ASCII digits at `p`, or nil if any of the eight bytes is not a digit.
    ///
    /// Why: the sample schema's numbers carry up to 17 digits (`debt_to_income_ratio` as Python prints a
    /// double), read one by one before. This is the SWAR routine of simdjson (Lemire, "Number parsing at a
    /// gigabyte per second"): one unaligned 8-byte load, one test for "all digits", three multiplications.
    /// Little-endian: the first digit is the low byte.
    @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let w = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        // A byte is a digit iff adding 0x46 does not carry into bit 7 and subtracting 0x30 does not borrow.
        guard ((w &+ 0x4646_4646_4646_4646) | (w &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var v = w & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8  // pairs of digits: 10 * first + second, in every other byte
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16  // groups of four digits
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// Appends eight digits worth `chunk` to `mantissa`, counting significant digits as the one-by-one
    /// loop does (leading zeros of the number are not counted).
    @inline(__always)
    static func append(_ chunk: UInt64, to mantissa: inout UInt64, digits: inout Int) {
        if mantissa != 0 {
            digits += 8
        } else if chunk != 0 {
            var d = 1
            var t: UInt64 = 10
            while t <= chunk {
                d += 1
                t &*= 10
            }
            digits = d
        }
        mantissa = mantissa &* 100_000_000 &+ chunk
    }

    /// Parses a JSON number, plus `NaN`, `Infinity` and `-Infinity` as Python's `json` writes them.
    mutating func parseNumber() throws(MalformedReason) -> Double {
        // The cursor and the bytes in locals: written through `self` (an inout struct), the loops stored `i`
        // back to memory on every digit, since the compiler could not prove the bytes do not alias it.
        let n = bytes.count
        guard let p = bytes.baseAddress else { throw .invalidJSON }
        let start = i
        var j = i
        var negative = false
        if j < n, p[j] == 0x2D {
            negative = true
            j += 1
        }
        if j < n, p[j] == 0x49 {  // Infinity
            i = j
            try literal("Infinity")
            return negative ? -.infinity : .infinity
        }
        if !negative, j < n, p[j] == 0x4E {  // NaN
            i = j
            try literal("NaN")
            return .nan
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        // Whether a nonzero digit beyond the 19 kept ones was dropped (the mantissa is then inexact).
        var dropped = false
        let intStart = j
        while j < n, p[j] &- 0x30 < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[j] &- 0x30)
                if mantissa != 0 { digits += 1 }
            } else {
                exp10 += 1
                if p[j] != 0x30 { dropped = true }
            }
            j += 1
        }
        let intLen = j - intStart
        guard intLen > 0 else { throw .invalidJSON }
        if intLen > 1, p[intStart] == 0x30 { throw .invalidJSON }
        if j < n, p[j] == 0x2E {
            j += 1
            let fracStart = j
            // Eight digits at a time while they fit in the 19 kept ones (see `eightDigits`), then one by one.
            // Only here: long digit runs are fractions in practice (printed doubles), and the failed test
            // on every short integer part cost as much as the eight-digit steps saved.
            while digits <= 11, j + 8 <= n, let v = Self.eightDigits(p + j) {
                Self.append(v, to: &mantissa, digits: &digits)
                exp10 -= 8
                j += 8
            }
            while j < n, p[j] &- 0x30 < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[j] &- 0x30)
                    if mantissa != 0 { digits += 1 }
                    exp10 -= 1
                } else if p[j] != 0x30 {
                    dropped = true
                }
                j += 1
            }
            guard j > fracStart else { throw .invalidJSON }
        }
        if j < n, p[j] | 0x20 == 0x65 {
            j += 1
            var expNegative = false
            if j < n, p[j] == 0x2B || p[j] == 0x2D {
                expNegative = p[j] == 0x2D
                j += 1
            }
            let expStart = j
            var e = 0
            while j < n, p[j] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[j] &- 0x30) }
                j += 1
            }
            guard j > expStart else { throw .invalidJSON }
            exp10 += expNegative ? -e : e
        }
        i = j
        // Clinger's fast path: exact when the mantissa fits in 53 bits and |exp10| ≤ 22,
        // because both operands are then exact doubles and IEEE division/multiplication rounds once.
        if mantissa < (1 << 53), exp10 >= -22, exp10 <= 22 {
            var v = Double(mantissa)
            if exp10 < 0 { v /= JSONScanner.powerOf10(-exp10) } else if exp10 > 0 { v *= JSONScanner.powerOf10(exp10) }
            return negative ? -v : v
        }
        #if arch(x86_64) && !os(Windows)
        // 17–19 significant digits (about half of the doubles Python or Swift print): Float80 holds the
        // 64-bit mantissa and 10^k (k ≤ 27) exactly, so one Float80 operation rounds once to 64 bits;
        // rounding that to a double is correct unless the Float80 result sits exactly on a midpoint
        // between two doubles (low 11 bits 0b100_0000_0000), the one case where double rounding can
        // differ from a single rounding. That case, and the rest, take the slow path. This replaced a
        // strtod call with a heap-allocated C string for every such number (the hot spot in profiles).
        if !dropped, exp10 >= -27, exp10 <= 27 {
            var r = Float80(mantissa)
            if exp10 < 0 { r /= JSONScanner.powerOf10x(-exp10) } else if exp10 > 0 { r *= JSONScanner.powerOf10x(exp10) }
            if r.significandBitPattern & 0x7FF != 0x400 {
                let v = Double(r)
                return negative ? -v : v
            }
        }
        #endif
        return slowNumber(start..<i)
    }

    /// 10^k for 0 ≤ k ≤ 22, all exact doubles. A `switch` of literals (a table in read-only data) rather than
    /// a `static let` array, whose lazy initialisation check (`swift_once`) ran on every number.
    @inline(__always)
    static func powerOf10(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    #if arch(x86_64) && !os(Windows)
    /// 10^k for 0 ≤ k ≤ 27, exact in Float80's 64-bit significand (5^27 < 2^64); literals, as `powerOf10`.
    @inline(__always)
    private static func powerOf10x(_ k: Int) -> Float80 {
        switch k {
        case 0...22: return Float80(powerOf10(k))
        case 23: return 1e23
        case 24: return 1e24
        case 25: return 1e25
        case 26: return 1e26
        default: return 1e27
        }
    }
    #endif

    /// Any other number, through the standard library (correctly rounded, and independent of the C
    /// locale: `strtod`, used before, reads "0.5" as 0 once the terminal UI has called
    /// `setlocale(LC_ALL, "")` under a locale with a decimal comma). The token is valid JSON here.
    private func slowNumber(_ r: Range<Int>) -> Double {
        Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)) ?? .nan
    }

    mutating func literal(_ word: StaticString) throws(MalformedReason) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw .invalidJSON }
        let p = word.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw .invalidJSON }
        i += n
    }

    /// Skips any value, validating it. `depth` guards against stack exhaustion on hostile nesting.
    mutating func skipValue(depth: Int = 0) throws(MalformedReason) {
        guard depth < 64 else { throw .invalidJSON }
        skipWhitespace()
        guard let b = peek() else { throw .invalidJSON }
        switch b {
        case 0x22: _ = try parseString()
        case 0x7B:
            i += 1
            skipWhitespace()
            if peek() == 0x7D {
                i += 1
                return
            }
            while true {
                skipWhitespace()
                _ = try parseString()
                try expect(0x3A)
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let c = peek() else { throw .invalidJSON }
                i += 1
                if c == 0x7D { return }
                guard c == 0x2C else { throw .invalidJSON }
            }
        case 0x5B:
            i += 1
            skipWhitespace()
            if peek() == 0x5D {
                i += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let c = peek() else { throw .invalidJSON }
                i += 1
                if c == 0x5D { return }
                guard c == 0x2C else { throw .invalidJSON }
            }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try parseNumber()
        }
    }

    /// Parses any value into a generic tree (off the hot path: configured field mappings).
    mutating func parseValue(depth: Int = 0) throws(MalformedReason) -> JSONValue {
        guard depth < 64 else { throw .invalidJSON }
        skipWhitespace()
        guard let b = peek() else { throw .invalidJSON }
        switch b {
        case 0x22:
            // Two statements on purpose: in `string(try parseString())` the receiver (with the old
            // `scratch`) is read before the argument runs, so a string with escapes came out stale.
            let token = try parseString()
            return .string(string(token))
        case 0x7B:
            i += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if peek() == 0x7D {
                i += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let keyToken = try parseString()
                let key = string(keyToken)
                try expect(0x3A)
                members.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard let c = peek() else { throw .invalidJSON }
                i += 1
                if c == 0x7D { return .object(members) }
                guard c == 0x2C else { throw .invalidJSON }
            }
        case 0x5B:
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek() == 0x5D {
                i += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard let c = peek() else { throw .invalidJSON }
                i += 1
                if c == 0x5D { return .array(items) }
                guard c == 0x2C else { throw .invalidJSON }
            }
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        default: return .number(try parseNumber())
        }
    }

    /// Whether the token's bytes equal an ASCII key.
    @inline(__always) func tokenEquals(_ token: StringToken, _ key: StaticString) -> Bool {
        withBytes(token) { buf in
            let n = key.utf8CodeUnitCount
            guard buf.count == n else { return false }
            let p = key.utf8Start
            for k in 0..<n where buf[k] != p[k] { return false }
            return true
        }
    }
}
