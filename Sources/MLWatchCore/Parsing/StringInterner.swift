/// Reuses one `String` for byte sequences that repeat on every line (keys, feature names, model names,
/// categories), so the hot path does not allocate a new string per field per line.
///
/// Why hand-written: a `[String: String]` lookup would need the `String` first, which is the allocation
/// we are avoiding; here the lookup hashes the raw bytes. Bounded: once `capacity` distinct strings are
/// held, new ones are created without being remembered (high-cardinality values such as request ids).
struct StringInterner {
    private struct Entry {
        var bytes: [UInt8]
        var string: String
    }
    private var table: [UInt64: [Entry]] = [:]
    private var count = 0
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// - Complexity: O(n) in the byte count, amortized O(1) table work.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        if let bucket = table[h] {
            for e in bucket where e.bytes.elementsEqual(bytes) {
                return e.string
            }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if count < capacity {
            table[h, default: []].append(Entry(bytes: Array(bytes), string: s))
            count += 1
        }
        return s
    }
}
