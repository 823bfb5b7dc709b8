/// The last few string values seen at each interner call site (a feature's position, `model`, `status`…),
/// as the raw bytes they were written with (quotes included), each with its interned `String`: categorical
/// values repeat from a small set, so the parser first checks for exactly those bytes.
///
/// Why: a value was scanned for its closing quote (`JSONScanner.parseString`), then hashed or compared by
/// the interner; a word-wise comparison against a handful of remembered spellings does both (see
/// `ExpectedKeys`, which does the same for keys). Exact for the same reason: equal raw bytes, escapes
/// included, always decode to the same string, and the closing quote is part of what is compared.
///
/// Each spelling carries its owner, the feature number that wrote it (`FeatureSchemaCatalog`), and only
/// its owner matches it: a matched value skips the count of distinct values (`FeatureCardinality`), so it
/// must have been counted for this feature when remembered. Sites are positions in the features object,
/// and with key orders that vary between lines another feature's value stands there too: without the
/// owner its spelling was never counted for this feature, and the same events in another key order
/// turned a feature into text later, or never.
struct ExpectedValues {
    /// Spellings remembered per site, replaced round-robin. Categorical features of real logs mostly have a
    /// few values; a site whose values vary more just falls back to the interner.
    private static var candidates: Int { 4 }
    /// Longest remembered spelling, quotes included.
    private static var slotBytes: Int { 32 }
    private let sites: Int
    private var arena: [UInt8]
    /// By slot: the spelling's length (0: empty slot) and its owner, in one word (one load per candidate).
    private var slots: [Slot]
    private var strings: [String]
    private var nextVictim: [Int]

    init(sites: Int) {
        self.sites = sites
        arena = Array(repeating: 0, count: sites * Self.candidates * Self.slotBytes)
        slots = Array(repeating: Slot(length: 0, owner: 0), count: sites * Self.candidates)
        strings = Array(repeating: "", count: sites * Self.candidates)
        nextVictim = Array(repeating: 0, count: sites)
    }

    private struct Slot {
        var length: Int32
        var owner: Int32
    }

    /// If the scanner stands at a spelling `owner` remembered for `site`, moves past it and returns its string.
    /// - Parameter owner: the feature number for a feature's value; for other sites (one field each), any
    ///   constant.
    @inline(__always)
    func match(_ site: Int, owner: Int32, _ s: inout JSONScanner) -> String? {
        guard site >= 0, site < sites, let line = s.bytes.baseAddress else { return nil }
        let available = s.bytes.count - s.i
        let here = line + s.i
        let found: Int? = arena.withUnsafeBufferPointer { a in
            for c in 0..<Self.candidates {
                let k = site * Self.candidates + c
                let slot = slots[k]
                let n = Int(slot.length)
                if n > 0, slot.owner == owner, n <= available,
                   ByteHash.equal(a.baseAddress! + k * Self.slotBytes, here, n) { return k }
            }
            return nil
        }
        guard let found else { return nil }
        s.i += Int(slots[found].length)
        return strings[found]
    }

    /// Forgets every remembered spelling (after a line whose values were not counted after all).
    mutating func forgetAll() {
        for k in slots.indices { slots[k].length = 0 }
    }

    /// Remembers `value`, written as `raw` (from its opening to its closing quote), for `site` and `owner`.
    mutating func remember(_ site: Int, owner: Int32, raw: UnsafeBufferPointer<UInt8>, value: String) {
        guard site >= 0, site < sites, raw.count <= Self.slotBytes else { return }
        let k = site * Self.candidates + nextVictim[site]
        nextVictim[site] = (nextVictim[site] + 1) % Self.candidates
        arena.withUnsafeMutableBufferPointer { a in
            for j in 0..<raw.count { a[k * Self.slotBytes + j] = raw[j] }
        }
        slots[k] = Slot(length: Int32(raw.count), owner: owner)
        strings[k] = value
    }
}
