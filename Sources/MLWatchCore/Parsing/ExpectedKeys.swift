/// The object keys of the last line, by position, as the raw bytes they were written with (quotes
/// included), each with what the parser made of it: the next line of the same producer almost always writes
/// the same keys in the same order, so the parser first checks for exactly those bytes.
///
/// Why: reading a key meant scanning it for its closing quote (`JSONScanner.parseString`), then comparing
/// it again (against the known field names, or the interner's remembered feature name): ~18 keys a line,
/// ~8 % of parse + ingest in `perf`. One word-wise comparison against the remembered bytes does both.
/// Exact: equal raw bytes always decode to the same key, and the closing quote is part of what is compared,
/// so a longer key never matches a shorter one.
struct ExpectedKeys<Meaning> {
    /// Each position owns a fixed slot of the arena: keys longer than that (quotes included) are not
    /// remembered and always take the general path.
    private static var slotBytes: Int { 48 }
    private let positions: Int
    private var arena: [UInt8]
    /// Bytes remembered at each position (0 = nothing).
    private var lengths: [Int]
    private var meanings: [Meaning?]

    /// - Parameter positions: how many leading keys of an object are remembered.
    init(positions: Int) {
        self.positions = positions
        arena = Array(repeating: 0, count: positions * Self.slotBytes)
        lengths = Array(repeating: 0, count: positions)
        meanings = Array(repeating: nil, count: positions)
    }

    /// If the scanner stands at exactly the key remembered for `position`, moves past it (after its closing
    /// quote) and returns its meaning; otherwise leaves the scanner where it is.
    @inline(__always)
    func match(_ position: Int, _ s: inout JSONScanner) -> Meaning? {
        guard position < positions else { return nil }
        let n = lengths[position]
        guard n > 0, s.i + n <= s.bytes.count, let line = s.bytes.baseAddress else { return nil }
        let same = arena.withUnsafeBufferPointer {
            ByteHash.equal($0.baseAddress! + position * Self.slotBytes, line + s.i, n)
        }
        guard same else { return nil }
        s.i += n
        return meanings[position]
    }

    /// Forgets the key at `position` (nothing will match there until the next `remember`).
    mutating func forget(_ position: Int) {
        guard position < positions else { return }
        lengths[position] = 0
        meanings[position] = nil
    }

    /// Remembers the key written as `raw` (its bytes from the opening to the closing quote) at `position`.
    mutating func remember(_ position: Int, raw: UnsafeBufferPointer<UInt8>, meaning: Meaning) {
        guard position < positions else { return }
        guard raw.count <= Self.slotBytes else {
            lengths[position] = 0
            meanings[position] = nil
            return
        }
        let base = position * Self.slotBytes
        arena.withUnsafeMutableBufferPointer { a in
            for k in 0..<raw.count { a[base + k] = raw[k] }
        }
        lengths[position] = raw.count
        meanings[position] = meaning
    }
}
