/// How many events of a window carry each category, as events enter (+1) and leave (−1).
///
/// Why not a `Dictionary`: this runs twice per value per event (entering and leaving the window), and a
/// String dictionary hashes the whole key with SipHash each time. Most columns hold a handful of
/// categories, and the parser interns their strings, so comparing against the few keys seen so far is
/// cheaper (equal interned strings compare by their bits). Past `linearLimit` keys an index dictionary
/// takes over. Keys whose count drops to zero are compacted away once they are half of the slots.
///
/// The linear scan compares the keys' 16-byte representations first: an interned string, and any small
/// (≤ 15-byte, inline) string, has the same bits as every string equal to it, so an event's category is
/// found with two integer compares per key. `==` on two *different* strings calls into the standard
/// library's slow comparison each time (`_stringCompareWithSmolCheck`: 5 % of the engine thread of
/// `mlwatch check`, a 20-country column costing ~10 such calls per event); it is still the fallback, for
/// equal strings held in different buffers.
struct CategoryCounts: Sendable {
    static let linearLimit = 24
    private var keys: [String] = []
    /// `keys[i]`'s representation (see `Bits`).
    private var bits: [Bits] = []
    private var counts: [Int] = []
    /// Each key's length in characters (graphemes), counted once when the key is first seen.
    private var lengths: [Int] = []
    private var index: [String: Int]?
    private var zeros = 0

    /// - Returns: the key's length in characters.
    @discardableResult
    mutating func add(_ key: String, _ sign: Int) -> Int {
        let slot: Int
        if let index {
            if let i = index[key] { slot = i } else { slot = append(key) }
        } else if let i = bits.lastIndex(of: Bits(key)) ?? keys.lastIndex(where: { $0 == key }) {
            slot = i
        } else {
            slot = append(key)
        }
        let before = counts[slot]
        counts[slot] = max(0, before + sign)
        if before == 0 && counts[slot] > 0 { zeros -= 1 }
        if before > 0 && counts[slot] == 0 {
            zeros += 1
            let length = lengths[slot]
            if zeros > 16 && zeros * 2 > keys.count { compact() }
            return length
        }
        return lengths[slot]
    }

    /// Number of categories with a positive count.
    var distinctCount: Int { keys.count - zeros }

    /// Calls `body` with each category with a positive count, its count and its length in characters.
    func forEachCounted(_ body: (String, Int, Int) -> Void) {
        for i in keys.indices where counts[i] > 0 { body(keys[i], counts[i], lengths[i]) }
    }

    /// Every category with a positive count.
    var dictionary: [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(keys.count - zeros)
        for (k, c) in zip(keys, counts) where c > 0 { d[k] = c }
        return d
    }

    private mutating func append(_ key: String) -> Int {
        keys.append(key)
        bits.append(Bits(key))
        counts.append(0)
        lengths.append(key.count)
        zeros += 1
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.linearLimit {
            index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        }
        return keys.count - 1
    }

    private mutating func compact() {
        var k: [String] = []
        var c: [Int] = []
        var l: [Int] = []
        for i in keys.indices where counts[i] > 0 {
            k.append(keys[i])
            c.append(counts[i])
            l.append(lengths[i])
        }
        keys = k
        bits = k.map(Bits.init)
        counts = c
        lengths = l
        zeros = 0
        index = keys.count > Self.linearLimit ? Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }) : nil
    }

    /// A string's two words as stored: equal bits mean equal strings (the converse holds for small strings
    /// and for one shared buffer, which is what interned strings are).
    private struct Bits: Equatable, Sendable {
        var low: UInt64
        var high: UInt64

        @inline(__always)
        init(_ s: String) {
            (low, high) = withUnsafeBytes(of: s) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
        }
    }
}
