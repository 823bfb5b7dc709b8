/// Distinct strings, each with the number of values that name it; a string goes when its count reaches
/// zero (its number is reused). A window keeps two: the category strings of its `FeatureSlab`, and the
/// output labels and feedback of its records (`EventWindow`). A small cache keyed by a string's bits finds
/// the number of a recent string without hashing it (interned strings and small ones have the bits of
/// every equal string; see `CategoryCounts`).
struct CategoryTable {
    private var strings: ContiguousArray<String> = []
    private var references: ContiguousArray<UInt32> = []
    private var index: [String: UInt32] = [:]
    private var free: [UInt32] = []
    /// Direct-mapped: (low bits, high bits, number + 1); 0 = empty.
    private var recent = ContiguousArray<(UInt64, UInt64, UInt32)>(repeating: (0, 0, 0), count: 256)

    /// Distinct strings held.
    var count: Int { index.count }

    /// Counts one more value naming `s`; returns its number.
    mutating func retain(_ s: String) -> UInt32 {
        let (low, high) = Self.bits(s)
        let h = Int(truncatingIfNeeded: ((low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 56)
        let cached = recent[h]
        if cached.2 != 0, cached.0 == low, cached.1 == high {
            // Still that string: the number may have been freed and reused since, so its string's bits
            // are compared too (the table holds that string, so its bits cannot name another one).
            let id = cached.2 - 1
            if references[Int(id)] > 0, Self.bits(strings[Int(id)]) == (low, high) {
                references[Int(id)] += 1
                return id
            }
        }
        let id: UInt32
        if let known = index[s] {
            id = known
            references[Int(id)] += 1
        } else if let reused = free.popLast() {
            id = reused
            strings[Int(id)] = s
            references[Int(id)] = 1
            index[s] = id
        } else {
            id = UInt32(strings.count)
            strings.append(s)
            references.append(1)
            index[s] = id
        }
        // Cache the bits of the string stored, so that a hit is that very string.
        if Self.bits(strings[Int(id)]) == (low, high) { recent[h] = (low, high, id + 1) }
        return id
    }

    @inline(__always)
    private static func bits(_ s: String) -> (UInt64, UInt64) {
        withUnsafeBytes(of: s) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// Counts one value naming string number `id` fewer.
    mutating func release(_ id: UInt32) {
        let i = Int(id)
        references[i] -= 1
        if references[i] == 0 {
            index[strings[i]] = nil
            strings[i] = ""
            free.append(id)
        }
    }

    func withStrings<R>(_ body: (UnsafeBufferPointer<String>) -> R) -> R {
        strings.withUnsafeBufferPointer(body)
    }
}
