/// The last few string values seen at each interner call site (a feature's position, `model`, `status`…),
/// as the raw bytes they were written with (quotes included), each with its interned `String`: categorical
/// values repeat from a small set, so the parser first checks for exactly those bytes.
///
/// Why: a value was scanned for its closing quote (`JSONScanner.parseString`), then hashed or compared by
/// the interner; a word-wise comparison against a handful of remembered spellings does both (see
/// `ExpectedKeys`, which does the same for keys). Exact for the same reason: equal raw bytes, escapes
/// included, always decode to the same string, and the closing quote is part of what is compared.
struct ExpectedValues {
    /// Spellings remembered per site, replaced round-robin. Categorical features of real logs mostly have a
    /// few values; a site whose values vary more just falls back to the interner.
    private static var candidates: Int { 4 }
    /// Longest remembered spelling, quotes included.
    private static var slotBytes: Int { 32 }
    private let sites: Int
    private var arena: [UInt8]
    private var lengths: [Int]
    private var strings: [String]
    private var nextVictim: [Int]

    init(sites: Int) {
        self.sites = sites
        arena = Array(repeating: 0, count: sites * Self.candidates * Self.slotBytes)
        lengths = Array(repeating: 0, count: sites * Self.candidates)
        strings = Array(repeating: "", count: sites * Self.candidates)
        nextVictim = Array(repeating: 0, count: sites)
    }

    /// If the scanner stands at a spelling remembered for `site`, moves past it and returns its string.
    @inline(__always)
    func match(_ site: Int, _ s: inout JSONScanner) -> String? {
        guard site >= 0, site < sites, let line = s.bytes.baseAddress else { return nil }
        let available = s.bytes.count - s.i
        let here = line + s.i
        let found: Int? = arena.withUnsafeBufferPointer { a in
            for c in 0..<Self.candidates {
                let k = site * Self.candidates + c
                let n = lengths[k]
                if n > 0, n <= available, ByteHash.equal(a.baseAddress! + k * Self.slotBytes, here, n) { return k }
            }
            return nil
        }
        guard let found else { return nil }
        s.i += lengths[found]
        return strings[found]
    }

    /// Remembers `value`, written as `raw` (from its opening to its closing quote), for `site`.
    mutating func remember(_ site: Int, raw: UnsafeBufferPointer<UInt8>, value: String) {
        guard site >= 0, site < sites, raw.count <= Self.slotBytes else { return }
        let k = site * Self.candidates + nextVictim[site]
        nextVictim[site] = (nextVictim[site] + 1) % Self.candidates
        arena.withUnsafeMutableBufferPointer { a in
            for j in 0..<raw.count { a[k * Self.slotBytes + j] = raw[j] }
        }
        lengths[k] = raw.count
        strings[k] = value
    }
}
