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
/// entries in one arena compared with `memcmp`. The previous `[UInt64: [Entry]]` dictionary paid a SipHash
/// of the FNV hash, an array retain per bucket and a generic `elementsEqual` per lookup.
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

    /// - Complexity: O(n) in the byte count, amortized O(1) table work.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // FNV-1a, then a final mix so that the low bits used for the slot depend on every byte.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 29
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e == 0 { break }
            let entry = entries[e - 1]
            if entry.hash == h, entry.count == bytes.count {
                let same = entry.count == 0 || arena.withUnsafeBufferPointer {
                    memcmp($0.baseAddress! + entry.start, bytes.baseAddress!, entry.count) == 0
                }
                if same { return entry.string }
            }
            slot = (slot + 1) & mask
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if entries.count < capacity {
            entries.append(Entry(hash: h, start: arena.count, count: bytes.count, string: s))
            arena.append(contentsOf: bytes)
            slots[slot] = Int32(entries.count)
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
