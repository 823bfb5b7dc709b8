/// LSD radix sort for `Double`, used on the drift hot path.
///
/// Why not `Array.sort()`: the standard library sort is a comparison sort (introsort/timsort
/// family) costing O(n log n) comparisons through a generic `<` that also has to respect NaN
/// semantics; on 100k doubles that is ~17 dependent compare-and-branch passes with poorly
/// predictable branches. A drift refresh sorts every numeric feature of every window (20 × 100k
/// values per tick), so that cost dominates the whole statistics step. An LSD radix sort on the
/// order-preserving bit pattern of the double does a fixed number of linear, branch-free passes
/// (6 passes of 11 bits), and passes in which every key has the same digit (the sign and
/// exponent bits of a feature with a narrow range, typically 1–3 passes) are skipped after
/// one combined histogram pass. `mlwatch-bench drift` measures the ratio.
///
/// Order-preserving key: for x ≥ +0 set the sign bit, for negative x flip all bits. The result
/// compares as an unsigned integer exactly as the doubles compare (−0.0 sorts just before +0.0,
/// which compare equal anyway). Non-finite values are filtered before sorting by the callers
/// that need it (`finiteSorted`).
public enum DoubleRadixSort {
    static let digitBits = 11
    static let radix = 1 << digitBits
    static let passes = 6  // 6 × 11 = 66 ≥ 64 bits

    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return (bits & (1 << 63)) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        let bits = (key & (1 << 63)) != 0 ? key & ~(1 << 63) : ~key
        return Double(bitPattern: bits)
    }

    /// All values, sorted ascending. NaNs must not be present (they would sort to the ends).
    /// - Complexity: O(n) (≤ 7 linear passes).
    public static func sorted(_ values: [Double]) -> [Double] {
        sortKeys(values, filterNonFinite: false)
    }

    /// The finite values (NaN and ±∞ dropped, as Evidently cleans a column), sorted ascending.
    /// - Complexity: O(n).
    public static func finiteSorted(_ values: [Double]) -> [Double] {
        sortKeys(values, filterNonFinite: true)
    }

    /// Sorts `values` ascending in place (the same order as `sorted`), with one scratch buffer of its size
    /// instead of a second array: a column filled from empty (`SortedColumn`) is sorted where it was
    /// filled. NaNs must not be present.
    /// - Complexity: O(n).
    public static func sortInPlace(_ values: inout [Double]) {
        let n = values.count
        if n == 0 { return }
        var histograms = [UInt32](repeating: 0, count: radix * passes)
        values.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UInt64.self) { keys in
                histograms.withUnsafeMutableBufferPointer { hist in
                    for i in 0..<n {
                        let k = key(Double(bitPattern: keys[i]))
                        keys[i] = k
                        count(k, into: hist)
                    }
                    sortKeys(keys, count: n, histograms: hist)
                }
            }
        }
    }

    @inline(__always)
    private static func count(_ k: UInt64, into hist: UnsafeMutableBufferPointer<UInt32>) {
        let mask = UInt64(radix - 1)
        hist[Int(k & mask)] &+= 1
        hist[radix + Int((k >> 11) & mask)] &+= 1
        hist[2 * radix + Int((k >> 22) & mask)] &+= 1
        hist[3 * radix + Int((k >> 33) & mask)] &+= 1
        hist[4 * radix + Int((k >> 44) & mask)] &+= 1
        hist[5 * radix + Int((k >> 55) & mask)] &+= 1
    }

    static func sortKeys(_ values: [Double], filterNonFinite: Bool) -> [Double] {
        let n = values.count
        if n == 0 { return [] }
        // Histograms of all six digits in one pass (UInt32 counts: 48 KB, stays in L2).
        var histograms = [UInt32](repeating: 0, count: radix * passes)
        var count = 0
        // The output array holds the keys' bit patterns while sorting (no separate key array),
        // and neither buffer is zero-filled first.
        let out = [Double](unsafeUninitializedCapacity: n) { outBuffer, initialized in
          outBuffer.withMemoryRebound(to: UInt64.self) { keys in
            values.withUnsafeBufferPointer { src in
                histograms.withUnsafeMutableBufferPointer { hist in
                    for x in src {
                        if filterNonFinite && !x.isFinite { continue }
                        let k = key(x)
                        keys[count] = k
                        count += 1
                        Self.count(k, into: hist)
                    }
                    if count > 0 { sortKeys(keys, count: count, histograms: hist) }
                }
            }
          }
          initialized = count
        }
        return out
    }

    /// Sorts the first `count` order-preserving keys of `keys` (histograms of every digit already counted in
    /// `hist`), then turns them back into the doubles' bit patterns, in place.
    private static func sortKeys(_ keys: UnsafeMutableBufferPointer<UInt64>, count: Int,
                                 histograms hist: UnsafeMutableBufferPointer<UInt32>) {
        let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
        defer { scratch.deallocate() }
        var inKeys = true  // data currently in `keys`
        let mask = UInt64(radix - 1)
        for p in 0..<passes {
            let base = p * radix
            let shift = UInt64(p * digitBits)
            // Skip a pass in which every key has the same digit (keys[0] is always
            // one of the keys, whichever buffer currently holds the data).
            if hist[base + Int((keys[0] >> shift) & mask)] == UInt32(count) { continue }
            // Exclusive prefix sums → bucket offsets.
            var sum: UInt32 = 0
            for d in 0..<radix {
                let c = hist[base + d]
                hist[base + d] = sum
                sum &+= c
            }
            let src = inKeys ? keys : scratch
            let dst = inKeys ? scratch : keys
            for i in 0..<count {
                let k = src[i]
                let d = base + Int((k >> shift) & mask)
                dst[Int(hist[d])] = k
                hist[d] &+= 1
            }
            inKeys.toggle()
        }
        if !inKeys {
            for i in 0..<count { keys[i] = scratch[i] }
        }
        // Back from keys to the doubles' bit patterns, in place.
        for i in 0..<count { keys[i] = value(keys[i]).bitPattern }
    }
}
