import Foundation

/// Reuses one `String` for byte sequences that repeat on every line (keys, feature names, model names,
/// categories), so the hot path does not allocate a new string per field per line.
///
/// Why hand-written: a `[String: String]` lookup would need the `String` first, which is the allocation
/// we are avoiding; here the lookup hashes the raw bytes. Bounded: once `capacity` distinct strings are
/// held, new ones are created without being remembered (high-cardinality values such as request ids).
///
/// Layout (rewritten for speed after profiling `mlwatch-bench parse`, where the interner took ~12 % of
/// parse + ingest): an open-addressing table of indices into `entries`, linear probing, the bytes of all
/// entries in one arena compared word-at-a-time (`ByteHash`). The previous `[UInt64: [Entry]]` dictionary
/// paid a SipHash of the FNV hash, an array retain per bucket and a generic `elementsEqual` per lookup.
/// Since then: `ByteHash` instead of byte-at-a-time FNV-1a, and per-call-site hints (see `intern`).
struct StringInterner {
    private struct Entry {
        var hash: UInt64
        var start: Int
        var count: Int
        var string: String
    }
    private var entries: [Entry] = []
    private var arena: [UInt8] = []
    /// Slot → entry index + 1 (0 = empty). Power-of-two size, at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 256)
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// Entry index + 1 last returned for each call site (`hint`), 0 = none.
    private var hints: [Int32] = Array(repeating: 0, count: StringInterner.hintCount)
    /// Call sites that may pass a hint: `0..<hintCount`.
    static let hintCount = 160

    /// - Parameter hint: a number for the call site (e.g. "the name of the 3rd feature"), or -1. Lines of
    ///   one log repeat the same strings in the same places, so the string this site returned last time is
    ///   compared first, with no hashing and no probing. Why: after the table itself was made fast, the
    ///   hash and probe were still ~8 % of parse + ingest; feature names, model, version and status hit
    ///   this check on nearly every line.
    /// - Complexity: O(n) in the byte count, amortized O(1) table work.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, hint: Int = -1) -> String {
        if hint >= 0, hint < hints.count {
            let e = Int(hints[hint])
            if e != 0 {
                let same = entries.withUnsafeBufferPointer { es in
                    let entry = es[e - 1]
                    guard entry.count == bytes.count else { return false }
                    return entry.count == 0 || arena.withUnsafeBufferPointer {
                        ByteHash.equal($0.baseAddress! + entry.start, bytes.baseAddress!, entry.count)
                    }
                }
                if same { return entries[e - 1].string }
            }
        }
        let h = ByteHash.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e == 0 { break }
            let found = entries.withUnsafeBufferPointer { es in
                let entry = es[e - 1]
                guard entry.hash == h, entry.count == bytes.count else { return false }
                return entry.count == 0 || arena.withUnsafeBufferPointer {
                    ByteHash.equal($0.baseAddress! + entry.start, bytes.baseAddress!, entry.count)
                }
            }
            if found {
                if hint >= 0, hint < hints.count { hints[hint] = Int32(e) }
                return entries[e - 1].string
            }
            slot = (slot + 1) & mask
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if entries.count < capacity {
            entries.append(Entry(hash: h, start: arena.count, count: bytes.count, string: s))
            arena.append(contentsOf: bytes)
            slots[slot] = Int32(entries.count)
            if hint >= 0, hint < hints.count { hints[hint] = Int32(entries.count) }
            if entries.count * 2 > slots.count { grow() }
        }
        return s
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, e) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: e.hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(k + 1)
        }
    }
}
